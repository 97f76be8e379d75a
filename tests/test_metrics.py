"""Tests for gancourse.metrics against closed forms and independent reference implementations.

References used:

* FID: the Frechet distance of Gaussians in closed form (equal covariances: ``||mu||^2``;
  diagonal covariances: ``sum (sqrt(a) - sqrt(b))^2``) and a second implementation through
  symmetric eigendecompositions, ``Tr((S1 S2)^(1/2)) = sum sqrt(eig(S1^(1/2) S2 S1^(1/2)))``.
* Inception Score formula: ``scipy.stats.entropy`` per row, known values (1 for identical rows,
  K for balanced one-hot rows).
* KID: a direct double loop over pairs, and the population MMD^2 of the cubic kernel in 1-D,
  ``(m3 - m3')^2 + 3 (m2 - m2')^2 + 3 (m1 - m1')^2`` from the raw moments (since
  ``(xy + 1)^3 = x^3 y^3 + 3 x^2 y^2 + 3 x y + 1``).
* Precision / recall / density / coverage: brute force with a full ``scipy.spatial.distance.cdist``
  matrix, and values known exactly (identical sets: density = (k+1)/k).
* Mode coverage: the 3-sigma mass of a 2-D isotropic Gaussian, ``1 - exp(-9/2)``.
"""
from __future__ import annotations

import subprocess
import sys
import types
import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import cdist

from gancourse import metrics
from gancourse.data import GaussianMixture2D, grid_of_gaussians, ring_of_gaussians
from gancourse.metrics import (
    classifier_score,
    feature_statistics,
    fid,
    fid_from_features,
    frechet_distance,
    kid,
    mode_coverage,
    precision_recall,
)


# --------------------------------------------------------------------------------------------
# helpers: independent references
# --------------------------------------------------------------------------------------------
def _random_spd(d: int, rng: np.random.Generator) -> np.ndarray:
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


def _sym_sqrt(s: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def _frechet_eig(mu1, s1, mu2, s2) -> float:
    """Frechet distance with symmetric eigendecompositions only (no sqrtm of a non-symmetric product)."""
    r = _sym_sqrt(s1)
    eig = np.linalg.eigvalsh(r @ s2 @ r)
    tr_sqrt = np.sqrt(np.clip(eig, 0, None)).sum()
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * tr_sqrt)


def _mmd2_loops(x: np.ndarray, y: np.ndarray, *, unbiased: bool = True) -> float:
    """Unbiased (or biased, V-statistic) MMD^2 with k(a,b) = (a.b/d + 1)^3, pair by pair."""
    m, d = x.shape
    k = lambda a, b: (float(np.dot(a, b)) / d + 1.0) ** 3  # noqa: E731
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j or not unbiased)
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j or not unbiased)
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m))
    denom = m * (m - 1) if unbiased else m * m
    return xx / denom + yy / denom - 2 * xy / (m * m)


def _prdc_bruteforce(real, fake, k):
    """Precision/recall/density/coverage from full distance matrices (closed balls)."""
    d_rr, d_ff, d_fr = cdist(real, real), cdist(fake, fake), cdist(fake, real)
    r_real = np.sort(d_rr, axis=1)[:, k]
    r_fake = np.sort(d_ff, axis=1)[:, k]
    inside = d_fr <= r_real[None, :]
    return {
        "precision": inside.any(axis=1).mean(),
        "recall": (d_fr <= r_fake[:, None]).any(axis=0).mean(),
        "density": inside.sum() / (k * len(fake)),
        "coverage": (d_fr.min(axis=0) <= r_real).mean(),
    }


def _is_reference(p: np.ndarray) -> float:
    py = p.mean(axis=0)
    return float(np.exp(np.mean([stats.entropy(row, py) for row in p])))


# --------------------------------------------------------------------------------------------
# module
# --------------------------------------------------------------------------------------------
def test_import_does_not_load_tensorflow():
    code = "import sys, gancourse.metrics; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------------------------
