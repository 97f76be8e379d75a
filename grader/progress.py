"""What ``make grade`` shows while it works, and how its scores compare with what was expected.

* :class:`GradingProgress`: a progress bar of graded submissions (done / total, rate, ETA),
  counted from the notebooks nbgrader writes into each workspace's ``autograded/`` folder
  (nbgrader writes a submission's notebook there when it has finished executing it; only
  nbgrader writes there, kernels work in scratch folders of their own).
* :func:`expected_scores` / :func:`compare`: a submissions folder may hold
  ``expected_scores.json`` (``{student: {assignment: score}}``; the bundled examples do); the
  grader then says, per row, whether the score matches.
"""
from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

EXPECTED_FILE = "expected_scores.json"


def _graded(roots: list[Path]) -> int:
    done = 0
    for root in roots:
        for folder in (root / "autograded").glob("*/*"):
            if folder.is_dir() and not folder.is_symlink() and any(folder.glob("*.ipynb")):
                done += 1
    return done


class GradingProgress:
    """A progress bar over ``total`` submissions graded in the workspaces at ``roots``."""

    def __init__(self, roots: list[Path], total: int, enabled: bool = True, poll: float = 0.5):
        self.roots, self.total, self.enabled, self.poll = roots, total, enabled, poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar = None

    def __enter__(self) -> "GradingProgress":
        if self.enabled and self.total:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=self.total, unit="submission", file=sys.stdout,
                             desc="grading", dynamic_ncols=True)
            self._thread = threading.Thread(target=self._watch, daemon=True)
            self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(self.poll):
            self._update()

    def _update(self) -> None:
        done = min(_graded(self.roots), self.total)
        if self._bar is not None and done > self._bar.n:
            self._bar.update(done - self._bar.n)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._bar is not None:
            self._update()
            self._bar.close()


def expected_scores(submissions: Path) -> dict[tuple[str, str], float] | None:
    """The scores ``submissions/expected_scores.json`` expects, or None where there is none.

    Raises ValueError for a file that is not ``{student: {assignment: number}}``.
    """
    path = Path(submissions) / EXPECTED_FILE
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    out = {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected {{student: {{assignment: score}}}}")
    for student, scores in data.items():
        if not isinstance(scores, dict):
            raise ValueError(f"{path}: {student!r} must map assignments to scores")
        for assignment, score in scores.items():
            if isinstance(score, bool) or not isinstance(score, (int, float)):
                raise ValueError(f"{path}: {student}/{assignment}: score must be a number")
            out[(student, assignment)] = float(score)
    return out


def compare(expected: dict[tuple[str, str], float],
            totals: dict[tuple[str, str], tuple[float, float]]) -> dict[tuple[str, str], str]:
    """Per graded (student, assignment) with an expectation: "match" or "MISMATCH (expected x)";
    an expectation for a submission that was not graded is a mismatch too."""
    verdicts = {}
    for key, (score, _) in totals.items():
        if key in expected:
            verdicts[key] = ("match" if abs(score - expected[key]) < 1e-9
                             else f"MISMATCH (expected {expected[key]:g})")
    graded_assignments = {assignment for _, assignment in totals}
    for key in expected.keys() - totals.keys():
        if key[1] in graded_assignments:  # `--assignment a1_theory` expects no other
            verdicts[key] = "MISMATCH (expected, but not graded)"
    return verdicts
