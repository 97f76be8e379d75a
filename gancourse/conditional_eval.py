"""Measuring a class-conditional generator against ground truth: is the class asked for the
class generated, and how good and how varied is each class?

* :func:`generate_classes` - ``n_per_class`` images of every class from ``G(z, y)``, seeded;
* :func:`conditional_accuracy` - the fraction of generated images the course's offline MNIST
  classifier (:mod:`gancourse.features`, 99.2 % test accuracy) assigns to the requested class;
  a generator returning real test digits of the requested class scores about that accuracy, one
  ignoring y about 1 / num_classes;
* :func:`per_class_fid` - classifier-FID of each class's samples against the real digits of that
  class (comparable only at equal sample sizes);
* :func:`intra_class_diversity` - the mean distance between two feature vectors of the same
  class; AC-GAN's known failure (Odena et al. 2017; Shu 2017) shows as a ratio to the real
  digits' diversity well below 1.
"""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from gancourse.checks import int_at_least, positive_int
from gancourse.features import load_feature_net
from gancourse.metrics import fid_from_features
from gancourse.noise import sample_noise

__all__ = ["generate_classes", "conditional_accuracy", "per_class_fid", "intra_class_diversity"]


def generate_classes(generator: keras.Model, n_per_class: int, num_classes: int = 10, *,
                     seed: int = 0, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """``n_per_class`` samples of each class from ``generator([z, y])`` in inference mode.

    Returns images ``float32`` (n_per_class * num_classes, ...) clipped to [-1, 1] and their
    requested labels ``int64`` in class order (0, 0, ..., 1, 1, ...); the noise comes from
    :func:`gancourse.noise.sample_noise` with ``seed``, so a call is reproducible.
    """
    n_per_class = positive_int(n_per_class, "n_per_class")
    num_classes = int_at_least(num_classes, "num_classes", 2)
    batch_size = positive_int(batch_size, "batch_size")
    labels = np.repeat(np.arange(num_classes, dtype=np.int64), n_per_class)
    noise = np.asarray(sample_noise(len(labels), int(generator.inputs[0].shape[-1]), seed=seed))
    out = [np.asarray(generator([noise[i:i + batch_size], labels[i:i + batch_size].astype(np.int32)],
                                training=False), dtype=np.float32)
           for i in range(0, len(labels), batch_size)]
    return np.clip(np.concatenate(out), -1.0, 1.0), labels


def _labels(labels: Any, n: int, name: str = "labels") -> np.ndarray:
    y = np.asarray(labels)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name} must be {n} integer classes (N,), got shape {y.shape}, "
                         f"dtype {y.dtype}")
    return y.astype(np.int64)


def conditional_accuracy(images: Any, requested: Any, *, feature_net: Any = None) -> float:
    """Fraction of ``images`` (N, 28, 28[, 1]) that the classifier labels as ``requested`` (N,).

    ``feature_net``: any object with ``predict_labels(images)``; default the course's network.
    """
    net = feature_net if feature_net is not None else load_feature_net()
    predicted = np.asarray(net.predict_labels(images))
    y = _labels(requested, len(predicted), "requested")
    return float((predicted == y).mean())


def _features_by_class(features: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    return {int(c): features[labels == c] for c in np.unique(labels)}


def per_class_fid(real_images: Any, real_labels: Any, fake_images: Any, fake_labels: Any, *,
                  feature_net: Any = None) -> dict[int, float]:
    """{class: classifier-FID of the fakes of that class against the reals of that class}.

    Every class of the fakes must have at least two real and two fake images (an FID needs two
    covariances); a class present on one side only raises.
    """
    net = feature_net if feature_net is not None else load_feature_net()
    real_f = np.asarray(net.features(real_images), dtype=np.float64)
    fake_f = np.asarray(net.features(fake_images), dtype=np.float64)
    real = _features_by_class(real_f, _labels(real_labels, len(real_f), "real_labels"))
    fake = _features_by_class(fake_f, _labels(fake_labels, len(fake_f), "fake_labels"))
    if set(real) != set(fake):
        raise ValueError(f"the real and fake images cover different classes: {sorted(real)} "
                         f"and {sorted(fake)}")
    return {c: fid_from_features(real[c], fake[c]) for c in sorted(fake)}


def intra_class_diversity(images: Any, labels: Any, *, feature_net: Any = None,
                          max_pairs: int = 20_000, seed: int = 0) -> dict[int, float]:
    """{class: mean Euclidean distance between the features of two different images of that
    class}, over all pairs or ``max_pairs`` random pairs (seeded) where there are more.
    Each class needs two images."""
    net = feature_net if feature_net is not None else load_feature_net()
    feats = np.asarray(net.features(images), dtype=np.float64)
    by_class = _features_by_class(feats, _labels(labels, len(feats)))
    max_pairs = positive_int(max_pairs, "max_pairs")
    rng = np.random.default_rng(seed)
    out = {}
    for c, f in by_class.items():
        n = len(f)
        if n < 2:
            raise ValueError(f"class {c} has {n} image; diversity needs two")
        if n * (n - 1) // 2 <= max_pairs:
            i, j = np.triu_indices(n, k=1)
        else:
            i = rng.integers(0, n, max_pairs)
            j = (i + rng.integers(1, n, max_pairs)) % n  # j != i
        out[c] = float(np.linalg.norm(f[i] - f[j], axis=1).mean())
    return out
