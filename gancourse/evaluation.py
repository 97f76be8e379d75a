"""Sampling a trained generator and scoring it against real digits.

* :func:`generate` - a generator in inference mode, in batches, as NumPy;
* :func:`evaluate_generator` - classifier-FID, precision, recall, density and coverage through
  the course's MNIST feature network (:mod:`gancourse.features`, :mod:`gancourse.metrics`).
"""
from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from gancourse.checks import positive_int
from gancourse.features import load_feature_net
from gancourse.metrics import fid_from_features, precision_recall
from gancourse.noise import sample_noise

__all__ = ["generate", "evaluate_generator"]


def generate(generator: keras.Model, noise_or_n, *, seed: int = 0,
             batch_size: int = 500) -> np.ndarray:
    """Run ``generator`` in inference mode (``training=False``), in batches; NumPy ``float32``.

    ``noise_or_n``: a noise array (n, latent_dim), or an int n (noise from
    :func:`sample_noise` with ``seed``).  Image outputs are clipped to [-1, 1] (round-off).
    """
    if isinstance(noise_or_n, (int, np.integer)) and not isinstance(noise_or_n, bool):
        noise = sample_noise(int(noise_or_n), int(generator.input_shape[-1]), seed=seed)
    else:
        noise = tf.convert_to_tensor(noise_or_n, tf.float32)
    batch_size = positive_int(batch_size, "batch_size")
    out = [np.asarray(generator(noise[i:i + batch_size], training=False), dtype=np.float32)
           for i in range(0, int(noise.shape[0]), batch_size)]
    x = np.concatenate(out)
    return np.clip(x, -1.0, 1.0) if x.ndim == 4 else x


def evaluate_generator(generator: keras.Model, n: int, real_images: Any, *, seed: int = 0,
                       k: int = 5, feature_net: Any = None,
                       real_features: np.ndarray | None = None) -> dict[str, float]:
    """Classifier-FID, precision, recall, density and coverage of ``n`` generated digits.

    Features come from the course's MNIST feature network
    (:func:`gancourse.features.load_feature_net`, 128-D); the FID from
    :func:`gancourse.metrics.fid_from_features`, the k-NN metrics from
    :func:`gancourse.metrics.precision_recall`.  FIDs are comparable only at the same ``n``,
    reference set and feature network.

    Args:
        generator: z -> images (N, 28, 28, 1) in [-1, 1].
        n: generated samples (noise from :func:`sample_noise` with ``seed``: deterministic).
        real_images: the reference digits, ``uint8`` (N, 28, 28) or floats in [-1, 1]; usually
            the bundled test split, ``load_mnist("test", limit=n)``.
        seed: noise seed.
        k: neighbourhood size of precision/recall.
        feature_net: any object with ``features(images)``; default the course's network.
        real_features: precomputed features of ``real_images`` (skips recomputing them).

    Returns:
        ``{"fid", "precision", "recall", "density", "coverage", "n_fake", "n_real"}``.
    """
    n = positive_int(n, "n")
    if feature_net is None:
        feature_net = load_feature_net()
    fake = generate(generator, n, seed=seed)
    if real_features is None:
        real_features = feature_net.features(real_images)
    fake_features = feature_net.features(fake)
    result = {"fid": fid_from_features(real_features, fake_features)}
    result.update(precision_recall(real_features, fake_features, k=k))
    result.update(n_fake=int(len(fake_features)), n_real=int(len(real_features)))
    return result