# Frechet distance
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("d", [1, 2, 5, 32])
def test_equal_covariances_give_squared_mean_distance(d):
    rng = np.random.default_rng(d)
    mu = rng.standard_normal(d)
    got = frechet_distance(np.zeros(d), np.eye(d), mu, np.eye(d))
    np.testing.assert_allclose(got, mu @ mu, rtol=1e-9, atol=1e-12)
    s = _random_spd(d, rng)  # any shared covariance cancels
    np.testing.assert_allclose(frechet_distance(np.zeros(d), s, mu, s), mu @ mu, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_diagonal_covariances_closed_form(seed):
    rng = np.random.default_rng(seed)
    d = 10
    a, b = rng.uniform(0.1, 4.0, d), rng.uniform(0.1, 4.0, d)
    mu1, mu2 = rng.standard_normal(d), rng.standard_normal(d)
    want = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    got = frechet_distance(mu1, np.diag(a), mu2, np.diag(b))
    assert isinstance(got, float)
    np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.parametrize("d", [2, 3, 8, 30, 64])
@pytest.mark.parametrize("seed", range(3))
def test_matches_eigendecomposition_reference(d, seed):
    rng = np.random.default_rng(100 * d + seed)
    mu1, mu2 = rng.standard_normal(d), rng.standard_normal(d)
    s1, s2 = _random_spd(d, rng), _random_spd(d, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # well-conditioned: no fallback, no warning
        got = frechet_distance(mu1, s1, mu2, s2)
    np.testing.assert_allclose(got, _frechet_eig(mu1, s1, mu2, s2), rtol=1e-8, atol=1e-9)


def test_symmetric_and_zero_for_equal_statistics():
    rng = np.random.default_rng(7)
    mu1, mu2 = rng.standard_normal(6), rng.standard_normal(6)
    s1, s2 = _random_spd(6, rng), _random_spd(6, rng)
    np.testing.assert_allclose(frechet_distance(mu1, s1, mu2, s2),
                               frechet_distance(mu2, s2, mu1, s1), rtol=1e-10)
    assert frechet_distance(mu1, s1, mu1, s1) == pytest.approx(0.0, abs=1e-10)
    assert frechet_distance(mu1, s1, mu1, s1) >= 0.0  # round-off negatives are clipped


def test_fid_of_a_set_with_itself_is_zero_and_symmetric():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((500, 16))
    y = rng.standard_normal((400, 16)) @ rng.standard_normal((16, 16)) + 1.0
    assert fid_from_features(x, x) == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(fid_from_features(x, y), fid_from_features(y, x), rtol=1e-9)
    assert fid_from_features(x, y) > 10.0


def test_fid_from_samples_approaches_the_gaussian_closed_form():
    rng = np.random.default_rng(1)
    d, n = 4, 20000
    mu = np.array([1.0, -0.5, 0.0, 2.0])
    scales = np.array([1.0, 2.0, 0.5, 1.5])
    x = rng.standard_normal((n, d))
    y = mu + scales * rng.standard_normal((n, d))
    want = mu @ mu + np.sum((1.0 - scales) ** 2)  # diagonal closed form: 5.25 + 0.5 = 5.75
    assert fid_from_features(x, y) == pytest.approx(want, abs=0.1)


def test_feature_statistics_matches_numpy():
    x = np.random.default_rng(2).standard_normal((50, 3))
    mu, sigma = feature_statistics(x)
    np.testing.assert_allclose(mu, x.mean(axis=0))
    np.testing.assert_allclose(sigma, np.cov(x.T))
    assert mu.shape == (3,) and sigma.shape == (3, 3) and sigma.dtype == np.float64
    _, s1 = feature_statistics(x[:, :1])  # D = 1: still a (1, 1) matrix
    assert s1.shape == (1, 1)


def test_singular_covariance_warns_and_uses_eps_fallback():
    rng = np.random.default_rng(3)
    d, n = 32, 20  # N < D: both covariances have rank <= 19
    x, y = rng.standard_normal((n, d)), rng.standard_normal((n, d)) + 0.5
    with pytest.warns(UserWarning) as record:
        got = fid_from_features(x, y)
    messages = " ".join(str(w.message) for w in record)
    assert "only 20 samples" in messages and "at least 33" in messages  # feature_statistics
    assert "eps" in messages  # frechet_distance's fallback
    mu1, s1, mu2, s2 = x.mean(0), np.cov(x.T), y.mean(0), np.cov(y.T)
    eps_i = 1e-6 * np.eye(d)
    assert np.isfinite(got) and got > 0
    np.testing.assert_allclose(got, _frechet_eig(mu1, s1 + eps_i, mu2, s2 + eps_i), rtol=1e-4)


def test_singular_fallback_keeps_zero_for_identical_sets():
    x = np.random.default_rng(4).standard_normal((10, 20))
    with pytest.warns(UserWarning):
        assert fid_from_features(x, x) == pytest.approx(0.0, abs=1e-6)


def test_constant_features_are_handled():
    """Dead ReLU units give zero-variance features: a singular covariance even for N >> D."""
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((300, 4)), rng.standard_normal((300, 4))
    x[:, 0] = y[:, 0] = 0.0
    with pytest.warns(UserWarning, match="eps"):
        got = fid_from_features(x, y)
    assert 0.0 <= got < 0.2


def test_point_masses_give_squared_mean_distance():
    """Zero covariances (all features constant): the eps fallback regularises *both* the root
    and the traces, so the answer stays exactly ||mu1 - mu2||^2 (and 0 for equal means)."""
    zero = np.zeros((3, 3))
    with pytest.warns(UserWarning, match="eps"):
        assert frechet_distance(np.zeros(3), zero, np.ones(3), zero) == pytest.approx(3.0, rel=1e-12)
    with pytest.warns(UserWarning, match="eps"):
        assert frechet_distance(np.ones(3), zero, np.ones(3), zero) == 0.0


@pytest.mark.parametrize("n, warns", [(7, True), (8, True), (9, False), (50, False)])
def test_feature_statistics_warns_when_n_at_most_d(n, warns):
    x = np.random.default_rng(n).standard_normal((n, 8))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        feature_statistics(x)
    assert any("at least 9 samples" in str(w.message) for w in record) == warns


def test_clearly_negative_distance_raises():
    s_bad = np.array([[1.0, 2.0], [2.0, 1.0]])  # not PSD; s_bad @ s_bad is, with trace root 4
    with pytest.raises(ValueError, match="negative"):
        frechet_distance(np.zeros(2), s_bad, np.zeros(2), s_bad)


def test_non_psd_covariance_raises():
    s_bad = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues 3 and -1
    with pytest.raises(ValueError, match="positive semi-definite"), pytest.warns(UserWarning):
        frechet_distance(np.zeros(2), s_bad, np.zeros(2), np.eye(2))


@pytest.mark.parametrize("args, match", [
    ((np.zeros(2), np.eye(3), np.zeros(2), np.eye(2)), "sigma1"),
    ((np.zeros(2), np.eye(2), np.zeros(3), np.eye(3)), "same dimension"),
    ((np.zeros((1, 2)), np.eye(2), np.zeros(2), np.eye(2)), "mu1"),
    ((np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]]), np.zeros(2), np.eye(2)), "symmetric"),
    ((np.zeros(2), -np.eye(2), np.zeros(2), np.eye(2)), "negative variances"),
    ((np.array([np.nan, 0.0]), np.eye(2), np.zeros(2), np.eye(2)), "NaN"),
    ((np.zeros(2), np.eye(2), np.zeros(2), np.full((2, 2), np.inf)), "NaN or infinite"),
])
def test_frechet_distance_bad_inputs_raise(args, match):
    with pytest.raises(ValueError, match=match):
        frechet_distance(*args)


