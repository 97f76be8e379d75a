"""Train the course's reference conditional GANs on labelled MNIST and record what came out.

::

    python -m gancourse.train_conditional {concat,projection,acgan} [--profile ci|laptop|gpu]
        [--steps N] [--seed S] [--out DIR] [--force] [--quiet]

The three ways of conditioning lecture 11 compares, on the same generator
(:func:`gancourse.nets.conditional.build_conditional_generator`: a one-hot class code
concatenated to z, DCGAN body) and the same recipe (Adam 2e-4, beta_1 0.5, the non-saturating
BCE game, :class:`gancourse.models.conditional.ConditionalGAN`):

* ``concat``: the one-hot code tiled over the image as extra channels (Mirza & Osindero 2014,
  arXiv:1411.1784, in convolutional form);
* ``projection``: ``psi(phi(x)) + e_y . phi(x)`` (Miyato & Koyama 2018, arXiv:1802.05637);
* ``acgan``: D reads x alone and classifies it (Odena et al. 2017, arXiv:1610.09585).

Data come from :func:`gancourse.data.load_mnist` (the bundled 4,000 / 1,000 split offline),
sized by the profile (:mod:`gancourse.profiles`; ``--steps`` overrides its step count).

Writes into ``--out`` (default ``build/results/cgan-<model>-<profile>/``; an existing non-empty
folder is refused unless ``--force``):

* ``generator.weights.h5`` - reload with the builder call named in ``provenance.json``;
* ``samples.png`` - one row per class, the same 8 noise vectors in every row and every run;
* ``metrics.json`` - what lecture 11 measures, on ``profile.eval_samples // 10`` generated
  digits per class against the MNIST test split (features and predictions of the course's
  network, :mod:`gancourse.features`): class-conditional accuracy (overall and per class), FID,
  per-class FID, intra-class diversity; the same for as many real *training* digits (what a
  perfect generator would reach at this sample size); the loss history per logged block;
* ``provenance.json`` - the command, git commit and dirty flag, hardware, library versions,
  recipe, seed, wall time.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import json
import os
import shlex
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gancourse.profiles import PROFILES, get_profile
from gancourse.provenance import PRODUCER_OUT, git_record, hardware
from gancourse.train import check_out_dir

__all__ = ["MODELS", "NUM_CLASSES", "ConditionalRecipe", "recipe", "default_out", "train", "main"]

MODELS = ("concat", "projection", "acgan")
NUM_CLASSES = 10
LATENT_DIM = 100
GRID_PER_CLASS = 8
GRID_SEED = 0  #: noise seed of the sample grid: the same 8 z for every class and run
EVAL_SEED = 1  #: noise seed of the evaluated digits (gancourse.conditional_eval.generate_classes)
ARTIFACTS = ("generator.weights.h5", "samples.png", "metrics.json", "provenance.json")


@dataclasses.dataclass(frozen=True)
class ConditionalRecipe:
    """How one reference conditional GAN is trained in one profile."""

    model: str
    steps: int  #: generator updates
    batch_size: int
    lr: float  #: both players' Adam learning rate
    beta_1: float
    base: int  #: DCGAN filters of both networks
    log_every: int  #: steps per logged block (one Keras "epoch")

    def builders(self) -> dict[str, str]:
        """The calls that rebuild the networks (recorded in the provenance)."""
        nets = "gancourse.nets.conditional"
        disc = (f"{nets}.build_acgan_discriminator({NUM_CLASSES}, base={self.base})"
                if self.model == "acgan" else
                f"{nets}.build_conditional_discriminator({NUM_CLASSES}, base={self.base}, "
                f"conditioning={self.model!r})")
        return {"generator": f"{nets}.build_conditional_generator({LATENT_DIM}, {NUM_CLASSES}, "
                             f"base={self.base})",
                "discriminator": disc}

    def build(self):
        """Fresh (generator, discriminator) of this recipe (seed first)."""
        from gancourse.nets.conditional import (
            build_acgan_discriminator,
            build_conditional_discriminator,
            build_conditional_generator,
        )

        generator = build_conditional_generator(LATENT_DIM, NUM_CLASSES, base=self.base)
        if self.model == "acgan":
            return generator, build_acgan_discriminator(NUM_CLASSES, base=self.base)
        return generator, build_conditional_discriminator(NUM_CLASSES, base=self.base,
                                                          conditioning=self.model)


def recipe(model: str, profile_name: str, steps: int | None = None) -> ConditionalRecipe:
    """The recipe of ``model`` in a profile: lecture 11's settings (base 32 filters, Adam 2e-4,
    beta_1 0.5) with the profile's steps, batch size and logging (``steps`` overrides)."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    profile = get_profile(profile_name)
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps <= 0):
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    return ConditionalRecipe(model=model, steps=steps or profile.train_steps,
                             batch_size=profile.batch_size, lr=2e-4, beta_1=0.5,
                             base=64 if profile.name == "gpu" else 32,
                             log_every=profile.log_every)


