"""The a3_dcgan grading artifacts: present, consistent with the solution notebook, reproducible.

The artifacts are written by ``python -m grader.reference_a3`` (executing the solution notebook);
these tests recompute what can be recomputed in seconds and check the rest for consistency.
"""
from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from grader.quality import REFERENCE, SETTINGS, evaluate_weights, reference_builder, thresholds
from grader.workspace import REPO, SOLUTIONS

A3 = REFERENCE / "a3_dcgan"


@pytest.fixture(scope="module")
def record():
    return thresholds("a3_dcgan")


def test_artifacts_exist_with_provenance(record):
    for rel in ("submission/a3_generator.npz", "mutant_files/untrained/a3_generator.npz",
                "transplant.npz", "quality.json", "samples.png"):
        assert (A3 / rel).is_file(), rel
    prov = record["provenance"]
    assert prov["command"].startswith("python -m grader.reference_a3")
    assert re.fullmatch(r"[0-9a-f]{40}", prov["git_commit"]) and prov["cpu"] and prov["environment"]
    assert record["settings"] == SETTINGS["a3_dcgan"]


def test_thresholds_follow_the_recorded_rule(record):
    fids = [r["fid"] for r in record["runs"]]
    assert len(fids) >= 3 and [r["seed"] for r in record["runs"]][0] == 0
    worst = max(fids)
    t = record["thresholds"]
    assert t["tight"] == int(np.ceil(1.5 * worst)) and t["loose"] == int(np.ceil(3.0 * worst))
    assert record["untrained"]["fid"] > 3 * t["loose"], "an untrained generator is far off"
    for early in record["early_stops"]:
        assert early["fid"] > min(fids), "fewer steps, worse samples"


def test_notebook_states_the_recorded_thresholds(record):
    nb = nbformat.read(str(SOLUTIONS / "a3_dcgan" / "a3_dcgan.ipynb"), as_version=4)
    text = next(c.source for c in nb.cells if c.source.startswith("## Part 5"))
    t = record["thresholds"]
    assert f"| recognisable digits | {t['loose']:g} | 3 |" in text
    assert f"| reference quality | {t['tight']:g} | 3 |" in text


def test_solution_weights_score_as_recorded(record):
    got = evaluate_weights("a3_dcgan", A3 / "submission" / "a3_generator.npz")
    assert got["fid"] == pytest.approx(record["runs"][0]["fid"], rel=1e-3)
    assert got["fid"] <= record["thresholds"]["tight"]


def test_transplant_outputs_reproduce_from_the_solution_builders():
    import keras
    import tensorflow as tf

    from gancourse.gan import load_weights_npz
    from grader.submissions import read, solution_answers

    ref = np.load(A3 / "transplant.npz")
    g = load_weights_npz(reference_builder("a3_dcgan")(64), A3 / "submission" / "a3_generator.npz")
    for mode, training in (("inference", False), ("training", True)):
        np.testing.assert_allclose(g(ref["g_noise"], training=training).numpy(), ref[f"g_{mode}"],
                                   atol=1e-4)
    ns: dict = {}
    exec(solution_answers(read(SOLUTIONS / "a3_dcgan" / "a3_dcgan.ipynb"))["build_discriminator"],
         {"keras": keras, "np": np, "tf": tf}, ns)
    d = ns["build_discriminator"]()
    d.set_weights([ref[f"d_w{i:03d}"] for i in range(len(d.get_weights()))])
    for mode, training in (("inference", False), ("training", True)):
        np.testing.assert_allclose(d(ref["d_images"], training=training).numpy(),
                                   ref[f"d_{mode}"], atol=1e-4)
    assert ref["d_inference"].min() < -1 and ref["d_inference"].max() > 1.5


def test_quality_rejects_bad_weights_files(tmp_path):
    from gancourse.gan import WeightsFileError

    with pytest.raises(WeightsFileError, match="not found"):
        evaluate_weights("a3_dcgan", tmp_path / "missing.npz")
    np.savez(tmp_path / "short.npz", w000=np.zeros((64, 6272), np.float32))
    with pytest.raises(WeightsFileError, match="1 arrays"):
        evaluate_weights("a3_dcgan", tmp_path / "short.npz")
    with pytest.raises(ValueError, match="no quality settings"):
        evaluate_weights("a9_nothing", tmp_path / "short.npz")


def test_quality_cli(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "grader.quality", "a3_dcgan", "--weights",
                           str(tmp_path / "missing.npz")], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 2 and "not found" in proc.stderr