def test_frechet_distance_bad_eps_and_dtype():
    with pytest.raises(ValueError, match="eps"):
        frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2), eps=0.0)
    with pytest.raises(TypeError, match="numeric"):
        frechet_distance(np.array(["a", "b"]), np.eye(2), np.zeros(2), np.eye(2))


@pytest.mark.parametrize("real, fake, exc, match", [
    (np.full((10, 3), np.nan), np.zeros((10, 3)), ValueError, "NaN"),
    (np.zeros((1, 3)), np.zeros((10, 3)), ValueError, "at least 2"),
    (np.zeros(10), np.zeros((10, 1)), ValueError, "2-D"),
    (np.zeros((10, 3)), np.zeros((10, 4)), ValueError, "same dimension"),
    (np.zeros((10, 3), dtype=bool), np.zeros((10, 3)), TypeError, "numeric"),
])
def test_fid_from_features_bad_inputs_raise(real, fake, exc, match):
    with pytest.raises(exc, match=match):
        fid_from_features(real, fake)


def test_nan_feature_raises_with_count():
    x = np.random.default_rng(0).standard_normal((50, 4))
    y = x.copy()
    y[3, 1] = np.nan
    with pytest.raises(ValueError, match="fake_features contains 1 NaN"):
        fid_from_features(x, y)


