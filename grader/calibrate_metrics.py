"""Calibration table of the course's GAN metrics: what does "FID 7" mean on MNIST?

An FID is only meaningful next to other FIDs measured the same way: same feature network, same
reference set, same sample count.  This script measures the course's metrics (FID, KID,
precision / recall / density / coverage, classifier score; :mod:`gancourse.metrics` through the
feature network of :mod:`gancourse.features`) for a ladder of hand-made "generators" whose
quality we know, against one fixed reference set: the first ``n`` digits of the bundled MNIST
test split (class-balanced; all 1,000 of them by default).

The generators (all return ``uint8`` digits (n, 28, 28); see :data:`GENERATORS`):

* the best case: ``n`` real *training* digits (a generator that copies the training set; its FID
  is the sampling-noise floor at this ``n``);
* degraded quality: digits shifted by a few pixels, blurred (Gaussian, sigma 1 and 2), resized to
  14x14 and back, with salt-and-pepper or additive Gaussian noise;
* lost diversity: one class missing, only one class, one image per class (the classifier score's
  blind spot), a single repeated image;
* the two naive density models of lecture 00 (independent per-pixel Gaussians and a 40-component
  PCA Gaussian), and uniform noise (the worst case).

It also measures **FID's sample-size bias**: FID of two independent sets of real digits for
N = 100 ... 2,000 (two disjoint halves of the 4,000 training digits; N <= 2,000 is what exists
offline), of training digits against the test split and of a one-class-missing generator against
the test split (N <= 1,000, the size of the test split), each over several seeds; and the time
an FID on 10,000 samples takes on this machine (offline there are only 5,000 real digits, so the
10,000 images are training digits with random shifts of up to 2 pixels).

Run (a minute or two on a 2-core CPU)::

    python -m grader.calibrate_metrics [--n 1000] [--seed 0] [--out course/results]

It writes ``metric_calibration.json`` (every number, plus provenance: command, git commit and
dirty flag, the feature network's sha256, hardware, library versions, date, run time) and
``metric_calibration.md`` (the same as tables) into ``build/results/`` unless ``--out`` says
otherwise; the committed copies lecture 04 reads are ``course/results/`` (``--out
course/results``).  ``tests/test_calibration.py``
checks them and reproduces two rows; lecture 04 (``course/04_evaluating_gans.ipynb``) explains
them.  Numbers are comparable only with numbers computed with the same ``n``, reference set and
feature network (weights sha256).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shlex
import sys
import time
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage

from gancourse import metrics
from gancourse.data import load_mnist
from gancourse.provenance import environment, file_sha256, git

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "build" / "results"  #: never over the committed tables by default
JSON_NAME = "metric_calibration.json"
MD_NAME = "metric_calibration.md"
SCRIPT_COMMAND = "python -m grader.calibrate_metrics"

SOURCE = "bundled"  # always the bundled 4,000 / 1,000 split: the table must not depend on a cache
DEFAULT_N = 1000
MIN_N = 20
KID_SUBSETS = 100  # KID: mean and std over 100 random subsets of n // 2 real and n // 2 fake rows
PR_K = 5  # k of the k-NN balls (precision/recall/density/coverage)
IS_SPLITS = 10  # classifier score splits, as in Salimans et al.
DIGIT_SHARE = 0.01  # a digit counts as "generated" when >= 1% of the samples are classified as it
MISSING_DIGIT = 0  # the "one class missing" generator never draws this digit
ONLY_DIGIT = 1  # the "only one class" generator draws only this digit
PCA_COMPONENTS = 40  # as in lecture 00
BIAS_SIZES = (100, 256, 500, 1000, 2000)
BIAS_SEEDS = (0, 1, 2, 3, 4)
TIMING_N = 10_000
TIMING_MAX_SHIFT = 2


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


def _rng(seed: int, key: str) -> np.random.Generator:
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
    z = _rng(seed, "pixel_gaussian").standard_normal((n, x.shape[1]))
    return _to_uint8(mu + sigma * z).reshape(n, 28, 28)


def _pca_gaussian(d: Digits, n: int, seed: int) -> np.ndarray:
    x = d.train_x.reshape(len(d.train_x), -1).astype(np.float64)
    mu = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mu, full_matrices=False)
    k = PCA_COMPONENTS
    lam = s[:k] ** 2 / (len(x) - 1)
    z = _rng(seed, "pca_gaussian").standard_normal((n, k))
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
              lambda d, n, s: shift_fixed(_train(d, n, s), 2, _rng(s, "shifted_2px"))),
    Generator("shifted_4px", "training digits shifted 4 px", "quality",
              "each digit shifted 4 pixels left, right, up or down",
              lambda d, n, s: shift_fixed(_train(d, n, s), 4, _rng(s, "shifted_4px"))),
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
              lambda d, n, s: salt_and_pepper(_train(d, n, s), 0.05, _rng(s, "salt_pepper_5pct"))),
    Generator("gaussian_noise_16", "additive noise, std 16", "quality",
              "N(0, 16^2) grey levels added to every pixel (0.125 on the [-1, 1] scale)",
              lambda d, n, s: gaussian_noise(_train(d, n, s), 16.0, _rng(s, "gaussian_noise_16"))),
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
              "every pixel uniform on 0..255", lambda d, n, s: _rng(s, "uniform_noise").integers(
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


# --------------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------------
def kid_subset_size(n: int) -> int:
    return max(2, n // 2)


def fid_with_warnings(real_features: np.ndarray, fake_features: np.ndarray) -> tuple[float, list[str]]:
    """FID and the (deduplicated, shortened) warnings it raised, e.g. a singular covariance."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = metrics.fid_from_features(real_features, fake_features)
    messages = []
    for w in caught:
        text = str(w.message).split(";")[0][:160]
        if text not in messages:
            messages.append(text)
    return value, messages


