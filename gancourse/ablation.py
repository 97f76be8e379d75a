"""The stabilisation ablation: each trick of lecture 08, one at a time, against one baseline.

::

    python -m gancourse.ablation [--profile ci|laptop|gpu] [--part grid|mnist|all]
                                 [--seeds 0 1 2] [--configs NAME ...] [--out DIR] [--force]

Every configuration of :data:`CONFIGS` changes **one** thing of the baseline (the last one
combines two), and every configuration is trained with the same seeds, data, step budget and
evaluation (Salimans et al. 2016, arXiv:1606.03498; Ulyanov et al. 2016, arXiv:1607.08022;
Miyato et al. 2018, arXiv:1802.05957; Heusel et al. 2017, arXiv:1706.08500):

========================  ===========================================================
``baseline``              the course's GAN: non-saturating BCE, Adam, batch-norm-free MLP
                          D on the grid, the DCGAN recipe on MNIST
``label_smoothing``       one-sided label smoothing: real targets 0.9, fake targets 0
``feature_matching``      G matches the batch mean of D's penultimate layer
``minibatch``             minibatch discrimination before D's last ``Dense``
``historical``            historical averaging of both players' weights
``instance_norm``         instance instead of batch normalisation in D (MNIST only: the
                          grid's MLP D has no normalisation to replace)
``spectral_norm``         spectral normalisation of every D layer
``ttur``                  two time-scale update rule: D's learning rate x2, G's x1/2
                          (4e-4 and 1e-4 on MNIST)
``sn_ttur``               spectral norm + TTUR together (SAGAN's pairing, Zhang et al. 2018,
                          arXiv:1805.08318)
========================  ===========================================================

Two parts:

* ``grid``: the 5x5 grid of Gaussians (:func:`gancourse.data.grid_of_gaussians`), MLP G and D;
  metrics of :func:`gancourse.metrics.mode_coverage` (modes covered out of 25, fraction of
  high-quality samples) on :attr:`Budget.eval_samples` generated points;
* ``mnist``: the bundled digits, :func:`gancourse.train.recipe` ``("dcgan", profile)`` as the
  baseline with a reduced step budget; metrics of :func:`gancourse.gan.evaluate_generator`
  (classifier-FID, precision, recall) against the test split.

The budgets (steps, seeds, sample counts) come from the profile (:func:`budget`); the laptop
profile's runs are the committed tables ``course/results/ablation_grid.json`` and
``ablation_mnist.json`` (shown by ``course/08_stabilization.ipynb``; ``tests/test_ablation.py``
checks that they list exactly this module's configurations, seeds and budget).  Each file holds
every run (configuration, seed, steps, wall time, metrics, losses), the mean and standard
deviation over seeds per configuration, the budget and the provenance (command, git commit,
hardware, library versions, time).  An existing file is refused unless ``--force``.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gancourse.ablation_settings import (  # noqa: F401  (names of this module's interface)
    CONFIG_NAMES,
    CONFIGS,
    DEFAULT_OUT,
    EVAL_SEED,
    GRID_BETA_1,
    GRID_FEATURE_LAYER,
    GRID_HIDDEN,
    GRID_LATENT_DIM,
    GRID_LR,
    GRID_MIN_SHARE,
    GRID_WITHIN,
    HIGHER_IS_BETTER,
    HISTORICAL_WEIGHT,
    METRICS,
    MINIBATCH_DIM,
    MINIBATCH_KERNELS,
    MNIST_FEATURE_LAYER,
    MNIST_LATENT_DIM,
    PARTS,
    REPO,
    SCRIPT_COMMAND,
    SMOOTH_REAL_LABEL,
    TTUR_D_FACTOR,
    TTUR_G_FACTOR,
    WRITE_OUT,
    Budget,
    Config,
    budget,
    check_part,
    configs_for,
    get_config,
    hyperparameters,
)
from gancourse.profiles import PROFILES, Profile, get_profile


# --------------------------------------------------------------------------------------------
# building one configuration
# --------------------------------------------------------------------------------------------
def build_networks(part: str, config: Config, profile: Profile | str | None = None):
    """(generator, discriminator) of ``config`` in ``part`` (fresh weights: seed first)."""
    from gancourse.nets.dcgan import build_dcgan_critic, build_dcgan_generator
    from gancourse.nets.mlp import build_mlp_critic, build_mlp_generator

    check_part(part)
    if part not in config.parts:
        raise ValueError(f"configuration {config.name!r} does not run in the {part!r} part")
    kernels = MINIBATCH_KERNELS if config.minibatch else 0
    if part == "grid":
        generator = build_mlp_generator(GRID_LATENT_DIM, 2, GRID_HIDDEN)
        discriminator = build_mlp_critic(2, GRID_HIDDEN, minibatch_kernels=kernels,
                                     minibatch_dim=MINIBATCH_DIM, spectral=config.spectral)
        return generator, discriminator
    base = hyperparameters(part, profile)["base"]
    generator = build_dcgan_generator(MNIST_LATENT_DIM, base)
    discriminator = build_dcgan_critic(base, norm=config.norm, spectral=config.spectral,
                                       minibatch_kernels=kernels, minibatch_dim=MINIBATCH_DIM)
    return generator, discriminator


def learning_rates(part: str, config: Config,
                   profile: Profile | str | None = None) -> tuple[float, float]:
    """(D's, G's) learning rate of ``config``."""
    hp = hyperparameters(part, profile)
    d_lr, g_lr = hp["d_lr"], hp["g_lr"]
    if config.ttur:
        d_lr, g_lr = d_lr * TTUR_D_FACTOR, g_lr * TTUR_G_FACTOR
    return d_lr, g_lr


def build_gan(part: str, config: Config, seed: int, profile: Profile | str | None = None):
    """Seed everything with ``seed``, build and compile the :class:`gancourse.gan.GAN` of
    ``config`` in ``part``.  Returns the compiled GAN (untrained)."""
    import keras

    from gancourse.models.gan import GAN
    from gancourse.seeding import seed_everything
    from gancourse.terms import ttur_optimizers

    hp = hyperparameters(part, profile)
    seed_everything(seed)
    generator, discriminator = build_networks(part, config, profile)
    d_lr, g_lr = learning_rates(part, config, profile)
    if config.ttur:  # TTUR's two rates; Adam's betas stay the baseline's (one change at a time)
        d_opt, g_opt = ttur_optimizers(d_lr, g_lr, beta_1=hp["beta_1"], beta_2=0.999)
    else:
        d_opt = keras.optimizers.Adam(d_lr, beta_1=hp["beta_1"])
        g_opt = keras.optimizers.Adam(g_lr, beta_1=hp["beta_1"])
    gan = GAN(generator, discriminator, seed=seed)
    gan.compile(d_optimizer=d_opt, g_optimizer=g_opt, real_label=config.real_label,
                feature_matching=hp["feature_layer"] if config.feature_matching else None,
                historical_weight=config.historical_weight)
    return gan


# --------------------------------------------------------------------------------------------
# data and evaluation
# --------------------------------------------------------------------------------------------
class PartData:
    """What every run of a part shares: the mixture or the digits and the evaluation's
    reference (computed once)."""

    def __init__(self, part: str, b: Budget):
        from gancourse import data

        self.part, self.budget = check_part(part), b
        if part == "grid":
            self.mixture = data.grid_of_gaussians()
            self.min_count = max(1, math.ceil(GRID_MIN_SHARE * b.eval_samples
                                              / self.mixture.n_modes))
            return
        from gancourse.features import load_feature_net

        x_train_u8, _ = data.load_mnist("train", limit=b.train_samples, source="bundled")
        self.x_train = data.prepare_mnist(x_train_u8)
        x_test_u8, _ = data.load_mnist("test", limit=b.eval_samples, source="bundled")
        self.net = load_feature_net()
        self.real_features = self.net.features(x_test_u8)

    def dataset(self, seed: int):
        """The endless stream of real batches of one run (order fixed by ``seed``)."""
        from gancourse.data import make_dataset

        if self.part == "grid":
            points = self.mixture.sample(self.budget.train_samples, seed=seed)
            return make_dataset(points, self.budget.batch_size, seed=seed).repeat()
        return make_dataset(self.x_train, self.budget.batch_size, seed=seed).repeat()

    def evaluate(self, generator) -> dict[str, Any]:
        """The part's metrics of ``generator`` on ``eval_samples`` samples of noise seed
        :data:`EVAL_SEED`; ``{"diverged": True}`` with None metrics when the samples are not
        finite."""
        from gancourse.evaluation import evaluate_generator, generate

        n = self.budget.eval_samples
        if self.part == "grid":
            from gancourse.metrics import mode_coverage

            samples = generate(generator, n, seed=EVAL_SEED)
            if not np.all(np.isfinite(samples)):
                return {"modes_covered": None, "high_quality_fraction": None,
                        "counts": None, "diverged": True}
            cov = mode_coverage(self.mixture, samples, within=GRID_WITHIN,
                                min_count=self.min_count)
            return {"modes_covered": cov["modes_covered"],
                    "high_quality_fraction": cov["high_quality_fraction"],
                    "counts": cov["counts"].tolist(), "diverged": False}
        images = generate(generator, n, seed=EVAL_SEED)
        if not np.all(np.isfinite(images)):
            return {"fid": None, "precision": None, "recall": None, "diverged": True}
        res = evaluate_generator(generator, n, None, seed=EVAL_SEED, feature_net=self.net,
                                 real_features=self.real_features)
        return {"fid": res["fid"], "precision": res["precision"], "recall": res["recall"],
                "diverged": False}


# --------------------------------------------------------------------------------------------
# runs
# --------------------------------------------------------------------------------------------
@dataclass
class Run:
    """One trained configuration: its record (what the results file keeps) and its GAN."""

    record: dict
    gan: Any


def train_run(part: str, config: Config, seed: int, b: Budget, data: PartData) -> Run:
    """Train ``config`` for ``b.steps`` steps with ``seed`` and evaluate it."""
    t0 = time.perf_counter()
    gan = build_gan(part, config, seed, b.profile)
    block = b.steps // b.log_blocks  # budgets are chosen so that the blocks divide the steps
    t_train = time.perf_counter()
    h = gan.fit(data.dataset(seed), epochs=b.log_blocks, steps_per_epoch=block, shuffle=False,
                verbose=0)
    train_time = time.perf_counter() - t_train
    metrics = data.evaluate(gan.generator)
    record = {
        "config": config.name,
        "seed": int(seed),
        "steps": int(b.steps),
        "wall_time_s": round(time.perf_counter() - t0, 2),
        "train_time_s": round(train_time, 2),
        "steps_per_s": round(b.steps / max(train_time, 1e-9), 2),
        "metrics": metrics,
        "losses": {"block_steps": block,
                   **{k: [round(float(v), 5) for v in vs] for k, vs in h.history.items()}},
    }
    return Run(record, gan)


# --------------------------------------------------------------------------------------------
# summaries
# --------------------------------------------------------------------------------------------
def summarize(runs: Sequence[dict], part: str) -> dict[str, dict]:
    """Mean and standard deviation over seeds of every metric, per configuration.

    ``{config: {metric: {"mean", "std", "n", "values"}, "diverged": count}}``; ``std`` is the
    sample standard deviation (ddof = 1; None for a single seed); diverged runs (None metrics)
    are left out of the mean and counted.
    """
    out: dict[str, dict] = {}
    for name in dict.fromkeys(r["config"] for r in runs):
        mine = [r for r in runs if r["config"] == name]
        entry: dict[str, Any] = {"diverged": sum(bool(r["metrics"]["diverged"]) for r in mine)}
        for metric in METRICS[part]:
            values = [float(r["metrics"][metric]) for r in mine
                      if r["metrics"][metric] is not None]
            entry[metric] = {
                "mean": float(np.mean(values)) if values else None,
                "std": float(np.std(values, ddof=1)) if len(values) > 1 else None,
                "n": len(values),
                "values": values,
            }
        out[name] = entry
    return out


def markdown_table(record: dict) -> str:
    """The summary of a results record as a Markdown table (mean ± std over seeds)."""
    part = record["part"]
    labels = {c["name"]: c["label"] for c in record["configs"]}
    heads = {"modes_covered": f"modes covered (of {record['n_modes']})" if "n_modes" in record
             else "modes covered", "high_quality_fraction": "high-quality fraction",
             "fid": "classifier-FID ↓", "precision": "precision ↑", "recall": "recall ↑"}
    digits = {"modes_covered": 1, "high_quality_fraction": 3, "fid": 1, "precision": 3,
              "recall": 3}
    cols = METRICS[part]
    lines = ["| configuration | " + " | ".join(heads[m] for m in cols) + " |",
             "|---|" + "---|" * len(cols)]
    for name, entry in record["summary"].items():
        cells = []
        for m in cols:
            s = entry[m]
            if s["mean"] is None:
                cells.append("diverged")
                continue
            cell = f"{s['mean']:.{digits[m]}f}"
            if s["std"] is not None:
                cell += f" ± {s['std']:.{digits[m]}f}"
            cells.append(cell)
        note = f" ({entry['diverged']} diverged)" if entry["diverged"] else ""
        lines.append(f"| {labels.get(name, name)}{note} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# provenance and files
# --------------------------------------------------------------------------------------------
def results_path(part: str, out: str | os.PathLike | None = None) -> Path:
    """Where the results of ``part`` go: ``<out>/ablation_<part>.json``."""
    return (Path(out) if out is not None else DEFAULT_OUT) / f"ablation_{check_part(part)}.json"


def load_results(part: str, out: str | os.PathLike | None = None) -> dict:
    """The results record of ``part`` (default: the committed one in ``course/results/``)."""
    path = results_path(part, out)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; produce it with `{SCRIPT_COMMAND} --part "
                                f"{part}`")
    return json.loads(path.read_text())


def _provenance(command: str, t_start: float, load_start: float | None, git_state: dict,
                script_sha256: str) -> dict:
    from gancourse.provenance import environment, hardware, load_average

    return {
        "command": command,
        "script": "gancourse/ablation.py",
        "script_sha256": script_sha256,
        "python_executable": sys.executable,
        "created_utc": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "wall_time_s": round(time.perf_counter() - t_start, 1),
        "load_average_1min": {"start": load_start, "end": load_average()},
        "git": git_state,
        "environment": environment(),
        "hardware": hardware(),
    }


def run_part(part: str, profile: Profile | str | None = None, *,
             seeds: Sequence[int] | None = None, configs: Sequence[str] | None = None,
             out: str | os.PathLike | None = None, force: bool = False, write: bool = True,
             command: str | None = None, quiet: bool = False) -> dict:
    """Train every configuration of ``part`` with every seed; write and return the record.

    Args:
        part: ``"grid"`` or ``"mnist"``.
        profile: sizes (default: the active profile).
        seeds: default the budget's.
        configs: names of a subset of :func:`configs_for` ``(part)`` (default: all, in order).
        out: folder of ``ablation_<part>.json`` (default ``course/results/``); an existing file
            is refused unless ``force``.
        write: False: only return the record.
        command: the command line, for the provenance.
        quiet: print nothing.
    """
    from gancourse.provenance import file_sha256, git_record, load_average

    t_start, load_start = time.perf_counter(), load_average()
    script_sha256 = file_sha256(Path(__file__).resolve())  # the code that runs, not a later edit
    if not isinstance(profile, Profile):
        profile = get_profile(profile)
    b = budget(part, profile)
    if seeds is not None:
        seeds = tuple(seeds)
        if not seeds or any(isinstance(s, bool) or not isinstance(s, (int, np.integer))
                            or not 0 <= s < 2**31 for s in seeds) or len(set(seeds)) != len(seeds):
            raise ValueError(f"seeds must be distinct ints in [0, 2**31), got {seeds!r}")
        b = dataclasses.replace(b, seeds=tuple(int(s) for s in seeds))
    available = configs_for(part)
    if configs is None:
        chosen = available
    else:
        names = list(configs)
        unknown = [n for n in names if n not in {c.name for c in available}]
        if unknown or not names:
            raise ValueError(f"configs for the {part!r} part must be a non-empty subset of "
                             f"{[c.name for c in available]}, got {names!r}")
        chosen = tuple(c for c in available if c.name in names)
    path = results_path(part, out if out is not None else WRITE_OUT)
    if write and path.exists() and not force:
        raise FileExistsError(f"{path} exists; pass --force (force=True) to overwrite it, or "
                              "choose another --out")
    git_state = git_record()
    data = PartData(part, b)
    runs = []
    for config in chosen:
        for seed in b.seeds:
            record = train_run(part, config, seed, b, data).record
            runs.append(record)
            if not quiet:
                shown = ", ".join(
                    f"{m} {record['metrics'][m]:.3f}" if record["metrics"][m] is not None
                    else f"{m} diverged" for m in METRICS[part])
                print(f"[{part}] {config.name:<17} seed {seed}: {shown}  "
                      f"({record['train_time_s']:.0f} s, {record['steps_per_s']:.0f} steps/s)",
                      flush=True)
    record = {
        "description": f"stabilisation ablation, {part} part ({profile.name} profile): every "
                       "configuration trained with the same seeds, data and step budget",
        "part": part,
        "profile": profile.name,
        "budget": b.record(),
        "seeds": list(b.seeds),
        "hyperparameters": hyperparameters(part, profile),
        "configs": [{"name": c.name, "label": c.label, "description": c.description,
                     "settings": c.settings()} for c in chosen],
        "metrics": list(METRICS[part]),
        "higher_is_better": {m: HIGHER_IS_BETTER[m] for m in METRICS[part]},
        "runs": runs,
        "summary": summarize(runs, part),
    }
    if part == "grid":
        record["n_modes"] = int(data.mixture.n_modes)
        record["min_count"] = int(data.min_count)
    else:
        record["reference"] = (f"first {b.eval_samples} digits of the bundled MNIST test split; "
                               f"features: gancourse.features, weights sha256 {data.net.sha256}")
    record["provenance"] = _provenance(
        command or f"gancourse.ablation.run_part({part!r}, {profile.name!r})", t_start,
        load_start, git_state, script_sha256)
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(json.dumps(record, indent=1) + "\n")
        os.replace(tmp, path)
        if not quiet:
            print(f"wrote {path} ({record['provenance']['wall_time_s']:.0f} s)", flush=True)
    return record


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog=SCRIPT_COMMAND,
        description="Train every stabilisation trick against the baseline (same seeds and "
                    "budget); write build/results/ablation_<part>.json (--out course/results "
                    "for the lecture's copy).")
    parser.add_argument("--profile", choices=tuple(PROFILES), default=None,
                        help="budget (default: $GANCOURSE_PROFILE, else laptop)")
    parser.add_argument("--part", choices=PARTS + ("all",), default="all")
    parser.add_argument("--seeds", type=int, nargs="+", default=None,
                        help="default: the profile's (laptop: grid 0 1 2, MNIST 0 1)")
    parser.add_argument("--configs", nargs="+", default=None, choices=CONFIG_NAMES,
                        help="a subset of the configurations (default: all)")
    parser.add_argument("--out", default=None, help=f"folder (default {WRITE_OUT}; the lecture "
                        f"reads {DEFAULT_OUT})")
    parser.add_argument("--force", action="store_true", help="overwrite existing results")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    profile = get_profile(args.profile)
    parts = PARTS if args.part == "all" else (args.part,)
    for part in parts:  # refuse before training anything
        path = results_path(part, args.out if args.out is not None else WRITE_OUT)
        if path.exists() and not args.force:
            parser.error(f"{path} exists; pass --force to overwrite it, or choose another --out")
    command = shlex.join([*SCRIPT_COMMAND.split(), *argv])
    for part in parts:
        configs = None
        if args.configs is not None:
            configs = [c for c in args.configs if part in get_config(c).parts]
            if not configs:
                continue
        run_part(part, profile, seeds=args.seeds, configs=configs, out=args.out,
                 force=args.force, command=command, quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
