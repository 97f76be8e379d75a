"""Mutation score: grade every known-wrong answer (mutant) of every assignment.

    python -m grader.mutation [--assignment ID ...]      (make mutants)

For each assignment the full solution, each mutant (grader/mutants/<id>/*.py), each alternative
correct answer (grader/alternatives/<id>/*.py) and the bundled partial and empty example
students (grader/examples/) are graded together through the real pipeline.  A mutant is *killed*
when every test cell named in its ``# kills:`` header scores 0; a surviving mutant means a
hidden test that cannot fail.  An alternative *passes* when it keeps full marks; a failing one
means a correct answer that loses points.  The trusted checks alone decide
(``grade(checks_only=True)``, see grader/verdict.py): a mutant must be caught by code the
student's process cannot reach, not only by assertions run inside it.  Prints killed / total and
alternatives passing / total per assignment and exits 1 unless every mutant dies, every
alternative and the solution score full marks.

    python -m grader.mutation --record                    (make mutants RECORD=1)

also writes ``grader/reference/mutation_record.json``: every mutant's, alternative's, example
student's and the solution's per-cell scores, with what they were computed from (a digest per
assignment of what its scores depend on, ``grader/record_inputs.py``), how each mutant's
observations depart from the solution's (the known mistakes feedback names,
``grader/mistakes.py``) and provenance (command, machine, time, commit).  ``--record
--assignment ID`` grades only those assignments and replaces only their entries (a new
assignment, or one whose inputs changed, costs its own minutes, not the whole record's).
Grading all ~250 takes about an hour on 2 cores, so ``make test`` checks that the record is
fresh (its digests match this checkout), that it shows every mutant killed, every alternative
full, the empty example at 0 and the partial one at its expected score with every test cell
graded, and re-grades a sample of mutants, alternatives and example students (other ones for
every commit) plus each solution, which must reproduce the record cell for cell.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import sys
import tempfile
from pathlib import Path

from grader.grade import GradeReport, default_jobs, grade
from grader.mistakes import RECORD_ENV, collect_mistakes
from grader.progress import expected_scores
from grader.record_inputs import grading_inputs
from grader.submissions import (
    EXAMPLES,
    Alternative,
    Mutant,
    full_submission,
    graded_cells,
    load_alternatives,
    load_mutants,
    manual_cells,
    mutant_submission,
    notebooks,
    read,
    write_submission_folder,
)
from grader.workspace import MUTATION_RECORD, REPO, SOLUTIONS, assignment_ids

SOLUTION_STUDENT = "solution"
RECORD = MUTATION_RECORD
#: the bundled example students the record holds besides the solution (example_full)
RECORDED_EXAMPLES = ("example_partial", "example_empty")

def write_submission(root: Path, student: str, assignment: str, entries: dict) -> None:
    folder = root / student / assignment
    if folder.exists():
        raise FileExistsError(f"{folder} exists")
    write_submission_folder(folder, entries)


def build_mutant_submissions(root: Path, assignments: list[str]) -> dict[str, list[Mutant]]:
    """Write the solution and every mutant of each assignment as students under ``root``."""
    mutants = {}
    for a in assignments:
        write_submission(root, SOLUTION_STUDENT, a, full_submission(a))
        mutants[a] = load_mutants(a)
        for m in mutants[a]:
            write_submission(root, m.student_id, a, mutant_submission(m))
    return mutants


def build_alternative_submissions(root: Path, assignments: list[str]
                                  ) -> dict[str, list[Alternative]]:
    """Write every alternative correct answer of each assignment as students under ``root``."""
    alternatives = {}
    for a in assignments:
        alternatives[a] = load_alternatives(a)
        for alt in alternatives[a]:
            write_submission(root, alt.student_id, a, mutant_submission(alt))
    return alternatives


def copy_examples(root: Path, assignments: list[str]) -> None:
    """The bundled partial and empty example students of each assignment, copied under ``root``."""
    for a in assignments:
        for student in RECORDED_EXAMPLES:
            shutil.copytree(EXAMPLES / student / a, root / student / a)


def grade_variants(root: Path, assignments: list[str], jobs: int, mutants_too: bool = True
                   ) -> tuple[GradeReport, dict[str, list[Mutant]], dict[str, list[Alternative]]]:
    """Grade the solution, mutants and alternatives of ``assignments`` (in ``root``, a fresh
    folder); one report holds them all.

    Mutants are graded by the trusted checks alone (``checks_only``: each must be caught by code
    outside the student's process); alternatives and the partial and empty example students as
    a student is, the kernel's visible assertions counting too (a right answer must pass those
    as well).  ``mutants_too=False`` grades the solution, the alternatives and the examples only
    (a quick check while writing them)."""
    mutants = build_mutant_submissions(root / "mutants", assignments)
    if not mutants_too:
        mutants = {a: [] for a in assignments}
        for student in (root / "mutants").iterdir():
            if student.name != SOLUTION_STUDENT:
                shutil.rmtree(student)
    alternatives = build_alternative_submissions(root / "alternatives", assignments)
    copy_examples(root / "alternatives", assignments)
    report = grade(root / "mutants", root / "out-mutants", assignments, verbose=False,
                   jobs=jobs, checks_only=True)
    if assignments:
        alt = grade(root / "alternatives", root / "out-alternatives", assignments,
                    verbose=False, jobs=jobs)
        report.totals.update(alt.totals)
        report.cells.update(alt.cells)
        report.problems.update(alt.problems)
        report.notes.update(alt.notes)
        report.seconds += alt.seconds
    return report, mutants, alternatives


def test_points(assignment: str) -> dict[str, float]:
    """{test cell: points} of an assignment's source notebooks."""
    out: dict[str, float] = {}
    for nb in notebooks(assignment):
        out.update(graded_cells(read(SOLUTIONS / assignment / nb)))
    return out


