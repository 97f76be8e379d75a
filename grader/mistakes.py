"""Feedback that names the likely mistake: a failed answer that behaves like a known mutant.

Every mutant (``grader/mutants/<id>/*.py``) is a classic mistake with a ``# why:`` line written
for students.  When ``make mutants RECORD=1`` grades them, the trusted checks save a
*fingerprint* of what each test cell observed (:func:`fingerprint`: every reported value,
arrays summarised by shape and a sample of entries), and the record keeps, per mutant and per
test cell it kills, the observations in which the mutant differs from the solution
(:func:`distinguishing`).  When a student's test cell then fails, the grader compares what it
observed with those (:func:`likely_mistakes`): if the student's answer agrees with a mutant
wherever that mutant departs from the solution, the feedback adds the mutant's ``why``.

Only observations enter the comparison (never hidden inputs), and a hint is only ever added
to a cell that already failed its check, so it never changes a score.  Observations that
depend on a kernel's random state simply fail to match (no hint, never a wrong one).
"""
from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from gancourse.observations import Raised
from grader.workspace import MUTATION_RECORD

#: where the trusted checks save fingerprints while the mutation record is made
RECORD_ENV = "GANCOURSE_OBSERVATIONS_DIR"
#: entries of an array kept in its fingerprint (evenly spaced)
SAMPLE = 12
RTOL, ATOL = 1e-4, 1e-6

Leaf = list  # ["raised", type] | ["value", repr] | ["array", shape, kind, [entries]]


def fingerprint(obs: Any, path: str = "") -> dict[str, Leaf]:
    """{path: leaf} for every value of a decoded observation (``obs``: a check's ``obs``)."""
    if isinstance(obs, Raised):
        return {path: ["raised", obs.type]}
    if isinstance(obs, dict):
        out: dict[str, Leaf] = {}
        for key in sorted(obs, key=str):
            out.update(fingerprint(obs[key], f"{path}/{key}"))
        return out
    if isinstance(obs, (list, tuple)):
        out = {f"{path}#len": ["value", repr(len(obs))]}
        for i, value in enumerate(obs):
            out.update(fingerprint(value, f"{path}/{i}"))
        return out
    if isinstance(obs, (np.ndarray, np.generic)) or type(obs) in (float, complex):
        a = np.asarray(obs)
        if a.dtype.kind in "biuf":
            flat = a.astype(np.float64).ravel()
            picked = flat[np.linspace(0, flat.size - 1, min(SAMPLE, flat.size)).astype(int)] \
                if flat.size else flat
            stats = [float(flat.sum()), float(np.abs(flat).sum())] if flat.size else []
            return {path: ["array", list(a.shape), a.dtype.kind,
                           [_number(v) for v in [*stats, *picked]]]}
        return {path: ["value", repr(a.tolist())[:200]]}
    return {path: ["value", repr(obs)[:200]]}


def _number(v: float) -> float | str:
    return float(v) if math.isfinite(v) else repr(float(v))


def _same(a: Leaf, b: Leaf | None) -> bool:
    if b is None or a[0] != b[0]:
        return False
    if a[0] != "array":
        return a == b
    if a[1] != b[1] or a[2] != b[2] or len(a[3]) != len(b[3]):
        return False
    for x, y in zip(a[3], b[3]):
        if isinstance(x, str) or isinstance(y, str):
            if x != y:
                return False
        elif not math.isclose(x, y, rel_tol=RTOL, abs_tol=ATOL):
            return False
    return True


def distinguishing(mutant: dict[str, Leaf], solution: dict[str, Leaf]) -> dict[str, Leaf | None]:
    """The leaves in which a mutant's fingerprint departs from the solution's (None: a value
    the mutant did not report)."""
    out: dict[str, Leaf | None] = {p: leaf for p, leaf in mutant.items()
                                   if not _same(leaf, solution.get(p))}
    out.update({p: None for p in solution if p not in mutant})
    return out


def matches(observed: dict[str, Leaf], mistake: dict[str, Leaf | None]) -> bool:
    """Does ``observed`` agree with a mistake wherever the mistake departs from the solution?"""
    if not mistake:
        return False
    for path, leaf in mistake.items():
        if leaf is None:
            if path in observed:
                return False
        elif not _same(leaf, observed.get(path)):
            return False
    return True


@lru_cache(maxsize=1)
def _known() -> dict:
    if not MUTATION_RECORD.is_file():  # made with the mutants, checked fresh by make test
        return {}
    record = json.loads(MUTATION_RECORD.read_text())
    return {a: entry.get("mistakes", {}) for a, entry in record.get("assignments", {}).items()}


def likely_mistakes(assignment: str, cell: str, obs: Any) -> list[str]:
    """The ``why`` of every known mutant of ``assignment`` whose departures from the solution
    on test cell ``cell`` the observations ``obs`` reproduce."""
    observed = fingerprint(obs)
    found = []
    for entry in _known().get(assignment, {}).get(cell, []):
        if matches(observed, entry["leaves"]) and entry["why"] not in found:
            found.append(entry["why"])
    return found


def save_fingerprint(student: str, assignment: str, cell: str, obs: Any) -> None:
    """While the record is made (``GANCOURSE_OBSERVATIONS_DIR`` set by the grader, never by a
    kernel), save a test cell's fingerprint for :func:`collect_mistakes`."""
    folder = os.environ.get(RECORD_ENV)
    if not folder:
        return
    path = Path(folder) / student / assignment / f"{cell}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fingerprint(obs)))


def collect_mistakes(folder: Path, assignment: str, solution: str,
                     mutants: list[tuple[str, str, tuple[str, ...], str]]) -> dict:
    """{test cell: [{"mutant", "why", "leaves"}]} from the fingerprints saved under ``folder``;
    ``mutants``: (name, student id, cells it kills, why).  A mutant that reported no value
    differently from the solution on a cell gets no entry for it (nothing to recognise it by)."""
    def load(student: str, cell: str) -> dict | None:
        path = folder / student / assignment / f"{cell}.json"
        return json.loads(path.read_text()) if path.is_file() else None

    out: dict[str, list] = {}
    for name, student, kills, why in mutants:
        for cell in kills:
            mine, reference = load(student, cell), load(solution, cell)
            if mine is None or reference is None:
                continue
            # positive evidence only: a value the mutant reported differently.  A value it did
            # not report at all (a visible assertion stopped the cell first) would match any
            # student whose cell stopped early, whatever the mistake.
            leaves = {p: leaf for p, leaf in distinguishing(mine, reference).items()
                      if leaf is not None}
            if leaves:
                out.setdefault(cell, []).append({"mutant": name, "why": why, "leaves": leaves})
    return out