def evaluate_features(real_features: np.ndarray, fake_features: np.ndarray,
                      fake_probabilities: np.ndarray, seed: int) -> dict:
    """Every metric of one generator from features/probabilities (real: the reference set)."""
    n = min(len(real_features), len(fake_features))
    fid, fid_warnings = fid_with_warnings(real_features, fake_features)
    kid_mean, kid_std = metrics.kid(real_features, fake_features, subsets=KID_SUBSETS,
                                    subset_size=kid_subset_size(n), seed=seed)
    pr = metrics.precision_recall(real_features, fake_features, k=PR_K)
    score, score_std = metrics.classifier_score(fake_probabilities, splits=IS_SPLITS)
    share = np.bincount(fake_probabilities.argmax(axis=1), minlength=10) / len(fake_probabilities)
    return {
        "fid": fid,
        "kid": kid_mean,
        "kid_std": kid_std,
        **pr,
        "classifier_score": score,
        "classifier_score_std": score_std,
        "digits_generated": int((share >= DIGIT_SHARE).sum()),
        "fid_warnings": fid_warnings,
    }


def evaluate_images(net, reference_features: np.ndarray, images: np.ndarray, seed: int) -> dict:
    feats, probs = net.features_and_probabilities(images)
    return evaluate_features(reference_features, feats, probs, seed)


def calibration_row(key: str, digits: Digits, net, n: int, seed: int,
                    reference_features: np.ndarray | None = None) -> dict:
    """One row of the table: generator ``key`` against the first ``n`` test digits."""
    if reference_features is None:
        reference_features = net.features(reference_images(digits, n))
    g = get_generator(key)
    row = {"key": g.key, "label": g.label, "group": g.group, "description": g.description}
    row.update(evaluate_images(net, reference_features, generate(key, digits, n, seed), seed))
    return row


# --------------------------------------------------------------------------------------------
# the studies
# --------------------------------------------------------------------------------------------
def calibration_table(digits: Digits, net, n: int, seed: int) -> tuple[dict, list[dict], dict]:
    """(reference summary, one row per generator, FID of "one class missing" for every digit)."""
    ref_feats, ref_probs = net.features_and_probabilities(reference_images(digits, n))
    score, score_std = metrics.classifier_score(ref_probs, splits=IS_SPLITS)
    share = np.bincount(ref_probs.argmax(axis=1), minlength=10) / n
    reference = {"name": f"the first {n} bundled MNIST test digits", "n": n,
                 "classifier_score": score, "classifier_score_std": score_std,
                 "digits_generated": int((share >= DIGIT_SHARE).sum())}
    rows = []
    for g in GENERATORS:
        t0 = time.perf_counter()
        rows.append(calibration_row(g.key, digits, net, n, seed, ref_feats))
        print(f"  {g.label:<44} FID {rows[-1]['fid']:9.3f}   ({time.perf_counter() - t0:.1f} s)",
              flush=True)
    by_digit = {}
    for missing in range(10):
        feats = net.features(digits.train_x[missing_class_indices(digits, n, seed, missing)])
        by_digit[str(missing)] = fid_with_warnings(ref_feats, feats)[0]
    return reference, rows, by_digit


