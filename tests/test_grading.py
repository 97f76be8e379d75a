"""End-to-end grading through the real nbgrader CLI.

Two pipeline runs, each once per session: `make grade` grades, in two parallel jobs, the bundled
full example student of every assignment (the solution: it must score full marks and reproduce
the committed mutation record's solution cell for cell) and the partial and empty ones (the
untouched release scores 0) of a sample of assignments drawn by the commit (the record vouches
for every assignment's, and these must reproduce it), and one in-process run grades a sample
drawn by the commit - one mutant of each assignment of one half, one alternative correct answer
of each of the other half - by the trusted checks alone, which must reproduce the record
(grader/reference/mutation_record.json, made by `make mutants RECORD=1`, checked fresh and
complete here: it vouches for every mutant and alternative). The sharding test grades a1's
examples again, serially, and must merge into exactly what the parallel run recorded.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader import mutation
from grader.grade import GradeReport, default_jobs, grade
from grader.mutation import (
    RECORDED_EXAMPLES,
    SOLUTION_STUDENT,
    cell_scores,
    failing,
    load_record,
    manual_points,
    max_points,
    record_problems,
    sample_mutants,
    summarize,
    survivors,
    write_submission,
)
from grader.submissions import (
    EXAMPLES,
    answer_cells,
    full_submission,
    load_alternatives,
    load_mutants,
    mutant_submission,
    notebooks,
    read,
)
from grader.workspace import ASSIGNMENTS, REPO, SOLUTIONS, GradingError, assignment_ids

pytestmark = pytest.mark.slow
ALL = assignment_ids()
#: the assignment the tests that grade one again use: the quickest to execute (NumPy and SciPy
#: only, no TensorFlow in its kernel)
QUICK = "a1_theory"


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _seed() -> str:
    from gancourse.provenance import git

    return (git("rev-parse", "HEAD") or "no commit").strip()


def _halves(seed: str) -> tuple[list[str], list[str]]:
    """ALL split in two halves at random, drawn by ``seed``: the assignments whose mutant this
    run re-grades, and those whose alternative it re-grades."""
    shuffled = random.Random(seed).sample(ALL, len(ALL))
    return sorted(shuffled[: len(ALL) // 2]), sorted(shuffled[len(ALL) // 2:])


#: what draws this run's samples: the commit (each commit re-grades other ones)
SEED = _seed()
MUTATED, ALTERNATED = _halves(SEED)
#: the mutants this run re-grades: one of each assignment of one half (grader/mutation.py's
#: sample_mutants); the committed record vouches for all of them and must be reproduced by these
#: cell for cell
SAMPLE = sample_mutants(MUTATED, per_assignment=1, seed=SEED)
#: and one alternative correct answer of each assignment of the other half (the record vouches
#: for all of them too): every assignment has one of its variants re-graded
ALT_SAMPLE = sample_mutants(ALTERNATED, per_assignment=1, seed=SEED, alternatives=True)


#: the assignments whose partial and empty example students the examples run grades: QUICK (the
#: shard test grades its three again) and one other drawn by the commit
EXAMPLE_SAMPLE = sorted({QUICK, random.Random(SEED).choice([a for a in ALL if a != QUICK])})
#: {example student: the assignments the examples run grades it in}
GRADED_EXAMPLES = {"example_full": ALL, "example_partial": EXAMPLE_SAMPLE,
                   "example_empty": EXAMPLE_SAMPLE}


def _names_its_mistake(m, record: dict) -> bool:
    """Whether the record has grader/mistakes.py naming mutant ``m`` in one of its cells."""
    recorded = record["assignments"][m.assignment]["mistakes"]
    return any(e["mutant"] == m.name for cell in m.kills + m.loses for e in recorded.get(cell, []))


def _feedback_sample(record: dict) -> list:
    """SAMPLE, plus one mutant whose mistake the record names if none of SAMPLE's is (drawn by
    the same seed), so that the feedback test always has a named mistake to look for."""
    if any(_names_its_mistake(m, record) for m in SAMPLE):
        return []
    named = [m for a in ALL for m in load_mutants(a) if _names_its_mistake(m, record)]
    return [random.Random(SEED).choice(named)]


@pytest.fixture(scope="module")
def record():
    return load_record()


@pytest.fixture(scope="module")
def mutant_run(tmp_path_factory, record):
    """The sampled mutants and alternatives (one of each assignment), graded in one run, the
    trusted checks alone deciding (every mutant must be caught by code outside the
    student's process)."""
    subs = tmp_path_factory.mktemp("subs")
    for m in (*SAMPLE, *ALT_SAMPLE, *_feedback_sample(record)):
        write_submission(subs, m.student_id, m.assignment, mutant_submission(m))
    return grade(subs, tmp_path_factory.mktemp("out") / "results", verbose=False,
                 jobs=default_jobs(), checks_only=True)


def _read_results(out: Path) -> GradeReport:
    """The scores a grading run wrote to ``out`` (grades.csv and cells.csv), read back."""
    report = GradeReport(out=out, seconds=0.0)
    with open(out / "grades.csv", newline="") as f:
        for r in csv.DictReader(f):
            key = (r["student_id"], r["assignment"])
            report.totals[key] = (float(r["score"]), float(r["max_score"]))
            if r["message"] and r["status"] == "error":
                report.problems[key] = r["message"]
            elif r["message"]:  # the notes, written joined by " | "
                report.notes[key] = r["message"].split(" | ")
    with open(out / "cells.csv", newline="") as f:
        for r in csv.DictReader(f):
            report.cells[(r["student_id"], r["assignment"], r["cell"])] = (
                float(r["score"]), float(r["max_score"]))
    return report


@dataclass
class ExamplesRun:
    proc: subprocess.CompletedProcess
    out: Path
    before: dict[Path, str]  #: digests of the sources, the release and the examples before it
    report: GradeReport  #: what it wrote, read back (example_full is the solution)


def _bundled_sample(dest: Path) -> Path:
    """The bundled examples of the run, copied to ``dest`` with their expected scores: every
    assignment's full student, EXAMPLE_SAMPLE's partial and empty ones."""
    expected = json.loads((EXAMPLES / "expected_scores.json").read_text())
    assert set(expected) == set(GRADED_EXAMPLES)
    for student, assignments in GRADED_EXAMPLES.items():
        for a in assignments:
            shutil.copytree(EXAMPLES / student / a, dest / student / a)
    (dest / "expected_scores.json").write_text(json.dumps(
        {s: {a: expected[s][a] for a in assignments} for s, assignments in GRADED_EXAMPLES.items()}))
    return dest


@pytest.fixture(scope="module")
def examples_run(tmp_path_factory) -> ExamplesRun:
    """`make grade` on the bundled example students (the sample above), two parallel jobs."""
    subs = _bundled_sample(tmp_path_factory.mktemp("bundled") / "examples")
    before = {p: tree_digest(p) for p in (SOLUTIONS, ASSIGNMENTS, EXAMPLES, subs)}
    out = tmp_path_factory.mktemp("examples") / "results"
    proc = subprocess.run(["make", "--no-print-directory", "grade", f"SUBMISSIONS={subs}",
                           f"OUT={out}", "JOBS=2"],
                          cwd=REPO, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return ExamplesRun(proc, out, before, _read_results(out))


def _with_solutions(mutant_run: GradeReport, examples: GradeReport) -> GradeReport:
    """``mutant_run`` with each assignment's solution (the example_full student of the examples
    run) as student SOLUTION_STUDENT, as the mutation-score table wants it."""
    report = GradeReport(out=mutant_run.out, seconds=0.0, totals=dict(mutant_run.totals),
                         cells=dict(mutant_run.cells))
    for (s, a), v in examples.totals.items():
        if s == "example_full":
            report.totals[(SOLUTION_STUDENT, a)] = v
    for (s, a, cell), v in examples.cells.items():
        if s == "example_full":
            report.cells[(SOLUTION_STUDENT, a, cell)] = v
    return report


def test_release_is_up_to_date():
    proc = subprocess.run([sys.executable, "-m", "grader.release", "--check"], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_assignment_has_mutants_covering_every_answer_cell():
    for a in ALL:
        mutants = load_mutants(a)
        answers = set()
        for nb in notebooks(a):
            answers |= set(answer_cells(read(SOLUTIONS / a / nb)))
        assert answers <= {m.cell for m in mutants}, (
            f"{a}: answer cells without a mutant")


def test_the_mutation_record_vouches_for_every_mutant_of_this_checkout(record):
    assert record_problems(record, ALL) == []
    prov = record["provenance"]
    assert prov["command"].startswith("python -m grader.mutation --record")
    assert prov["machine"] and prov["finished"] and prov["seconds"] > 0 and prov["commit"]
    for a in ALL:
        own = record["assignments"][a]["provenance"]  # the run that graded this assignment
        assert own["command"].startswith("python -m grader.mutation --record") and own["commit"]
        assert len(record["assignments"][a]["mutants"]) == len(load_mutants(a)) > 0
        assert len(record["assignments"][a]["alternatives"]) == len(load_alternatives(a)) > 0


def test_a_stale_or_doctored_record_is_refused(record):
    a = ALL[0]
    victim = load_mutants(a)[0]
    doctored = json.loads(json.dumps(record))
    cell = (victim.kills + victim.loses)[0]
    doctored["assignments"][a]["mutants"][victim.name][cell] = mutation.test_points(a)[cell]
    assert any(f"{victim.name} survived" in p for p in record_problems(doctored, [a]))
    doctored = json.loads(json.dumps(record))
    doctored["assignments"][a]["inputs_sha256"] = "0" * 64
    assert any("changed since the record" in p for p in record_problems(doctored, [a]))
    doctored = json.loads(json.dumps(record))
    del doctored["assignments"][a]["mutants"][victim.name]
    assert any("not grader/mutants" in p for p in record_problems(doctored, [a]))
    alt = load_alternatives(a)[0]
    doctored = json.loads(json.dumps(record))
    cells = doctored["assignments"][a]["alternatives"][alt.name]
    cells[next(iter(cells))] = 0.0
    assert any(f"{alt.name}: a correct answer lost points" in p for p in record_problems(doctored, [a]))
    del doctored["assignments"][a]["alternatives"][alt.name]
    assert any("not grader/alternatives" in p for p in record_problems(doctored, [a]))
    doctored["assignments"].pop(a)
    assert record_problems(doctored, [a]) == [f"{a}: not in the record"]
    with pytest.raises(FileNotFoundError, match="make mutants RECORD=1"):
        load_record(REPO / "grader" / "reference" / "no_such_record.json")


def test_recording_some_assignments_keeps_the_others_entries(record):
    a, b = ALL[0], ALL[1]
    fresh = {"provenance": {"command": "python -m grader.mutation --record --assignment " + a},
             "assignments": {a: dict(record["assignments"][a], mutants={})}}
    merged = mutation.merge_record(record, fresh)
    assert merged["assignments"][a]["mutants"] == {}  # replaced
    assert merged["assignments"][b] == record["assignments"][b]  # kept, with its provenance
    assert merged["provenance"] == fresh["provenance"]
    assert list(merged["assignments"]) == sorted(merged["assignments"])
    assert mutation.merge_record(None, fresh)["assignments"] == fresh["assignments"]


def test_the_sample_changes_with_the_commit():
    assert len(SAMPLE) + len(ALT_SAMPLE) == len(ALL) and len(SAMPLE) == len(ALL) // 2
    mutated, alternated = {m.assignment for m in SAMPLE}, {m.assignment for m in ALT_SAMPLE}
    assert mutated | alternated == set(ALL) and not mutated & alternated
    halves = {tuple(_halves(str(i))[0]) for i in range(10)}
    assert len(halves) > 1 and all(len(h) == len(ALL) // 2 for h in halves)
    others = [sample_mutants(ALL, 1, seed=str(i)) for i in range(5)]
    assert len({tuple(m.name for m in o) for o in others}) > 1


@pytest.mark.parametrize("assignment", ALL)
def test_solution_scores_full_marks_as_recorded(examples_run, record, assignment, tmp_path):
    """The solution (the bundled example_full student: the release with every answer filled
    in) through `make grade`."""
    write_submission(tmp_path, "solution", assignment, full_submission(assignment))
    assert tree_digest(tmp_path / "solution" / assignment) == \
        tree_digest(EXAMPLES / "example_full" / assignment)
    full = max_points(assignment)
    assert full > 0
    report = examples_run.report
    assert report.score("example_full", assignment) == full
    # no false alarm of the sandbox: nothing flagged, restored or truncated
    assert ("example_full", assignment) not in report.notes, \
        report.notes[("example_full", assignment)]
    assert ("example_full", assignment) not in report.problems
    # the same cell scores as when (and where) the record was made, there by the trusted
    # checks alone, here by the checks and the kernel together
    assert cell_scores(report, "example_full", assignment) == \
        record["assignments"][assignment]["solution"]


@pytest.mark.parametrize("assignment", EXAMPLE_SAMPLE)
def test_sampled_examples_score_as_recorded(examples_run, record, assignment):
    """The partial and empty students through `make grade`, cell for cell as the record has
    them (the record, checked above, vouches for the other assignments' the same way)."""
    report = examples_run.report
    for student in RECORDED_EXAMPLES:
        assert (student, assignment) not in report.problems
        assert cell_scores(report, student, assignment) == \
            record["assignments"][assignment]["examples"][student], student
    assert report.score("example_empty", assignment) == 0


@pytest.mark.parametrize("mutant", SAMPLE, ids=lambda m: f"{m.assignment}/{m.name}")
def test_mutant_loses_points_as_recorded(mutant_run, record, mutant):
    score, max_score = mutant_run.totals[(mutant.student_id, mutant.assignment)]
    assert score < max_score, f"mutant survived: {mutant.why}"
    assert not survivors(mutant_run, [mutant]), f"a test cell in {mutant.kills} kept its points"
    assert cell_scores(mutant_run, mutant.student_id, mutant.assignment) == \
        record["assignments"][mutant.assignment]["mutants"][mutant.name]


@pytest.mark.parametrize("alternative", ALT_SAMPLE, ids=lambda m: f"{m.assignment}/{m.name}")
def test_alternative_keeps_full_marks_as_recorded(mutant_run, record, alternative):
    assert not failing(mutant_run, [alternative]), f"a correct answer lost points: {alternative.why}"
    assert cell_scores(mutant_run, alternative.student_id, alternative.assignment) == \
        record["assignments"][alternative.assignment]["alternatives"][alternative.name]


def test_feedback_names_the_mistake_a_mutant_reproduces(mutant_run, examples_run, record):
    """A failed test cell whose observations match a recorded mistake (grader/mistakes.py)
    says which; the solution's feedback names none."""
    named = 0
    for m in (*SAMPLE, *_feedback_sample(record)):
        if not _names_its_mistake(m, record):
            continue
        html = "".join(_html_text(p.read_text()) for p in
                       (mutant_run.out / "feedback" / m.student_id / m.assignment).glob("*.html"))
        named += f"This looks like a known mistake: {m.why}." in html
    assert named > 0, "no sampled mutant's feedback names its mistake"
    for a in ALL:
        html = "".join(p.read_text() for p in
                       (examples_run.out / "feedback" / "example_full" / a).glob("*.html"))
        assert html and "This looks like a known mistake" not in html


def test_mutation_score_table(mutant_run, examples_run):
    report = _with_solutions(mutant_run, examples_run.report)
    mutants = {a: [m for m in SAMPLE if m.assignment == a] for a in ALL}
    alternatives = {a: [alt for alt in ALT_SAMPLE if alt.assignment == a] for a in ALL}
    table, ok = summarize(report, mutants, alternatives)
    assert ok, table
    for a, ms in mutants.items():
        n = len(alternatives[a])
        assert re.search(rf"^{a}\s+{len(ms)} / {len(ms)}\s+{n} / {n}\s+"
                         rf"{max_points(a):g} / {max_points(a):g}$", table, re.M), table
    # a mutant that keeps its points is reported as a survivor and fails the score
    a = SAMPLE[0].assignment
    fake = dict(report.cells)
    victim = mutants[a][0]
    for cell in victim.kills + victim.loses:
        points = mutation.test_points(a)[cell]
        fake[(victim.student_id, a, cell)] = (points, points)
    doctored = GradeReport(out=report.out, seconds=0, totals=report.totals, cells=fake)
    table, ok = summarize(doctored, {a: mutants[a]})
    assert not ok and f"SURVIVED {victim.name}" in table


def _html_text(html: str) -> str:
    """A feedback page's visible text: tags (syntax highlighting splits code) removed."""
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def _hidden_lines(assignment: str, notebook: str, student: str) -> list[str]:
    """Lines of the source notebook's hidden tests that neither the release nor the student's
    own submission shows (an answer may well contain a line a hidden test also has)."""
    source = read(SOLUTIONS / assignment / notebook)
    released = "\n".join(c.source for nb in (ASSIGNMENTS / assignment / notebook,
                                             EXAMPLES / student / assignment / notebook)
                         for c in read(nb).cells)
    out = []
    for cell in source.cells:
        for m in re.finditer(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, re.S):
            out += [line.strip() for line in m.group(1).splitlines()
                    if len(line.strip()) >= 25 and line.strip() not in released]
    assert out, (assignment, notebook)
    return out


def test_make_grade_on_bundled_examples(examples_run):
    proc, out = examples_run.proc, examples_run.out
    expected = json.loads((EXAMPLES / "expected_scores.json").read_text())
    with open(out / "grades.csv") as f:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
    graded = {(s, a) for s, assignments in GRADED_EXAMPLES.items() for a in assignments}
    assert set(rows) == graded
    for student, per_assignment in expected.items():
        for a, score in per_assignment.items():
            if (student, a) not in graded:
                continue
            row = rows[(student, a)]
            assert float(row["score"]) == score, (student, a, row)
            # the maximum counts the written answer, graded by hand later in Formgrader
            assert float(row["max_score"]) == max_points(a) + manual_points(a) > max_points(a)
            for nb in notebooks(a):
                html = (out / "feedback" / student / a / f"{Path(nb).stem}.html").read_text()
                assert f"Score: {float(score)} / {float(max_points(a) + manual_points(a))}" in html
                # what goes back to the student shows no hidden test and no trusted check
                for secret in ("BEGIN HIDDEN TESTS", "#### CHECK", "#### PROBE", "observe("):
                    assert secret not in html, (student, a, secret)
                assert "hidden tests ran here" in html
                # math renders offline: MathML, no LaTeX left for a CDN's MathJax
                if any("$" in c.source for c in read(SOLUTIONS / a / nb).cells
                       if c.cell_type == "markdown"):
                    page = re.sub(r"<script.*?</script>", "", html, flags=re.S)
                    assert "<math" in page and "$$" not in page, (student, a)
                text = _html_text(html)
                for line in _hidden_lines(a, nb, student):
                    assert line not in text, (student, a, line)
    # three example students per assignment are bundled
    assert sum(len(scores) for scores in expected.values()) == 3 * len(ALL)
    n_scores = len(graded)
    assert f"all {n_scores} scores match" in proc.stdout, proc.stdout[-2000:]
    assert re.search(rf"grading: 100%.*{n_scores}/{n_scores}", proc.stdout), proc.stdout[-2000:]
    assert "in 2 parallel jobs" in proc.stdout, proc.stdout[-2000:]
    assert "Warning" not in proc.stdout + proc.stderr, (proc.stdout + proc.stderr)[-3000:]
    assert expected["example_full"] and all(v > 0 for v in expected["example_full"].values())
    assert all(v == 0 for v in expected["example_empty"].values())
    # never writes into the repository's sources, the release or the submissions
    assert examples_run.before == {p: tree_digest(p) for p in examples_run.before}
    assert not (REPO / "gradebook.db").exists()
    # refuses to overwrite earlier results
    again = subprocess.run(["make", "--no-print-directory", "grade", f"OUT={out}"], cwd=REPO,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode != 0 and "already holds results" in again.stderr


def test_grade_rejects_bad_input(tmp_path):
    with pytest.raises(GradingError, match="does not exist"):
        grade(tmp_path / "nope", tmp_path / "out", verbose=False)
    (tmp_path / "subs" / "bad student!" / "a0_data").mkdir(parents=True)
    (tmp_path / "subs" / "bob\n" / "a0_data").mkdir(parents=True)  # '$' would match before '\n'
    with pytest.raises(GradingError, match="(?s)no submissions found.*student ids"):
        grade(tmp_path / "subs", tmp_path / "out", verbose=False)
    shutil.rmtree(tmp_path / "subs")
    (tmp_path / "subs" / "alice" / "not_an_assignment").mkdir(parents=True)
    with pytest.raises(GradingError, match="no submissions found"):
        grade(tmp_path / "subs", tmp_path / "out", verbose=False)
    with pytest.raises(GradingError, match="unknown assignment"):
        grade(tmp_path / "subs", tmp_path / "out", ["a99"], verbose=False)
    # a broken expected_scores.json is refused before anything is graded
    shutil.copytree(EXAMPLES / "example_empty" / "a0_data", tmp_path / "subs" / "bob" / "a0_data")
    (tmp_path / "subs" / "expected_scores.json").write_text('{"bob": {"a0_data": "full"}}')
    with pytest.raises(GradingError, match="must be a number"):
        grade(tmp_path / "subs", tmp_path / "out", verbose=False)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("student, passes", [("example_full", True), ("example_empty", False)])
def test_validate_button(tmp_path, student, passes):
    """What the student's Validate button runs: the visible tests, in the ci profile (on
    QUICK, whose kernel needs no TensorFlow)."""
    a = QUICK
    nb = tmp_path / notebooks(a)[0]
    shutil.copyfile(EXAMPLES / student / a / nb.name, nb)
    env = {k: v for k, v in os.environ.items() if k != "GANCOURSE_PROFILE"}
    env["PATH"] = str(Path(sys.executable).parent) + ":" + env.get("PATH", "")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "validate", nb.name], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert ("Success! Your notebook passes all the tests." in out) == passes, out[-3000:]
    if not passes:
        assert "NotImplementedError" in out


def test_shards_graded_serially_merge_into_what_parallel_jobs_record(examples_run, tmp_path):
    """How a large class is graded on a cluster: one `grader.grade` task per shard of students
    (here one job each), then `grader.merge` builds the single gradebook.  It must hold exactly
    what `make grade`'s two parallel jobs (each a share of the students in its own workspace,
    merged) recorded for the same submissions."""
    from grader.grade import _shards
    from grader.merge import merge

    assert _shards({"a": ["s1", "s2", "s3"], "b": ["s1"]}, 2) == [
        {"a": ["s1", "s3"]}, {"a": ["s2"], "b": ["s1"]}]
    assert _shards({"a": ["s1"]}, 4) == [{"a": ["s1"]}]
    a, students = QUICK, ("example_full", "example_partial", "example_empty")
    for shard, members in (("s1", students[:1]), ("s2", students[1:])):
        for student in members:
            shutil.copytree(EXAMPLES / student / a, tmp_path / shard / student / a)
    # the two shards' tasks run at the same time, as on a cluster (each one job, on its own)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda shard: grade(tmp_path / shard, tmp_path / f"r{shard}", [a],
                                          verbose=False, jobs=1), ("s1", "s2")))
    rows = merge([tmp_path / "rs1", tmp_path / "rs2"], tmp_path / "merged")
    merged, parallel = _read_results(tmp_path / "merged"), examples_run.report
    assert {k: v for k, v in parallel.cells.items() if k[1] == a} == merged.cells
    assert {k: v for k, v in parallel.totals.items() if k[1] == a} == merged.totals
    assert len(merged.totals) == 3
    expected = json.loads((EXAMPLES / "expected_scores.json").read_text())
    assert {r["student_id"]: float(r["score"]) for r in rows} == {
        s: expected[s][a] for s in students}
    exports = {}
    for results in (tmp_path / "merged", examples_run.out):
        with open(results / "nbgrader_export.csv") as f:
            exports[results] = list(csv.DictReader(f))
    # nbgrader exports a row per student and assignment, submitted or not (0 then)
    assert len(exports[examples_run.out]) == 3 * len(ALL)
    merged_export = exports[tmp_path / "merged"]
    assert len(merged_export) == 3
    assert ({r["student_id"]: float(r["score"]) for r in merged_export}
            == {r["student_id"]: float(r["score"]) for r in rows})
    for student in students:
        assert (tmp_path / "merged" / "feedback" / student / a / f"{a}.html").is_file()
    with pytest.raises(GradingError, match="both"):  # overlapping shards
        merge([tmp_path / "rs1", tmp_path / "rs1"], tmp_path / "again")
    with pytest.raises(GradingError, match="jobs"):
        grade(EXAMPLES, tmp_path / "bad", [a], verbose=False, jobs=0)