def manual_points(assignment: str) -> float:
    """Points of an assignment's written answers, graded by hand (not by the autograder)."""
    return sum(sum(manual_cells(read(SOLUTIONS / assignment / nb)).values())
               for nb in notebooks(assignment))


def max_points(assignment: str) -> float:
    return sum(sum(graded_cells(read(SOLUTIONS / assignment / nb)).values())
               for nb in notebooks(assignment))


def kept_points(mutant: Mutant, cells: dict[str, float]) -> list[str]:
    """Test cells in which ``mutant`` (with per-cell scores ``cells``) kept points it should
    lose: all of a ``kills`` cell's, some of a ``loses`` cell's."""
    full = test_points(mutant.assignment)
    return [c for c in mutant.kills if cells.get(c) != 0] + \
        [c for c in mutant.loses if cells.get(c) is None or cells[c] >= full[c]]


def survivors(report: GradeReport, mutants: list[Mutant]) -> list[Mutant]:
    """Mutants that kept the points of a test cell they should lose."""
    return [m for m in mutants if kept_points(m, cell_scores(report, m.student_id, m.assignment))]


def failing(report: GradeReport, alternatives: list[Alternative]) -> list[Alternative]:
    """Alternative correct answers that lost points."""
    return [alt for alt in alternatives
            if report.score(alt.student_id, alt.assignment) != max_points(alt.assignment)]


def summarize(report: GradeReport, mutants: dict[str, list[Mutant]],
              alternatives: dict[str, list[Alternative]] | None = None) -> tuple[str, bool]:
    """The mutation-score table, and whether every mutant died and every solution and
    alternative is full."""
    alternatives = alternatives or {}
    ok = True
    lines = [f"{'assignment':<20}{'killed / total':>16}{'alternatives':>16}   solution"]
    for a, ms in mutants.items():
        alive = survivors(report, ms)
        alts = alternatives.get(a, [])
        wrong = failing(report, alts)
        solution = report.score(SOLUTION_STUDENT, a)
        ok &= solution == max_points(a) and not alive and not wrong
        lines.append(f"{a:<20}{len(ms) - len(alive):>8} / {len(ms):<6}"
                     f"{len(alts) - len(wrong):>8} / {len(alts):<6}   "
                     f"{solution:g} / {max_points(a):g}")
        lines += [f"   SURVIVED {m.name}: {m.why}" for m in alive]
        lines += [f"   LOST POINTS {alt.name} ({report.score(alt.student_id, a):g}): {alt.why}"
                  for alt in wrong]
    return "\n".join(lines), ok


