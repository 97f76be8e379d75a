"""Mutation score: grade every known-wrong answer (mutant) of every assignment.

    python -m grader.mutation [--assignment ID ...]      (make mutants)

For each assignment the full solution and each mutant (grader/mutants/<id>/*.py) are graded
together through the real pipeline.  A mutant is *killed* when every test cell named in its
``# kills:`` header scores 0; a surviving mutant means a hidden test that cannot fail.  The
trusted checks alone decide (``grade(checks_only=True)``, see grader/verdict.py): a mutant must
be caught by code the student's process cannot reach, not only by assertions run inside it.  Prints
killed / total per assignment and exits 1 if any mutant survives or the solution is not full.

    python -m grader.mutation --record                    (make mutants RECORD=1)

also writes ``grader/reference/mutation_record.json``: every mutant's per-cell scores and the
solution's, with what they were computed from (a digest of the assignment's sources, mutants and
the grading code) and provenance (command, machine, time, commit).  Grading all ~200 takes about
25 minutes on 2 cores, so ``make test`` checks that the record is fresh (its digests match this
checkout), that it shows every mutant killed, and re-grades a sample of mutants (other ones for
every commit) plus each solution, which must reproduce the record cell for cell.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import platform
import random
import sys
import tempfile
from pathlib import Path

from grader.grade import GradeReport, default_jobs, grade
from grader.submissions import (
    Mutant,
    full_submission,
    graded_cells,
    load_mutants,
    mutant_submission,
    notebooks,
    read,
    write_submission_folder,
)
from grader.workspace import REPO, SOLUTIONS, assignment_ids

SOLUTION_STUDENT = "solution"
RECORD = REPO / "grader" / "reference" / "mutation_record.json"
#: modules of grader/ that take no part in grading a submission (their edits keep the record)
NOT_GRADING = ("classroom.py", "student_course.py", "progress.py", "merge.py", "release.py",
               "calibrate_metrics.py", "feedback.py")


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


def max_points(assignment: str) -> float:
    return sum(sum(graded_cells(read(SOLUTIONS / assignment / nb)).values())
               for nb in notebooks(assignment))


def survivors(report: GradeReport, mutants: list[Mutant]) -> list[Mutant]:
    """Mutants that kept the points of a test cell they should lose."""
    return [m for m in mutants
            if any(report.cells.get((m.student_id, m.assignment, c), (None,))[0] != 0 for c in m.kills)]


def summarize(report: GradeReport, mutants: dict[str, list[Mutant]]) -> tuple[str, bool]:
    """The mutation-score table, and whether every mutant died and every solution is full."""
    ok = True
    lines = [f"{'assignment':<20}{'killed / total':>16}   solution"]
    for a, ms in mutants.items():
        alive = survivors(report, ms)
        solution = report.score(SOLUTION_STUDENT, a)
        ok &= solution == max_points(a) and not alive
        lines.append(f"{a:<20}{len(ms) - len(alive):>8} / {len(ms):<6}   "
                     f"{solution:g} / {max_points(a):g}")
        lines += [f"   SURVIVED {m.name}: {m.why}" for m in alive]
    return "\n".join(lines), ok


def inputs_digest(assignment: str) -> str:
    """SHA-256 of everything a mutant's score depends on: the assignment's source notebooks,
    mutants and reference artifacts, the grading code (grader/, gancourse/) and the pins."""
    files = [p for base in (SOLUTIONS / assignment, REPO / "grader" / "mutants" / assignment,
                            REPO / "grader" / "reference" / assignment)
             for p in sorted(base.rglob("*")) if p.is_file()
             and not any(part.startswith(".") or part == "__pycache__"  # lab checkpoints, caches
                         for part in p.relative_to(base).parts)]
    files += [p for p in sorted((REPO / "grader").glob("*.py")) if p.name not in NOT_GRADING]
    files += sorted((REPO / "gancourse").rglob("*.py"))
    files += [REPO / "pyproject.toml", REPO / "requirements.lock"]
    h = hashlib.sha256()
    for p in files:
        h.update(str(p.relative_to(REPO)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def cell_scores(report: GradeReport, student: str, assignment: str) -> dict[str, float]:
    """{test cell: score} of one graded submission."""
    return {cell: score for (s, a, cell), (score, _) in sorted(report.cells.items())
            if (s, a) == (student, assignment)}


def build_record(report: GradeReport, mutants: dict[str, list[Mutant]],
                 command: str) -> dict:
    """The mutation record of a grading run of every mutant (see the module docstring)."""
    from gancourse.provenance import cpu_model, git

    record = {"provenance": {
        "command": command,
        "machine": f"{platform.node()}: {cpu_model()}, {default_jobs()} core(s), "
                   f"{platform.system()} {platform.release()}",
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(report.seconds, 1),
        "commit": (git("rev-parse", "HEAD") or "unknown").strip(),
        "uncommitted_changes": bool((git("status", "--porcelain") or "").strip()),
    }, "assignments": {}}
    for a, ms in mutants.items():
        record["assignments"][a] = {
            "inputs_sha256": inputs_digest(a),
            "max_score": max_points(a),
            "solution": cell_scores(report, SOLUTION_STUDENT, a),
            "mutants": {m.name: cell_scores(report, m.student_id, a) for m in ms},
        }
    return record


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
            problems.append(f"{a}: its sources, mutants or the grading code changed since the "
                            "record was made (run `make mutants RECORD=1` and commit it)")
        full = max_points(a)
        if sum(entry["solution"].values()) != full:
            problems.append(f"{a}: the solution scored {sum(entry['solution'].values())} / {full}")
        ms = load_mutants(a)
        if set(entry["mutants"]) != {m.name for m in ms}:
            problems.append(f"{a}: the record's mutants are not grader/mutants/{a}/")
            continue
        for m in ms:
            cells = entry["mutants"][m.name]
            if any(cells.get(c) != 0 for c in m.kills):
                problems.append(f"{a}/{m.name} survived: a test cell in {m.kills} kept points")
    return problems


def sample_mutants(assignments: list[str], per_assignment: int, seed: str) -> list[Mutant]:
    """``per_assignment`` mutants of each assignment, chosen by ``seed`` (the commit, so each
    commit re-grades other ones)."""
    rng = random.Random(seed)
    picked = []
    for a in assignments:
        ms = load_mutants(a)
        picked += rng.sample(ms, min(per_assignment, len(ms)))
    return picked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", action="append", default=None)
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="parallel grading jobs (default: one per CPU core)")
    parser.add_argument("--record", action="store_true",
                        help=f"also write {RECORD.relative_to(REPO)} (every assignment)")
    args = parser.parse_args(argv)
    if args.record and args.assignment:
        parser.error("--record grades every assignment; leave out --assignment")
    assignments = args.assignment or assignment_ids()
    with tempfile.TemporaryDirectory(prefix="gancourse-mutants-") as tmp:
        mutants = build_mutant_submissions(Path(tmp) / "subs", assignments)
        report = grade(Path(tmp) / "subs", Path(tmp) / "out", assignments, verbose=False,
                       jobs=args.jobs, checks_only=True)
    table, ok = summarize(report, mutants)
    print(table)
    print(f"graded {len(report.totals)} notebooks in {report.seconds:.0f} s")
    if args.record:
        if not ok:
            print(f"not writing {RECORD}: a mutant survived or a solution is not full")
            return 1
        RECORD.write_text(json.dumps(build_record(report, mutants, "python -m grader.mutation "
                                                  f"--record --jobs {args.jobs}"),
                                     indent=1, sort_keys=True) + "\n")
        print(f"wrote {RECORD}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