def default_out(model: str, profile_name: str) -> Path:
    return PRODUCER_OUT / f"cgan-{model}-{profile_name}"


def _fit(model, ds, rec: ConditionalRecipe, quiet: bool) -> tuple[dict[str, list[float]], float]:
    """``rec.steps`` steps in blocks of ``rec.log_every``: (loss history per block, seconds)."""
    block = min(rec.log_every, rec.steps)
    n_full, remainder = divmod(rec.steps, block)
    runs = [(ds, n_full, block, 0)] + ([(ds.skip(n_full * block), n_full + 1, remainder, n_full)]
                                       if remainder else [])
    history: dict[str, list[float]] = {}
    start = time.perf_counter()
    for data, epochs, per_epoch, initial in runs:
        h = model.fit(data, epochs=epochs, steps_per_epoch=per_epoch, initial_epoch=initial,
                      shuffle=False, verbose=0 if quiet else 2)
        for k, v in h.history.items():
            history.setdefault(k, []).extend(float(x) for x in v)
    return history, time.perf_counter() - start


def _measure(images: np.ndarray, labels: np.ndarray, real: np.ndarray, real_labels: np.ndarray,
             net) -> dict:
    """Lecture 11's measures of labelled images (generated or real) against the real ones."""
    from gancourse.conditional_eval import intra_class_diversity, per_class_fid
    from gancourse.metrics import fid_from_features

    predicted = net.predict_labels(images)
    hits = predicted == labels
    per_class_acc = {int(c): float(hits[labels == c].mean()) for c in np.unique(labels)}
    with warnings.catch_warnings():  # fewer than 129 digits per class: a singular covariance,
        warnings.simplefilter("ignore", UserWarning)  # regularised (a relative measure here)
        fid_by_class = per_class_fid(real, real_labels, images, labels, feature_net=net)
    diversity = intra_class_diversity(images, labels, feature_net=net)
    return {"class_accuracy": float(hits.mean()),
            "class_accuracy_per_class": per_class_acc,
            "fid": fid_from_features(net.features(real), net.features(images)),
            "per_class_fid": {int(c): v for c, v in fid_by_class.items()},
            "per_class_fid_mean": float(np.mean(list(fid_by_class.values()))),
            "intra_class_diversity": {int(c): v for c, v in diversity.items()},
            "n": int(len(images))}


