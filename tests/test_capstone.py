"""The capstone study (assignment a5_capstone): its library (gancourse.capstone) and its grading
artifacts, written by ``python -m grader.reference_capstone`` (executing the solution notebook).

What can be recomputed in seconds is recomputed; the rest is checked for consistency.
"""
from __future__ import annotations

import json
import math
import re

import nbformat
import numpy as np
import pytest

from gancourse import capstone
from grader.assignments import spec
from grader.quality import REFERENCE
from grader.reference_capstone import summary
from grader.workspace import SOLUTIONS

A5 = REFERENCE / "a5_capstone"


@pytest.fixture(scope="module")
def record():
    return json.loads((A5 / "quality.json").read_text())


def test_variant_settings_are_checked():
    assert capstone.variant_settings("lsgan") == {"objective": "lsgan"}
    assert capstone.variant_settings({"objective": "hinge", "real_label": 0.9}) == {
        "objective": "hinge", "real_label": 0.9}
    with pytest.raises(ValueError, match="unknown variant"):
        capstone.variant_settings("stylegan")
    with pytest.raises(ValueError, match="unknown GAN.compile arguments"):
        capstone.variant_settings({"objective": "bce", "learning_rate": 1e-3})
    with pytest.raises(TypeError):
        capstone.variant_settings(3)
    assert "baseline" in capstone.VARIANTS and capstone.variant_settings("baseline") == {"objective": "bce"}


def test_budget_and_file_names():
    assert capstone.budget("laptop").steps == 5000 and capstone.budget("ci").steps < 100
    with pytest.raises(ValueError, match="no capstone budget"):
        capstone.budget("tpu")
    assert capstone.weights_file("variant", 2) == "capstone_variant_seed2.npz"
    for bad in (("winner", 0), ("variant", 3)):
        with pytest.raises(ValueError):
            capstone.weights_file(*bad)
    # the files the grader accepts are the files the study writes
    names = {capstone.weights_file(r, s) for r in ("variant", "baseline") for s in capstone.SEEDS}
    assert set(spec("a5_capstone").extra_files) == names | {capstone.REPORT_FILE}


def test_a_run_is_reproducible_and_scored(capsys):
    g1, h1 = capstone.train_run("hinge", 1, profile_name="ci", progress=True)
    g2, h2 = capstone.train_run("hinge", 1, profile_name="ci")
    assert "hinge seed 1" in capsys.readouterr().err  # the progress bar
    for a, b in zip(g1.get_weights(), g2.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert h1["steps"] == capstone.budget("ci").steps and h1["variant"] == {"objective": "hinge"}
    assert len(h1["d_loss"]) == h1["steps"] // min(100, h1["steps"])
    s1, s2 = capstone.evaluate_generator(g1), capstone.evaluate_generator(g2)
    assert s1 == s2 and set(s1) == {"fid", "kid"} and s1["fid"] > 100  # 20 steps: noise


def test_artifacts_exist_with_provenance(record):
    for name in spec("a5_capstone").extra_files:
        assert (A5 / "submission" / name).is_file(), name
    assert (A5 / "samples.png").is_file()
    prov = record["provenance"]
    assert prov["command"].startswith("python -m grader.reference_capstone")
    assert re.fullmatch(r"[0-9a-f]{40}", prov["git_commit"]) and prov["cpu"] and prov["environment"]
    assert record["settings"]["budget"]["steps"] == capstone.budget("laptop").steps
    assert record["settings"]["seeds"] == list(capstone.SEEDS)
    assert record["execution"]["notebook_seconds"] > 0


def test_bars_follow_the_recorded_rule(record):
    fids = [record["measured"][capstone.weights_file("baseline", s)]["fid"] for s in capstone.SEEDS]
    bars = record["thresholds"]
    assert bars == {"baseline": math.ceil(1.5 * max(fids)), "variant": math.ceil(3 * max(fids))}
    assert record["untrained_baseline_seed0"]["fid"] > 2 * bars["variant"], "untrained: far off"


def test_the_report_matches_the_measurements_and_its_summary(record):
    report = json.loads((A5 / "submission" / capstone.REPORT_FILE).read_text())
    tol = record["settings"]["tolerance"]
    for role in ("variant", "baseline"):
        for run in report["runs"][role]:
            got = record["measured"][capstone.weights_file(role, run["seed"])]
            assert math.isclose(run["fid"], got["fid"], rel_tol=tol["rtol"], abs_tol=tol["fid_atol"])
            assert math.isclose(run["kid"], got["kid"], rel_tol=tol["rtol"], abs_tol=tol["kid_atol"])
    want = summary(report["runs"], report["confidence"])
    for metric in ("fid", "kid"):
        for key in ("variant", "baseline"):
            np.testing.assert_allclose(report["summary"][metric][key], want[metric][key], rtol=1e-9)
        assert report["summary"][metric]["comparison"]["verdict"] == want[metric]["comparison"]["verdict"]


def test_a_submitted_generator_scores_as_recorded(record):
    name = capstone.weights_file("variant", 0)
    got = capstone.evaluate_generator_file(A5 / "submission" / name)
    assert got["fid"] == pytest.approx(record["measured"][name]["fid"], rel=1e-3)


def test_notebook_states_the_recorded_bars(record):
    nb = nbformat.read(str(SOLUTIONS / "a5_capstone" / "a5_capstone.ipynb"), as_version=4)
    text = next(c.source for c in nb.cells if c.source.startswith("## Part 5"))
    bars = record["thresholds"]
    assert f"| every baseline run reaches the reference's quality | {bars['baseline']:g} | 1 |" in text
    assert f"| the variant's best run draws recognisable digits | {bars['variant']:g} | 1 |" in text
    test = next(c.source for c in nb.cells if c.get("id") == "test_quality")
    assert f'(("baseline", {bars["baseline"]:g}), ("variant", {bars["variant"]:g}))' in test
