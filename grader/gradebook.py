"""Moving grades between nbgrader gradebooks (``gradebook.db``) and result folders.

Used to merge the gradebooks of parallel grading jobs (``grader/grade.py``), of separately
graded shards (``grader/merge.py``) and to bring a grading run's results into a class's own
gradebook (``grader/classroom.py``), where manual grades given in Formgrader must survive a
regrade.
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

COURSE_ID = "gancourse"


def merge_gradebook(src: Path, dest: Path, assignments: list[str],
                    keep_manual: bool = False) -> list[tuple[str, str]]:
    """Copy every submission's grades and comments of ``assignments`` from gradebook ``src``
    into ``dest`` (which must hold the same released assignments).

    With ``keep_manual``, a manual score or comment already in ``dest`` (given in Formgrader)
    is kept when ``src`` has none, so regrading never erases an instructor's work.
    Returns the (student, assignment) pairs copied.
    """
    from nbgrader.api import Gradebook, MissingEntry

    copied = []
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{src}", COURSE_ID) as a, \
            Gradebook(f"sqlite:///{dest}", COURSE_ID) as b:
        # nbgrader's own session handling makes SQLAlchemy warn; nothing anyone can act on
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for assignment in assignments:
            for sub in a.assignment_submissions(assignment):
                b.update_or_create_student(sub.student_id)
                try:
                    b.find_submission(assignment, sub.student_id)
                except MissingEntry:  # graded for the first time
                    b.add_submission(assignment, sub.student_id, timestamp=sub.timestamp)
                for nb in sub.notebooks:
                    for g in nb.grades:
                        t = b.find_grade(g.name, nb.name, assignment, sub.student_id)
                        t.auto_score, t.extra_credit = g.auto_score, g.extra_credit
                        if not (keep_manual and g.manual_score is None and t.manual_score is not None):
                            t.manual_score = g.manual_score
                        t.needs_manual_grade = g.needs_manual_grade and t.manual_score is None
                    for c in nb.comments:
                        t = b.find_comment(c.name, nb.name, assignment, sub.student_id)
                        t.auto_comment = c.auto_comment
                        if not (keep_manual and c.manual_comment is None and t.manual_comment):
                            t.manual_comment = c.manual_comment
                copied.append((sub.student_id, assignment))
                b.db.commit()
    return copied


def copy_tree_into(src: Path, dest: Path) -> None:
    """Copy folder ``src`` into ``dest`` (merging with what is there); nothing if ``src`` is
    not a folder."""
    if src.is_dir():
        shutil.copytree(src, dest, dirs_exist_ok=True)
