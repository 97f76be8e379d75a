"""Train the course's reference GANs on MNIST and record what came out, and how.

::

    python -m gancourse.train {dcgan,vanilla} [--profile ci|laptop|gpu] [--steps N] [--out DIR]
                              [--seed S] [--xla | --no-xla] [--mixed-precision] [--distribute]
                              [--cpu-devices N] [--force] [--quiet]

``dcgan`` is :func:`gancourse.gan.build_dcgan_generator` / ``build_dcgan_discriminator``;
``vanilla`` the fully connected pair (``build_dense_generator`` / ``build_dense_discriminator``,
with one-sided label smoothing 0.9).  Data come from :func:`gancourse.data.load_mnist` (the
bundled 4,000 / 1,000 split offline), sized by the profile (:mod:`gancourse.profiles`); the
training recipe (steps, batch size, learning rates) is :func:`recipe` - the profile's sizes
unless a model overrides them (:data:`OVERRIDES`: the laptop DCGAN trains 3,000 steps).

Writes into ``--out`` (default ``build/results/<model>-<profile>/``, never over committed files;
the lectures' run is ``--out course/results/dcgan-laptop``; an existing non-empty
folder is refused unless ``--force``):

* ``generator.weights.h5`` - reload with the builder named in ``provenance.json``;
* ``samples.png`` - 64 digits from fixed noise (:data:`GRID_SEED`), the same noise in every run;
  ``progress/samples_epochNNNN.png`` after every logged block of steps;
* ``losses.png`` and ``metrics.json`` - classifier-FID, precision, recall, density and coverage
  of ``profile.eval_samples`` generated digits against the MNIST test split (features of the
  course's network, :mod:`gancourse.features`), the same metrics for real *training* digits (the
  floor a perfect generator would reach at this sample size), and the loss history per block of
  ``profile.log_every`` steps;
* ``provenance.json`` - the exact command, git commit and dirty flag, hardware (CPU model, core
  count, GPUs), library versions, recipe, seed, steps, wall time.

Options:

* ``--xla`` / ``--no-xla``: ``jit_compile`` of the train step.  Default: on when a GPU is
  visible, off on a CPU (on the 2-core Xeon this was tuned on XLA made the DCGAN step about
  10% *slower*: 8.4 against 9.4 steps/s, plus 2-3 s of compilation), and
  off with ``--distribute`` over several devices (XLA cannot compile Keras' distributed step:
  its variables live on several devices; an explicit ``--xla`` is refused there).
* ``--mixed-precision [auto|float16|bfloat16]``: compute in 16-bit floats, keep float32
  weights and float32 last layers.  ``float16`` (``mixed_float16``, with dynamic loss scaling)
  is for NVIDIA GPUs; on a CPU it runs but more than 100x slower (0.07 steps/s measured: no
  fast float16 kernels).  ``bfloat16`` (``mixed_bfloat16``, no loss scaling needed) is for
  CPUs with bfloat16 units (AVX512-BF16 / AMX: 1.5x faster than float32 on the Xeon this was
  tuned on) and TPUs; on CPUs without them expect it to be slower than float32 (not
  measured).  ``auto`` (the value when none is given): float16 with a GPU, bfloat16 without.
* ``--distribute``: ``tf.distribute.MirroredStrategy`` over every visible GPU (or every
  logical CPU device); the batch size is the global batch, batch norm is synchronised.
  ``--cpu-devices N`` first splits the CPU into N logical devices (to try it without GPUs).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import json
import math
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gancourse.profiles import PROFILES, get_profile
from gancourse.provenance import PRODUCER_OUT, git_record, hardware
from gancourse.recipes import LATENT_DIM, MODELS, OVERRIDES, RECIPES, Recipe, recipe  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
GRID_SEED = 0  #: noise seed of the sample grids: the same 64 z in every run
GRID_SIZE = 64
EVAL_SEED = 1  #: noise seed of the generated digits that are evaluated
ARTIFACTS = ("generator.weights.h5", "samples.png", "losses.png", "metrics.json",
             "provenance.json")


def default_out(model: str, profile: str) -> Path:
    return PRODUCER_OUT / f"{model}-{profile}"


def check_out_dir(out: Path, force: bool) -> None:
    """Refuse an ``--out`` that is not a folder, or that holds files unless ``force``."""
    if out.exists() and not out.is_dir():
        raise SystemExit(f"--out {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise SystemExit(f"{out} already holds files; pass --force to overwrite them, or choose "
                         "another --out")


# --------------------------------------------------------------------------------------------
# training
# --------------------------------------------------------------------------------------------
def _configure_cpu_devices(n: int) -> None:
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)])


def _strategy(distribute: bool):
    import tensorflow as tf

    if not distribute:
        return tf.distribute.get_strategy()
    gpus = tf.config.list_logical_devices("GPU")
    devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
    return tf.distribute.MirroredStrategy(devices)


class _BlockLog:
    """One line per logged block (a Keras callback, built lazily: importing Keras is slow)."""

    @staticmethod
    def make(rec: Recipe, quiet: bool):
        import keras

        class BlockLog(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.t0 = time.perf_counter()
                self.step = 0
                self.steps_per_s: list[float] = []
                self.seconds: list[float] = []

            def on_epoch_begin(self, epoch, logs=None):
                self.t_block = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                steps = self.params.get("steps") or rec.log_every
                self.step += steps
                seconds = time.perf_counter() - self.t_block
                rate = steps / max(seconds, 1e-9)
                self.steps_per_s.append(rate)
                self.seconds.append(seconds)
                if not quiet:
                    logs = logs or {}
                    get = lambda key: logs.get(key, math.nan)  # noqa: E731
                    print(f"step {self.step:>6}/{rec.steps}  d_loss {get('d_loss'):.3f}"
                          f"  g_loss {get('g_loss'):.3f}  D(x) {get('d_real'):.3f}"
                          f"  D(G(z)) {get('d_fake'):.3f}"
                          f"  {rate:.1f} steps/s  {time.perf_counter() - self.t0:.0f} s",
                          flush=True)

        return BlockLog()


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """How a reference run executes (not what it trains): XLA, the dtype policy and the
    distribution strategy, resolved for the devices TensorFlow sees."""

    xla: bool
    policy: str | None  #: ``"mixed_float16"``, ``"mixed_bfloat16"`` or None (float32)
    strategy: object  #: a ``tf.distribute.Strategy``
    replicas: int
    distribute: bool

    def record(self) -> dict:
        return {"xla": self.xla, "dtype_policy": self.policy or "float32",
                "distribute": self.distribute, "replicas": self.replicas,
                "strategy": type(self.strategy).__name__}


def _check_mixed_precision(mixed_precision: str | None) -> None:
    if mixed_precision not in (None, "auto", "float16", "bfloat16"):
        raise ValueError(f"mixed_precision must be None, 'auto', 'float16' or 'bfloat16', got "
                         f"{mixed_precision!r}")


def run_options(xla: bool | None, mixed_precision: str | None, distribute: bool,
                batch_size: int) -> RunOptions:
    """Resolve ``--xla``, ``--mixed-precision`` and ``--distribute`` (see the module docstring)."""
    _check_mixed_precision(mixed_precision)
    import tensorflow as tf

    has_gpu = bool(tf.config.list_physical_devices("GPU"))
    explicit_xla = xla is not None
    if xla is None:
        xla = has_gpu
    policy = None
    if mixed_precision is not None:
        kind = mixed_precision if mixed_precision != "auto" else (
            "float16" if has_gpu else "bfloat16")
        policy = f"mixed_{kind}"
    strategy = _strategy(distribute)
    replicas = int(strategy.num_replicas_in_sync)
    if replicas > 1 and xla:
        # Keras compiles the whole distributed step (strategy.run included) with XLA, which
        # cannot touch variables that live on several devices ("tf.Variable on a different
        # device", a known XLA limitation).
        if explicit_xla:
            raise SystemExit("--xla does not combine with --distribute over several devices "
                             "(XLA cannot compile a step whose variables live on several "
                             "devices); drop one of them")
        xla = False
    if batch_size % replicas:
        raise SystemExit(f"batch size {batch_size} is not divisible by the {replicas} replicas")
    return RunOptions(bool(xla), policy, strategy, replicas, bool(distribute))


def _build(model: str, rec: Recipe, opts: RunOptions, seed: int):
    """The compiled GAN of ``model``'s recipe, under the run's policy and strategy."""
    import keras

    from gancourse.models.gan import GAN

    with opts.strategy.scope():
        generator, discriminator = RECIPES[model].build(rec, sync_bn=opts.replicas > 1)
        gan = GAN(generator, discriminator, LATENT_DIM, seed=seed)
        gan.compile(
            d_optimizer=keras.optimizers.Adam(rec.d_lr, beta_1=rec.beta_1),
            g_optimizer=keras.optimizers.Adam(rec.g_lr, beta_1=rec.beta_1),
            g_loss_kind=rec.g_loss_kind, d_steps=rec.d_steps, real_label=rec.real_label,
            jit_compile=opts.xla)
    return gan


def _fit(gan, ds, rec: Recipe, out_dir: Path, grid_noise, quiet: bool):
    """Train ``rec.steps`` steps in blocks of ``rec.log_every`` (a sample grid and a log line
    per block); (loss history per block, the block log, seconds)."""
    from gancourse.callbacks import SampleGrid

    block = min(rec.log_every, rec.steps)
    n_full, remainder = divmod(rec.steps, block)
    grids = SampleGrid(grid_noise, every=1, out_dir=out_dir / "progress", nrow=8)
    log = _BlockLog.make(rec, quiet)
    t_train = time.perf_counter()
    history: dict[str, list[float]] = {}
    runs = [(ds, n_full, block, 0)]
    if remainder:  # the last, shorter block continues the same data stream
        runs.append((ds.skip(n_full * block), n_full + 1, remainder, n_full))
    for data, epochs, per_epoch, initial in runs:
        h = gan.fit(data, epochs=epochs, steps_per_epoch=per_epoch, initial_epoch=initial,
                    callbacks=[grids, log], shuffle=False, verbose=0)
        for k, v in h.history.items():
            history.setdefault(k, []).extend(float(x) for x in v)
    return history, log, time.perf_counter() - t_train


def _evaluate(generator, n_eval: int, x_test_u8: np.ndarray, source: str) -> tuple[dict, dict, str]:
    """Metrics of ``n_eval`` generated digits against the test digits, the same for real
    training digits (the floor at this sample size), and the feature network's sha256."""
    from gancourse.data import load_mnist
    from gancourse.evaluation import evaluate_generator
    from gancourse.features import load_feature_net
    from gancourse.metrics import fid_from_features, precision_recall

    net = load_feature_net()
    real_features = net.features(x_test_u8)
    evaluation = evaluate_generator(generator, n_eval, None, seed=EVAL_SEED, feature_net=net,
                                    real_features=real_features)
    floor_images = load_mnist("train", limit=n_eval, source=source)[0]
    floor_features = net.features(floor_images)
    floor = {"fid": fid_from_features(real_features, floor_features),
             **precision_recall(real_features, floor_features), "n_fake": int(len(floor_images))}
    return evaluation, floor, net.sha256


