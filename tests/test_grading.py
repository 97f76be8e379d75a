"""End-to-end grading through the real nbgrader CLI.

One pipeline run grades, side by side: the full solution (twice, to check determinism), every
mutant of every assignment, and (through `make grade`) the bundled example students.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader.grade import grade
from grader.submissions import (EXAMPLES, answer_cells, full_submission, graded_cells,
                                load_mutants, mutant_submission, notebooks, read)
from grader.workspace import ASSIGNMENTS, REPO, SOLUTIONS, GradingError, assignment_ids

pytestmark = pytest.mark.slow
ALL = assignment_ids()


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def max_points(assignment: str) -> float:
    return sum(sum(graded_cells(read(SOLUTIONS / assignment / nb)).values())
               for nb in notebooks(assignment))


def write_submission(root: Path, student: str, assignment: str, nbs: dict) -> None:
    folder = root / student / assignment
    folder.mkdir(parents=True)
    for name, nb in nbs.items():
        nbformat.write(nb, str(folder / name))


@pytest.fixture(scope="module")
def mutant_run(tmp_path_factory):
    subs = tmp_path_factory.mktemp("subs")
    for a in ALL:
        for copy in ("solution_1", "solution_2"):
            write_submission(subs, copy, a, full_submission(a))
        for m in load_mutants(a):
            write_submission(subs, m.student_id, a, mutant_submission(m))
    report = grade(subs, tmp_path_factory.mktemp("out") / "results", verbose=False)
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
        assert answers <= {m.cell for m in mutants}, f"{a}: answer cells without a mutant"


@pytest.mark.parametrize("assignment", ALL)
def test_solution_scores_full_marks_deterministically(mutant_run, assignment):
    full = max_points(assignment)
    assert full > 0
    assert mutant_run.score("solution_1", assignment) == full
    assert mutant_run.score("solution_2", assignment) == full


@pytest.mark.parametrize("mutant", [m for a in ALL for m in load_mutants(a)],
                         ids=lambda m: f"{m.assignment}/{m.name}")
def test_mutant_loses_points(mutant_run, mutant):
    score, max_score = mutant_run.totals[(mutant.student_id, mutant.assignment)]
    assert score < max_score, f"mutant survived: {mutant.why}"
    for cell in mutant.kills:
        got, _ = mutant_run.cells[(mutant.student_id, mutant.assignment, cell)]
        assert got == 0, f"{cell} should fail for a mutant that {mutant.why}"


def test_make_grade_on_bundled_examples(tmp_path):
    before = {p: tree_digest(p) for p in (SOLUTIONS, ASSIGNMENTS, EXAMPLES)}
    out = tmp_path / "results"
    proc = subprocess.run(["make", "--no-print-directory", "grade", f"OUT={out}"], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    expected = json.loads((EXAMPLES / "expected_scores.json").read_text())
    with open(out / "grades.csv") as f:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
    for student, per_assignment in expected.items():
        for a, score in per_assignment.items():
            row = rows[(student, a)]
            assert float(row["score"]) == score, (student, a, row)
            assert float(row["max_score"]) == max_points(a)
            for nb in notebooks(a):
                html = out / "feedback" / student / a / f"{Path(nb).stem}.html"
                assert f"Score: {float(score)} / {float(max_points(a))}" in html.read_text()
    assert expected["example_full"] and all(v > 0 for v in expected["example_full"].values())
    assert all(v == 0 for v in expected["example_empty"].values())
    # never writes into the repository's sources, the release or the submissions
    assert before == {p: tree_digest(p) for p in before}
    assert not (REPO / "gradebook.db").exists()
    # refuses to overwrite earlier results
    again = subprocess.run(["make", "--no-print-directory", "grade", f"OUT={out}"], cwd=REPO,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode != 0 and "already holds results" in again.stderr


def test_grade_rejects_bad_input(tmp_path):
    with pytest.raises(GradingError, match="does not exist"):
        grade(tmp_path / "nope", tmp_path / "out", verbose=False)
    (tmp_path / "subs" / "bad student!" / "a0_data").mkdir(parents=True)
    with pytest.raises(GradingError, match="student ids"):
        grade(tmp_path / "subs", tmp_path / "out", verbose=False)
    shutil.rmtree(tmp_path / "subs")
    (tmp_path / "subs" / "alice" / "not_an_assignment").mkdir(parents=True)
    with pytest.raises(GradingError, match="no submissions found"):
        grade(tmp_path / "subs", tmp_path / "out", verbose=False)
    with pytest.raises(GradingError, match="unknown assignment"):
        grade(tmp_path / "subs", tmp_path / "out", ["a99"], verbose=False)


@pytest.mark.parametrize("student, passes", [("example_full", True), ("example_empty", False)])
def test_validate_button(tmp_path, student, passes):
    """What the student's Validate button runs: the visible tests, in the ci profile."""
    a = ALL[0]
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
