"""The stabilisation ablation's settings: its configurations (one trick each), step budgets per
profile and hyperparameters; :mod:`gancourse.ablation` trains and records them."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from gancourse.profiles import Profile, get_profile

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "course" / "results"  #: where the lecture reads the committed results
WRITE_OUT = REPO / "build" / "results"  #: where a run writes unless told --out
SCRIPT_COMMAND = "python -m gancourse.ablation"
PARTS = ("grid", "mnist")
EVAL_SEED = 1  #: noise seed of the evaluated samples: the same z for every configuration

# ---- the grid part: models and optimiser (lecture 05's 2-D recipe) ----
GRID_LATENT_DIM = 8
GRID_HIDDEN = (128, 128)
GRID_LR = 1e-3  #: Adam learning rate of both players in the grid baseline
GRID_BETA_1 = 0.5
GRID_FEATURE_LAYER = "lrelu1"  #: D's penultimate layer (the last hidden activation)
GRID_WITHIN = 3.0  #: a sample is high quality within 3 std of its nearest mode (VEEGAN)
GRID_MIN_SHARE = 0.1  #: a mode counts as covered with >= 10% of its fair share of the samples

# ---- the MNIST part: gancourse.train.recipe("dcgan", profile), fewer steps ----
MNIST_LATENT_DIM = 100  #: as gancourse.train.LATENT_DIM
MNIST_FEATURE_LAYER = "flatten"  #: D's penultimate layer (the input of its last Dense)

# ---- the tricks' settings (one place; recorded in every results file) ----
SMOOTH_REAL_LABEL = 0.9  #: one-sided label smoothing (Salimans et al. 2016)
MINIBATCH_KERNELS = 16  #: B of minibatch discrimination
MINIBATCH_DIM = 5  #: C of minibatch discrimination
HISTORICAL_WEIGHT = 1e-3  #: weight of ||theta - mean past theta||^2 in both players' losses
TTUR_D_FACTOR = 2.0  #: D's learning rate = 2 x the baseline's (2e-4 -> 4e-4 on MNIST)
TTUR_G_FACTOR = 0.5  #: G's learning rate = 1/2 x the baseline's (2e-4 -> 1e-4 on MNIST)

METRICS = {
    "grid": ("modes_covered", "high_quality_fraction"),
    "mnist": ("fid", "precision", "recall"),
}
#: For each metric, whether larger is better (for plots and notes).
HIGHER_IS_BETTER = {"modes_covered": True, "high_quality_fraction": True, "fid": False,
                    "precision": True, "recall": True}


# --------------------------------------------------------------------------------------------
# configurations
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Config:
    """One arm of the ablation: what differs from the baseline.

    Every field has the baseline's value by default; a configuration sets the ones it changes.
    """

    name: str
    label: str  #: short name for tables and plots
    description: str
    parts: tuple[str, ...] = PARTS  #: the parts it runs in
    real_label: float = 1.0  #: < 1: one-sided label smoothing
    feature_matching: bool = False  #: G minimises feature matching on D's penultimate layer
    minibatch: bool = False  #: minibatch discrimination before D's last Dense
    historical_weight: float = 0.0  #: historical averaging of both players
    norm: str = "batch"  #: D's normalisation (MNIST; the grid's D has none)
    spectral: bool = False  #: spectral normalisation of every D layer
    ttur: bool = False  #: D's learning rate x TTUR_D_FACTOR, G's x TTUR_G_FACTOR

    def settings(self) -> dict:
        """The fields that define the training (everything but the names), for the record."""
        d = dataclasses.asdict(self)
        for key in ("name", "label", "description"):
            d.pop(key)
        d["parts"] = list(d["parts"])
        return d


CONFIGS: tuple[Config, ...] = (
    Config("baseline", "baseline", "the course's GAN, unchanged"),
    Config("label_smoothing", "label smoothing",
           f"one-sided label smoothing: real targets {SMOOTH_REAL_LABEL}, fake targets 0",
           real_label=SMOOTH_REAL_LABEL),
    Config("feature_matching", "feature matching",
           "G minimises ||mean f(x) - mean f(G(z))||^2 on D's penultimate layer",
           feature_matching=True),
    Config("minibatch", "minibatch discr.",
           f"minibatch discrimination ({MINIBATCH_KERNELS} kernels of {MINIBATCH_DIM}) before "
           "D's last Dense", minibatch=True),
    Config("historical", "historical avg.",
           f"historical averaging of both players, weight {HISTORICAL_WEIGHT:g}",
           historical_weight=HISTORICAL_WEIGHT),
    Config("instance_norm", "instance norm",
           "instance normalisation instead of batch normalisation in D", parts=("mnist",),
           norm="instance"),
    Config("spectral_norm", "spectral norm", "spectral normalisation of every layer of D",
           spectral=True),
    Config("ttur", "TTUR",
           f"two time-scale update rule: D's learning rate x{TTUR_D_FACTOR:g}, G's "
           f"x{TTUR_G_FACTOR:g}", ttur=True),
    Config("sn_ttur", "SN + TTUR", "spectral normalisation of D and TTUR together",
           spectral=True, ttur=True),
)
CONFIG_NAMES = tuple(c.name for c in CONFIGS)


def get_config(name: str) -> Config:
    """The configuration called ``name`` (one of :data:`CONFIG_NAMES`)."""
    for config in CONFIGS:
        if config.name == name:
            return config
    raise ValueError(f"unknown configuration {name!r}; choose from {', '.join(CONFIG_NAMES)}")


def configs_for(part: str) -> tuple[Config, ...]:
    """The configurations that run in ``part``, in table order."""
    check_part(part)
    return tuple(c for c in CONFIGS if part in c.parts)


def check_part(part: str) -> str:
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, got {part!r}")
    return part


# --------------------------------------------------------------------------------------------
# budgets
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Budget:
    """How long and on what every configuration of one part trains, in one profile."""

    part: str
    profile: str
    steps: int  #: generator updates per run
    batch_size: int
    seeds: tuple[int, ...]  #: one run per configuration and seed
    train_samples: int  #: grid: points drawn from the mixture; MNIST: training digits
    eval_samples: int  #: generated samples that are evaluated
    log_blocks: int  #: losses are recorded as means over this many blocks of steps

    def record(self) -> dict:
        d = dataclasses.asdict(self)
        d["seeds"] = list(self.seeds)
        return d


# Steps and seeds per (part, profile).  Laptop: measured on the shared 2-core Xeon this course
# is developed on: the grid part's five seeds take about 20 minutes, the MNIST part about 25.
_STEPS_AND_SEEDS = {
    ("grid", "ci"): (60, (0,)),
    ("grid", "laptop"): (4000, (0, 1, 2, 3, 4)),
    ("grid", "gpu"): (10_000, (0, 1, 2, 3, 4)),
    ("mnist", "ci"): (6, (0,)),
    ("mnist", "laptop"): (500, (0, 1)),
    ("mnist", "gpu"): (5000, (0, 1, 2)),
}


def budget(part: str, profile: Profile | str | None = None) -> Budget:
    """The budget of ``part`` in ``profile`` (default: the active profile).

    Data sizes come from the profile (grid: ``toy_samples`` points, batches of ``batch_size``
    (minibatch discrimination compares all pairs of a batch: its cost grows with the batch's
    square), 2.5 x ``eval_samples`` generated points, 2,500 in the laptop profile as in VEEGAN;
    MNIST:
    ``mnist_train`` digits, the DCGAN recipe's batch, ``eval_samples`` digits against as many
    test digits), steps and seeds from the table above.
    """
    check_part(part)
    if not isinstance(profile, Profile):
        profile = get_profile(profile)
    steps, seeds = _STEPS_AND_SEEDS[(part, profile.name)]
    blocks = min(10, steps)
    if steps % blocks:
        raise ValueError(f"{steps} steps do not split into {blocks} logged blocks")
    if part == "grid":
        return Budget(part, profile.name, steps, profile.batch_size, seeds,
                      profile.toy_samples, int(2.5 * profile.eval_samples), blocks)
    from gancourse.recipes import recipe

    rec = recipe("dcgan", profile)
    eval_samples = min(profile.eval_samples, profile.mnist_test)
    return Budget(part, profile.name, steps, rec.batch_size, seeds, profile.mnist_train,
                  eval_samples, blocks)


def hyperparameters(part: str, profile: Profile | str | None = None) -> dict:
    """The baseline's fixed settings of ``part`` (learning rates, architecture, tricks'
    settings), recorded in the results file."""
    check_part(part)
    if not isinstance(profile, Profile):
        profile = get_profile(profile)
    tricks = {"smooth_real_label": SMOOTH_REAL_LABEL, "minibatch_kernels": MINIBATCH_KERNELS,
              "minibatch_dim": MINIBATCH_DIM, "historical_weight": HISTORICAL_WEIGHT,
              "ttur_d_factor": TTUR_D_FACTOR, "ttur_g_factor": TTUR_G_FACTOR}
    if part == "grid":
        return {"latent_dim": GRID_LATENT_DIM, "hidden": list(GRID_HIDDEN), "d_lr": GRID_LR,
                "g_lr": GRID_LR, "beta_1": GRID_BETA_1, "feature_layer": GRID_FEATURE_LAYER,
                "mixture": "gancourse.data.grid_of_gaussians()", "within": GRID_WITHIN,
                "min_share": GRID_MIN_SHARE, "eval_seed": EVAL_SEED, **tricks}
    from gancourse.recipes import recipe

    rec = recipe("dcgan", profile)
    return {"latent_dim": MNIST_LATENT_DIM, "base": rec.base, "d_lr": rec.d_lr,
            "g_lr": rec.g_lr, "beta_1": rec.beta_1, "real_label": rec.real_label,
            "d_steps": rec.d_steps, "g_loss_kind": rec.g_loss_kind,
            "recipe": f"gancourse.train.recipe('dcgan', {profile.name!r}) with steps="
                      f"{budget(part, profile).steps}",
            "feature_layer": MNIST_FEATURE_LAYER, "eval_seed": EVAL_SEED, **tricks}
