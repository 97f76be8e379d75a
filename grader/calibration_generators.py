"""The hand-made "generators" of the metric calibration (``grader/calibrate_metrics.py``):
digits whose quality is known by construction, so the metrics' values have a meaning.

Every generator returns ``uint8`` digits (n, 28, 28) drawn from the bundled MNIST split with a
seed: real training digits (the noise floor), degraded ones (shifted, blurred, resized, noisy),
ones that lost diversity (a class missing, one class, one image per class, one image), the two
density models of lecture 00 and uniform noise.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from gancourse.data import load_mnist

__all__ = ["Digits", "GENERATORS", "GENERATOR_KEYS", "Generator", "MIN_N", "MISSING_DIGIT",
           "ONLY_DIGIT", "PCA_COMPONENTS", "SOURCE", "check_n", "generate", "get_generator",
           "load_digits", "missing_class_indices", "noise_rng", "reference_images",
           "shift_images", "train_indices"]

SOURCE = "bundled"  # always the bundled 4,000 / 1,000 split: the table must not depend on a cache
MIN_N = 20
MISSING_DIGIT = 0  # the "one class missing" generator never draws this digit
ONLY_DIGIT = 1  # the "only one class" generator draws only this digit
PCA_COMPONENTS = 40  # as in lecture 00


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Digits:
    """The bundled MNIST split: ``uint8`` images (N, 28, 28) and ``int64`` labels."""

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


def load_digits() -> Digits:
    """The bundled 4,000 training and 1,000 test digits (never the full set, even if cached)."""
    train_x, train_y = load_mnist("train", source=SOURCE)
    test_x, test_y = load_mnist("test", source=SOURCE)
    return Digits(train_x, train_y, test_x, test_y)


def check_n(n: int, digits: Digits) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ValueError(f"n must be an int, got {n!r}")
    if not MIN_N <= n <= len(digits.test_x):
        raise ValueError(f"n must be between {MIN_N} and {len(digits.test_x)} (the reference set is "
                         f"the bundled test split, {len(digits.test_x)} digits), got {n}")
    return int(n)


def reference_images(digits: Digits, n: int) -> np.ndarray:
    """The reference set: the first ``n`` test digits (every prefix of 10k holds k of each digit)."""
    return digits.test_x[:check_n(n, digits)]


def train_indices(digits: Digits, n: int, seed: int) -> np.ndarray:
    """``n`` distinct training-digit indices, the draw every "training digits" generator uses."""
    return np.random.default_rng(seed).choice(len(digits.train_x), n, replace=False)


def missing_class_indices(digits: Digits, n: int, seed: int, missing: int = MISSING_DIGIT) -> np.ndarray:
    """``n`` distinct training digits, none of them a ``missing``."""
    pool = np.flatnonzero(digits.train_y != missing)
    return np.random.default_rng(seed).choice(pool, n, replace=False)


def noise_rng(seed: int, key: str) -> np.random.Generator:
    """The random stream of one generator's noise (independent of the index draw above)."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _to_uint8(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------------------------
