"""Latent noise z ~ N(0, I): fresh, or a pure function of a seed (the fixed noise of a grid)."""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from gancourse.checks import positive_int

__all__ = ["sample_noise"]


def sample_noise(n: int, dim: int, seed: int | None = None) -> tf.Tensor:
    """Latent vectors z ~ N(0, I): ``float32`` tensor (n, dim).

    With an int ``seed`` the result is a pure function of ``(n, dim, seed)`` (stateless RNG):
    the fixed noise of a sample grid.  ``seed=None`` draws from TensorFlow's global generator
    (seeded by :func:`gancourse.seeding.seed_everything`).
    """
    shape = (positive_int(n, "n"), positive_int(dim, "dim"))
    if seed is None:
        return tf.random.normal(shape, dtype=tf.float32)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**31:
        raise ValueError(f"seed must be None or an int in [0, 2**31), got {seed!r}")
    return tf.random.stateless_normal(shape, seed=[int(seed), 0], dtype=tf.float32)