def train(model: str, profile_name: str, *, steps: int | None = None,
          out: str | os.PathLike | None = None, seed: int = 0, force: bool = False,
          quiet: bool = False, command: str | None = None) -> dict:
    """Train a reference conditional GAN and write its artifacts (see the module docstring);
    returns the metrics record (also written to ``metrics.json``)."""
    t_start = time.perf_counter()
    profile = get_profile(profile_name)
    rec = recipe(model, profile.name, steps)
    out_dir = Path(out) if out is not None else default_out(model, profile.name)
    check_out_dir(out_dir, force)
    git_state = git_record()

    from gancourse.seeding import seed_everything

    seed_everything(seed)
    import keras

    from gancourse.conditional_eval import generate_classes
    from gancourse.data import load_mnist, make_dataset, mnist_source, prepare_mnist
    from gancourse.features import load_feature_net
    from gancourse.models.conditional import ConditionalGAN
    from gancourse.noise import sample_noise
    from gancourse.viz import image_grid

    source = mnist_source("auto")
    x_train_u8, y_train = load_mnist("train", limit=profile.mnist_train, source=source)
    x_test_u8, y_test = load_mnist("test", limit=profile.mnist_test, source=source)
    ds = make_dataset(prepare_mnist(x_train_u8), rec.batch_size, labels=y_train.astype(np.int32),
                      shuffle=True, seed=seed).repeat()
    generator, discriminator = rec.build()
    gan = ConditionalGAN(generator, discriminator, NUM_CLASSES, seed=seed)
    gan.compile(keras.optimizers.Adam(rec.lr, beta_1=rec.beta_1),
                keras.optimizers.Adam(rec.lr, beta_1=rec.beta_1))
    if not quiet:
        print(f"training cgan {model} ({profile.name} profile): {rec.steps} steps of batch "
              f"{rec.batch_size}, {generator.count_params():,} + "
              f"{discriminator.count_params():,} parameters", flush=True)
    history, train_time = _fit(gan, ds, rec, quiet)

    # ---- artifacts -------------------------------------------------------------------------
    out_dir.mkdir(parents=True, exist_ok=True)
    generator.save_weights(str(out_dir / "generator.weights.h5"))
    z = np.tile(np.asarray(sample_noise(GRID_PER_CLASS, LATENT_DIM, seed=GRID_SEED)), (NUM_CLASSES, 1))
    y = np.repeat(np.arange(NUM_CLASSES, dtype=np.int32), GRID_PER_CLASS)
    image_grid(np.asarray(generator([z, y], training=False)), nrow=GRID_PER_CLASS,
               title=f"cgan {model}, {profile.name} profile, {rec.steps} steps: one row per class"
               ).savefig(out_dir / "samples.png", dpi=100)
    t_eval = time.perf_counter()
    net = load_feature_net()
    per_class = max(2, profile.eval_samples // NUM_CLASSES)
    fake, fake_labels = generate_classes(generator, per_class, NUM_CLASSES, seed=EVAL_SEED)
    real = prepare_mnist(x_test_u8)
    metrics = {
        "model": model, "profile": profile.name, "steps": rec.steps, "seed": seed,
        "generated": _measure(fake, fake_labels, real, y_test, net),
        # real training digits, as many as there are test digits: the floor at this sample size
        "real_train_digits": _measure(prepare_mnist(x_train_u8[:len(real)]),
                                      y_train[:len(real)].astype(np.int64), real, y_test, net),
        "per_class_generated": per_class,
        "reference": (f"the first {len(real)} digits of the {source} MNIST test split; "
                      f"features and predictions: gancourse.features, weights sha256 "
                      f"{net.sha256}"),
        "losses": history,
        "block_steps": min(rec.log_every, rec.steps),
    }
    eval_time = time.perf_counter() - t_eval
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    provenance = {
        "description": f"gancourse reference conditional GAN ({model}) on MNIST "
                       f"({profile.name} profile)",
        "command": command or f"gancourse.train_conditional.train({model!r}, "
                              f"{profile.name!r}, steps={steps!r}, seed={seed!r})",
        "python_executable": sys.executable,
        "created_utc": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "builders": rec.builders(),
        "generator_params": int(generator.count_params()),
        "discriminator_params": int(discriminator.count_params()),
        "profile": dataclasses.asdict(profile),
        "recipe": dataclasses.asdict(rec),
        "seed": seed,
        "grid_noise": f"gancourse.noise.sample_noise({GRID_PER_CLASS}, {LATENT_DIM}, "
                      f"seed={GRID_SEED}), the same for every class",
        "data": {"source": source, "train_count": int(len(x_train_u8)),
                 "test_count": int(len(x_test_u8))},
        "wall_time_s": round(time.perf_counter() - t_start, 1),
        "train_time_s": round(train_time, 1),
        "eval_time_s": round(eval_time, 1),
        "hardware": hardware(),
        "git": git_state,
        "artifacts": list(ARTIFACTS),
    }
    (out_dir / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    if not quiet:
        g, r = metrics["generated"], metrics["real_train_digits"]
        print(f"class accuracy {g['class_accuracy']:.3f} (real digits {r['class_accuracy']:.3f}),"
              f" FID {g['fid']:.2f}, mean per-class FID {g['per_class_fid_mean']:.2f}; "
              f"train {train_time:.0f} s, total {provenance['wall_time_s']:.0f} s -> {out_dir}")
    return metrics


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m gancourse.train_conditional",
        description="Train a reference conditional GAN on MNIST; write weights, samples, "
                    "metrics, provenance.")
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("--profile", choices=tuple(PROFILES), default=None,
                        help="sizes (default: $GANCOURSE_PROFILE, else laptop)")
    parser.add_argument("--steps", type=int, default=None,
                        help="generator updates (default: the profile's)")
    parser.add_argument("--out", default=None,
                        help="output folder (default build/results/cgan-<model>-<profile>/)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="overwrite a non-empty --out")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.steps is not None and args.steps <= 0:
        parser.error("--steps must be positive")
    train(args.model, get_profile(args.profile).name, steps=args.steps, out=args.out,
          seed=args.seed, force=args.force, quiet=args.quiet,
          command=shlex.join(["python", "-m", "gancourse.train_conditional", *argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