# image transformations
# --------------------------------------------------------------------------------------------
def shift_images(images: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Shift image i by (dx[i], dy[i]) pixels (right, down); uncovered pixels are background 0."""
    out = np.zeros_like(images)
    h, w = images.shape[1:3]
    for i, (sx, sy) in enumerate(zip(np.asarray(dx, int), np.asarray(dy, int))):
        if abs(sx) >= w or abs(sy) >= h:
            continue
        out[i, max(sy, 0):h + min(sy, 0), max(sx, 0):w + min(sx, 0)] = \
            images[i, max(-sy, 0):h + min(-sy, 0), max(-sx, 0):w + min(-sx, 0)]
    return out


def shift_fixed(images: np.ndarray, pixels: int, rng: np.random.Generator) -> np.ndarray:
    """Shift every digit by ``pixels`` pixels left, right, up or down (a random one of the four)."""
    direction = rng.integers(0, 4, size=len(images))
    steps = np.array([(pixels, 0), (-pixels, 0), (0, pixels), (0, -pixels)])[direction]
    return shift_images(images, steps[:, 0], steps[:, 1])


def blur(images: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur with standard deviation ``sigma`` pixels (``scipy.ndimage.gaussian_filter``)."""
    return _to_uint8(ndimage.gaussian_filter(images.astype(np.float64), sigma=(0, sigma, sigma)))


def resize_down_up(images: np.ndarray, factor: int = 2) -> np.ndarray:
    """Average ``factor`` x ``factor`` blocks (28 -> 14 pixels), then repeat them back (nearest)."""
    n, h, w = images.shape
    small = images.reshape(n, h // factor, factor, w // factor, factor).astype(np.float64).mean(axis=(2, 4))
    return _to_uint8(small.repeat(factor, axis=1).repeat(factor, axis=2))


def salt_and_pepper(images: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Set a random ``fraction`` of the pixels to black or white (half each)."""
    out = images.copy()
    hit = rng.random(out.shape) < fraction
    out[hit] = np.where(rng.random(int(hit.sum())) < 0.5, 0, 255)
    return out


def gaussian_noise(images: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """Add N(0, std^2) noise (grey levels) to every pixel, then clip to [0, 255]."""
    return _to_uint8(images + rng.normal(0.0, std, size=images.shape))


# --------------------------------------------------------------------------------------------
# generators
# --------------------------------------------------------------------------------------------
def _train(d: Digits, n: int, seed: int) -> np.ndarray:
    return d.train_x[train_indices(d, n, seed)]


def _pixel_gaussian(d: Digits, n: int, seed: int) -> np.ndarray:
    x = d.train_x.reshape(len(d.train_x), -1).astype(np.float64)
    mu, sigma = x.mean(axis=0), x.std(axis=0)
    z = noise_rng(seed, "pixel_gaussian").standard_normal((n, x.shape[1]))
    return _to_uint8(mu + sigma * z).reshape(n, 28, 28)


def _pca_gaussian(d: Digits, n: int, seed: int) -> np.ndarray:
    x = d.train_x.reshape(len(d.train_x), -1).astype(np.float64)
    mu = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mu, full_matrices=False)
    k = PCA_COMPONENTS
    lam = s[:k] ** 2 / (len(x) - 1)
    z = noise_rng(seed, "pca_gaussian").standard_normal((n, k))
    return _to_uint8(mu + (z * np.sqrt(lam)) @ vt[:k]).reshape(n, 28, 28)


def _only_one_class(d: Digits, n: int, seed: int) -> np.ndarray:
    pool = np.flatnonzero(d.train_y == ONLY_DIGIT)  # 400 digits: drawn with replacement for n > 400
    return d.train_x[np.random.default_rng(seed).choice(pool, n, replace=n > len(pool))]


def _one_per_class(d: Digits, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ten = np.stack([d.train_x[rng.choice(np.flatnonzero(d.train_y == c))] for c in range(10)])
    return np.resize(ten, (n, 28, 28))  # 0, 1, ..., 9, 0, 1, ...: every split sees every class


def _single(d: Digits, n: int, seed: int) -> np.ndarray:
    i = np.random.default_rng(seed).integers(len(d.train_x))
    return np.repeat(d.train_x[i:i + 1], n, axis=0)


@dataclass(frozen=True)
class Generator:
    key: str
    label: str
    group: str
    description: str
    make: Callable[[Digits, int, int], np.ndarray]

    def __call__(self, digits: Digits, n: int, seed: int) -> np.ndarray:
        images = self.make(digits, n, seed)
        assert images.shape == (n, 28, 28) and images.dtype == np.uint8, (self.key, images.shape)
        return images


GENERATORS: tuple[Generator, ...] = (
    Generator("train_digits", "training digits", "best case",
              "n distinct real training digits: a generator that copies the training set; the "
              "sampling-noise floor", _train),
    Generator("shifted_2px", "training digits shifted 2 px", "quality",
              "each digit shifted 2 pixels left, right, up or down",
              lambda d, n, s: shift_fixed(_train(d, n, s), 2, noise_rng(s, "shifted_2px"))),
    Generator("shifted_4px", "training digits shifted 4 px", "quality",
              "each digit shifted 4 pixels left, right, up or down",
              lambda d, n, s: shift_fixed(_train(d, n, s), 4, noise_rng(s, "shifted_4px"))),
    Generator("blur_1", "blurred, sigma 1", "quality",
              "Gaussian blur, sigma = 1 pixel (scipy.ndimage.gaussian_filter)",
              lambda d, n, s: blur(_train(d, n, s), 1.0)),
    Generator("blur_2", "blurred, sigma 2", "quality",
              "Gaussian blur, sigma = 2 pixels", lambda d, n, s: blur(_train(d, n, s), 2.0)),
    Generator("resized_14px", "resized to 14x14 and back", "quality",
              "2x2 block means (14x14), enlarged again by repeating pixels",
              lambda d, n, s: resize_down_up(_train(d, n, s), 2)),
    Generator("salt_pepper_5pct", "salt-and-pepper noise, 5%", "quality",
              "5% of the pixels set to black or white",
              lambda d, n, s: salt_and_pepper(_train(d, n, s), 0.05, noise_rng(s, "salt_pepper_5pct"))),
    Generator("gaussian_noise_16", "additive noise, std 16", "quality",
              "N(0, 16^2) grey levels added to every pixel (0.125 on the [-1, 1] scale)",
              lambda d, n, s: gaussian_noise(_train(d, n, s), 16.0, noise_rng(s, "gaussian_noise_16"))),
    Generator("one_class_missing", f"one class missing (no {MISSING_DIGIT}s)", "diversity",
              f"n distinct training digits of the nine classes other than {MISSING_DIGIT}",
              lambda d, n, s: d.train_x[missing_class_indices(d, n, s)]),
    Generator("only_one_class", f"only one class ({ONLY_DIGIT}s)", "diversity",
              f"training digits {ONLY_DIGIT} only (400 exist: drawn with replacement when n > 400)",
              _only_one_class),
    Generator("one_per_class", "one image per class", "diversity",
              "10 training digits, one of each class, repeated: the classifier score's maximum",
              _one_per_class),
    Generator("single_image", "a single repeated image", "diversity",
              "one training digit repeated n times (total mode collapse)", _single),
    Generator("pixel_gaussian", "per-pixel Gaussian (lecture 00)", "baseline",
              "independent Gaussian per pixel fitted to the 4,000 training digits", _pixel_gaussian),
    Generator("pca_gaussian", f"PCA Gaussian, {PCA_COMPONENTS} components (lecture 00)", "baseline",
              f"Gaussian on the top {PCA_COMPONENTS} principal directions of the training digits",
              _pca_gaussian),
    Generator("uniform_noise", "uniform noise", "worst case",
              "every pixel uniform on 0..255", lambda d, n, s: noise_rng(s, "uniform_noise").integers(
                  0, 256, size=(n, 28, 28), dtype=np.uint8)),
)
GENERATOR_KEYS = tuple(g.key for g in GENERATORS)


def get_generator(key: str) -> Generator:
    for g in GENERATORS:
        if g.key == key:
            return g
    raise KeyError(f"unknown generator {key!r}; choose one of {', '.join(GENERATOR_KEYS)}")


def generate(key: str, digits: Digits, n: int, seed: int) -> np.ndarray:
    """``n`` images from the generator ``key`` (see :data:`GENERATORS`), drawn with ``seed``."""
    return get_generator(key)(digits, check_n(n, digits), seed)
