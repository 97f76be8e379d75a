"""What a student's feedback page may show: nbgrader's, without the hidden tests.

``nbgrader generate_feedback`` renders the autograded notebook, whose test cells hold the hidden
tests (restored from the gradebook for grading) and, since grader/verdict.py, the trusted
checks with their references.  Sending that page would publish them.  The course's
configuration (grader/nbgrader_config.py) adds :class:`HideHiddenTests` to the feedback
preprocessors: every graded test cell loses its ``### BEGIN HIDDEN TESTS`` ...
``### END HIDDEN TESTS`` regions, replaced by one line saying that hidden tests ran; the
cell's outputs (the grader's verdict) and score stay.  Student cells are never touched (a
student who types the markers in an answer cell sees the answer as written).
"""
from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from grader.verdict import BEGIN, END


def hide_hidden_tests(source: str, note: str) -> str:
    """``source`` with every BEGIN/END HIDDEN TESTS region replaced by ``note`` (a region with
    no END runs to the end of the cell)."""
    lines, out, hidden = source.splitlines(), [], False
    for line in lines:
        if not hidden and BEGIN in line:
            hidden = True
            out.append(line[: line.index(BEGIN)] + note)
        elif hidden:
            hidden = END not in line
        else:
            out.append(line)
    return "\n".join(out)


class HideHiddenTests(NbGraderPreprocessor):
    """Remove the hidden tests (and their checks) from the test cells of a feedback page."""

    note = Unicode("# (hidden tests ran here; they are not shown)", config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            cell.source = hide_hidden_tests(cell.source, self.note)
        return cell, resources
