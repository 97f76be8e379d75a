"""The capstone study's fixed parts: budget, networks, the menu of variants, one training run and
the evaluation that the grader repeats on the submitted weights.

A capstone study (assignment ``a5_capstone``) compares a GAN variant with the course's baseline
at a fixed budget, over several seeds, on the offline MNIST digits.  Everything a fair comparison
must hold equal lives here, so that a student's numbers and the grader's are measured the same
way:

* the **networks**: a small fully connected pair (:func:`build_generator`,
  :func:`build_discriminator`); a submitted ``.npz`` is loaded strictly into
  :func:`build_generator`, so its file format is fixed;
* the **budget** (:data:`BUDGETS`): generator updates per run, batch size, optimiser, per
  profile; the training seeds (:data:`SEEDS`);
* the **evaluation** (:func:`evaluate_generator_file`): classifier-FID and KID of
  ``EVAL_SAMPLES`` digits from fixed noise against the first ``EVAL_SAMPLES`` bundled test
  digits, with the course's feature network (lecture 04).

What is *not* fixed is the variant: :data:`VARIANTS` names the choices the course has taught
(objective, label smoothing, gradient penalty, feature matching, ...) as arguments of
:meth:`gancourse.gan.GAN.compile`; a study may also pass its own ``dict`` of them.
"""
from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

from gancourse.checks import positive_int

__all__ = ["LATENT_DIM", "SEEDS", "EVAL_SAMPLES", "EVAL_NOISE_SEED", "KID_SUBSETS",
           "KID_SUBSET_SIZE", "Budget", "BUDGETS", "budget", "VARIANTS", "variant_settings",
           "build_generator", "build_discriminator", "train_run", "evaluate_generator",
           "evaluate_generator_file", "weights_file", "REPORT_FILE"]

LATENT_DIM = 32
GENERATOR_HIDDEN = (128, 256)
DISCRIMINATOR_HIDDEN = (256, 128)
#: the training seeds of every study (one run of the variant and one of the baseline each)
SEEDS = (0, 1, 2)
#: generated and real digits per evaluation, and the noise seed of the generated ones
EVAL_SAMPLES = 1000
EVAL_NOISE_SEED = 1
#: KID: random subsets of the features and their size (seeded: the value is deterministic)
KID_SUBSETS = 20
KID_SUBSET_SIZE = 500
#: the file the study's numbers are saved in (submitted with the weights)
REPORT_FILE = "capstone_report.json"


@dataclass(frozen=True)
class Budget:
    """What every run of a study gets: ``steps`` generator updates on batches of
    ``batch_size`` of the first ``train_digits`` MNIST training digits, Adam(``lr``,
    ``beta_1``) for both players."""

    steps: int
    batch_size: int
    train_digits: int
    lr: float = 2e-4
    beta_1: float = 0.5


#: per profile: ``ci`` is a smoke run (seconds), ``laptop`` the graded budget (about 20 s per
#: run of the baseline on a 2-core CPU), ``gpu`` a longer study for a machine with a GPU.
BUDGETS: dict[str, Budget] = {
    "ci": Budget(steps=20, batch_size=64, train_digits=512),
    "laptop": Budget(steps=5000, batch_size=64, train_digits=4000),
    "gpu": Budget(steps=20000, batch_size=64, train_digits=4000),
}


def budget(profile_name: str | None = None) -> Budget:
    """The budget of ``profile_name`` (default: the active profile, :mod:`gancourse.profiles`)."""
    if profile_name is None:
        from gancourse.profiles import profile_name as active

        profile_name = active()
    if profile_name not in BUDGETS:
        raise ValueError(f"no capstone budget for profile {profile_name!r}; known: "
                         f"{sorted(BUDGETS)}")
    return BUDGETS[profile_name]


