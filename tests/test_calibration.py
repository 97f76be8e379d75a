"""Checks on the committed metric calibration (course/results/metric_calibration.{json,md}).

The files are produced by ``python -m grader.calibrate_metrics`` and committed.  These tests check
that they carry their provenance, that they were measured with the committed feature network,
that the table orders the hand-made generators sensibly, that FID's sample-size bias shows, and
that two rows can be reproduced from the script's own functions.
"""
from __future__ import annotations

import json
import platform
import re
from pathlib import Path

import numpy as np
import pytest

from gancourse.provenance import cpu_model
from grader import calibrate_metrics as C
from grader import calibration_generators as G

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "course" / "results"
JSON_PATH = REFERENCE / C.JSON_NAME
MD_PATH = REFERENCE / C.MD_NAME
FEATURE_RECORD = REPO / "gancourse" / "assets" / "mnist_classifier.json"
REGENERATE = f"regenerate with `{C.SCRIPT_COMMAND}` and commit the result"


@pytest.fixture(scope="module")
def record() -> dict:
    assert JSON_PATH.is_file(), f"{JSON_PATH} is missing: {REGENERATE}"
    return json.loads(JSON_PATH.read_text())


@pytest.fixture(scope="module")
def fid(record) -> dict:
    return {row["key"]: row["fid"] for row in record["rows"]}


