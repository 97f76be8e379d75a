"""GAN evaluation metrics on *features* and *class probabilities* (pure NumPy / SciPy).

Every metric here compares a set of real examples with a set of generated ("fake") ones through
a fixed network: either its **features** (an array (N, D), e.g. the 128-D ``"features"`` layer of
the course's MNIST classifier, :mod:`gancourse.features`) or its **class probabilities** (N, K).
Importing this module does not import TensorFlow; only :func:`fid` with ``feature_net=None``
loads the course's feature network.

* :func:`frechet_distance`, :func:`feature_statistics`, :func:`fid_from_features`, :func:`fid` -
  Frechet Inception Distance (Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule
  Converge to a Local Nash Equilibrium", arXiv:1706.08500).  Lower is better; 0 for identical
  feature statistics.
* :func:`classifier_score` - the Inception Score formula (Salimans et al. 2016, "Improved
  Techniques for Training GANs", arXiv:1606.03498).  Higher is better; between 1 and K.
* :func:`kid` - Kernel Inception Distance, an unbiased MMD^2 estimate (Binkowski et al. 2018,
  "Demystifying MMD GANs", arXiv:1801.01401).  Lower is better; about 0 (can be slightly
  negative) for samples of the same distribution.
* :func:`precision_recall` - k-NN precision and recall (Kynkaanniemi et al. 2019, "Improved
  Precision and Recall Metric for Assessing Generative Models", arXiv:1904.06991) and density
  and coverage (Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for Generative
  Models", arXiv:2002.09797).
* :func:`mode_coverage` - modes captured and fraction of high-quality samples on the 2-D toy
  mixtures of :mod:`gancourse.data` (Metz et al. 2016, arXiv:1611.02163; Srivastava et al. 2017,
  "VEEGAN", arXiv:1705.07761).

Conventions (chosen once, used by every notebook):

* **Too few samples for a covariance.**  A covariance estimated from N samples in D dimensions
  has rank at most N - 1, so it is singular when N <= D.  :func:`feature_statistics` raises
  ``ValueError`` for N < 2 (no covariance at all) and warns (``UserWarning``) for N <= D; the
  FID is then still computed (see the next point) but is dominated by estimation noise - use
  N well above D (the FID paper recommends at least 10,000 samples for D = 2048).
* **Singular covariance products.**  :func:`frechet_distance` takes ``scipy.linalg.sqrtm`` of
  ``sigma1 @ sigma2``; when that product is singular (SciPy warns), its root is not finite, or
  the root comes out complex (the product of two PSD matrices has real eigenvalues >= 0, so a
  complex root means eigenvalues that are numerically 0), ``eps * I`` is added to *both*
  covariances, with a ``UserWarning``, and the distance returned is the Frechet distance
  between the two regularised Gaussians (so it is still >= 0 and still 0 for equal
  statistics).  An imaginary part that survives the regularisation and exceeds 1e-3 times the
  largest real entry raises ``ValueError``; a smaller one is dropped.  Round-off negatives are
  clipped to 0 (clearly negative values raise: the covariances were not PSD).
* **Inception Score splits** are consecutive slices of the rows (``i*N//splits`` to
  ``(i+1)*N//splits``), as in the reference code; shuffle first if the rows are sorted by class.
* **KID subsets**: each of ``subsets`` draws ``m = min(subset_size, N_real, N_fake)`` rows without
  replacement from each set independently (so ``subset_size`` is silently capped at the smaller
  set; when ``m`` equals both sizes every subset is the whole data and the std is 0).
* **k-NN balls are closed**: a point lies in a ball when its distance is ``<=`` the radius (the
  precision/recall paper's definition; Naeem et al.'s code uses ``<``; the two differ only on
  exact ties, e.g. duplicated samples or fake == real).  Radii get a 1e-9 relative slack so
  that such ties survive floating-point round-off.
* **Mode coverage** follows VEEGAN: a sample is *high quality* when it is within ``within``
  (default 3) standard deviations of its nearest mode, and a mode is *covered* when at least
  ``min_count`` (default 1) high-quality samples have it as their nearest mode.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike

from gancourse.checks import as_array, check_finite, check_numeric, positive_float, positive_int
from gancourse.modes import mode_coverage

__all__ = ["frechet_distance", "feature_statistics", "fid_from_features", "fid",
           "classifier_score", "kid", "precision_recall", "mode_coverage"]

# Pairwise distances are computed in blocks of at most this many entries (8 bytes each): 32 MiB
# per block, so 10,000 x 10,000 distances never sit in memory at once.
_CHUNK_ELEMENTS = 1 << 22


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------
def _check_features(x: Any, name: str, *, min_samples: int = 1) -> np.ndarray:
    """Validate an (N, D) feature array and return it as float64."""
    arr = as_array(x)
    check_numeric(arr, name)
    if arr.ndim != 2 or arr.shape[1] == 0:
        hint = " (one row per example; reshape a single vector with x[None, :])" if arr.ndim == 1 else ""
        raise ValueError(f"{name} must be a 2-D array (N, D) of features, got shape {arr.shape}{hint}")
    if arr.shape[0] < min_samples:
        raise ValueError(f"{name} has {arr.shape[0]} sample(s); at least {min_samples} are needed")
    arr = arr.astype(np.float64, copy=False)
    check_finite(arr, name)
    return arr


def _check_pair(real: Any, fake: Any, *, min_samples: int = 1) -> tuple[np.ndarray, np.ndarray]:
    r = _check_features(real, "real_features", min_samples=min_samples)
    f = _check_features(fake, "fake_features", min_samples=min_samples)
    if r.shape[1] != f.shape[1]:
        raise ValueError(f"real and fake features must have the same dimension D, got "
                         f"{r.shape[1]} and {f.shape[1]} (shapes {r.shape} and {f.shape})")
    return r, f


# --------------------------------------------------------------------------------------------
# Frechet distance / FID
# --------------------------------------------------------------------------------------------
def _check_gaussian(mu: Any, sigma: Any, suffix: str) -> tuple[np.ndarray, np.ndarray]:
    m, s = as_array(mu), as_array(sigma)
    check_numeric(m, f"mu{suffix}")
    check_numeric(s, f"sigma{suffix}")
    if m.ndim != 1 or m.size == 0:
        raise ValueError(f"mu{suffix} must be a non-empty 1-D mean vector (D,), got shape {m.shape}")
    d = m.shape[0]
    if s.shape != (d, d):
        raise ValueError(f"sigma{suffix} must be a (D, D) covariance matching mu{suffix} (D={d}), "
                         f"got shape {s.shape}")
    m, s = m.astype(np.float64), s.astype(np.float64)
    check_finite(m, f"mu{suffix}")
    check_finite(s, f"sigma{suffix}")
    scale = max(float(np.abs(s).max()), np.finfo(np.float64).tiny)
    asym = float(np.abs(s - s.T).max())
    if asym > 1e-6 * scale:
        raise ValueError(f"sigma{suffix} must be a symmetric covariance matrix "
                         f"(max |S - S^T| = {asym:.3g})")
    if (np.diag(s) < 0).any():
        raise ValueError(f"sigma{suffix} has negative variances on its diagonal "
                         f"(min {np.diag(s).min():.3g}); it is not a covariance matrix")
    return m, 0.5 * (s + s.T)


def _sqrtm(a: np.ndarray) -> tuple[np.ndarray, bool]:
    """``scipy.linalg.sqrtm(a)`` and whether SciPy reported the matrix as singular."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        root = scipy.linalg.sqrtm(a)
    singular = any(issubclass(w.category, scipy.linalg.LinAlgWarning) for w in caught)
    return np.asarray(root), singular


