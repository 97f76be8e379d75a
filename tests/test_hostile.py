"""Broken and hostile submissions: the grader finishes, each gets the right score and a clear
message, and nobody else's result changes.

The corpus is built from the a1_theory release (NumPy only, so it grades fast) in one grading run
together with an honest full-marks submission.  Issue 7 extends this (isolation, memory bombs,
monkeypatching); this file covers what the pipeline itself must survive.
"""
from __future__ import annotations

import copy
import csv

import nbformat
import pytest

from grader.grade import grade
from grader.submissions import answer_cells, full_submission, graded_cells, read
from grader.workspace import ASSIGNMENTS, SOLUTIONS

pytestmark = pytest.mark.slow
A = "a1_theory"
NB = f"{A}.ipynb"


def _full():
    return full_submission(A)[NB]


def _with_answer(cell: str, source: str):
    nb = _full()
    answer_cells(nb)[cell].source = source
    return nb


def _points(cell: str) -> float:
    return graded_cells(read(SOLUTIONS / A / NB))[cell]


def _without_cell(grade_id: str):
    nb = _full()
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def _edited_tests_on_empty():
    nb = copy.deepcopy(read(ASSIGNMENTS / A / NB))  # every answer raises NotImplementedError
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade"):
            c.source = "pass  # a test I rewrote"
    return nb


def _wrong_kernel():
    nb = _full()
    nb.metadata["kernelspec"] = {"name": "python2", "display_name": "Python 2", "language": "python"}
    return nb


#: student -> (notebook or raw bytes or None for "no notebook", expected score or None, status)
CORPUS = {
    "honest": (_full, "full", "graded"),
    "corrupt_json": (lambda: b'{"cells": [', 0.0, "error"),
    "not_utf8": (lambda: b'\xff\xfe\x00{ "cells": \x81 }', 0.0, "error"),
    "os_exit": (lambda: _with_answer("kl_divergence", "import os\nos._exit(3)"), 0.0, "error"),
    "infinite_loop": (lambda: _with_answer("kl_divergence", "while True:\n    pass"),
                      "full-minus:test_kl_divergence_values,test_kl_divergence_errors,"
                      "test_js_divergence_values,test_js_divergence_errors", "graded"),
    "no_notebook": (lambda: None, 0.0, "error"),
    "edited_tests": (_edited_tests_on_empty, 0.0, "graded"),
    "deleted_test_cell": (lambda: _without_cell("test_gda_step_dynamics"), "at-most-full", "graded"),
    "wrong_kernel": (_wrong_kernel, "full", "graded"),
    # modules beside the notebook would come first on the kernel's sys.path and replace the
    # course library (and its test helpers): the grader copies only notebooks and declared files
    "shadow_package": (lambda: (_full(), {
        "gancourse/__init__.py": "raise ImportError('a shadow of the course library')\n",
        "numpy.py": "raise ImportError('a shadow of numpy')\n"}), "full", "graded"),
}


def _expected(spec, full: float):
    if spec == "full":
        return full
    if isinstance(spec, str) and spec.startswith("full-minus:"):
        return full - sum(_points(c) for c in spec.split(":", 1)[1].split(","))
    return spec


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    subs = tmp_path_factory.mktemp("hostile")
    for student, (make, _, _) in CORPUS.items():
        folder = subs / student / A
        folder.mkdir(parents=True)
        content = make()
        if isinstance(content, tuple):
            content, extra = content
            for rel, text in extra.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text(text)
        if content is None:
            (folder / "notes.txt").write_text("I forgot the notebook")
        elif isinstance(content, bytes):
            (folder / NB).write_bytes(content)
        else:
            nbformat.write(content, str(folder / NB))
    before = {p: p.read_bytes() for p in subs.rglob("*") if p.is_file()}
    mp = pytest.MonkeyPatch()
    mp.setenv("GANCOURSE_CELL_TIMEOUT", "15")  # the infinite loop is cut after 15 s
    try:
        out = tmp_path_factory.mktemp("hostile_out") / "results"
        report = grade(subs, out, [A], verbose=False)
    finally:
        mp.undo()
    after = {p: p.read_bytes() for p in subs.rglob("*") if p.is_file()}
    return report, out, before == after


@pytest.mark.parametrize("student", list(CORPUS))
def test_each_submission_gets_the_right_score_and_status(hostile_run, student):
    report, out, _ = hostile_run
    full = sum(graded_cells(read(SOLUTIONS / A / NB)).values())
    _, spec, status = CORPUS[student]
    score, max_score = report.totals[(student, A)]
    assert max_score == full
    if spec == "at-most-full":
        assert score <= full
    else:
        assert score == _expected(spec, full), (student, score)
    with open(out / "grades.csv") as f:
        row = next(r for r in csv.DictReader(f) if r["student_id"] == student)
    assert row["status"] == status and float(row["score"]) == score
    feedback = out / "feedback" / student / A
    if status == "error":
        message = (feedback / "grading_error.txt").read_text()
        assert "could not be graded" in message and row["message"] and row["message"] in message
    else:
        assert (feedback / f"{A}.html").is_file()


def test_messages_name_the_problem(hostile_run):
    report, _, _ = hostile_run
    assert "corrupted" in report.problems[("corrupt_json", A)]
    assert "kernel died" in report.problems[("os_exit", A)]
    assert f"no {NB}" in report.problems[("no_notebook", A)]
    assert ("not_utf8", A) in report.problems


def test_submissions_are_never_modified(hostile_run):
    _, _, unchanged = hostile_run
    assert unchanged
