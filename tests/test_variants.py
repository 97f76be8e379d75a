"""Mutants and alternatives as files (grader/submissions.py) and what counts as a mutant keeping
points (grader/mutation.py), without grading anything."""
from __future__ import annotations

import pytest

from grader import mutation
from grader.mutation import kept_points
from grader.submissions import Mutant, load_alternatives, load_mutants
from grader.workspace import GradingError, assignment_ids

A = "a_eval"


def _write(root, name, text):
    folder = root / A
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(text)


def test_every_assignment_has_alternatives_that_replace_an_answer_cell():
    for a in assignment_ids():
        alternatives = load_alternatives(a)
        assert len(alternatives) >= 3, a
        assert all(alt.why and alt.code and alt.student_id.startswith("alternative_")
                   for alt in alternatives)


@pytest.mark.parametrize("header, error", [
    ("# cell: kernel_mmd2\n", "lacks ['why']"),
    ("# cell: kernel_mmd2\n# kills: test_kernel_mmd2\n# why: x\n", "kills nothing"),
    ("# cell: -\n# why: x\n", "replaces an answer cell"),
    ("# cell: no_such_cell\n# why: x\n", "no answer cell 'no_such_cell'"),
])
def test_a_malformed_alternative_is_refused(tmp_path, header, error):
    _write(tmp_path, "bad", header + "def kernel_mmd2(real, fake):\n    return 0.0\n")
    with pytest.raises(GradingError, match=error.replace("[", r"\[").replace("]", r"\]")):
        load_alternatives(A, root=tmp_path)


def test_a_mutant_names_cells_it_kills_or_loses_points_in(tmp_path):
    _write(tmp_path, "m", "# cell: kernel_mmd2\n# loses: test_kernel_mmd2\n# why: x\npass\n")
    (mutant,) = load_mutants(A, root=tmp_path)
    assert mutant.kills == () and mutant.loses == ("test_kernel_mmd2",)
    _write(tmp_path, "m", "# cell: kernel_mmd2\n# why: x\npass\n")
    with pytest.raises(GradingError, match="lacks"):
        load_mutants(A, root=tmp_path)
    _write(tmp_path, "m", "# cell: kernel_mmd2\n# loses: test_nothing\n# why: x\npass\n")
    with pytest.raises(GradingError, match="unknown test cell"):
        load_mutants(A, root=tmp_path)


def test_kept_points_kills_need_zero_loses_need_less_than_full():
    full = mutation.test_points(A)
    m = Mutant(A, "m", "kernel_mmd2", ("test_knn_radii",), "why", "pass", None,
               ("test_kernel_mmd2",))
    assert kept_points(m, {"test_knn_radii": 0.0, "test_kernel_mmd2": 2.5}) == []
    assert kept_points(m, {"test_knn_radii": 0.5, "test_kernel_mmd2": 0.0}) == ["test_knn_radii"]
    assert kept_points(m, {"test_knn_radii": 0.0,
                           "test_kernel_mmd2": full["test_kernel_mmd2"]}) == ["test_kernel_mmd2"]
    assert kept_points(m, {"test_knn_radii": 0.0}) == ["test_kernel_mmd2"]  # not graded: kept