def _imag_too_large(root: np.ndarray, tol: float = 1e-3) -> tuple[bool, float]:
    if not np.iscomplexobj(root):
        return False, 0.0
    imag = float(np.abs(root.imag).max())
    scale = max(float(np.abs(root.real).max()), np.finfo(np.float64).tiny)
    return imag > tol * scale, imag


def frechet_distance(mu1: ArrayLike, sigma1: ArrayLike, mu2: ArrayLike, sigma2: ArrayLike,
                     eps: float = 1e-6) -> float:
    """Frechet (2-Wasserstein squared) distance between ``N(mu1, sigma1)`` and ``N(mu2, sigma2)``.

    ``d^2 = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2))`` (Heusel et al. 2017,
    arXiv:1706.08500; Dowson & Landau 1982).  The FID is this distance between Gaussians fitted to
    real and generated features.

    Args:
        mu1, mu2: mean vectors, shape (D,).
        sigma1, sigma2: symmetric positive semi-definite covariances, shape (D, D).
        eps: regulariser added to both diagonals (``eps * I``) when ``sigma1 @ sigma2`` is
            (numerically) singular: SciPy warns, or its square root is not finite or complex;
            a ``UserWarning`` says so.

    Returns:
        The distance as a float >= 0 (squared units of the features).

    Raises:
        TypeError: non-numeric inputs.
        ValueError: shapes that do not match, NaN / infinite entries, a non-symmetric sigma or a
            negative variance, a non-positive ``eps``, or a square root whose imaginary part stays
            above 1e-3 (relative) even after regularisation.
    """
    mu1, sigma1 = _check_gaussian(mu1, sigma1, "1")
    mu2, sigma2 = _check_gaussian(mu2, sigma2, "2")
    if mu1.shape != mu2.shape:
        raise ValueError(f"the two Gaussians must have the same dimension, got mu1 {mu1.shape} "
                         f"and mu2 {mu2.shape}")
    eps = positive_float(eps, "eps")

    covmean, singular = _sqrtm(sigma1 @ sigma2)
    finite = bool(np.isfinite(covmean).all())
    # sigma1 @ sigma2 is similar to the PSD matrix sigma1^(1/2) sigma2 sigma1^(1/2): its
    # eigenvalues are real and >= 0, so a complex root means eigenvalues that are numerically
    # zero (or negative: not PSD).  Treat that like the singular case SciPy reports.
    complex_root = finite and np.iscomplexobj(covmean) and bool(np.any(covmean.imag != 0))
    if singular or complex_root or not finite:
        reason = ("is singular" if singular else
                  "has no finite square root" if not finite else
                  "is numerically singular (its square root came out complex)")
        warnings.warn(
            f"sigma1 @ sigma2 {reason} (usual when a covariance comes from N <= D samples or "
            f"some features are constant); adding eps={eps:g} * I to both covariances.",
            UserWarning, stacklevel=2)
        offset = eps * np.eye(len(mu1))
        sigma1, sigma2 = sigma1 + offset, sigma2 + offset
        covmean, _ = _sqrtm(sigma1 @ sigma2)
        if not np.isfinite(covmean).all():
            raise ValueError(f"the square root of sigma1 @ sigma2 is not finite even with "
                             f"eps={eps:g} added; try a larger eps or more samples")
        bad_imag, imag = _imag_too_large(covmean)
        if bad_imag:
            raise ValueError(f"the square root of sigma1 @ sigma2 has an imaginary part up to "
                             f"{imag:.3g} (more than 1e-3 of its largest real entry) even with "
                             f"eps={eps:g} added: are both covariances positive semi-definite?")
    covmean = covmean.real  # the imaginary part, if any, is negligible here

    diff = mu1 - mu2
    mean_term = float(diff @ diff)
    tr1, tr2 = float(np.trace(sigma1)), float(np.trace(sigma2))
    value = mean_term + tr1 + tr2 - 2.0 * float(np.trace(covmean))
    if value < 0:
        # Round-off: e.g. 1e-13 below 0 for equal statistics.  Anything large means the
        # covariances were not positive semi-definite.
        if value < -1e-6 * max(mean_term + tr1 + tr2, 1e-12):
            raise ValueError(f"the Frechet distance came out negative ({value:.3g}); are both "
                             "covariances positive semi-definite?")
        value = 0.0
    return value