def _summary(values: list[float]) -> dict:
    v = np.asarray(values, dtype=np.float64)
    return {"values": [float(x) for x in v], "mean": float(v.mean()), "std": float(v.std(ddof=1))}


def fid_infinity(sizes: Sequence[int], means: Sequence[float]) -> dict:
    """Least-squares line FID_N = FID_inf + slope / N (Chong & Forsyth 2020's extrapolation)."""
    slope, intercept = np.polyfit(1.0 / np.asarray(sizes, float), np.asarray(means, float), 1)
    return {"fid_infinity": float(intercept), "slope": float(slope), "sizes": [int(s) for s in sizes]}


def bias_study(digits: Digits, net, sizes: Sequence[int] = BIAS_SIZES,
               seeds: Sequence[int] = BIAS_SEEDS) -> dict:
    """FID (and KID) against the sample count N, mean and std over ``seeds``.

    * ``real_vs_real``: two disjoint random halves of the training digits (N <= 2,000);
    * ``train_vs_test``: the "training digits" row at n = N (first N test digits as reference);
    * ``one_class_missing``: the "one class missing" row at n = N.
    The last two exist for N <= 1,000 (the test split).  Features are computed once.
    """
    train_f = net.features(digits.train_x)
    test_f = net.features(digits.test_x)
    feature_dim = train_f.shape[1]
    curves = {
        "real_vs_real": {"label": "training digits vs other training digits (disjoint halves)",
                         "max_n": len(train_f) // 2, "points": []},
        "train_vs_test": {"label": "training digits vs test digits (the 'training digits' row)",
                          "max_n": len(test_f), "points": []},
        "one_class_missing": {"label": f"one class missing (no {MISSING_DIGIT}s) vs test digits",
                              "max_n": len(test_f), "points": []},
    }
    for size in sizes:
        for name, curve in curves.items():
            if size > curve["max_n"]:
                continue
            fids, kids, warned = [], [], False
            for seed in seeds:
                if name == "real_vs_real":
                    perm = np.random.default_rng(seed).permutation(len(train_f))
                    real, fake = train_f[perm[:size]], train_f[perm[size:2 * size]]
                elif name == "train_vs_test":
                    real, fake = test_f[:size], train_f[train_indices(digits, size, seed)]
                else:
                    real, fake = test_f[:size], train_f[missing_class_indices(digits, size, seed)]
                value, msgs = fid_with_warnings(real, fake)
                warned |= bool(msgs)
                fids.append(value)
                kids.append(metrics.kid(real, fake, subsets=KID_SUBSETS,
                                        subset_size=kid_subset_size(size), seed=seed)[0])
            curve["points"].append({"n": int(size), "fid": _summary(fids), "kid": _summary(kids),
                                    "singular_covariance": warned})
        print(f"  N = {size:5d}: " + "   ".join(
            f"{name} {c['points'][-1]['fid']['mean']:.3f}" for name, c in curves.items()
            if c["points"] and c["points"][-1]["n"] == size), flush=True)
    class_balance = class_balance_kid_bias(digits, train_f, test_f, sizes)
    for curve in curves.values():
        fit = [(p["n"], p["fid"]["mean"]) for p in curve["points"] if p["n"] > feature_dim]
        curve["fit"] = fid_infinity(*zip(*fit)) if len(fit) >= 2 else None
    return {"sizes": [int(s) for s in sizes], "seeds": [int(s) for s in seeds],
            "feature_dim": int(feature_dim), "curves": curves, "kid_class_balance": class_balance,
            "note": (f"The bundled split has {len(digits.train_x)} training and {len(digits.test_x)} "
                     f"test digits: curves against the test split stop at N = {len(digits.test_x)}, "
                     f"two disjoint sets of training digits at N = {len(digits.train_x) // 2}. "
                     f"For N <= {feature_dim} (the feature dimension) the covariances are singular "
                     f"and the FID is computed with eps * I added (gancourse.metrics). The fit "
                     f"FID_N = FID_inf + slope / N uses the sizes N > {feature_dim}.")}


def kernel_class_gap(features: np.ndarray, labels: np.ndarray) -> float:
    """KID kernel ``(x.y / D + 1)^3``: mean over same-class pairs (i != j) minus different-class pairs."""
    g = features @ features.T / features.shape[1] + 1.0
    k = g * g * g
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    different = labels[:, None] != labels[None, :]
    return float(k[same].mean() - k[different].mean())


def pair_same_class(labels: np.ndarray) -> float:
    """Probability that two distinct members of a set (drawn without replacement) share a class."""
    counts = np.bincount(labels).astype(np.float64)
    n = counts.sum()
    return float((counts * (counts - 1)).sum() / (n * (n - 1)))


def class_balance_kid_bias(digits: Digits, train_features: np.ndarray, test_features: np.ndarray,
                           sizes: Sequence[int]) -> dict:
    """Why KID of training vs test digits comes out slightly negative.

    KID is unbiased for i.i.d. samples.  The bundled split is *exactly* class-balanced (the first
    N test digits too), so two distinct images of a set share a class with probability
    ``sum_c n_c (n_c - 1) / (N (N - 1))`` = (N/10 - 1) / (N - 1) < 1/10, the i.i.d. value.
    Same-class pairs have larger kernel values (by ``gap``), so each within-set mean of the
    U-statistic is low by (1/10 - that probability) * gap: about -0.9 gap / (N - 1).
    """
    gap_test = kernel_class_gap(test_features, digits.test_y)
    gap_train = kernel_class_gap(train_features, digits.train_y)
    train_term = (pair_same_class(digits.train_y) - 0.1) * gap_train
    predicted = {str(int(n)): (pair_same_class(digits.test_y[:n]) - 0.1) * gap_test + train_term
                 for n in sizes if n <= len(digits.test_y)}
    return {"gap_test": gap_test, "gap_train": gap_train, "predicted_train_vs_test": predicted,
            "note": ("the bundled split is exactly class-balanced (so is every prefix of 10k test "
                     "digits): two distinct images of such a set share a class with probability "
                     "(N/10 - 1) / (N - 1) < 1/10, the i.i.d. value. Same-class pairs have larger "
                     "kernel values (by gap, the same-class minus different-class mean), so the "
                     "within-set means of the U-statistic are low by about 0.9 gap / (N - 1): "
                     "KID comes out slightly negative.")}


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # Windows
        return None


def time_fid_10k(digits: Digits, net, seed: int, n: int = TIMING_N, repeats: int = 3) -> dict:
    """Wall time of an FID on ``n`` images: features, statistics, Frechet distance.

    Offline there are only 5,000 real digits, so both sets of ``n`` images are the training
    digits (cycled) with independent random shifts of up to ``TIMING_MAX_SHIFT`` pixels.
    """
    def shifted(key: str) -> np.ndarray:
        base = np.resize(digits.train_x, (n, 28, 28))
        rng = _rng(seed, key)
        d = rng.integers(-TIMING_MAX_SHIFT, TIMING_MAX_SHIFT + 1, size=(2, n))
        return shift_images(base, d[0], d[1])

    def best_of(fn, *args):  # the minimum of `repeats` runs: the least disturbed by other load
        runs = [_timed(fn, *args) for _ in range(repeats)]
        return runs[0][0], min(t for _, t in runs), [round(t, 3) for _, t in runs]

    set_a, set_b = shifted("timing_a"), shifted("timing_b")
    load_before = _load_average()
    net.features(set_a[:500])  # warm-up: graph tracing is not part of the timing
    feats_a, t_feat_a, feat_runs = best_of(net.features, set_a)
    feats_b, t_feat_b, _ = best_of(net.features, set_b)
    (mu_a, sig_a), t_stat_a, _ = best_of(metrics.feature_statistics, feats_a)
    (mu_b, sig_b), t_stat_b, _ = best_of(metrics.feature_statistics, feats_b)
    value, t_frechet, frechet_runs = best_of(metrics.frechet_distance, mu_a, sig_a, mu_b, sig_b)
    return {
        "n": n,
        "images": (f"{n} training digits (the 4,000 cycled) with random shifts of up to "
                   f"{TIMING_MAX_SHIFT} px per axis, two independently shifted sets; offline there "
                   f"are only {len(digits.train_x) + len(digits.test_x)} real digits"),
        "features_s": round(t_feat_a, 3),
        "features_second_set_s": round(t_feat_b, 3),
        "images_per_s": round(n / t_feat_a),
        "statistics_s": round(t_stat_a, 4),
        "frechet_distance_s": round(t_frechet, 4),
        "fid_s": round(t_feat_a + t_stat_a + t_frechet, 3),
        "fid_both_sets_s": round(t_feat_a + t_feat_b + t_stat_a + t_stat_b + t_frechet, 3),
        "fid_value": value,
        "repeats": repeats,
        "features_runs_s": feat_runs,
        "frechet_distance_runs_s": frechet_runs,
        "load_average_1min": [load_before, _load_average()],
        "note": ("every time is the best of `repeats` runs (the machine may be shared); fid_s: "
                 "features and statistics of the generated set plus the Frechet distance, with the "
                 "reference statistics precomputed (the usual setting); fid_both_sets_s: both sets "
                 "from scratch; load_average_1min: before and after the timing"),
    }


# --------------------------------------------------------------------------------------------
# provenance
# --------------------------------------------------------------------------------------------
def provenance(net, argv: Sequence[str], wall_time_s: float, load_at_start: float | None = None) -> dict:
    status = git("status", "--porcelain")
    record_path = net.path.with_name(net.path.name.replace(".weights.h5", ".json"))
    return {
        "command": shlex.join([*SCRIPT_COMMAND.split(), *argv]),
        "created_utc": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "wall_time_s": round(wall_time_s, 1),
        "load_average_1min": {"start": load_at_start, "end": _load_average()},
        "git": {
            "commit": git("rev-parse", "HEAD"),
            "dirty": None if status is None else bool(status.strip()),
            "dirty_paths": None if status is None else sorted(
                line[3:] for line in status.splitlines() if line.strip())[:100],
            "script_sha256": file_sha256(Path(__file__).resolve()),
        },
        "feature_net": {
            "weights": str(net.path.relative_to(REPO)) if net.path.is_relative_to(REPO) else str(net.path),
            "weights_sha256": net.sha256,
            "record": (str(record_path.relative_to(REPO)) if record_path.is_relative_to(REPO)
                       else str(record_path)),
            "record_weights_sha256": (net.provenance or {}).get("weights_sha256"),
            "test_accuracy": (net.provenance or {}).get("test_accuracy"),
        },
        "environment": environment(),
    }


# --------------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------------
def _fmt(x: float, digits: int = 2) -> str:
    return f"{x:,.{digits}f}"


def render_markdown(record: dict) -> str:
    """The human-readable tables of a calibration record (what ``metric_calibration.md`` holds)."""
    s, prov, ref = record["settings"], record["provenance"], record["reference"]
    env, git = prov["environment"], prov["git"]
    n = s["n"]
    lines = [
        "# Metric calibration: the course's FID, KID, precision/recall and classifier score",
        "",
        f"Generated by `{prov['command']}` (grader/calibrate_metrics.py) on {prov['created_utc']}; "
        "do not edit by hand.",
        "",
        f"* Reference set: {ref['name']}; every generator draws **n = {n}** images with seed "
        f"{s['seed']}. Its classifier score is {_fmt(ref['classifier_score'])}.",
        f"* Feature network: `{prov['feature_net']['weights']}`, sha256 "
        f"`{prov['feature_net']['weights_sha256'][:16]}…` (test accuracy "
        f"{prov['feature_net']['test_accuracy']}).",
        f"* KID: mean ± std over {s['kid_subsets']} subsets of {s['kid_subset_size']} real and "
        f"{s['kid_subset_size']} generated rows, ×10³. Precision/recall/density/coverage: k = "
        f"{s['pr_k']}. Classifier score: {s['is_splits']} splits. Digits: classes that at least "
        f"{s['digit_share']:.0%} of the images are classified as.",
        f"* git {(git['commit'] or 'unknown')[:12]}{' (dirty working tree)' if git['dirty'] else ''}; "
        f"{env['cpu']} ({env['cpus_usable']} cores), {env['platform']}; TensorFlow "
        f"{env['tensorflow']}, NumPy {env['numpy']}, SciPy {env['scipy']}; "
        f"{prov['wall_time_s']:.0f} s in all (1-minute load average "
        f"{prov['load_average_1min']['start']} at the start, {prov['load_average_1min']['end']} at "
        "the end: times are inflated when the machine is shared).",
        "",
        "FIDs are comparable only with FIDs computed with the same n, reference set and feature "
        "network. Lower is better for FID and KID; higher for the others.",
        "",
        "## The table",
        "",
        "| generator | kind | FID | KID ×10³ | precision | recall | density | coverage "
        "| classifier score | digits |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in record["rows"]:
        note = " ¹" if r["fid_warnings"] else ""
        lines.append(
            f"| {r['label']} | {r['group']} | {_fmt(r['fid'])}{note} | "
            f"{_fmt(1e3 * r['kid'], 1)} ± {_fmt(1e3 * r['kid_std'], 1)} | {r['precision']:.3f} | "
            f"{r['recall']:.3f} | {r['density']:.3f} | {r['coverage']:.3f} | "
            f"{r['classifier_score']:.2f} | {r['digits_generated']} |")
    lines += [
        "",
        "¹ a covariance was (numerically) singular; the FID was computed with eps·I added to both "
        "(see gancourse.metrics).",
        "",
        "What the generators are:",
        "",
    ]
    lines += [f"* **{r['label']}**: {r['description']}." for r in record["rows"]]
    by_digit = record["one_class_missing_by_digit"]
    lines += [
        "",
        "## One class missing: which class matters",
        "",
        f"FID at n = {n} when the generator never produces digit d (the table uses d = "
        f"{s['missing_digit']}):",
        "",
        "| missing digit | " + " | ".join(by_digit) + " |",
        "|---|" + "---:|" * len(by_digit),
        "| FID | " + " | ".join(_fmt(v) for v in by_digit.values()) + " |",
        "",
        "## Sample-size bias: FID against N",
        "",
        f"Mean ± std over seeds {', '.join(map(str, record['bias']['seeds']))}. "
        f"{record['bias']['note']}",
        "",
    ]
    curves = record["bias"]["curves"]
    lines.append("| N | " + " | ".join(c["label"] for c in curves.values()) + " |")
    lines.append("|---:|" + "---:|" * len(curves))
    for size in record["bias"]["sizes"]:
        cells = []
        for c in curves.values():
            p = next((p for p in c["points"] if p["n"] == size), None)
            cells.append("—" if p is None else f"{_fmt(p['fid']['mean'], 3)} ± {_fmt(p['fid']['std'], 3)}"
                         + (" ¹" if p["singular_covariance"] else ""))
        lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
    lines.append("| fit: FID at N → ∞ | " + " | ".join(
        "—" if c["fit"] is None
        else f"{_fmt(c['fit']['fid_infinity'], 3)} (+ {_fmt(c['fit']['slope'], 0)} / N)"
        for c in curves.values()) + " |")
    balance = record["bias"]["kid_class_balance"]
    lines += [
        "",
        "KID ×10³ for the same draws. KID is unbiased for i.i.d. samples: the two random halves "
        "of the training digits give values consistent with 0 at every N. The test split is "
        "not an i.i.d. sample: " + balance["note"]
        + f" Here gap = {balance['gap_test']:.2f} (test digits); the last column gives the "
        "predicted offset for training vs test digits.",
        "",
    ]
    lines.append("| N | " + " | ".join(c["label"] for c in curves.values())
                 + " | predicted offset, training vs test |")
    lines.append("|---:|" + "---:|" * (len(curves) + 1))
    for size in record["bias"]["sizes"]:
        cells = []
        for c in curves.values():
            p = next((p for p in c["points"] if p["n"] == size), None)
            cells.append("—" if p is None else
                         f"{_fmt(1e3 * p['kid']['mean'], 1)} ± {_fmt(1e3 * p['kid']['std'], 1)}")
        pred = balance["predicted_train_vs_test"].get(str(size))
        cells.append("—" if pred is None else _fmt(1e3 * pred, 1))
        lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
    t = record["timings"]["fid_10k"]
    lines += [
        "",
        "## Timings on this machine",
        "",
        f"* FID on {t['n']:,} images: {t['fid_s']:.1f} s with precomputed reference statistics "
        f"(features {t['features_s']:.1f} s = {t['images_per_s']:,} images/s, statistics "
        f"{t['statistics_s']:.2f} s, Fréchet distance {t['frechet_distance_s']:.2f} s); both sets "
        f"from scratch {t['fid_both_sets_s']:.1f} s. Best of {t['repeats']} runs each; 1-minute "
        f"load average {t['load_average_1min'][0]} before, {t['load_average_1min'][1]} after on "
        f"{env['cpus_usable']} cores. Images: {t['images']}.",
        f"* The whole table: {record['timings']['table_s']:.0f} s; the bias study: "
        f"{record['timings']['bias_s']:.0f} s.",
        "",
    ]
    return "\n".join(lines)


def run(n: int = DEFAULT_N, seed: int = 0, out: str | os.PathLike | None = None,
        argv: Sequence[str] = ()) -> dict:
    """Compute everything, write the JSON and the Markdown into ``out``, return the record."""
    t_start, load_at_start = time.perf_counter(), _load_average()
    from gancourse.features import load_feature_net

    out_dir = Path(out) if out is not None else DEFAULT_OUT
    digits = load_digits()
    n = check_n(n, digits)
    net = load_feature_net()

    print(f"calibration table: n = {n}, seed = {seed}", flush=True)
    (reference, rows, by_digit), t_table = _timed(calibration_table, digits, net, n, seed)
    print("FID against the sample count:", flush=True)
    bias, t_bias = _timed(bias_study, digits, net)
    print(f"FID on {TIMING_N} images:", flush=True)
    timing = time_fid_10k(digits, net, seed)
    print(f"  {timing['fid_s']:.2f} s ({timing['images_per_s']} images/s)", flush=True)

    record = {
        "description": ("Calibration of the course's GAN metrics: hand-made generators of known "
                        "quality against a fixed reference set; FID's sample-size bias; FID timing. "
                        "Produced by grader/calibrate_metrics.py; see its docstring."),
        "settings": {
            "n": n, "seed": int(seed), "source": SOURCE,
            "reference": "the first n digits of the bundled test split",
            "kid_subsets": KID_SUBSETS, "kid_subset_size": kid_subset_size(n), "pr_k": PR_K,
            "is_splits": IS_SPLITS, "digit_share": DIGIT_SHARE, "missing_digit": MISSING_DIGIT,
            "only_digit": ONLY_DIGIT, "pca_components": PCA_COMPONENTS,
        },
        "reference": reference,
        "rows": rows,
        "one_class_missing_by_digit": by_digit,
        "bias": bias,
        "timings": {"table_s": round(t_table, 1), "bias_s": round(t_bias, 1), "fid_10k": timing},
    }
    record["provenance"] = provenance(net, argv, time.perf_counter() - t_start, load_at_start)

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in ((JSON_NAME, json.dumps(record, indent=2) + "\n"),
                       (MD_NAME, render_markdown(record))):
        tmp = out_dir / f".tmp-{os.getpid()}-{name}"
        tmp.write_text(text)
        os.replace(tmp, out_dir / name)
    print(f"wrote {out_dir / JSON_NAME} and {out_dir / MD_NAME} "
          f"({record['provenance']['wall_time_s']:.0f} s)")
    return record


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog=SCRIPT_COMMAND, description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N,
                        help=f"images per generator and in the reference set ({MIN_N}..1000; "
                             f"default {DEFAULT_N}, the whole bundled test split)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every draw (default 0)")
    parser.add_argument("--out", default=None,
                        help=f"output folder (default {DEFAULT_OUT.relative_to(REPO)})")
    args = parser.parse_args(argv)
    run(n=args.n, seed=args.seed, out=args.out, argv=argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
