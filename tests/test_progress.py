"""grader/progress.py: the progress count and the comparison with expected_scores.json."""
from __future__ import annotations

import json

import pytest

from grader.progress import GradingProgress, _graded, compare, expected_scores


def test_compare_says_match_and_mismatch_and_missing():
    totals = {("ann", "a1"): (20.0, 20.0), ("bob", "a1"): (7.0, 20.0), ("cy", "a1"): (3.0, 20.0)}
    expected = {("ann", "a1"): 20.0, ("bob", "a1"): 8.0, ("dee", "a1"): 5.0, ("ann", "a2"): 9.0}
    verdicts = compare(expected, totals)
    assert verdicts[("ann", "a1")] == "match"
    assert verdicts[("bob", "a1")] == "MISMATCH (expected 8)"
    assert verdicts[("dee", "a1")] == "MISMATCH (expected, but not graded)"
    assert ("cy", "a1") not in verdicts  # nothing expected: no verdict
    assert ("ann", "a2") not in verdicts  # an assignment that was not graded this run


def test_expected_scores_file_is_validated(tmp_path):
    assert expected_scores(tmp_path) is None
    path = tmp_path / "expected_scores.json"
    path.write_text(json.dumps({"ann": {"a1": 20, "a2": 7.5}}))
    assert expected_scores(tmp_path) == {("ann", "a1"): 20.0, ("ann", "a2"): 7.5}
    for bad, match in (("{", "not JSON"), ("[1]", "expected"), ('{"ann": 3}', "map"),
                       ('{"ann": {"a1": "20"}}', "number"), ('{"ann": {"a1": true}}', "number")):
        path.write_text(bad)
        with pytest.raises(ValueError, match=match):
            expected_scores(tmp_path)


def test_progress_counts_submissions_whose_notebooks_nbgrader_wrote(tmp_path, capsys):
    roots = [tmp_path / "job0", tmp_path / "job1"]
    (roots[0] / "autograded" / "ann" / "a1").mkdir(parents=True)
    (roots[0] / "autograded" / "ann" / "a1" / "a1.ipynb").write_text("{}")
    (roots[1] / "autograded" / "bob" / "a1").mkdir(parents=True)  # started, not written yet
    assert _graded(roots) == 1
    (roots[1] / "autograded" / "bob" / "a1" / "a1.ipynb").write_text("{}")
    with GradingProgress(roots, total=2, poll=0.05):
        pass
    out = capsys.readouterr().out
    assert "2/2" in out and "grading" in out
    with GradingProgress(roots, total=2, enabled=False):
        pass
    assert capsys.readouterr().out == ""