def inputs_digest(assignment: str) -> str:
    """SHA-256 of everything a mutant's score depends on (``grader/record_inputs.py``): the
    assignment's source notebooks, mutants, alternatives and reference artifacts, the grading
    code, the library modules grading it can run, and the pins."""
    h = hashlib.sha256()
    for name, content in grading_inputs(assignment):
        h.update(name.encode() + b"\0" + content + b"\0")
    return h.hexdigest()


def cell_scores(report: GradeReport, student: str, assignment: str) -> dict[str, float]:
    """{test cell: score} of one graded submission."""
    return {cell: score for (s, a, cell), (score, _) in sorted(report.cells.items())
            if (s, a) == (student, assignment)}


def build_record(report: GradeReport, mutants: dict[str, list[Mutant]],
                 alternatives: dict[str, list[Alternative]], command: str,
                 fingerprints: Path | None = None) -> dict:
    """The mutation record of a grading run of every mutant (see the module docstring)."""
    from gancourse.provenance import cpu_model, git

    provenance = {
        "command": command,
        "machine": f"{platform.node()}: {cpu_model()}, {default_jobs()} core(s), "
                   f"{platform.system()} {platform.release()}",
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(report.seconds, 1),
        "commit": (git("rev-parse", "HEAD") or "unknown").strip(),
        "uncommitted_changes": bool((git("status", "--porcelain") or "").strip()),
    }
    record = {"provenance": provenance, "assignments": {}}
    for a, ms in mutants.items():
        record["assignments"][a] = {
            "provenance": provenance,  # the run that graded this assignment
            "inputs_sha256": inputs_digest(a),
            "max_score": max_points(a),
            "solution": cell_scores(report, SOLUTION_STUDENT, a),
            "mutants": {m.name: cell_scores(report, m.student_id, a) for m in ms},
            "alternatives": {alt.name: cell_scores(report, alt.student_id, a)
                             for alt in alternatives.get(a, [])},
            "examples": {student: cell_scores(report, student, a) for student in RECORDED_EXAMPLES},
            # grader/mistakes.py: how each mutant's observations depart from the solution's
            "mistakes": collect_mistakes(fingerprints, a, SOLUTION_STUDENT,
                                         [(m.name, m.student_id, m.kills + m.loses, m.why) for m in ms])
            if fingerprints is not None else {},
        }
    return record


def merge_record(old: dict | None, new: dict) -> dict:
    """``old`` with the assignments ``new`` graded replaced by ``new``'s entries (the others'
    entries, each with its own provenance, kept); the top-level provenance is the latest run's."""
    assignments = dict((old or {}).get("assignments", {}))
    assignments.update(new["assignments"])
    return {"provenance": new["provenance"], "assignments": dict(sorted(assignments.items()))}


def load_record(path: Path = RECORD) -> dict:
    if not path.is_file():
        raise FileNotFoundError(f"no mutation record at {path}: run `make mutants RECORD=1`")
    return json.loads(path.read_text())


def record_problems(record: dict, assignments: list[str]) -> list[str]:
    """Why ``record`` does not vouch for this checkout's mutants (empty: it does)."""
    problems = []
    for a in assignments:
        entry = record["assignments"].get(a)
        if entry is None:
            problems.append(f"{a}: not in the record")
            continue
        if entry["inputs_sha256"] != inputs_digest(a):
            problems.append(f"{a}: its sources, mutants or the code grading it changed since "
                            f"the record was made (run `make mutants RECORD=1 ASSIGNMENT={a}` "
                            "and commit the record)")
        full = max_points(a)
        if sum(entry["solution"].values()) != full:
            problems.append(f"{a}: the solution scored {sum(entry['solution'].values())} / {full}")
        ms = load_mutants(a)
        if set(entry["mutants"]) != {m.name for m in ms}:
            problems.append(f"{a}: the record's mutants are not grader/mutants/{a}/")
            continue
        for m in ms:
            kept = kept_points(m, entry["mutants"][m.name])
            if kept:
                problems.append(f"{a}/{m.name} survived: test cell(s) {kept} kept points")
        alts = load_alternatives(a)
        if set(entry.get("alternatives", {})) != {alt.name for alt in alts}:
            problems.append(f"{a}: the record's alternatives are not grader/alternatives/{a}/")
            continue
        for alt in alts:
            if sum(entry["alternatives"][alt.name].values()) != full:
                problems.append(f"{a}/{alt.name}: a correct answer lost points "
                                f"({sum(entry['alternatives'][alt.name].values())} / {full})")
        problems += _example_problems(a, entry.get("examples"))
    return problems


