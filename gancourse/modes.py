"""Mode coverage of a 2-D Gaussian mixture: the exact metric of the toy benchmarks (ring, grid),
whose modes are known (:mod:`gancourse.data`)."""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from gancourse.checks import as_array, check_finite, check_numeric, positive_float, positive_int
from gancourse.data import GaussianMixture2D

__all__ = ["mode_coverage"]


def mode_coverage(mixture: Any, samples: ArrayLike, *, within: float = 3.0,
                  min_count: int = 1) -> dict[str, Any]:
    """Modes captured and sample quality for a 2-D Gaussian mixture (ring / grid benchmarks).

    The VEEGAN convention (Srivastava et al. 2017, arXiv:1705.07761, also used for the
    unrolled-GAN ring of Metz et al. 2016): a sample is **high quality** when it lies within
    ``within`` standard deviations (``within * mixture.std``) of its nearest mode; a mode is
    **covered** when at least ``min_count`` high-quality samples have it as their nearest mode.

    Args:
        mixture: a :class:`gancourse.data.GaussianMixture2D` (e.g. ``ring_of_gaussians()``).
        samples: generated points, (M, 2).
        within: radius in units of the mixture's std (3 in VEEGAN).
        min_count: high-quality samples a mode needs to count as covered (1 in VEEGAN; raise
            it to ignore modes hit by a stray sample or two).

    Returns:
        A dict with ``n_modes`` (int K), ``modes_covered`` (int), ``covered`` (bool (K,)),
        ``counts`` (int64 (K,): high-quality samples per mode) and ``high_quality_fraction``
        (float in [0, 1]: high-quality samples / M).
    """
    if not isinstance(mixture, GaussianMixture2D):
        raise TypeError(f"mixture must be a gancourse.data.GaussianMixture2D (e.g. "
                        f"ring_of_gaussians()), got {type(mixture).__name__}")
    within = positive_float(within, "within")
    min_count = positive_int(min_count, "min_count")
    pts = as_array(samples)
    check_numeric(pts, "samples")
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) == 0:
        raise ValueError(f"samples must be a non-empty array of 2-D points (M, 2), got shape "
                         f"{pts.shape}")
    pts = pts.astype(np.float64)
    check_finite(pts, "samples")
    idx, dist = mixture.nearest_mode(pts)
    good = dist <= within * mixture.std
    counts = np.bincount(idx[good], minlength=mixture.n_modes).astype(np.int64)
    covered = counts >= min_count
    return {
        "n_modes": int(mixture.n_modes),
        "modes_covered": int(covered.sum()),
        "covered": covered,
        "counts": counts,
        "high_quality_fraction": float(good.mean()),
    }
