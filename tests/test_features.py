"""Tests for gancourse.features: the committed MNIST feature network behind the GAN metrics.

The weights in ``gancourse/assets/`` are trained by ``python -m gancourse.features train`` and
committed with a provenance record; these tests check that the two agree, that the network is as
good as the record says, and that inference validates its inputs and is deterministic.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from gancourse import features as F
from gancourse.data import DatasetUnavailableError, load_mnist, scale_images

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def net():
    return F.load_feature_net()


@pytest.fixture(scope="module")
def record():
    path = F.provenance_path(F.DEFAULT_WEIGHTS)
    assert path.is_file(), f"{path} is missing: run `{F.TRAIN_COMMAND}`"
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def test_split(record):
    try:
        return load_mnist("test", source=record["data"]["source"])
    except DatasetUnavailableError as exc:  # weights trained on full MNIST, not cached here
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def digits(test_split):
    return test_split[0][:300]


# --------------------------------------------------------------------------------------------
# the committed weights and their record
# --------------------------------------------------------------------------------------------
def test_committed_weights_load_once(net):
    assert F.DEFAULT_WEIGHTS == REPO / "gancourse" / "assets" / "mnist_classifier.weights.h5"
    assert net.path == F.DEFAULT_WEIGHTS
    assert F.load_feature_net() is net  # cached
    assert F.load_feature_net(F.DEFAULT_WEIGHTS) is net  # same file, same object
    assert F.DEFAULT_WEIGHTS.stat().st_size < 1_000_000
    assert "FeatureNet(" in repr(net)


def test_provenance_is_complete_and_matches_the_weights(net, record):
    for key in ("command", "created_utc", "weights_file", "weights_sha256", "weights_bytes",
                "architecture", "data", "training", "seed", "epochs", "train_accuracy",
                "test_accuracy", "wall_time_s", "environment", "git"):
        assert key in record, f"provenance lacks {key!r}"
    digest = hashlib.sha256(F.DEFAULT_WEIGHTS.read_bytes()).hexdigest()
    assert record["weights_sha256"] == digest == net.sha256
    assert record["weights_file"] == F.DEFAULT_WEIGHTS.name
    assert record["weights_bytes"] == F.DEFAULT_WEIGHTS.stat().st_size
    assert record["command"].startswith("python -m gancourse.features train")
    assert record["data"]["source"] in ("bundled", "full")
    assert record["data"]["train_count"] > 0 and record["data"]["test_count"] > 0
    assert isinstance(record["seed"], int) and isinstance(record["epochs"], int)
    assert record["training"]["deterministic_ops"] is True
    assert 0 < record["train_accuracy"] <= 1 and 0 < record["test_accuracy"] <= 1
    assert record["wall_time_s"] > 0
    env = record["environment"]
    for key in ("python", "tensorflow", "keras", "numpy", "platform", "cpu", "cpu_count"):
        assert env.get(key), f"environment lacks {key!r}"
    assert re.fullmatch(r"[0-9a-f]{40}", record["git"]["commit"])
    assert isinstance(record["git"]["dirty"], bool)
    assert record["architecture"]["params"] == F.build_classifier().count_params()
    assert record["architecture"]["feature_dim"] == F.FEATURE_DIM
    assert net.provenance == record


def test_recorded_test_accuracy_is_reproduced(net, record, test_split):
    images, labels = test_split
    assert len(images) == record["data"]["test_count"]
    digest = F._array_sha256(images, labels)
    assert digest == record["data"]["test_sha256"], "the test split changed since training"
    accuracy = net.accuracy(images, labels)
    assert accuracy == pytest.approx(record["test_accuracy"], abs=0.005)
    assert accuracy >= 0.95


# --------------------------------------------------------------------------------------------
# inference
# --------------------------------------------------------------------------------------------
def test_features_shape_finite_deterministic(net, digits):
    f = net.features(digits)
    assert f.shape == (len(digits), F.FEATURE_DIM) and f.dtype == np.float64
    assert np.isfinite(f).all() and (f >= 0).all()  # ReLU activations
    assert np.array_equal(f, net.features(digits))
    # batching does not change an image's features
    np.testing.assert_allclose(net.features(digits[:7]), f[:7], rtol=1e-5, atol=1e-5)


def test_no_dead_features(net, test_split):
    # every unit fires on some real digit, so the feature covariance (FID) is not degenerate
    f = net.features(test_split[0])
    assert (f.max(axis=0) > 0).all()
    assert np.linalg.matrix_rank(np.cov(f, rowvar=False)) == F.FEATURE_DIM


def test_inference_does_not_retrace(net, digits):
    net.features(digits[:3])
    before = net._forward.experimental_get_tracing_count()
    for k in (1, 5, 17, 300):
        net.probabilities(digits[:k])
    assert net._forward.experimental_get_tracing_count() == before == 1


def test_probabilities_and_labels(net, digits, test_split):
    p = net.probabilities(digits)
    assert p.shape == (len(digits), 10) and p.dtype == np.float64
    assert (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-9)
    labels = net.predict_labels(digits)
    assert labels.dtype == np.int64 and np.array_equal(labels, p.argmax(axis=1))
    f2, p2 = net.features_and_probabilities(digits)
    assert np.array_equal(f2, net.features(digits)) and np.allclose(p2, p)


def test_uint8_and_float_inputs_agree(net, digits):
    import tensorflow as tf

    f = net.features(digits)
    scaled = scale_images(digits)
    for same in (digits[..., None], scaled, scaled[..., None], scaled.astype(np.float64),
                 tf.constant(scaled[..., None])):
        assert np.array_equal(net.features(same), f)


@pytest.mark.parametrize("bad, error", [
    (np.zeros((4, 32, 32), np.uint8), ValueError),           # wrong size
    (np.zeros((28, 28), np.float32), ValueError),            # a single image without batch axis
    (np.zeros((4, 28, 28, 3), np.float32), ValueError),      # colour
    (np.zeros((0, 28, 28), np.uint8), ValueError),           # empty
    (np.full((4, 28, 28), 1.5, np.float32), ValueError),     # out of [-1, 1]
    (np.full((4, 28, 28), 255.0, np.float32), ValueError),   # unscaled floats
    (np.full((4, 28, 28), np.nan, np.float32), ValueError),  # NaN
    (np.zeros((4, 28, 28), np.int64), TypeError),            # ambiguous integer pixels
    (np.zeros((4, 28, 28), bool), TypeError),
    (np.full((4, 28, 28), "x"), TypeError),
])
def test_bad_inputs_raise(net, bad, error):
    with pytest.raises(error):
        net.features(bad)


def test_architecture():
    model = F.build_classifier()
    assert model.count_params() < 200_000
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)
    assert model.get_layer(F.FEATURE_LAYER).output.shape == (None, F.FEATURE_DIM)
    assert model.layers[-1].name == F.LOGITS_LAYER


def test_missing_weights_say_how_to_train(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m gancourse.features train"):
        F.load_feature_net(tmp_path / "nothing.weights.h5")


def test_assets_ship_with_the_package():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "assets/*" in config["tool"]["setuptools"]["package-data"]["gancourse"]


# --------------------------------------------------------------------------------------------
# training (a tiny run, in a fresh interpreter: op determinism is process-wide and irreversible)
# --------------------------------------------------------------------------------------------
def test_train_cli_smoke(tmp_path):
    out = tmp_path / "tiny.weights.h5"
    cmd = [sys.executable, "-m", "gancourse.features", "train", "--epochs", "1", "--n", "256",
           "--test-n", "100", "--source", "bundled", "--seed", "3", "--out", str(out), "--quiet"]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    res = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-3000:]
    prov = tmp_path / "tiny.json"
    assert out.is_file() and prov.is_file()
    rec = json.loads(prov.read_text())
    assert rec["weights_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert rec["command"].startswith("python -m gancourse.features train --epochs 1 --n 256")
    assert rec["data"] == {**rec["data"], "source": "bundled", "train_count": 256, "test_count": 100}
    assert rec["seed"] == 3 and rec["epochs"] == 1 and rec["training"]["steps"] == 4
    tiny = F.load_feature_net(out)
    assert tiny is not F.load_feature_net() and tiny.provenance == rec
    assert tiny.features(np.zeros((2, 28, 28), np.uint8)).shape == (2, F.FEATURE_DIM)


def test_train_rejects_bad_out(tmp_path):
    with pytest.raises(ValueError, match="weights.h5"):
        F.train(epochs=1, n=64, out=tmp_path / "model.keras", verbose=0)