# --------------------------------------------------------------------------------------------
# fid() through a feature network
# --------------------------------------------------------------------------------------------
class FlattenNet:
    """A stand-in feature network: flattens images to float64 and records every batch."""

    def __init__(self):
        self.batches = []

    def features(self, images):
        images = np.asarray(images)
        self.batches.append((len(images), images.dtype))
        return images.reshape(len(images), -1).astype(np.float64)


def test_fid_uses_feature_net_in_batches():
    rng = np.random.default_rng(0)
    real = rng.integers(0, 256, size=(50, 3, 3), dtype=np.uint8)
    fake = rng.integers(0, 200, size=(23, 3, 3), dtype=np.uint8)
    net = FlattenNet()
    got = fid(real, fake, feature_net=net, batch_size=16)
    want = fid_from_features(real.reshape(50, -1), fake.reshape(23, -1))
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert [b for b, _ in net.batches] == [16, 16, 16, 2, 16, 7]
    assert all(dtype == np.uint8 for _, dtype in net.batches)  # images are passed through unchanged


def test_fid_default_loads_course_feature_net(monkeypatch):
    """feature_net=None uses gancourse.features.load_feature_net() (faked here: no TensorFlow)."""
    calls = []

    def load_feature_net():
        calls.append(1)
        return FlattenNet()

    monkeypatch.setitem(sys.modules, "gancourse.features",
                        types.SimpleNamespace(load_feature_net=load_feature_net))
    x = np.random.default_rng(1).standard_normal((40, 2, 2))
    assert fid(x, x + 1.0) == pytest.approx(4.0)  # mean shift of 1 in each of 4 features
    assert calls == [1]


def test_fid_checks_feature_net_and_its_output():
    x = np.zeros((10, 2, 2))
    with pytest.raises(TypeError, match="features"):
        fid(x, x, feature_net=object())
    bad = types.SimpleNamespace(features=lambda imgs: np.zeros(len(imgs)))
    with pytest.raises(ValueError, match="expected"):
        fid(x, x, feature_net=bad)
    with pytest.raises(ValueError, match="batch_size"):
        fid(x, x, feature_net=FlattenNet(), batch_size=0)
    with pytest.raises(ValueError, match="non-empty"):
        fid(np.zeros((0, 2, 2)), x, feature_net=FlattenNet())


# --------------------------------------------------------------------------------------------
# Inception Score formula
# --------------------------------------------------------------------------------------------
def test_uniform_predictions_score_one():
    mean, std = classifier_score(np.full((100, 10), 0.1), splits=5)
    assert mean == pytest.approx(1.0, abs=1e-12) and std == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("k", [2, 5, 10])
def test_balanced_one_hot_scores_k(k):
    probs = np.eye(k)[np.arange(40 * k) % k]  # interleaved: every split is balanced
    mean, std = classifier_score(probs, splits=4)
    assert mean == pytest.approx(k, rel=1e-12) and std == pytest.approx(0.0, abs=1e-12)


def test_one_image_per_class_gets_the_maximum_score():
    """The IS failure mode: K images, one per class, score K - as high as any generator can."""
    k = 10
    one_per_class = np.eye(k)  # a "generator" that can only draw one image of each digit
    assert classifier_score(one_per_class, splits=1)[0] == pytest.approx(k)
    rng = np.random.default_rng(0)
    diverse = rng.dirichlet(np.full(k, 0.05), size=5000)  # many different, confident images
    assert classifier_score(diverse, splits=1)[0] < k  # bounded by K: cannot beat the collapse