def _summary(values: list[float]) -> dict:
    return {"first": values[0], "last": values[-1], "min": min(values), "max": max(values),
            "mean": float(np.mean(values))}


def train(model: str, profile_name: str, *, steps: int | None = None,
          out: str | os.PathLike | None = None, seed: int = 0, xla: bool | None = None,
          mixed_precision: str | None = None, distribute: bool = False, force: bool = False,
          quiet: bool = False, command: str | None = None) -> dict:
    """Train a reference model and write its artifacts (see the module docstring).

    Args:
        model: ``"dcgan"`` or ``"vanilla"``.
        profile_name: ``"ci"``, ``"laptop"`` or ``"gpu"``.
        steps: generator updates (default: the recipe's).
        out: output folder (default :func:`default_out`); refused when non-empty unless ``force``.
        seed: seeds data order, initial weights and noise.
        xla: ``jit_compile`` the train step; None: only when a GPU is visible.
        mixed_precision: None (float32), ``"auto"``, ``"float16"`` or ``"bfloat16"``.
        distribute: ``MirroredStrategy`` over all visible GPUs, else all logical CPU devices.
        quiet: print nothing.
        command: the command line, for the record.

    Returns the metrics record (also written to ``metrics.json``).  ``--cpu-devices`` is handled
    by :func:`main` (it must run before TensorFlow starts).
    """
    _check_mixed_precision(mixed_precision)
    t_start = time.perf_counter()
    profile = get_profile(profile_name)
    rec = recipe(model, profile, steps)
    out_dir = Path(out) if out is not None else default_out(model, profile.name)
    check_out_dir(out_dir, force)
    git_state = git_record()

    from gancourse.seeding import seed_everything

    seed_everything(seed)
    import keras

    from gancourse.data import load_mnist, make_dataset, mnist_source, prepare_mnist
    from gancourse.evaluation import generate
    from gancourse.noise import sample_noise
    from gancourse.viz import image_grid, plot_losses

    opts = run_options(xla, mixed_precision, distribute, rec.batch_size)
    source = mnist_source("auto")
    x_train_u8, _ = load_mnist("train", limit=profile.mnist_train, source=source)
    x_test_u8, _ = load_mnist("test", limit=min(profile.mnist_test, profile.eval_samples),
                              source=source)
    # one real batch per D update: d_steps batches per training step
    ds = make_dataset(prepare_mnist(x_train_u8), rec.batch_size * rec.d_steps, shuffle=True,
                      seed=seed).repeat()
    grid_noise = sample_noise(GRID_SIZE, LATENT_DIM, seed=GRID_SEED)
    try:
        if opts.policy is not None:  # before building: layers take the policy that is global then
            keras.mixed_precision.set_global_policy(opts.policy)
        gan = _build(model, rec, opts, seed)
        generator, discriminator = gan.generator, gan.discriminator
        out_dir.mkdir(parents=True, exist_ok=True)
        if not quiet:
            print(f"training {model} ({profile.name} profile): {rec.steps} steps of batch "
                  f"{rec.batch_size}, {generator.count_params():,} + "
                  f"{discriminator.count_params():,} parameters, xla={opts.xla}, "
                  f"policy={opts.policy or 'float32'}, replicas={opts.replicas}", flush=True)
        history, log, train_time = _fit(gan, ds, rec, out_dir, grid_noise, quiet)
    finally:
        if opts.policy is not None:
            keras.mixed_precision.set_global_policy("float32")

    # ---- artifacts -------------------------------------------------------------------------
    block = min(rec.log_every, rec.steps)
    generator.save_weights(str(out_dir / "generator.weights.h5"))
    fig = image_grid(generate(generator, grid_noise), nrow=8,
                     title=f"{model}, {profile.name} profile, {rec.steps} steps")
    fig.savefig(out_dir / "samples.png", dpi=100)
    plot_losses({k: history[k] for k in ("d_loss", "g_loss")},
                title=f"{model} ({profile.name}): mean per block of {block} steps"
                ).savefig(out_dir / "losses.png", dpi=100)
    t_eval = time.perf_counter()
    n_eval = profile.eval_samples
    evaluation, floor, net_sha256 = _evaluate(generator, n_eval, x_test_u8, source)
    eval_time = time.perf_counter() - t_eval
    metrics = {
        "model": model,
        "profile": profile.name,
        "steps": rec.steps,
        **{k: evaluation[k] for k in ("fid", "precision", "recall", "density", "coverage")},
        "n_fake": evaluation["n_fake"],
        "n_real": evaluation["n_real"],
        "reference": (f"first {evaluation['n_real']} digits of the {source} MNIST test split; "
                      f"features: gancourse.features (128-D), weights sha256 {net_sha256}"),
        "eval_noise_seed": EVAL_SEED,
        "real_train_digits": floor,
        "losses": {
            "block_steps": block,
            "summary": {k: _summary(v) for k, v in history.items()},
            "history": history,
        },
        "steps_per_s": {"overall": rec.steps / max(sum(log.seconds), 1e-9),
                        "per_block": [round(r, 3) for r in log.steps_per_s]},
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    provenance = {
        "description": f"gancourse reference {model} GAN on MNIST ({profile.name} profile)",
        "python_executable": sys.executable,
        "command": command or (f"gancourse.train.train({model!r}, {profile.name!r}, "
                               f"steps={steps!r}, seed={seed!r})"),
        "created_utc": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "model": model,
        "builders": rec.builders(),
        "generator_params": int(generator.count_params()),
        "discriminator_params": int(discriminator.count_params()),
        "profile": dataclasses.asdict(profile),
        "recipe": dataclasses.asdict(rec),
        "seed": seed,
        "steps": rec.steps,
        "grid_noise": f"gancourse.gan.sample_noise({GRID_SIZE}, {LATENT_DIM}, seed={GRID_SEED})",
        "options": opts.record(),
        "data": {"source": source, "train_count": int(len(x_train_u8)),
                 "test_count": int(len(x_test_u8))},
        "wall_time_s": round(time.perf_counter() - t_start, 1),
        "train_time_s": round(train_time, 1),
        "train_blocks_time_s": round(sum(log.seconds), 1),
        "eval_time_s": round(eval_time, 1),
        "hardware": hardware(),
        "git": git_state,
        "artifacts": list(ARTIFACTS) + ["progress/"],
    }
    (out_dir / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    if not quiet:
        print(f"FID {metrics['fid']:.2f} (real training digits: {floor['fid']:.2f}), precision "
              f"{metrics['precision']:.3f}, recall {metrics['recall']:.3f}; n = {n_eval}; "
              f"train {train_time:.0f} s, total {provenance['wall_time_s']:.0f} s -> {out_dir}")
    return metrics


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m gancourse.train",
        description="Train a reference GAN on MNIST; write weights, samples, metrics, provenance.")
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("--profile", choices=tuple(PROFILES), default=None,
                        help="sizes (default: $GANCOURSE_PROFILE, else laptop)")
    parser.add_argument("--steps", type=int, default=None,
                        help="generator updates (default: the recipe's)")
    parser.add_argument("--out", default=None,
                        help="output folder (default build/results/<model>-<profile>/)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--xla", action=argparse.BooleanOptionalAction, default=None,
                        help="jit_compile the train step (default: on with a GPU, off on a CPU)")
    parser.add_argument("--mixed-precision", nargs="?", const="auto", default=None,
                        choices=("auto", "float16", "bfloat16"),
                        help="16-bit compute: float16 (GPUs), bfloat16 (CPUs with bf16 units); "
                             "auto (no value): float16 with a GPU, else bfloat16")
    parser.add_argument("--distribute", action="store_true",
                        help="MirroredStrategy over all visible GPUs (or logical CPU devices)")
    parser.add_argument("--cpu-devices", type=int, default=None,
                        help="split the CPU into N logical devices first (try --distribute "
                             "without GPUs)")
    parser.add_argument("--force", action="store_true", help="overwrite a non-empty --out")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.steps is not None and args.steps <= 0:
        parser.error("--steps must be positive")
    if args.cpu_devices is not None:
        if args.cpu_devices <= 0:
            parser.error("--cpu-devices must be positive")
        _configure_cpu_devices(args.cpu_devices)
    profile = get_profile(args.profile).name
    train(args.model, profile, steps=args.steps, out=args.out, seed=args.seed, xla=args.xla,
          mixed_precision=args.mixed_precision, distribute=args.distribute, force=args.force,
          quiet=args.quiet, command=shlex.join(["python", "-m", "gancourse.train", *argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