#: The variants a study may choose: ``GAN.compile`` arguments beside the optimisers.
#: ``baseline`` is Goodfellow et al.'s non-saturating GAN (2014, arXiv:1406.2661).
VARIANTS: dict[str, dict[str, Any]] = {
    "baseline": {"objective": "bce"},
    "minimax": {"objective": "bce", "g_loss_kind": "minimax"},
    "label_smoothing": {"objective": "bce", "real_label": 0.9},  # Salimans et al. 2016
    "lsgan": {"objective": "lsgan"},  # Mao et al. 2017, arXiv:1611.04076
    "hinge": {"objective": "hinge"},  # Lim & Ye 2017, arXiv:1705.02894
    "wgan_gp": {"objective": "wgan", "gp_weight": 10.0, "d_steps": 5},  # arXiv:1704.00028
    "feature_matching": {"objective": "bce", "feature_matching": "features"},
}

_COMPILE_KEYS = frozenset({"objective", "g_loss_kind", "real_label", "d_steps", "gp_weight",
                           "clip_value", "feature_matching", "historical_weight"})


def variant_settings(variant: str | Mapping[str, Any]) -> dict[str, Any]:
    """``GAN.compile`` arguments of ``variant``: a name of :data:`VARIANTS` or a mapping of
    those arguments (checked: an unknown key is refused, never ignored)."""
    if isinstance(variant, str):
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}; choose one of {sorted(VARIANTS)} "
                             "or pass a dict of GAN.compile arguments")
        return dict(VARIANTS[variant])
    if not isinstance(variant, Mapping):
        raise TypeError(f"variant must be a name or a dict, got {type(variant).__name__}")
    unknown = set(variant) - _COMPILE_KEYS
    if unknown:
        raise ValueError(f"unknown GAN.compile arguments {sorted(unknown)}; allowed: "
                         f"{sorted(_COMPILE_KEYS)}")
    return dict(variant)


def build_generator() -> keras.Model:
    """The study's generator: z (N, 32) -> digits (N, 28, 28, 1) in [-1, 1] (0.24 M weights, a
    0.96 MB ``.npz``; :func:`gancourse.nets.dense.build_dense_generator` with hidden 128, 256)."""
    from gancourse.nets.dense import build_dense_generator

    return build_dense_generator(LATENT_DIM, GENERATOR_HIDDEN)


def build_discriminator() -> keras.Model:
    """The study's discriminator: digits (N, 28, 28, 1) -> logits (N, 1); its last hidden
    layer is named ``features`` (the layer feature matching reads)."""
    from keras import layers

    x_in = keras.Input((28, 28, 1), name="x")
    x = layers.Flatten(name="flatten")(x_in)
    for i, h in enumerate(DISCRIMINATOR_HIDDEN):
        last = i == len(DISCRIMINATOR_HIDDEN) - 1
        x = layers.Dense(h, name="features_dense" if last else f"dense{i}")(x)
        x = layers.LeakyReLU(0.2, name="features" if last else f"lrelu{i}")(x)
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(x_in, logit, name="capstone_discriminator")


