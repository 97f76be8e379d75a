"""Divergences between probability distributions, in nats (natural logarithm).

Discrete distributions are arrays of probabilities over the same outcomes: non-negative,
finite, summing to 1 along the last axis.  Leading axes are batch axes, so ``p`` of shape
(B, K) against ``q`` of shape (B, K) gives B values.

Conventions (the limits of ``t log t``):  ``0 log(0/q) = 0`` for any q, and ``p log(p/0) = +inf``
for p > 0, so ``KL(p || q)`` is infinite when ``p`` puts mass where ``q`` has none.

References: Kullback & Leibler (1951); Lin (1991), "Divergence measures based on the Shannon
entropy" (JS); Endres & Schindelin (2003), "A new metric for probability distributions" (sqrt JS
is a metric).
"""
from __future__ import annotations

import numpy as np

LOG2 = float(np.log(2.0))


def check_distribution(p, *, name: str = "p", atol: float = 1e-6) -> np.ndarray:
    """Validate a discrete distribution (or a batch of them) and return it as float64.

    Raises:
        ValueError: empty, non-finite, negative entries, or rows not summing to 1 within ``atol``.
    """
    arr = np.asarray(p, dtype=np.float64)
    if arr.ndim == 0 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty array of probabilities, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite entries")
    if (arr < 0).any():
        raise ValueError(f"{name} has negative entries (min {arr.min():g}); probabilities are >= 0")
    sums = arr.sum(axis=-1)
    if not np.allclose(sums, 1.0, rtol=0.0, atol=atol):
        worst = float(np.max(np.abs(sums - 1.0)))
        raise ValueError(f"{name} must sum to 1 along its last axis (off by up to {worst:.3g}); "
                         "normalise it first: p / p.sum(axis=-1, keepdims=True)")
    return arr


def _pair(p, q) -> tuple[np.ndarray, np.ndarray]:
    p, q = check_distribution(p, name="p"), check_distribution(q, name="q")
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    return p, q


def _kl(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """KL along the last axis for already-validated arrays."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)
    return terms.sum(axis=-1)


def kl_divergence(p, q):
    """``KL(p || q) = sum_k p_k log(p_k / q_k)`` in nats; shape: the batch shape (a float if none).

    Non-negative, zero iff ``p == q``, *not* symmetric, ``+inf`` when ``q_k = 0 < p_k``.
    Equal to ``scipy.stats.entropy(p, q)``.  Not the cross-entropy: ``H(p, q) = H(p) + KL(p||q)``.
    """
    p, q = _pair(p, q)
    out = _kl(p, q)
    return float(out) if out.ndim == 0 else out


def js_divergence(p, q):
    """Jensen-Shannon divergence ``JS = KL(p || m)/2 + KL(q || m)/2`` with the mixture ``m = (p+q)/2``.

    Symmetric, finite, between 0 and ``log 2`` (reached for disjoint supports); ``sqrt(JS)`` is a
    metric.  Equal to ``scipy.spatial.distance.jensenshannon(p, q) ** 2`` (natural log).
    """
    p, q = _pair(p, q)
    # log(p / m) = log(2p / (p + q)), computed as log 2 + log p - log(p + q): forming m = (p+q)/2
    # first would underflow to 0 for subnormal entries (e.g. 5e-324) and give an infinite term.
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(p + q)
        terms_p = np.where(p > 0, p * (LOG2 + np.log(p) - log_s), 0.0)
        terms_q = np.where(q > 0, q * (LOG2 + np.log(q) - log_s), 0.0)
    out = 0.5 * terms_p.sum(axis=-1) + 0.5 * terms_q.sum(axis=-1)
    out = np.clip(out, 0.0, LOG2)  # round-off can leave -1e-17 or log 2 + 1e-16
    return float(out) if out.ndim == 0 else out


def kl_gaussian(mu1, sigma1, mu2, sigma2):
    """Closed-form ``KL(N(mu1, sigma1^2) || N(mu2, sigma2^2))`` for univariate Gaussians (nats).

    ``log(sigma2/sigma1) + (sigma1^2 + (mu1 - mu2)^2) / (2 sigma2^2) - 1/2``.  Arguments broadcast;
    standard deviations (not variances) must be positive.
    """
    mu1, s1, mu2, s2 = (np.asarray(v, dtype=np.float64) for v in (mu1, sigma1, mu2, sigma2))
    for name, v in (("mu1", mu1), ("sigma1", s1), ("mu2", mu2), ("sigma2", s2)):
        if not np.isfinite(v).all():
            raise ValueError(f"{name} must be finite")
    if (s1 <= 0).any() or (s2 <= 0).any():
        raise ValueError("sigma1 and sigma2 are standard deviations and must be positive")
    out = np.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2.0 * s2**2) - 0.5
    return float(out) if out.ndim == 0 else out


def wasserstein1_1d(u_values, v_values, u_weights=None, v_weights=None) -> float:
    """Earth mover's distance W1 between two 1-D distributions given by samples or weighted points.

    ``W1 = integral |F_u(t) - F_v(t)| dt`` (the difference of the two CDFs); equal to
    ``scipy.stats.wasserstein_distance``.  Unlike KL and JS it stays informative for disjoint
    supports: two point masses at 0 and ``theta`` are ``|theta|`` apart.
    """
    u, v = np.asarray(u_values, dtype=np.float64), np.asarray(v_values, dtype=np.float64)
    if u.ndim != 1 or v.ndim != 1 or u.size == 0 or v.size == 0:
        raise ValueError("u_values and v_values must be non-empty 1-D arrays")
    if not (np.isfinite(u).all() and np.isfinite(v).all()):
        raise ValueError("values must be finite")
    uw = np.ones_like(u) if u_weights is None else np.asarray(u_weights, dtype=np.float64)
    vw = np.ones_like(v) if v_weights is None else np.asarray(v_weights, dtype=np.float64)
    if uw.shape != u.shape or vw.shape != v.shape:
        raise ValueError("weights must have the same shape as their values")
    if not (np.isfinite(uw).all() and np.isfinite(vw).all()):
        raise ValueError("weights must be finite")
    if (uw < 0).any() or (vw < 0).any() or uw.sum() <= 0 or vw.sum() <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    grid = np.unique(np.concatenate([u, v]))
    return float(np.sum(np.abs(_cdf(u, uw, grid[:-1]) - _cdf(v, vw, grid[:-1])) * np.diff(grid)))


def _cdf(values: np.ndarray, weights: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Weighted empirical CDF of ``values`` evaluated at the points ``t``."""
    order = np.argsort(values, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(weights[order])]) / weights.sum()
    return cum[np.searchsorted(values[order], t, side="right")]