@pytest.mark.parametrize("seed", range(3))
def test_matches_scipy_entropy_reference(seed):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.full(7, 0.3), size=300)
    mean, std = classifier_score(probs, splits=3)
    ref = [_is_reference(probs[i * 100:(i + 1) * 100]) for i in range(3)]
    np.testing.assert_allclose(mean, np.mean(ref), rtol=1e-10)
    np.testing.assert_allclose(std, np.std(ref), rtol=1e-8, atol=1e-12)
    assert 1.0 <= mean <= 7.0


def test_splits_are_consecutive_slices():
    """Rows sorted by class: each of K splits sees a single class and scores 1; one split scores K."""
    probs = np.repeat(np.eye(4), 25, axis=0)  # 25 rows of class 0, then class 1, ...
    assert classifier_score(probs, splits=4) == pytest.approx((1.0, 0.0))
    assert classifier_score(probs, splits=1) == pytest.approx((4.0, 0.0))
    mean, std = classifier_score(probs, splits=2)  # two classes per split
    assert mean == pytest.approx(2.0) and std == pytest.approx(0.0)
    mean, std = classifier_score(np.eye(4)[[0, 1, 2, 3, 0, 0, 0, 0]], splits=2)
    assert (mean, std) == pytest.approx((2.5, 1.5))  # splits score 4 and 1


def test_zeros_are_handled_and_rows_renormalised():
    probs = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]])
    mean, _ = classifier_score(probs, splits=1)
    assert np.isfinite(mean)
    np.testing.assert_allclose(mean, _is_reference(probs), rtol=1e-12)
    nearly = probs * (1 + 5e-5)  # within 1e-4 of summing to 1: accepted
    assert classifier_score(nearly, splits=1)[0] == pytest.approx(mean, rel=1e-12)


@pytest.mark.parametrize("probs, splits, exc, match", [
    (np.full((10, 3), 0.5), 1, ValueError, "sum to 1"),
    (np.array([[1.5, -0.5]] * 4), 1, ValueError, "negative"),
    (np.array([[np.nan, 1.0]] * 4), 1, ValueError, "NaN"),
    (np.full(10, 0.1), 1, ValueError, "2-D"),
    (np.full((10, 2), 0.5), 0, ValueError, "splits"),
    (np.full((10, 2), 0.5), 11, ValueError, "larger than"),
    (np.array([["a", "b"]]), 1, TypeError, "numeric"),
])
def test_invalid_probabilities_raise(probs, splits, exc, match):
    with pytest.raises(exc, match=match):
        classifier_score(probs, splits=splits)


# --------------------------------------------------------------------------------------------
# KID
# --------------------------------------------------------------------------------------------
def test_kid_matches_direct_double_loop():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((15, 3)), rng.standard_normal((15, 3)) + 0.3
    # subset_size = N: every subset is the whole set (in another order), so every value is equal
    mean, std = kid(x, y, subsets=3, subset_size=15)
    np.testing.assert_allclose(mean, _mmd2_loops(x, y), rtol=1e-10)
    assert std == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n_real, n_fake", [(12, 30), (30, 12)])
def test_kid_subset_size_is_capped_at_the_smaller_set(n_real, n_fake):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((n_real, 2)), rng.standard_normal((n_fake, 2))
    capped = kid(x, y, subsets=20, subset_size=1000, seed=3)
    explicit = kid(x, y, subsets=20, subset_size=12, seed=3)
    assert capped == explicit


def test_kid_is_unbiased_against_the_population_mmd():
    """1-D, uniform on [-1, 1] vs shifted by s: E[KID] is the population MMD^2; the V-statistic
    (which keeps the i == j terms) is clearly biased at this small sample size."""
    s, m, reps = 0.5, 6, 800
    # raw moments of U(-1,1): (0, 1/3, 0); shifted: (s, 1/3 + s^2, s + s^3)
    want = (s + s**3) ** 2 + 3 * (s**2) ** 2 + 3 * s**2  # 1.328125
    rng = np.random.default_rng(0)
    unbiased, biased = [], []
    for r in range(reps):
        x = rng.uniform(-1, 1, size=(m, 1))
        y = rng.uniform(-1, 1, size=(m, 1)) + s
        unbiased.append(kid(x, y, subsets=1, subset_size=m, seed=r)[0])
        biased.append(_mmd2_loops(x, y, unbiased=False))
    se_unbiased = np.std(unbiased) / np.sqrt(reps)
    se_biased = np.std(biased) / np.sqrt(reps)
    assert abs(np.mean(unbiased) - want) < 4 * se_unbiased  # |z| ~ 1 for seeds 0..2
    assert np.mean(biased) - want > 6 * se_biased  # z ~ 10: the test can tell the difference