def train_run(variant: str | Mapping[str, Any], seed: int, *, profile_name: str | None = None,
              steps: int | None = None, progress: bool = False,
              callbacks: list[keras.callbacks.Callback] | None = None) -> tuple[keras.Model, dict]:
    """Train one run of ``variant`` from ``seed`` at the profile's budget.

    The seed fixes the networks' initial weights, the order of the batches and the training
    noise (:func:`gancourse.seed_everything`): two runs with the same arguments are identical on
    the same machine.  ``progress``: show a progress bar (:class:`gancourse.callbacks.ProgressBar`).

    ``steps`` (default: the budget's) is rounded down to a multiple of 100 (the logged block).

    Returns:
        ``(generator, history)``: the trained generator and ``{"d_loss": [...], "g_loss":
        [...], "seconds": float, "steps": int, "variant": {...}}`` (mean losses per 100 steps).
    """
    import time

    from gancourse.data import load_mnist, make_dataset, prepare_mnist
    from gancourse.models.gan import GAN
    from gancourse.seeding import seed_everything

    settings = variant_settings(variant)
    seed = int(seed)
    b = budget(profile_name)
    steps = b.steps if steps is None else positive_int(steps, "steps")
    seed_everything(seed)
    digits, _ = load_mnist("train", limit=b.train_digits)
    gan = GAN(build_generator(), build_discriminator(), seed=seed)
    gan.compile(keras.optimizers.Adam(b.lr, beta_1=b.beta_1),
                keras.optimizers.Adam(b.lr, beta_1=b.beta_1), **settings)
    # one fresh real batch per D update (d_steps of them per generator update)
    data = make_dataset(prepare_mnist(digits), gan.examples_per_step(b.batch_size),
                        seed=seed).repeat()
    block = min(100, steps)
    epochs = max(1, steps // block)
    callbacks = list(callbacks or [])
    if progress:
        from gancourse.callbacks import ProgressBar

        name = variant if isinstance(variant, str) else "custom"
        callbacks.append(ProgressBar(block * epochs, f"{name} seed {seed}"))
    start = time.perf_counter()
    fit = gan.fit(data, steps_per_epoch=block, epochs=epochs, verbose=0, callbacks=callbacks)
    history = {"d_loss": [float(v) for v in fit.history["d_loss"]],
               "g_loss": [float(v) for v in fit.history["g_loss"]],
               "seconds": round(time.perf_counter() - start, 1),
               "steps": block * epochs, "variant": settings}
    return gan.generator, history


@functools.lru_cache(maxsize=1)
def _real_features() -> np.ndarray:
    """Features of the first ``EVAL_SAMPLES`` bundled test digits (computed once per process)."""
    from gancourse.data import load_mnist
    from gancourse.features import load_feature_net

    real, _ = load_mnist("test", n=EVAL_SAMPLES, source="bundled")
    return load_feature_net().features(real)


def evaluate_generator(generator: keras.Model) -> dict[str, float]:
    """FID and KID of ``EVAL_SAMPLES`` digits of ``generator`` from fixed noise
    (:func:`gancourse.noise.sample_noise` with seed ``EVAL_NOISE_SEED``) against the first
    ``EVAL_SAMPLES`` bundled test digits: ``{"fid": float >= 0, "kid": float}`` (KID is
    unbiased, so it can be slightly negative for a perfect generator).  A singular feature
    covariance gets :func:`gancourse.metrics.fid_from_features`' ``1e-6 * I`` silently."""
    from gancourse.evaluation import generate
    from gancourse.features import load_feature_net
    from gancourse.metrics import fid_from_features, kid

    net = load_feature_net()
    real = _real_features()
    fake = net.features(generate(generator, EVAL_SAMPLES, seed=EVAL_NOISE_SEED))
    kid_mean, _ = kid(real, fake, subsets=KID_SUBSETS, subset_size=KID_SUBSET_SIZE, seed=0)
    with warnings.catch_warnings():
        # The features of a weak generator often have constant (dead ReLU) dimensions, so the
        # covariance product is singular and fid_from_features adds 1e-6 * I, warning each
        # time: part of this fixed protocol, the same for the student and the grader.
        warnings.filterwarnings("ignore", message=r"sigma1 @ sigma2 is singular")
        fid = float(fid_from_features(real, fake))
    return {"fid": fid, "kid": kid_mean}


def evaluate_generator_file(path: str | os.PathLike,
                            builder: Callable[[], keras.Model] = build_generator) -> dict:
    """:func:`evaluate_generator` of the weights saved in ``path`` (loaded strictly into
    ``builder()``; :class:`gancourse.weights.WeightsFileError` when they do not fit)."""
    from gancourse.weights import load_weights_npz

    return evaluate_generator(load_weights_npz(builder(), Path(path)))


def weights_file(role: str, seed: int) -> str:
    """The file name of a run's generator: ``capstone_<role>_seed<seed>.npz`` with role
    ``"variant"`` or ``"baseline"``."""
    if role not in ("variant", "baseline"):
        raise ValueError(f"role must be 'variant' or 'baseline', got {role!r}")
    if int(seed) not in SEEDS:
        raise ValueError(f"seed must be one of {SEEDS}, got {seed!r}")
    return f"capstone_{role}_seed{int(seed)}.npz"
