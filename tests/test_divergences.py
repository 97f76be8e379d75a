"""Tests for gancourse.divergences against independent references (scipy) and known properties.

References used: ``scipy.stats.entropy(p, q)`` (KL), ``scipy.spatial.distance.jensenshannon(p, q)
** 2`` (JS, natural log), ``scipy.stats.wasserstein_distance`` (W1) and numerical integration of
``p log(p/q)`` with ``scipy.stats.norm`` densities (closed-form Gaussian KL).
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.spatial.distance import jensenshannon

from gancourse.divergences import (
    LOG2,
    check_distribution,
    js_divergence,
    kl_divergence,
    kl_gaussian,
    wasserstein1_1d,
)


def _dirichlet(shape, seed, alpha=1.0):
    """Random distributions over the last axis of ``shape`` (seeded)."""
    *batch, k = shape
    return np.random.default_rng(seed).dirichlet(np.full(k, alpha), size=tuple(batch) or None)


def _js_ref(p, q):
    return jensenshannon(p, q, axis=-1) ** 2  # scipy's default base is e


# --------------------------------------------------------------------------------------------
# KL divergence
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [2, 3, 10, 100])
@pytest.mark.parametrize("seed", range(5))
def test_kl_matches_scipy_entropy(k, seed):
    p, q = _dirichlet((k,), seed), _dirichlet((k,), seed + 100)
    got = kl_divergence(p, q)
    assert isinstance(got, float)
    np.testing.assert_allclose(got, stats.entropy(p, q), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("alpha", [0.1, 1.0, 10.0])
def test_kl_batched_matches_scipy_row_by_row(alpha):
    p, q = _dirichlet((32, 7), 1, alpha), _dirichlet((32, 7), 2, alpha)
    got = kl_divergence(p, q)
    assert isinstance(got, np.ndarray) and got.shape == (32,)
    np.testing.assert_allclose(got, stats.entropy(p, q, axis=-1), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got, [kl_divergence(a, b) for a, b in zip(p, q)], rtol=1e-14)


def test_kl_extra_batch_axes():
    p, q = _dirichlet((3, 4, 5), 3), _dirichlet((3, 4, 5), 4)
    got = kl_divergence(p, q)
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got, stats.entropy(p, q, axis=-1), rtol=1e-12, atol=1e-14)


def test_kl_is_nonnegative_and_zero_only_on_the_diagonal():
    p, q = _dirichlet((500, 6), 5, 0.5), _dirichlet((500, 6), 6, 0.5)
    kl = kl_divergence(p, q)
    assert (kl > 0).all()  # Gibbs' inequality, strict since p != q
    np.testing.assert_allclose(kl_divergence(p, p), 0.0, atol=1e-15)
    assert kl_divergence([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]) == 0.0


def test_kl_is_not_symmetric():
    p, q = [0.9, 0.1], [0.5, 0.5]
    forward, reverse = kl_divergence(p, q), kl_divergence(q, p)
    # by hand: 0.9 log 1.8 + 0.1 log 0.2 and 0.5 log(5/9) + 0.5 log 5
    np.testing.assert_allclose(forward, 0.9 * np.log(1.8) + 0.1 * np.log(0.2), rtol=1e-14)
    np.testing.assert_allclose(reverse, 0.5 * np.log(5 / 9) + 0.5 * np.log(5.0), rtol=1e-14)
    assert abs(forward - reverse) > 0.1
    # and on random pairs, asymmetry is the rule
    a, b = _dirichlet((100, 5), 7), _dirichlet((100, 5), 8)
    assert np.mean(np.abs(kl_divergence(a, b) - kl_divergence(b, a)) > 1e-3) > 0.9


def test_kl_zero_handling():
    # 0 log(0/q) = 0: outcomes p does not visit contribute nothing, whatever q is (even 0)
    np.testing.assert_allclose(kl_divergence([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]), np.log(2.0),
                               rtol=1e-14)
    np.testing.assert_allclose(kl_divergence([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]), 0.0, atol=0)
    np.testing.assert_allclose(kl_divergence([1.0, 0.0], [0.5, 0.5]), np.log(2.0), rtol=1e-14)
    # p > 0 where q = 0: infinite, as in scipy
    with np.errstate(all="raise"):  # and without a numpy warning leaking out
        kl = kl_divergence([0.5, 0.5], [1.0, 0.0])
    assert kl == np.inf and stats.entropy([0.5, 0.5], [1.0, 0.0]) == np.inf
    # in a batch only the offending row is infinite
    got = kl_divergence([[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0], [0.5, 0.5]])
    assert got[0] == np.inf and got[1] == 0.0


def test_cross_entropy_identity_and_kl_is_not_cross_entropy():
    p, q = _dirichlet((50, 8), 9), _dirichlet((50, 8), 10)
    entropy = -(p * np.log(p)).sum(-1)
    cross_entropy = -(p * np.log(q)).sum(-1)  # H(p, q)
    kl = kl_divergence(p, q)
    np.testing.assert_allclose(cross_entropy, entropy + kl, rtol=1e-12)  # H(p,q) = H(p) + KL
    assert (cross_entropy - kl > 0.1).all()  # so KL != cross-entropy when H(p) > 0 ...
    onehot = np.eye(8)[3]  # ... and they agree only when H(p) = 0 (a one-hot p)
    np.testing.assert_allclose(kl_divergence(onehot, q[0]), -np.log(q[0, 3]), rtol=1e-14)


# --------------------------------------------------------------------------------------------
# JS divergence
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [2, 3, 10, 100])
@pytest.mark.parametrize("seed", range(5))
def test_js_matches_scipy_jensenshannon_squared(k, seed):
    p, q = _dirichlet((k,), seed, 0.5), _dirichlet((k,), seed + 100, 0.5)
    got = js_divergence(p, q)
    assert isinstance(got, float)
    np.testing.assert_allclose(got, _js_ref(p, q), rtol=1e-10, atol=1e-14)


def test_js_uses_the_mixture_not_the_other_distribution():
    p, q = _dirichlet((20, 6), 11), _dirichlet((20, 6), 12)
    m = 0.5 * (p + q)
    by_definition = 0.5 * stats.entropy(p, m, axis=-1) + 0.5 * stats.entropy(q, m, axis=-1)
    got = js_divergence(p, q)
    assert got.shape == (20,)
    np.testing.assert_allclose(got, by_definition, rtol=1e-12)
    np.testing.assert_allclose(got, _js_ref(p, q), rtol=1e-10)
    # the seeds' error, KL(p||q)/2 + KL(q||p)/2, is a different quantity
    wrong = 0.5 * kl_divergence(p, q) + 0.5 * kl_divergence(q, p)
    assert (np.abs(got - wrong) > 1e-3).all()


def test_js_is_symmetric_and_bounded():
    p, q = _dirichlet((1000, 5), 13, 0.3), _dirichlet((1000, 5), 14, 0.3)
    js = js_divergence(p, q)
    np.testing.assert_array_equal(js, js_divergence(q, p))
    assert (js >= 0).all() and (js <= LOG2).all()
    assert LOG2 == np.log(2.0)
    np.testing.assert_allclose(js_divergence(p, p), 0.0, atol=1e-15)


@pytest.mark.parametrize("k", [2, 10, 1000])
def test_js_is_log2_for_disjoint_supports(k):
    p, q = np.zeros(k), np.zeros(k)
    p[: k // 2] = 1.0 / (k // 2)
    q[k // 2:] = 1.0 / (k - k // 2)
    assert js_divergence(p, q) == pytest.approx(np.log(2.0), rel=1e-14)
    assert js_divergence(p, q) <= LOG2
    np.testing.assert_allclose(js_divergence(p, q), _js_ref(p, q), rtol=1e-12)
    assert kl_divergence(p, q) == np.inf and kl_divergence(q, p) == np.inf


def test_js_is_finite_where_kl_is_infinite():
    p, q = [0.5, 0.5, 0.0], [0.0, 0.5, 0.5]
    assert kl_divergence(p, q) == np.inf
    js = js_divergence(p, q)
    assert np.isfinite(js) and 0 < js < LOG2
    # m = (0.25, 0.5, 0.25): JS = 0.5 * 2 * (0.5 log 2) = 0.5 log 2
    np.testing.assert_allclose(js, 0.5 * np.log(2.0), rtol=1e-14)


def test_sqrt_js_satisfies_the_triangle_inequality():
    p, q, r = (_dirichlet((2000, 4), s, 0.3) for s in (15, 16, 17))
    d = lambda a, b: np.sqrt(js_divergence(a, b))  # noqa: E731
    assert (d(p, r) <= d(p, q) + d(q, r) + 1e-12).all()
    # JS itself is not a metric: three point masses on a line of outcomes break it
    a, b, c = np.array([1.0, 0, 0]), np.array([0.5, 0.5, 0]), np.array([0, 1.0, 0])
    assert js_divergence(a, c) > js_divergence(a, b) + js_divergence(b, c)


# --------------------------------------------------------------------------------------------
# Gaussian KL in closed form
# --------------------------------------------------------------------------------------------
def _kl_gaussian_quad(mu1, s1, mu2, s2):
    lo, hi = mu1 - 12 * s1, mu1 + 12 * s1

    def integrand(x):
        return stats.norm.pdf(x, mu1, s1) * (stats.norm.logpdf(x, mu1, s1)
                                              - stats.norm.logpdf(x, mu2, s2))

    value, _ = integrate.quad(integrand, lo, hi, points=[mu1], limit=200)
    return value


@pytest.mark.parametrize("mu1, s1, mu2, s2", [
    (0.0, 1.0, 0.0, 1.0), (0.0, 1.0, 1.0, 1.0), (0.0, 1.0, 0.0, 2.0), (0.0, 2.0, 0.0, 1.0),
    (-1.5, 0.3, 2.0, 1.7), (3.0, 0.5, -1.0, 0.2),
])
def test_kl_gaussian_matches_numerical_integration(mu1, s1, mu2, s2):
    np.testing.assert_allclose(kl_gaussian(mu1, s1, mu2, s2),
                               _kl_gaussian_quad(mu1, s1, mu2, s2), rtol=1e-7, atol=1e-10)


def test_kl_gaussian_matches_monte_carlo():
    x = np.random.default_rng(18).normal(0.5, 1.2, size=400_000)
    mc = np.mean(stats.norm.logpdf(x, 0.5, 1.2) - stats.norm.logpdf(x, -0.3, 0.8))
    exact = kl_gaussian(0.5, 1.2, -0.3, 0.8)
    assert abs(mc - exact) < 0.01  # MC standard error is about 0.003 here


def test_kl_gaussian_properties_and_broadcasting():
    assert kl_gaussian(1.0, 2.0, 1.0, 2.0) == 0.0
    assert isinstance(kl_gaussian(0.0, 1.0, 1.0, 1.0), float)
    np.testing.assert_allclose(kl_gaussian(0.0, 1.0, 3.0, 1.0), 4.5, rtol=1e-14)  # d^2 / 2
    assert kl_gaussian(0.0, 1.0, 0.0, 3.0) != pytest.approx(kl_gaussian(0.0, 3.0, 0.0, 1.0))
    mu2 = np.linspace(-2, 2, 5)
    got = kl_gaussian(0.0, 1.0, mu2, np.array([[0.5], [1.0]]))
    assert got.shape == (2, 5)
    np.testing.assert_allclose(got[1], mu2**2 / 2, rtol=1e-14, atol=1e-15)
    assert (got >= 0).all()


@pytest.mark.parametrize("args", [
    (0.0, 0.0, 0.0, 1.0), (0.0, 1.0, 0.0, 0.0), (0.0, -1.0, 0.0, 1.0), (0.0, 1.0, 0.0, -2.0),
    (0.0, np.array([1.0, 0.0]), 0.0, 1.0), (np.nan, 1.0, 0.0, 1.0), (0.0, 1.0, np.inf, 1.0),
    (0.0, np.nan, 0.0, 1.0),
])
def test_kl_gaussian_rejects_bad_parameters(args):
    with pytest.raises(ValueError):
        kl_gaussian(*args)


# --------------------------------------------------------------------------------------------
# Wasserstein-1 in one dimension
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_w1_matches_scipy_on_samples(seed):
    rng = np.random.default_rng(seed)
    u, v = rng.normal(0, 1, size=200), rng.standard_t(3, size=150) + 0.7
    np.testing.assert_allclose(wasserstein1_1d(u, v), stats.wasserstein_distance(u, v),
                               rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_w1_matches_scipy_with_weights(seed):
    rng = np.random.default_rng(seed + 50)
    u, v = rng.uniform(-3, 3, size=40), rng.integers(-3, 4, size=25).astype(float)  # ties in v
    uw, vw = rng.dirichlet(np.ones(40)), rng.uniform(0, 5, size=25)
    vw[:3] = 0.0  # zero weights are allowed
    np.testing.assert_allclose(wasserstein1_1d(u, v, uw, vw),
                               stats.wasserstein_distance(u, v, uw, vw), rtol=1e-12)
    np.testing.assert_allclose(wasserstein1_1d(u, v, uw),
                               stats.wasserstein_distance(u, v, uw), rtol=1e-12)


@pytest.mark.parametrize("theta", [-3.0, -0.5, 1e-3, 0.25, 1.0, 10.0])
def test_w1_of_shifted_point_masses_is_the_shift(theta):
    assert wasserstein1_1d([0.0], [theta]) == pytest.approx(abs(theta), rel=1e-14)
    assert wasserstein1_1d([0.0], [0.0]) == 0.0


def test_w1_is_a_metric_on_samples():
    rng = np.random.default_rng(19)
    a, b, c = rng.normal(0, 1, 60), rng.normal(1, 2, 70), rng.exponential(1, 80)
    assert wasserstein1_1d(a, b) == pytest.approx(wasserstein1_1d(b, a), rel=1e-14)
    assert wasserstein1_1d(a, c) <= wasserstein1_1d(a, b) + wasserstein1_1d(b, c) + 1e-12
    # shifting both by the same amount changes nothing; shifting one adds at most the shift
    np.testing.assert_allclose(wasserstein1_1d(a + 5, b + 5), wasserstein1_1d(a, b), rtol=1e-12)
    np.testing.assert_allclose(wasserstein1_1d(a, a + 2.5), 2.5, rtol=1e-12)


def test_w1_equals_integral_of_cdf_difference_on_a_grid():
    x = np.linspace(-10, 10, 2001)
    p = stats.norm.pdf(x, -1, 0.7)
    q = stats.norm.pdf(x, 1.5, 1.3)
    p, q = p / p.sum(), q / q.sum()
    by_cdfs = np.sum(np.abs(np.cumsum(p) - np.cumsum(q))[:-1] * np.diff(x))
    np.testing.assert_allclose(wasserstein1_1d(x, x, p, q), by_cdfs, rtol=1e-10)
    # the discretised Gaussians approximate the continuous W1 = integral |Phi_p - Phi_q|
    continuous, _ = integrate.quad(
        lambda t: abs(stats.norm.cdf(t, -1, 0.7) - stats.norm.cdf(t, 1.5, 1.3)), -10, 10,
        points=[0.0], limit=200)
    np.testing.assert_allclose(wasserstein1_1d(x, x, p, q), continuous, rtol=1e-2)


@pytest.mark.parametrize("bad", [
    dict(u_values=[], v_values=[1.0]),
    dict(u_values=[1.0], v_values=[]),
    dict(u_values=[[0.0, 1.0]], v_values=[1.0]),
    dict(u_values=[0.0, np.nan], v_values=[1.0]),
    dict(u_values=[0.0, np.inf], v_values=[1.0]),
    dict(u_values=[0.0, 1.0], v_values=[1.0], u_weights=[1.0]),
    dict(u_values=[0.0, 1.0], v_values=[1.0], u_weights=[1.0, -0.5]),
    dict(u_values=[0.0, 1.0], v_values=[1.0], v_weights=[0.0]),
])
def test_w1_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        wasserstein1_1d(**bad)


@pytest.mark.parametrize("weight", [np.nan, np.inf])
@pytest.mark.parametrize("which", ["u_weights", "v_weights"])
def test_w1_rejects_non_finite_weights(weight, which):
    # values are checked for NaN/inf, so must weights be; scipy raises ValueError here too,
    # where a silent NaN result would propagate into a training log unnoticed
    with pytest.raises(ValueError):
        stats.wasserstein_distance([0.0, 1.0], [1.0, 2.0], **{which: [weight, 1.0]})
    with pytest.raises(ValueError):
        wasserstein1_1d([0.0, 1.0], [1.0, 2.0], **{which: [weight, 1.0]})


# --------------------------------------------------------------------------------------------
# Input validation of discrete distributions
# --------------------------------------------------------------------------------------------
GOOD = [0.25, 0.25, 0.5]


@pytest.mark.parametrize("fn", [kl_divergence, js_divergence])
@pytest.mark.parametrize("p, q, match", [
    ([0.5, 0.7, -0.2], GOOD, "negative"),
    (GOOD, [1.2, -0.1, -0.1], "negative"),
    ([0.2, 0.2, 0.2], GOOD, "sum to 1"),
    (GOOD, [0.5, 0.5, 0.5], "sum to 1"),
    ([[0.5, 0.5], [0.3, 0.3]], [[0.5, 0.5], [0.5, 0.5]], "sum to 1"),  # one bad row in a batch
    (GOOD, [0.5, 0.5], "same shape"),
    ([GOOD, GOOD], GOOD, "same shape"),
    ([0.5, np.nan, 0.5], GOOD, "NaN"),
    (GOOD, [np.inf, 0.0, 0.0], "NaN or infinite"),
    ([], [], "non-empty"),
    (np.zeros((3, 0)), np.zeros((3, 0)), "non-empty"),
    (1.0, 1.0, "non-empty"),
])
def test_divergences_reject_invalid_distributions(fn, p, q, match):
    with pytest.raises(ValueError, match=match):
        fn(p, q)


def test_check_distribution_accepts_and_converts():
    out = check_distribution([1, 0, 0])
    assert out.dtype == np.float64 and out.shape == (3,)
    check_distribution([0.5, 0.5 + 1e-9])  # within the default tolerance
    with pytest.raises(ValueError):
        check_distribution([0.5, 0.5 + 1e-3])


def test_js_handles_subnormal_probabilities():
    # (p + q) / 2 underflows to 0 for the smallest subnormal; the JS must still be ~0, not log 2.
    p = np.array([0.5, 0.5, 5e-324])
    q = np.array([0.5, 0.5, 0.0])
    assert js_divergence(p, q) < 1e-300
    assert js_divergence(q, p) < 1e-300