def test_kid_near_zero_for_same_distribution():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((1000, 16)), rng.standard_normal((1000, 16))
    mean, std = kid(x, y, subsets=50, subset_size=200)
    assert abs(mean) < 0.01 and abs(mean) < 3 * std / np.sqrt(50) + 1e-3
    shifted = kid(x, y + 0.5, subsets=50, subset_size=200)[0]
    assert shifted > 20 * abs(mean)


def test_kid_grows_with_mean_shift():
    rng = np.random.default_rng(3)
    x, noise = rng.standard_normal((400, 8)), rng.standard_normal((400, 8))
    values = [kid(x, noise + shift, subsets=20, subset_size=200)[0]
              for shift in (0.0, 0.25, 0.5, 1.0, 2.0)]
    assert values[1] > 0 and all(b > a for a, b in zip(values, values[1:]))


def test_kid_is_reproducible_per_seed():
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((100, 4)), rng.standard_normal((100, 4))
    assert kid(x, y, subsets=5, subset_size=50, seed=1) == kid(x, y, subsets=5, subset_size=50, seed=1)
    assert kid(x, y, subsets=5, subset_size=50, seed=1) != kid(x, y, subsets=5, subset_size=50, seed=2)


@pytest.mark.parametrize("kwargs, match", [
    ({"subsets": 0}, "subsets"),
    ({"subset_size": 1}, "at least 2"),
    ({"subset_size": 2.5}, "subset_size"),
])
def test_kid_bad_arguments_raise(kwargs, match):
    x = np.zeros((10, 2))
    with pytest.raises(ValueError, match=match):
        kid(x, x, **kwargs)
    with pytest.raises(ValueError, match="same dimension"):
        kid(np.zeros((10, 2)), np.zeros((10, 3)))