def feature_statistics(features: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and unbiased covariance (D, D) of features (N, D), both float64.

    Raises ``ValueError`` for N < 2 (no covariance can be estimated) and warns (``UserWarning``)
    for N <= D: the covariance then has rank <= N - 1 < D, so it is singular and the FID
    estimate is dominated by noise; at least D + 1 samples are needed, many more are advisable.
    """
    x = _check_features(features, "features", min_samples=2)
    n, d = x.shape
    if n <= d:
        warnings.warn(
            f"estimating a {d}x{d} covariance from only {n} samples: it is singular (rank <= "
            f"{n - 1}); use at least {d + 1} samples (ideally many more) for a meaningful FID.",
            UserWarning, stacklevel=2)
    return x.mean(axis=0), np.cov(x, rowvar=False).reshape(d, d)


def fid_from_features(real_features: ArrayLike, fake_features: ArrayLike) -> float:
    """FID between two feature sets (N, D) and (M, D): the Frechet distance of their Gaussians.

    Biased upwards for small N, M (the FID paper uses 10,000 or more samples); compare FIDs only
    when computed with the same feature network and the same sample sizes.
    """
    real, fake = _check_pair(real_features, fake_features, min_samples=2)
    mu1, sigma1 = feature_statistics(real)
    mu2, sigma2 = feature_statistics(fake)
    return frechet_distance(mu1, sigma1, mu2, sigma2)


def _batched_features(feature_net: Any, images: Any, batch_size: int, name: str) -> np.ndarray:
    images = as_array(images)
    if images.ndim < 2 or len(images) == 0:
        raise ValueError(f"{name} must be a non-empty batch of images (N, ...), got shape "
                         f"{images.shape}")
    out = []
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        feats = as_array(feature_net.features(batch))
        if feats.ndim != 2 or feats.shape[0] != len(batch):
            raise ValueError(f"feature_net.features returned shape {feats.shape} for a batch of "
                             f"{len(batch)} {name}; expected ({len(batch)}, D)")
        out.append(feats)
    return np.concatenate(out, axis=0)


def fid(real_images: ArrayLike, fake_images: ArrayLike, *, feature_net: Any = None,
        batch_size: int = 256) -> float:
    """FID between two sets of images, through a feature network.

    Args:
        real_images, fake_images: image batches (N, ...) in whatever format ``feature_net``
            accepts; for the course network, ``uint8`` digits in [0, 255] or floats in [-1, 1],
            shape (N, 28, 28) or (N, 28, 28, 1).  Passed through unchanged, ``batch_size`` at a
            time.
        feature_net: any object with ``features(images) -> (n, D) array``; ``None`` loads the
            course's MNIST classifier (``gancourse.features.load_feature_net()``, which imports
            TensorFlow).
        batch_size: images per call of ``feature_net.features``.

    Returns:
        :func:`fid_from_features` of the two feature sets.
    """
    batch_size = positive_int(batch_size, "batch_size")
    if feature_net is None:
        from gancourse.features import load_feature_net

        feature_net = load_feature_net()
    if not callable(getattr(feature_net, "features", None)):
        raise TypeError(f"feature_net must have a features(images) method, got "
                        f"{type(feature_net).__name__}")
    real = _batched_features(feature_net, real_images, batch_size, "real_images")
    fake = _batched_features(feature_net, fake_images, batch_size, "fake_images")
    return fid_from_features(real, fake)


# --------------------------------------------------------------------------------------------
# Inception Score formula
# --------------------------------------------------------------------------------------------
def classifier_score(probs: ArrayLike, splits: int = 10) -> tuple[float, float]:
    """The Inception Score formula ``exp(E_x KL(p(y|x) || p(y)))`` on class probabilities.

    Salimans et al. 2016, arXiv:1606.03498.  The rows are cut into ``splits`` consecutive slices
    (``i*N//splits`` to ``(i+1)*N//splits``); in each, ``p(y)`` is the slice's mean row and the
    score ``exp(mean_i KL(p_i || p(y)))`` is computed with ``0 log 0 = 0``.

    The score lies between 1 (every row equal, e.g. uniform) and K (confident, one-hot rows with
    balanced classes).  It rewards confident and class-diverse predictions only: a generator
    producing a single image per class reaches the maximum K (no intra-class diversity is seen).

    Args:
        probs: (N, K) class probabilities: finite, non-negative, rows summing to 1 within 1e-4
            (they are renormalised exactly).
        splits: number of slices, 1 <= splits <= N.

    Returns:
        ``(mean, std)`` of the per-slice scores (std with ``ddof=0``, as in the reference code).
    """
    p = as_array(probs)
    check_numeric(p, "probs")
    if p.ndim != 2 or p.size == 0:
        raise ValueError(f"probs must be a non-empty 2-D array (N, K) of class probabilities, "
                         f"got shape {p.shape}")
    p = p.astype(np.float64)
    check_finite(p, "probs")
    if (p < 0).any():
        raise ValueError(f"probs has negative entries (min {p.min():.3g}); pass probabilities "
                         "(e.g. a softmax), not logits")
    sums = p.sum(axis=1)
    worst = float(np.abs(sums - 1.0).max())
    if worst > 1e-4:
        raise ValueError(f"each row of probs must sum to 1 (off by up to {worst:.3g}); pass "
                         "softmax probabilities, not logits or unnormalised scores")
    p = p / sums[:, None]
    n = len(p)
    splits = positive_int(splits, "splits")
    if splits > n:
        raise ValueError(f"splits={splits} is larger than the number of rows N={n}")

    scores = []
    for i in range(splits):
        part = p[i * n // splits:(i + 1) * n // splits]
        py = part.mean(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            # p_ik > 0 implies py_k > 0, so the logs below are finite where they are used
            terms = np.where(part > 0, part * (np.log(part) - np.log(py)), 0.0)
        scores.append(np.exp(terms.sum(axis=1).mean()))
    scores = np.asarray(scores)
    return float(scores.mean()), float(scores.std())


# --------------------------------------------------------------------------------------------
# KID
# --------------------------------------------------------------------------------------------
def _polynomial_mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased MMD^2 with k(a, b) = (a.b / d + 1)^3 for two sets of the same size m >= 2."""
    m, d = x.shape

    def kernel_sum(a: np.ndarray, b: np.ndarray, *, off_diagonal: bool) -> float:
        g = a @ b.T
        g /= d
        g += 1.0
        k = g * g
        k *= g  # (a.b/d + 1)^3, faster than ** 3
        return float(k.sum() - (np.trace(k) if off_diagonal else 0.0))

    sum_xx = kernel_sum(x, x, off_diagonal=True)
    sum_yy = kernel_sum(y, y, off_diagonal=True)
    sum_xy = kernel_sum(x, y, off_diagonal=False)
    return (sum_xx + sum_yy) / (m * (m - 1)) - 2.0 * sum_xy / (m * m)


def kid(real_features: ArrayLike, fake_features: ArrayLike, *, subsets: int = 100,
        subset_size: int = 1000, seed: int | None = 0) -> tuple[float, float]:
    """Kernel Inception Distance: unbiased MMD^2 with a cubic polynomial kernel, over subsets.

    Binkowski et al. 2018, "Demystifying MMD GANs", arXiv:1801.01401.  The kernel is
    ``k(x, y) = (x . y / D + 1)^3``.  For each of ``subsets`` rounds, ``m`` real and ``m`` fake
    rows are drawn without replacement (independently) and

        MMD^2_u = sum_{i!=j} k(x_i, x_j) / (m(m-1)) + sum_{i!=j} k(y_i, y_j) / (m(m-1))
                  - 2 sum_{i,j} k(x_i, y_j) / m^2

    is computed.  Being unbiased, it averages to 0 for two samples of the same distribution
    (single values can be negative).

    Args:
        real_features, fake_features: (N, D) and (M, D) features.
        subsets: number of random subsets.
        subset_size: requested m; the rule is ``m = min(subset_size, N, M)``, and m >= 2 is needed.
        seed: seed of the subset draws (``None``: fresh randomness).

    Returns:
        ``(mean, std)`` of the per-subset MMD^2 values (std with ``ddof=0``).
    """
    real, fake = _check_pair(real_features, fake_features, min_samples=2)
    subsets = positive_int(subsets, "subsets")
    m = min(positive_int(subset_size, "subset_size"), len(real), len(fake))
    if m < 2:
        raise ValueError(f"subset_size must be at least 2 (the unbiased estimate divides by "
                         f"m(m-1)), got {subset_size}")
    rng = np.random.default_rng(seed)
    values = np.empty(subsets)
    for s in range(subsets):
        x = real[rng.choice(len(real), m, replace=False)]
        y = fake[rng.choice(len(fake), m, replace=False)]
        values[s] = _polynomial_mmd2_unbiased(x, y)
    return float(values.mean()), float(values.std())


# --------------------------------------------------------------------------------------------
# precision / recall / density / coverage
# --------------------------------------------------------------------------------------------
def _sq_dists(a: np.ndarray, b: np.ndarray, a_sq: np.ndarray, b_sq: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances (len(a), len(b)) via ||a||^2 + ||b||^2 - 2 a.b, clipped at 0."""
    d2 = a @ b.T
    d2 *= -2.0
    d2 += a_sq[:, None]
    d2 += b_sq[None, :]
    np.maximum(d2, 0.0, out=d2)
    return d2


def _chunks(n_rows: int, n_cols: int):
    step = max(1, _CHUNK_ELEMENTS // max(n_cols, 1))
    for start in range(0, n_rows, step):
        yield slice(start, min(start + step, n_rows))


def _knn_radii_sq(x: np.ndarray, x_sq: np.ndarray, k: int) -> np.ndarray:
    """Squared distance of every row of x to its k-th nearest other row (self excluded)."""
    radii = np.empty(len(x))
    for sl in _chunks(len(x), len(x)):
        d2 = _sq_dists(x[sl], x, x_sq[sl], x_sq)
        d2[np.arange(sl.stop - sl.start), np.arange(sl.start, sl.stop)] = 0.0  # exact self-distance
        radii[sl] = np.partition(d2, k, axis=1)[:, k]  # index 0 is the point itself
    return radii


def precision_recall(real_features: ArrayLike, fake_features: ArrayLike,
                     k: int = 5) -> dict[str, float]:
    """k-NN precision, recall, density and coverage of fake features against real ones.

    Each real point x_i gets a ball of radius r_k(x_i) = distance to its k-th nearest real
    neighbour (the union of the balls estimates the real manifold); each fake point y_j a ball
    of radius r_k(y_j) among the fakes.  With closed balls (``<=``):

    * ``precision`` = fraction of fakes inside some real ball (Kynkaanniemi et al. 2019);
    * ``recall``    = fraction of reals inside some fake ball (Kynkaanniemi et al. 2019);
    * ``density``   = (1 / (k M)) * sum_j #{i : y_j in ball(x_i)} (Naeem et al. 2020; about 1
      for matching distributions, exactly (k+1)/k for fake == real without ties; unbounded);
    * ``coverage``  = fraction of reals whose ball contains some fake (Naeem et al. 2020).

    Distances are exact Euclidean distances (no approximate nearest neighbours), computed in
    float64 blocks of about 4M entries so that N, M ~ 10,000 need only tens of MB of memory;
    the time is O((N + M)^2 D).  They use ``||a||^2 + ||b||^2 - 2 a.b`` (BLAS, about twice as
    fast as ``scipy.spatial.distance.cdist``) on features centred at the real mean; to keep exact
    ties (a fake equal to a real point, duplicates) inside despite round-off, the squared radii
    are widened by a relative 1e-9 plus 1e-12 of the mean squared norm.

    Args:
        real_features, fake_features: (N, D) and (M, D) features, N, M > k.
        k: neighbourhood size (the papers use k = 3 or 5).

    Returns:
        ``{"precision", "recall", "density", "coverage"}`` as floats.
    """
    k = positive_int(k, "k")
    real, fake = _check_pair(real_features, fake_features)
    for name, arr in (("real_features", real), ("fake_features", fake)):
        if len(arr) <= k:
            raise ValueError(f"{name} has {len(arr)} samples; the k-NN radius with k={k} needs "
                             f"at least {k + 1}")
    # Centre both sets on the real mean: distances do not change, round-off in the
    # ||a||^2 + ||b||^2 - 2 a.b expansion does (it grows with the norms).
    centre = real.mean(axis=0)
    real, fake = real - centre, fake - centre
    real_sq, fake_sq = np.einsum("ij,ij->i", real, real), np.einsum("ij,ij->i", fake, fake)
    # Squared radii, widened by a relative 1e-9 (and 1e-12 of the mean squared norm) so that
    # exact ties - fake == real, duplicated points - count as inside despite round-off.
    slack = 1e-12 * max(float(real_sq.mean()), float(np.finfo(np.float64).tiny))
    r_real = _knn_radii_sq(real, real_sq, k) * (1.0 + 1e-9) + slack
    r_fake = _knn_radii_sq(fake, fake_sq, k) * (1.0 + 1e-9) + slack

    fake_in_real_ball = np.zeros(len(fake), dtype=bool)
    density_count = 0
    real_in_fake_ball = np.zeros(len(real), dtype=bool)
    nearest_fake = np.full(len(real), np.inf)
    for sl in _chunks(len(fake), len(real)):
        d2 = _sq_dists(fake[sl], real, fake_sq[sl], real_sq)  # (chunk of fakes, N)
        inside = d2 <= r_real[None, :]
        fake_in_real_ball[sl] = inside.any(axis=1)
        density_count += int(np.count_nonzero(inside))
        real_in_fake_ball |= (d2 <= r_fake[sl, None]).any(axis=0)
        np.minimum(nearest_fake, d2.min(axis=0), out=nearest_fake)
    return {
        "precision": float(fake_in_real_ball.mean()),
        "recall": float(real_in_fake_ball.mean()),
        "density": float(density_count / (k * len(fake))),
        "coverage": float((nearest_fake <= r_real).mean()),
    }