# --------------------------------------------------------------------------------------------
# provenance
# --------------------------------------------------------------------------------------------
def test_record_has_provenance(record):
    prov = record["provenance"]
    assert prov["command"].startswith(C.SCRIPT_COMMAND)
    assert re.fullmatch(r"[0-9a-f]{40}", prov["git"]["commit"] or ""), prov["git"]
    assert isinstance(prov["git"]["dirty"], bool)
    assert re.fullmatch(r"[0-9a-f]{64}", prov["git"]["script_sha256"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", prov["created_utc"])
    assert prov["wall_time_s"] > 0
    env = prov["environment"]
    for key in ("python", "tensorflow", "keras", "numpy", "scipy", "platform", "cpu", "cpu_count"):
        assert env.get(key), f"environment.{key} missing"
    timing = record["timings"]["fid_10k"]
    assert timing["n"] == 10_000
    assert 0 < timing["features_s"] <= timing["fid_s"] <= timing["fid_both_sets_s"]
    assert timing["images_per_s"] > 0


def test_record_used_the_committed_feature_network(record):
    committed = json.loads(FEATURE_RECORD.read_text())["weights_sha256"]
    net = record["provenance"]["feature_net"]
    assert net["weights_sha256"] == committed, \
        f"the calibration was measured with other weights than the committed ones: {REGENERATE}"
    assert net["record_weights_sha256"] == committed


def test_settings_match_the_script(record):
    s = record["settings"]
    assert s["source"] == G.SOURCE == "bundled"
    assert G.MIN_N <= s["n"] <= 1000
    assert [row["key"] for row in record["rows"]] == list(G.GENERATOR_KEYS), \
        f"the generators changed since the table was made: {REGENERATE}"
    assert (s["kid_subsets"], s["pr_k"], s["is_splits"]) == (C.KID_SUBSETS, C.PR_K, C.IS_SPLITS)


def test_markdown_is_rendered_from_the_json(record):
    assert MD_PATH.is_file(), f"{MD_PATH} is missing: {REGENERATE}"
    assert MD_PATH.read_text() == C.render_markdown(record), \
        f"{MD_PATH.name} does not match {JSON_PATH.name}: {REGENERATE}"


# --------------------------------------------------------------------------------------------
# the table makes sense
# --------------------------------------------------------------------------------------------
def test_quality_ladder(fid):
    assert fid["train_digits"] < fid["blur_1"] < fid["blur_2"]
    assert fid["train_digits"] < fid["salt_pepper_5pct"]
    assert fid["train_digits"] < fid["gaussian_noise_16"]


def test_diversity_ladder(fid):
    assert fid["train_digits"] < fid["one_class_missing"] < fid["only_one_class"]
    assert fid["one_class_missing"] < fid["one_per_class"] < fid["single_image"]


def test_training_digits_are_best_and_noise_worst(fid):
    assert min(fid, key=fid.get) == "train_digits"
    assert max(fid, key=fid.get) == "uniform_noise"
    assert fid["train_digits"] < 1.0  # sampling noise only


def test_other_metrics_separate_quality_from_diversity(record):
    rows = {row["key"]: row for row in record["rows"]}
    best, missing, noisy = rows["train_digits"], rows["one_class_missing"], rows["salt_pepper_5pct"]
    assert missing["precision"] > 0.9 and missing["recall"] < best["recall"]  # diversity lost
    assert noisy["precision"] < best["precision"] - 0.3  # quality lost
    # the classifier score's blind spot: one image per class scores at least as well as real digits
    assert rows["one_per_class"]["classifier_score"] > record["reference"]["classifier_score"]
    assert rows["one_per_class"]["recall"] < 0.05
    assert rows["one_class_missing"]["digits_generated"] == 9
    assert rows["only_one_class"]["digits_generated"] == 1


def test_fid_bias_shrinks_with_sample_count(record):
    for name in ("real_vs_real", "train_vs_test", "one_class_missing"):
        points = record["bias"]["curves"][name]["points"]
        sizes = [p["n"] for p in points]
        means = [p["fid"]["mean"] for p in points]
        assert sizes == sorted(sizes) and len(sizes) >= 4, name
        assert all(a > b for a, b in zip(means, means[1:])), f"{name}: {means}"
    curves = record["bias"]["curves"]
    # roughly 1/N: doubling N from 500 to 1000 about halves the bias of two real samples
    real = {p["n"]: p["fid"]["mean"] for p in curves["real_vs_real"]["points"]}
    assert 1.5 < real[500] / real[1000] < 3.0
    # and the extrapolation to N -> infinity is about 0 for real digits, not for a missing class
    assert abs(curves["train_vs_test"]["fit"]["fid_infinity"]) < 0.5
    assert curves["one_class_missing"]["fit"]["fid_infinity"] > 3.0


def test_table_row_equals_bias_study_at_the_same_size(record):
    n, seed = record["settings"]["n"], record["settings"]["seed"]
    rows = {row["key"]: row for row in record["rows"]}
    for curve, key in (("train_vs_test", "train_digits"), ("one_class_missing", "one_class_missing")):
        point = next(p for p in record["bias"]["curves"][curve]["points"] if p["n"] == n)
        value = point["fid"]["values"][record["bias"]["seeds"].index(seed)]
        np.testing.assert_allclose(rows[key]["fid"], value, rtol=1e-3)


# --------------------------------------------------------------------------------------------
# reproduction
# --------------------------------------------------------------------------------------------
def test_rows_reproduce(record):
    from gancourse import metrics
    from gancourse.features import load_feature_net

    n, seed = record["settings"]["n"], record["settings"]["seed"]
    env = record["provenance"]["environment"]
    same_machine = (env["cpu"] == cpu_model() and env["platform"] == platform.platform())
    rtol = 1e-3 if same_machine else 1e-2  # float round-off differs a little between CPUs
    digits = G.load_digits()
    net = load_feature_net()
    assert net.sha256 == record["provenance"]["feature_net"]["weights_sha256"]
    reference = net.features(G.reference_images(digits, n))
    rows = {row["key"]: row for row in record["rows"]}
    # KID (100 subsets) is the slow part: reproduce it for one row only
    for key, with_kid in (("train_digits", True), ("one_class_missing", False)):
        want = rows[key]
        feats, probs = net.features_and_probabilities(G.generate(key, digits, n, seed))
        np.testing.assert_allclose(C.fid_with_warnings(reference, feats)[0], want["fid"], rtol=rtol,
                                   err_msg=key)
        score = metrics.classifier_score(probs, splits=C.IS_SPLITS)[0]
        np.testing.assert_allclose(score, want["classifier_score"], rtol=rtol, err_msg=key)
        pr = metrics.precision_recall(reference, feats, k=C.PR_K)
        for metric in ("precision", "recall", "density", "coverage"):
            np.testing.assert_allclose(pr[metric], want[metric], atol=0.01, err_msg=f"{key} {metric}")
        if with_kid:
            kid = metrics.kid(reference, feats, subsets=C.KID_SUBSETS,
                              subset_size=C.kid_subset_size(n), seed=seed)[0]
            np.testing.assert_allclose(kid, want["kid"], rtol=rtol, atol=1e-4, err_msg=key)
