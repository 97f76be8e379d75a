"""nbgrader's whole cycle through a class folder (grader/classroom.py), on one machine:
release to a local exchange, two students fetch and submit, collect, the sandboxed autograde,
a manual grade that survives a regrade, feedback released and fetched, hidden tests nowhere."""
from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.classroom import Classroom, make_student, student_config_text
from grader.gradebook import COURSE_ID, merge_gradebook
from grader.submissions import EXAMPLES, read
from grader.workspace import ASSIGNMENTS, REPO, SOLUTIONS, GradingError

A = "a1_theory"  # the quickest assignment to grade: NumPy and SciPy, no TensorFlow
NB = f"{A}.ipynb"


def nbgrader(cwd: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, text=True,
                          capture_output=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout + proc.stderr


def hidden_lines() -> list[str]:
    released = "\n".join(c.source for c in read(ASSIGNMENTS / A / NB).cells)
    out = []
    for cell in read(SOLUTIONS / A / NB).cells:
        for m in re.finditer(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, re.S):
            out += [ln.strip() for ln in m.group(1).splitlines()
                    if len(ln.strip()) >= 25 and ln.strip() not in released]
    assert out
    return out


def test_a_class_runs_the_whole_cycle(tmp_path):
    from nbgrader.api import Gradebook

    room = Classroom.init(tmp_path / "class")
    assert (room.root / "solutions").resolve() == SOLUTIONS
    assert room.exchange == room.root / "exchange"
    assert Classroom.init(room.root).root == room.root  # again: nothing changes
    released = room.release(A)
    outbound = (room.exchange / COURSE_ID / "outbound" / A / NB).read_bytes()
    assert outbound == (ASSIGNMENTS / A / NB).read_bytes()
    assert released == room.root / "assignments" / A

    answers = {"alice": EXAMPLES / "example_full" / A / NB, "bob": None}  # bob submits it untouched
    for name, answer in answers.items():
        home = tmp_path / name
        make_student(home, name, room)
        nbgrader(home, "fetch_assignment", A)
        assert (home / A / NB).read_bytes() == (ASSIGNMENTS / A / NB).read_bytes()
        if answer:
            shutil.copyfile(answer, home / A / NB)
        nbgrader(home, "submit", A)
    assert room.collect(A) == ["alice", "bob"]

    report = room.autograde(A, verbose=False)
    expected = json.loads((EXAMPLES / "expected_scores.json").read_text())["example_full"][A]
    assert expected > 0
    assert report.out.parent == room.root / "grades"
    db = f"sqlite:///{room.root / 'gradebook.db'}"
    with Gradebook(db, COURSE_ID) as gb:  # what Formgrader shows
        scores = {s.student_id: s.score for s in gb.assignment_submissions(A)}
        assert scores == {"alice": expected, "bob": 0.0}
        assert gb.find_submission(A, "alice").timestamp is not None
        # a TA corrects a grade in Formgrader
        grade = gb.find_submission(A, "bob").notebooks[0].grades[0]
        grade.manual_score = 1.0
        gb.db.commit()
        cell = grade.name
    for name in answers:
        assert (room.root / "autograded" / name / A / NB).is_file()
    # bringing the pipeline's results in again (a regrade) keeps the TA's grade
    merge_gradebook(report.out / "gradebook.db", room.root / "gradebook.db", [A], keep_manual=True)
    with Gradebook(db, COURSE_ID) as gb:
        assert gb.find_grade(cell, A, A, "bob").manual_score == 1.0
        assert gb.find_submission(A, "bob").score == 1.0

    pages = room.feedback(A)
    assert [p.parent.parent.name for p in pages] == ["alice", "bob"]
    secrets = hidden_lines()
    for name in answers:
        nbgrader(tmp_path / name, "fetch_feedback", A)
        got = list((tmp_path / name / A / "feedback").glob(f"*/{A}.html"))
        assert len(got) == 1, name
        page = got[0].read_text()
        score = expected if name == "alice" else 1.0  # bob's includes the manual grade
        assert f"Score: {float(score)}" in page, name
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", page))
        assert "BEGIN HIDDEN TESTS" not in page
        assert not [ln for ln in secrets if ln in text and ln not in
                    "\n".join(c.source for c in read(tmp_path / name / A / NB).cells)]
    assert not (REPO / "gradebook.db").exists()


def test_a_class_refuses_what_would_mix_it_with_the_repository(tmp_path):
    with pytest.raises(GradingError, match="outside the repository"):
        Classroom.init(REPO / "build" / "class")
    with pytest.raises(GradingError, match="not a class folder"):
        Classroom(tmp_path)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.tex").write_text("mine")
    with pytest.raises(GradingError, match="not a class folder"):
        Classroom.init(tmp_path / "busy")
    assert (tmp_path / "busy" / "thesis.tex").read_text() == "mine"
    room = Classroom.init(tmp_path / "class", exchange=tmp_path / "srv")
    assert room.exchange == tmp_path / "srv"
    with pytest.raises(GradingError, match="unknown assignment"):
        room.release("a9_nothing")
    with pytest.raises(GradingError, match="run collect first"):
        room.autograde(A)
    config = make_student(tmp_path / "carol", "carol", room)
    assert config.read_text() == student_config_text("carol", tmp_path / "srv", tmp_path / "carol")
    config.write_text("c = get_config()\n# carol's own\n")
    with pytest.raises(GradingError, match="left as it is"):
        make_student(tmp_path / "carol", "carol", room)
    assert "carol's own" in config.read_text()
    with pytest.raises(GradingError, match="student id"):
        make_student(tmp_path / "dave", "../dave", room)
