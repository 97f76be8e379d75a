"""Feedback that names the likely mistake (grader/mistakes.py): fingerprints of observations,
the departures of a mutant from the solution, and the hint a failed check gets."""
from __future__ import annotations

import json

import numpy as np
import pytest

from gancourse.observations import Raised, encode
from grader import mistakes
from grader.mistakes import collect_mistakes, distinguishing, fingerprint, matches
from grader.verdict import TrustedChecks, split_test

CELL = """assert True
### BEGIN HIDDEN TESTS
#### PROBE
observe(ys=[f(x) for x in (1, 2, 3)], own=True)
#### CHECK
assert [float(y) for y in obs["ys"]] == [2.0, 3.0, 4.0], "f(x) = x + 1"
### END HIDDEN TESTS"""


def test_fingerprints_summarise_values_and_compare_with_a_tolerance():
    obs = {"ys": [np.arange(100.0), 2.5, Raised("ValueError", ("ValueError", "Exception"))],
           "own": True}
    fp = fingerprint(obs)
    assert fp["/own"] == ["value", "True"]
    assert fp["/ys#len"] == ["value", "3"]
    assert fp["/ys/2"] == ["raised", "ValueError"]
    kind, shape, dtype, numbers = fp["/ys/0"]
    assert (kind, shape, dtype) == ("array", [100], "f")
    assert numbers[:2] == [4950.0, 4950.0] and len(numbers) == 2 + mistakes.SAMPLE
    near = fingerprint({**obs, "ys": [np.arange(100.0) * (1 + 1e-7), 2.5, obs["ys"][2]]})
    assert distinguishing(near, fp) == {}
    far = fingerprint({**obs, "ys": [np.arange(100.0) + 1, 2.5, obs["ys"][2]]})
    assert set(distinguishing(far, fp)) == {"/ys/0"}


def test_a_mistake_matches_only_where_the_mutant_departs_from_the_solution():
    solution = fingerprint({"a": np.ones(3), "b": 1.0, "own": True})
    mutant = fingerprint({"a": np.ones(3), "b": 2.0, "own": True})
    mistake = distinguishing(mutant, solution)
    assert mistake == {"/b": mutant["/b"]}
    # the same departure, whatever else differs (e.g. a value depending on random state)
    assert matches(fingerprint({"a": np.zeros(3), "b": 2.0, "own": False}), mistake)
    assert not matches(fingerprint({"a": np.ones(3), "b": 3.0, "own": True}), mistake)
    assert not matches(solution, mistake)
    assert not matches(solution, {})  # a mutant identical to the solution names nothing
    # a value the mutant did not report at all must be missing too
    gone = distinguishing(fingerprint({"a": np.ones(3), "own": True}), solution)
    assert gone == {"/b": None}
    assert matches(fingerprint({"a": np.ones(3)}), gone)
    assert not matches(solution, gone)


def test_recorded_fingerprints_become_the_mistakes_of_the_record(tmp_path, monkeypatch):
    monkeypatch.setenv(mistakes.RECORD_ENV, str(tmp_path))
    mistakes.save_fingerprint("solution", "a9", "test_f", {"ys": [2.0, 3.0, 4.0]})
    mistakes.save_fingerprint("mutant_off", "a9", "test_f", {"ys": [2.0, 3.0, 5.0]})
    mistakes.save_fingerprint("mutant_same", "a9", "test_f", {"ys": [2.0, 3.0, 4.0]})
    # stopped before reporting ys (a visible assertion): only a missing value, no evidence
    mistakes.save_fingerprint("mutant_stopped", "a9", "test_f", {})
    # reports one value differently and another not at all: only the positive evidence is kept
    mistakes.save_fingerprint("mutant_half", "a9", "test_f", {"ys": [2.0, 7.0]})
    found = collect_mistakes(tmp_path, "a9", "solution", [
        ("off", "mutant_off", ("test_f",), "adds one too many at 3"),
        ("same", "mutant_same", ("test_f",), "observes like the solution"),
        ("stopped", "mutant_stopped", ("test_f",), "stops early"),
        ("half", "mutant_half", ("test_f",), "returns two values"),
        ("unseen", "mutant_unseen", ("test_f",), "never graded")])
    assert [e["mutant"] for e in found["test_f"]] == ["off", "half"]
    assert found["test_f"][0]["leaves"] == {"/ys/2": ["array", [], "f", [5.0, 5.0, 5.0]]}
    half = found["test_f"][1]["leaves"]
    assert half["/ys/1"] == ["array", [], "f", [7.0, 7.0, 7.0]] and "/ys/2" not in half
    assert all(leaf is not None for leaf in half.values())


@pytest.fixture
def known(monkeypatch):
    entries = {"a9": {"test_f": [
        {"mutant": "off", "why": "adds one too many at 3",
         "leaves": {"/ys/2": fingerprint({"ys": [0, 0, 5.0]})["/ys/2"]}}]}}
    monkeypatch.setattr(mistakes, "_known", lambda: entries)


def test_a_failed_check_names_the_mistake_it_reproduces(known):
    checks = TrustedChecks([("f", "def f(x):\n    return x + 1\n")], assignment="a9")
    split = split_test(CELL)
    payload = lambda ys: json.dumps({"ys": encode(ys), "own": encode(True)})  # noqa: E731
    assert checks.run(split, [payload([2.0, 3.0, 4.0])], "test_f") is None
    why = checks.run(split, [payload([2.0, 3.0, 5.0])], "test_f")
    assert why == "f(x) = x + 1\nThis looks like a known mistake: adds one too many at 3."
    # another failure: no hint; another cell or assignment: no hint
    assert checks.run(split, [payload([2.0, 9.0, 4.0])], "test_f") == "f(x) = x + 1"
    assert checks.run(split, [payload([2.0, 3.0, 5.0])], "test_g") == "f(x) = x + 1"