def _example_problems(assignment: str, examples: dict | None) -> list[str]:
    """Why a record entry's example students do not show the pipeline grading them as
    grader/examples/expected_scores.json says (every test cell graded: the grader did not
    crash on them)."""
    if not isinstance(examples, dict) or set(examples) != set(RECORDED_EXAMPLES):
        return [f"{assignment}: the record lacks the example students {list(RECORDED_EXAMPLES)} "
                f"(run `make mutants RECORD=1 ASSIGNMENT={assignment}`)"]
    expected = expected_scores(EXAMPLES) or {}
    problems = []
    for student in RECORDED_EXAMPLES:
        cells = examples[student]
        if set(cells) != set(test_points(assignment)):
            problems.append(f"{assignment}/{student}: not every test cell was graded")
        elif sum(cells.values()) != expected.get((student, assignment)):
            problems.append(f"{assignment}/{student} scored {sum(cells.values())}, expected "
                            f"{expected.get((student, assignment))}")
    return problems


def sample_mutants(assignments: list[str], per_assignment: int, seed: str,
                   alternatives: bool = False) -> list[Mutant] | list[Alternative]:
    """``per_assignment`` mutants (or alternatives) of each assignment, chosen by ``seed`` (the
    commit, so each commit re-grades other ones)."""
    rng = random.Random(seed)
    picked = []
    for a in assignments:
        ms = load_alternatives(a) if alternatives else load_mutants(a)
        picked += rng.sample(ms, min(per_assignment, len(ms)))
    return picked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", action="append", default=None)
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="parallel grading jobs (default: one per CPU core)")
    parser.add_argument("--record", action="store_true",
                        help=f"also write {RECORD.relative_to(REPO)} (with --assignment: "
                             "replace those assignments' entries, keep the others')")
    parser.add_argument("--alternatives-only", action="store_true",
                        help="grade the solutions and alternatives only, not the mutants")
    args = parser.parse_args(argv)
    if args.record and args.alternatives_only:
        parser.error("--record grades every mutant; leave out --alternatives-only")
    assignments = args.assignment or assignment_ids()
    with tempfile.TemporaryDirectory(prefix="gancourse-mutants-") as tmp:
        fingerprints = Path(tmp) / "fingerprints"
        os.environ[RECORD_ENV] = str(fingerprints)  # the trusted checks save what they observed
        try:
            report, mutants, alternatives = grade_variants(Path(tmp), assignments, args.jobs,
                                                           mutants_too=not args.alternatives_only)
        finally:
            os.environ.pop(RECORD_ENV, None)
        command = "python -m grader.mutation --record" + "".join(
            f" --assignment {a}" for a in args.assignment or ()) + f" --jobs {args.jobs}"
        record = build_record(report, mutants, alternatives, command, fingerprints)
    table, ok = summarize(report, mutants, alternatives)
    print(table)
    for a in assignments:
        for problem in _example_problems(a, record["assignments"][a]["examples"]):
            print(f"   EXAMPLE {problem}")
            ok = False
    print(f"graded {len(report.totals)} notebooks in {report.seconds:.0f} s")
    if args.record:
        if not ok:
            print(f"not writing {RECORD}: a mutant survived, a solution or alternative is not "
                  "full, or an example student did not score as expected")
            return 1
        if args.assignment and RECORD.is_file():
            record = merge_record(load_record(), record)
        RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        print(f"wrote {RECORD}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