# --------------------------------------------------------------------------------------------
# precision / recall / density / coverage
# --------------------------------------------------------------------------------------------
def _clusters(centers: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    which = np.arange(n) % len(centers)
    return centers[which] + rng.standard_normal((n, centers.shape[1]))


@pytest.mark.parametrize("chunk", [metrics._CHUNK_ELEMENTS, 1000, 1])
@pytest.mark.parametrize("k", [1, 3, 5])
def test_prdc_matches_bruteforce(monkeypatch, chunk, k):
    monkeypatch.setattr(metrics, "_CHUNK_ELEMENTS", chunk)  # also exercises many small blocks
    rng = np.random.default_rng(k)
    real = rng.standard_normal((120, 5))
    fake = 1.3 * rng.standard_normal((90, 5)) + 0.4
    got = precision_recall(real, fake, k=k)
    want = _prdc_bruteforce(real, fake, k)
    assert set(got) == {"precision", "recall", "density", "coverage"}
    for key in want:
        assert got[key] == pytest.approx(want[key], abs=1e-12), key


def test_identical_sets():
    x = np.random.default_rng(0).standard_normal((300, 8)) + 50.0  # offset: round-off must not matter
    got = precision_recall(x, x, k=5)
    assert got["precision"] == 1.0 and got["recall"] == 1.0 and got["coverage"] == 1.0
    assert got["density"] == pytest.approx(6 / 5)  # each real ball holds itself and 5 neighbours


def test_disjoint_far_apart_sets():
    rng = np.random.default_rng(1)
    real, fake = rng.standard_normal((200, 4)), rng.standard_normal((150, 4)) + 100.0
    got = precision_recall(real, fake, k=3)
    assert got == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_fake_on_half_the_modes_has_high_precision_and_half_recall():
    centers = 10.0 * np.eye(8)[:4]  # 4 well-separated clusters in 8-D
    real = _clusters(centers, 1000, seed=2)
    fake = _clusters(centers[:2], 600, seed=3)  # mode dropping: only 2 of the 4 clusters
    got = precision_recall(real, fake, k=5)
    assert got["precision"] > 0.9
    assert got["recall"] == pytest.approx(0.5, abs=0.06)
    assert got["coverage"] == pytest.approx(0.5, abs=0.06)
    full = precision_recall(real, _clusters(centers, 1000, seed=4), k=5)
    assert full["recall"] > 0.9 and full["coverage"] > 0.9


def test_prdc_needs_more_than_k_samples():
    x = np.zeros((5, 2))
    with pytest.raises(ValueError, match="at least 6"):
        precision_recall(x, np.ones((10, 2)), k=5)
    with pytest.raises(ValueError, match="k must be a positive int"):
        precision_recall(np.ones((10, 2)), np.ones((10, 2)), k=0)


# --------------------------------------------------------------------------------------------
# mode coverage on 2-D toys
# --------------------------------------------------------------------------------------------
def test_samples_from_the_ring_cover_all_modes():
    ring = ring_of_gaussians()
    samples = ring.sample(4000, seed=0)
    got = mode_coverage(ring, samples)
    assert got["n_modes"] == 8 and got["modes_covered"] == 8 and got["covered"].all()
    # 2-D isotropic Gaussian: P(|z| <= 3) = 1 - exp(-9/2) = 0.98889
    p = 1 - np.exp(-4.5)
    assert got["high_quality_fraction"] == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / 4000))
    assert got["counts"].sum() == round(got["high_quality_fraction"] * 4000)
    assert got["counts"].dtype == np.int64 and got["counts"].shape == (8,)


def test_samples_from_three_modes_cover_three():
    ring = ring_of_gaussians()
    rng = np.random.default_rng(1)
    pts = ring.centers[[0, 3, 5]][np.arange(600) % 3] + ring.std * rng.standard_normal((600, 2))
    got = mode_coverage(ring, pts)
    assert got["modes_covered"] == 3
    assert np.flatnonzero(got["covered"]).tolist() == [0, 3, 5]
    assert got["counts"][[1, 2, 4, 6, 7]].sum() == 0


def test_uniform_noise_has_low_quality():
    grid = grid_of_gaussians()
    pts = np.random.default_rng(2).uniform(-6, 6, size=(5000, 2))
    got = mode_coverage(grid, pts)
    # expected: 25 discs of radius 3 * 0.05 over a 12 x 12 square: 25 * pi * 0.15^2 / 144 = 1.2%
    assert got["high_quality_fraction"] < 0.03


def test_min_count_and_within_conventions():
    mix = GaussianMixture2D(np.array([[0.0, 0.0], [10.0, 0.0]]), std=1.0)
    pts = np.array([[0.0, 0.0]] * 5 + [[10.0, 2.5]])  # one sample 2.5 std from mode 1
    got = mode_coverage(mix, pts)
    assert got["modes_covered"] == 2 and got["counts"].tolist() == [5, 1]
    assert mode_coverage(mix, pts, min_count=2)["modes_covered"] == 1
    strict = mode_coverage(mix, pts, within=2.0)
    assert strict["modes_covered"] == 1 and strict["high_quality_fraction"] == pytest.approx(5 / 6)


@pytest.mark.parametrize("mixture, samples, kwargs, exc", [
    ("ring", np.zeros((10, 3)), {}, ValueError),
    ("ring", np.full((10, 2), np.nan), {}, ValueError),
    ("ring", np.zeros((10, 2)), {"within": 0}, ValueError),
    ("ring", np.zeros((10, 2)), {"min_count": 0}, ValueError),
    (np.zeros((8, 2)), np.zeros((10, 2)), {}, TypeError),
])
def test_mode_coverage_bad_inputs(mixture, samples, kwargs, exc):
    mixture = ring_of_gaussians() if isinstance(mixture, str) else mixture
    with pytest.raises(exc):
        mode_coverage(mixture, samples, **kwargs)
