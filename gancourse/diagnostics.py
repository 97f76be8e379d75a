"""Measurements for diagnosing GAN training: the failure modes of lecture 07, as numbers.

* **Vanishing gradients** - :func:`logit_gradient` (the closed-form derivative of a generator
  loss with respect to D's logit), :func:`generator_gradient_norms` (the norm of the
  generator's gradient through D under both losses, on one batch) and
  :func:`discriminator_accuracy`.
* **Training, watched** - :class:`Trainer` runs a :class:`gancourse.gan.GAN`'s own update
  steps in one compiled loop (both players, or one of them against a frozen opponent);
  :func:`train_toy_gan` trains a seeded 2-D GAN and keeps the generator's samples for fixed
  noise (and any probes) every few steps (:class:`ToyRun`).
* **Mode collapse** - :func:`mode_coverage_history` turns snapshots into modes covered, sample
  quality, the mass per mode and its effective number of modes over training (the collapse and
  the "mode hopping" of a generator).
* **Imbalance and hyperparameter sensitivity** - :func:`sweep` / :func:`pivot` (a small grid of
  runs and its table for a heat map).
* **Batch normalisation** - :func:`batchnorm_reference` (what a BN layer computes in training
  mode, in NumPy), :func:`activation_statistics` (per-feature mean and std of hidden layers)
  and :func:`scores_in_batches` (the same example scored by D inside different batches).

Conventions are those of :mod:`gancourse.gan`: D outputs logits, real = 1, fake = 0, and the
generator losses are ``"non_saturating"`` (``-log D(G(z))``) and ``"minimax"``
(``log(1 - D(G(z)))``).
"""
from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from gancourse.batchnorm import (
    KeepState,
    activation_statistics,
    batchnorm_reference,
    scores_in_batches,
)
from gancourse.checks import finite_floats, positive_float, positive_int
from gancourse.data import GaussianMixture2D
from gancourse.losses.adversarial import GENERATOR_LOSSES, generator_loss
from gancourse.metrics import mode_coverage
from gancourse.models.gan import GAN
from gancourse.nets.mlp import build_mlp_discriminator, build_mlp_generator
from gancourse.noise import sample_noise

__all__ = [
    "logit_gradient", "generator_gradient_norms", "discriminator_accuracy",
    "Trainer", "ToyRun", "train_toy_gan", "mode_coverage_history", "sweep", "pivot",
    "batchnorm_reference", "activation_statistics", "scores_in_batches",
]


def _check_kind(kind: str) -> str:
    if kind not in GENERATOR_LOSSES:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    return kind


# --------------------------------------------------------------------------------------------
# vanishing gradients
# --------------------------------------------------------------------------------------------
def logit_gradient(logits: Any, kind: str = "non_saturating") -> np.ndarray:
    """Closed-form derivative of one example's generator loss with respect to D's logit ``l``.

    With ``D = sigmoid(l)`` and ``sigmoid'(l) = sigmoid(l) (1 - sigmoid(l))``:

    * minimax, ``L = log(1 - sigmoid(l))``: ``dL/dl = -sigmoid(l) = -D``;
    * non-saturating, ``L = -log sigmoid(l)``: ``dL/dl = sigmoid(l) - 1 = -(1 - D)``.

    Both are negative (raising the logit lowers either loss); they differ in *size*: ``D``
    against ``1 - D``.  When D rejects a fake (``l -> -inf``) the minimax derivative goes to 0
    and the non-saturating one to -1.

    Args:
        logits: any shape, finite.
        kind: ``"minimax"`` or ``"non_saturating"``.

    Returns:
        ``float64`` array of the same shape, in (-1, 0).
    """
    kind = _check_kind(kind)
    l = finite_floats(logits, "logits")
    d = 0.5 * (1.0 + np.tanh(0.5 * l))  # sigmoid without overflow warnings
    return -d if kind == "minimax" else d - 1.0


def generator_gradient_norms(generator: keras.Model, discriminator: keras.Model,
                             noise: Any, *, training: bool = True) -> dict[str, float]:
    """The norm of the generator's gradient through D under both generator losses, on one batch.

    Computes ``||grad_theta L_G||`` (the global norm over all of G's trainable variables, as
    ``tf.linalg.global_norm``) for ``L_G`` = :func:`gancourse.generator_loss` of kind
    ``"minimax"`` and ``"non_saturating"``, from a single forward pass.  Nothing is updated.

    Args:
        generator: z (N, latent_dim) -> examples.
        discriminator: examples -> logits (N, 1).
        noise: z, (N, latent_dim) floats.
        training: mode of both networks (batch norm with batch statistics when True, as during
            training).  Moving averages are left as they were.

    Returns:
        ``{"minimax", "non_saturating"}`` gradient norms (>= 0), ``"d_fake"``: mean
        ``sigmoid(D(G(z)))`` and ``"mean_logit"``: mean D logit on the fakes.
    """
    z = tf.convert_to_tensor(noise, tf.float32)
    if z.shape.rank != 2 or z.shape[0] == 0:
        raise ValueError(f"noise must have shape (N, latent_dim) with N > 0, got {z.shape}")
    variables = generator.trainable_variables
    if not variables:
        raise ValueError(f"generator {generator.name!r} has no trainable variables")
    with KeepState(generator, discriminator), tf.GradientTape(persistent=True) as tape:
        logits = discriminator(generator(z, training=training), training=training)
        losses = {kind: generator_loss(logits, kind) for kind in GENERATOR_LOSSES}
    out = {kind: float(tf.linalg.global_norm(tape.gradient(loss, variables)))
           for kind, loss in losses.items()}
    del tape
    logits = tf.cast(logits, tf.float32)
    out["d_fake"] = float(tf.reduce_mean(tf.sigmoid(logits)))
    out["mean_logit"] = float(tf.reduce_mean(logits))
    return out


def discriminator_accuracy(discriminator: keras.Model, real: Any, fake: Any, *,
                           training: bool = False) -> dict[str, float]:
    """How well D separates ``real`` from ``fake`` (threshold: logit 0, i.e. D = 1/2).

    Args:
        discriminator: examples -> logits (N, 1).
        real, fake: batches of examples (N, ...) and (M, ...).
        training: mode of D (False: batch norm with its moving statistics; True: with the
            batch's, leaving the moving averages as they were).

    Returns:
        ``{"real": fraction of reals with logit > 0, "fake": fraction of fakes with logit < 0,
        "balanced": their mean, "d_real": mean D(x), "d_fake": mean D(G(z))}``, all in [0, 1].
    """
    with KeepState(discriminator):
        real_logits = np.asarray(discriminator(tf.convert_to_tensor(real, tf.float32),
                                               training=training), np.float64).ravel()
        fake_logits = np.asarray(discriminator(tf.convert_to_tensor(fake, tf.float32),
                                               training=training), np.float64).ravel()
    if real_logits.size == 0 or fake_logits.size == 0:
        raise ValueError("real and fake must each hold at least one example")
    acc_real, acc_fake = float(np.mean(real_logits > 0)), float(np.mean(fake_logits < 0))
    sig = lambda v: 0.5 * (1.0 + np.tanh(0.5 * v))  # noqa: E731
    return {"real": acc_real, "fake": acc_fake, "balanced": 0.5 * (acc_real + acc_fake),
            "d_real": float(sig(real_logits).mean()), "d_fake": float(sig(fake_logits).mean())}


# --------------------------------------------------------------------------------------------
# training a toy GAN, one player at a time if needed
# --------------------------------------------------------------------------------------------
class Trainer:
    """Runs the updates of a compiled :class:`gancourse.gan.GAN` on in-memory data, fast.

    One call of :meth:`run` executes ``steps`` iterations inside a single compiled
    ``tf.function`` (one trace per trainer, whatever the counts), each iteration being
    ``d_steps`` calls of the model's own :meth:`~gancourse.gan.GAN.discriminator_step` and then
    ``g_steps`` calls of its :meth:`~gancourse.gan.GAN.generator_step` - the updates of
    ``fit``, without its per-step Python overhead.  ``d_steps=0`` trains the generator alone
    against a frozen D, ``g_steps=0`` the discriminator alone against a frozen G.

    Real batches are drawn uniformly with replacement from ``real`` (seeded by
    :func:`gancourse.seeding.seed_everything`).

    Args:
        model: a compiled GAN.
        real: real examples (N, ...), e.g. (N, 2) points from a 2-D mixture.
        batch_size: examples per update, at most N.
    """

    def __init__(self, model: GAN, real: Any, batch_size: int):
        if not isinstance(model, GAN):
            raise TypeError(f"model must be a gancourse.gan.GAN, got {type(model).__name__}")
        if model.d_optimizer is None:
            raise RuntimeError("compile() the GAN before training it")
        self.model = model
        self.real = tf.constant(np.asarray(real, np.float32))
        if self.real.shape.rank < 2 or self.real.shape[0] == 0:
            raise ValueError(f"real must be a non-empty batch of examples (N, ...), got shape "
                             f"{tuple(self.real.shape)}")
        self.batch_size = positive_int(batch_size, "batch_size")
        if self.batch_size > self.real.shape[0]:
            raise ValueError(f"batch_size={batch_size} is larger than the {self.real.shape[0]} "
                             "real examples")
        self._block = tf.function(self._iterations)

    def _iterations(self, steps, d_steps, g_steps):
        n_real = tf.shape(self.real)[0]
        d_loss = d_real = d_fake = g_loss = n_d = n_g = tf.constant(0.0)
        for _ in tf.range(steps):
            for _ in tf.range(d_steps):
                idx = tf.random.uniform((self.batch_size,), 0, n_real, dtype=tf.int32)
                d = self.model.discriminator_step(tf.gather(self.real, idx))
                d_loss, d_real, d_fake = (d_loss + d["d_loss"], d_real + d["d_real"],
                                          d_fake + d["d_fake"])
                n_d += 1.0
            for _ in tf.range(g_steps):
                g_loss += self.model.generator_step(batch_size=self.batch_size)["g_loss"]
                n_g += 1.0
        nan = tf.constant(float("nan"))
        d_mean = lambda total: tf.where(n_d > 0, total / tf.maximum(n_d, 1.0), nan)  # noqa: E731
        return {"d_loss": d_mean(d_loss), "d_real": d_mean(d_real), "d_fake": d_mean(d_fake),
                "g_loss": tf.where(n_g > 0, g_loss / tf.maximum(n_g, 1.0), nan)}

    def run(self, steps: int, d_steps: int | None = None, g_steps: int = 1) -> dict[str, float]:
        """``steps`` iterations of ``d_steps`` D updates (default: the model's ``d_steps``)
        then ``g_steps`` G updates.

        Returns:
            Means over the block of ``d_loss``, ``d_real``, ``d_fake`` (over D updates) and
            ``g_loss`` (over G updates); NaN for a player that was not updated.
        """
        steps = positive_int(steps, "steps")
        d_steps = self.model.d_steps if d_steps is None else d_steps
        for name, value in (("d_steps", d_steps), ("g_steps", g_steps)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be an int >= 0, got {value!r}")
        if d_steps == 0 and g_steps == 0:
            raise ValueError("d_steps and g_steps are both 0: nothing to train")
        out = self._block(tf.constant(steps), tf.constant(int(d_steps)),
                          tf.constant(int(g_steps)))
        return {k: float(v) for k, v in out.items()}


class ToyRun:
    """A 2-D GAN run of :func:`train_toy_gan`: the model and its snapshots.

    Attributes:
        model: the :class:`gancourse.gan.GAN` (``generator``, ``discriminator`` as shortcuts).
        trainer: the :class:`Trainer` (continue training with ``run.trainer.run(...)``).
        noise: the fixed z (n, latent_dim) of the snapshots.
        samples: step -> ``generator(noise)`` (n, 2), step 0 included.
        logs: step -> the block's mean ``d_loss``, ``g_loss``, ``d_real``, ``d_fake``.
        probes: name -> {step -> ``fn(model)``}, step 0 included.
        config: the arguments of the run; seconds: training wall time.
    """

    def __init__(self, model: GAN, trainer: Trainer, noise: tf.Tensor,
                 probes: Mapping[str, Callable[[GAN], Any]], config: dict[str, Any]):
        self.model, self.trainer, self.noise, self.config = model, trainer, noise, config
        self.generator, self.discriminator = model.generator, model.discriminator
        self.samples: dict[int, np.ndarray] = {}
        self.logs: dict[int, dict[str, float]] = {}
        self._probe_fns = dict(probes)
        self.probes: dict[str, dict[int, Any]] = {name: {} for name in self._probe_fns}
        self.seconds = 0.0

    @property
    def step(self) -> int:
        """Generator updates so far."""
        return int(self.model.g_optimizer.iterations)

    @property
    def steps(self) -> list[int]:
        """The recorded steps, in order."""
        return sorted(self.samples)

    def record(self, logs: Mapping[str, float] | None = None) -> None:
        """Snapshot the generator (and the probes) at the current step."""
        step = self.step
        self.samples[step] = np.asarray(self.model.generator(self.noise, training=False))
        if logs is not None:
            self.logs[step] = dict(logs)
        for name, fn in self._probe_fns.items():
            self.probes[name][step] = fn(self.model)

    def series(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, values)`` of one logged metric over the recorded blocks."""
        steps = sorted(self.logs)
        if not steps or key not in self.logs[steps[0]]:
            raise KeyError(f"no logged metric {key!r}")
        return np.array(steps), np.array([self.logs[s][key] for s in steps])

    def probe(self, name: str) -> tuple[np.ndarray, list[Any]]:
        """``(steps, values)`` of one probe."""
        if name not in self.probes:
            raise KeyError(f"no probe {name!r}; have {sorted(self.probes)}")
        steps = sorted(self.probes[name])
        return np.array(steps), [self.probes[name][s] for s in steps]

    def final_samples(self) -> np.ndarray:
        return self.samples[self.steps[-1]]

    def __repr__(self) -> str:
        return f"ToyRun({self.config}, {len(self.samples)} snapshots, {self.seconds:.1f} s)"


def train_toy_gan(mixture: GaussianMixture2D, *, steps: int, record_every: int,
                  lr: float = 1e-3, d_lr: float | None = None, g_lr: float | None = None,
                  d_steps: int = 1, g_loss_kind: str = "non_saturating", batch_size: int = 256,
                  latent_dim: int = 8, hidden: Sequence[int] = (128, 128), beta_1: float = 0.5,
                  n_data: int = 10_000, n_snapshot: int = 1_000, seed: int = 0,
                  build_generator: Callable[[], keras.Model] | None = None,
                  probes: Mapping[str, Callable[[GAN], Any]] | None = None) -> ToyRun:
    """Train a GAN on a 2-D mixture, with a snapshot every ``record_every`` generator updates.

    The networks are :func:`gancourse.build_mlp_generator` (or ``build_generator()``) and
    :func:`gancourse.build_mlp_discriminator` with ``hidden`` units per layer, wrapped in a
    :class:`gancourse.gan.GAN` and trained by a :class:`Trainer` with Adam (``beta_1``) on
    ``n_data`` points drawn once from ``mixture``.  Weights, data and noise are functions of
    ``seed``: the same arguments give the same run (up to float round-off across machines).

    Args:
        mixture: e.g. :func:`gancourse.data.ring_of_gaussians`.
        steps: generator updates; a multiple of ``record_every``.
        record_every: generator updates between snapshots.
        lr: learning rate of both players unless ``d_lr`` / ``g_lr`` is given.
        d_steps: discriminator updates per generator update (k of Goodfellow's Algorithm 1).
        g_loss_kind: ``"non_saturating"`` or ``"minimax"``.
        batch_size, latent_dim, hidden, beta_1: the usual.
        n_data: training points drawn from the mixture.
        n_snapshot: fixed noise vectors whose images are recorded.
        build_generator: builds a generator z (N, latent_dim) -> (N, 2) instead of the MLP;
            called after seeding.
        probes: name -> ``fn(model)`` evaluated at every snapshot.

    Returns:
        A :class:`ToyRun`.
    """
    if not isinstance(mixture, GaussianMixture2D):
        raise TypeError(f"mixture must be a GaussianMixture2D, got {type(mixture).__name__}")
    steps = positive_int(steps, "steps")
    record_every = positive_int(record_every, "record_every")
    if steps % record_every:
        raise ValueError(f"steps ({steps}) must be a multiple of record_every ({record_every})")
    d_lr = positive_float(lr if d_lr is None else d_lr, "d_lr")
    g_lr = positive_float(lr if g_lr is None else g_lr, "g_lr")
    _check_kind(g_loss_kind)
    latent_dim = positive_int(latent_dim, "latent_dim")
    config = dict(mixture=mixture.name, steps=steps, d_lr=d_lr, g_lr=g_lr, d_steps=d_steps,
                  g_loss_kind=g_loss_kind, batch_size=batch_size, latent_dim=latent_dim,
                  seed=seed)
    from gancourse.seeding import seed_everything

    seed_everything(seed)
    if build_generator is None:
        generator = build_mlp_generator(latent_dim, 2, hidden)
    else:
        generator = build_generator()
        if tuple(generator.output_shape) != (None, 2) or generator.input_shape[-1] != latent_dim:
            raise ValueError(f"build_generator() must give a model (N, {latent_dim}) -> (N, 2), "
                             f"got {generator.input_shape} -> {generator.output_shape}")
    discriminator = build_mlp_discriminator(2, hidden)
    model = GAN(generator, discriminator, latent_dim, seed=seed)
    model.compile(d_optimizer=keras.optimizers.Adam(d_lr, beta_1=beta_1),
                  g_optimizer=keras.optimizers.Adam(g_lr, beta_1=beta_1),
                  g_loss_kind=g_loss_kind, d_steps=d_steps)
    real = mixture.sample(positive_int(n_data, "n_data"), seed=seed)
    trainer = Trainer(model, real, batch_size)
    noise = sample_noise(positive_int(n_snapshot, "n_snapshot"), latent_dim, seed=seed + 1)
    run = ToyRun(model, trainer, noise, probes or {}, config)
    run.record()
    start = time.perf_counter()
    for _ in range(steps // record_every):
        logs = trainer.run(record_every)
        run.seconds += time.perf_counter() - start
        run.record(logs)
        start = time.perf_counter()
    return run


def mode_coverage_history(mixture: GaussianMixture2D, snapshots: Mapping[int, Any], *,
                          within: float = 3.0, min_count: int = 1) -> dict[str, np.ndarray]:
    """Modes covered, sample quality and mass per mode for every snapshot of a run.

    Two views of the same samples:

    * :func:`gancourse.metrics.mode_coverage` (the VEEGAN convention): a sample is high quality
      within ``within`` standard deviations of its nearest mode; a mode is covered with at
      least ``min_count`` high-quality samples.  It needs *precise* samples.
    * the **mass** per mode: the fraction of *all* samples whose nearest mode is k (a Voronoi
      partition of the plane), and its **effective number of modes** ``exp(H)``, with
      ``H = -sum_k m_k log m_k`` the entropy of the mass.  It is K when the samples are spread
      evenly over the K cells (precise or not) and 1 when they all fall into one cell:
      collapse is visible even before the samples are precise.

    Args:
        mixture: the 2-D mixture.
        snapshots: step -> generated points (M, 2), e.g. ``ToyRun.samples``.
        within, min_count: as in :func:`~gancourse.metrics.mode_coverage`.

    Returns:
        ``steps`` (T,) sorted; ``modes_covered`` (T,) ints; ``high_quality_fraction`` (T,);
        ``counts`` (T, K) high-quality samples per mode; ``covered`` (T, K) bool; ``mass``
        (T, K), rows summing to 1; ``effective_modes`` (T,) in [1, K]; ``top_mode`` (T,) the
        index of the mode with the most mass.
    """
    if not isinstance(snapshots, Mapping) or not snapshots:
        raise ValueError("snapshots must be a non-empty mapping step -> points (M, 2)")
    steps = sorted(snapshots)
    results = [mode_coverage(mixture, snapshots[s], within=within, min_count=min_count)
               for s in steps]  # validates every snapshot
    mass = np.stack([np.bincount(mixture.nearest_mode(np.asarray(snapshots[s], np.float64))[0],
                                 minlength=mixture.n_modes) / len(snapshots[s]) for s in steps])
    logs = np.log(mass, out=np.zeros_like(mass), where=mass > 0)
    return {
        "steps": np.array(steps),
        "modes_covered": np.array([r["modes_covered"] for r in results]),
        "high_quality_fraction": np.array([r["high_quality_fraction"] for r in results]),
        "counts": np.stack([r["counts"] for r in results]),
        "covered": np.stack([r["covered"] for r in results]),
        "mass": mass,
        "effective_modes": np.exp(-(mass * logs).sum(axis=1)),
        "top_mode": mass.argmax(axis=1),
    }


# --------------------------------------------------------------------------------------------
# sweeps
# --------------------------------------------------------------------------------------------
def sweep(run: Callable[..., Mapping[str, Any]], **grid: Sequence[Any]) -> list[dict[str, Any]]:
    """Call ``run(**params)`` for every combination of the values in ``grid``.

    Example: ``sweep(fn, lr=[1e-4, 1e-3], d_steps=[1, 5])`` calls ``fn`` four times.  ``run``
    returns a mapping of measurements; each result row is the parameters merged with them.

    Returns:
        One dict per combination, in ``itertools.product`` order (the last key varies fastest).
    """
    if not callable(run):
        raise TypeError("run must be callable")
    if not grid:
        raise ValueError("give at least one parameter with a list of values")
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"{name} must be a non-empty list of values, got {values!r}")
    rows = []
    for combo in itertools.product(*grid.values()):
        params = dict(zip(grid, combo))
        result = run(**params)
        if not isinstance(result, Mapping):
            raise TypeError("run must return a mapping of measurements, got "
                            f"{type(result).__name__}")
        clash = set(result) & set(params)
        if clash:
            raise ValueError(f"run returned keys that are also parameters: {sorted(clash)}")
        rows.append({**params, **result})
    return rows


def pivot(rows: Sequence[Mapping[str, Any]], row: str, col: str,
          value: str) -> tuple[list[Any], list[Any], np.ndarray]:
    """A 2-D table of ``value`` from :func:`sweep` rows, for a heat map.

    Returns:
        ``(row_values, col_values, table)`` with ``table[i, j]`` the value at
        ``row_values[i]``, ``col_values[j]`` (values in order of first appearance).  Raises
        ``ValueError`` when a cell is missing or given twice.
    """
    if not rows:
        raise ValueError("rows is empty")
    for key in (row, col, value):
        if any(key not in r for r in rows):
            raise ValueError(f"every row needs the key {key!r}")
    row_values = list(dict.fromkeys(r[row] for r in rows))
    col_values = list(dict.fromkeys(r[col] for r in rows))
    table = np.full((len(row_values), len(col_values)), np.nan)
    seen = set()
    for r in rows:
        i, j = row_values.index(r[row]), col_values.index(r[col])
        if (i, j) in seen:
            raise ValueError(f"two rows for {row}={r[row]!r}, {col}={r[col]!r}")
        seen.add((i, j))
        table[i, j] = float(r[value])
    if len(seen) != table.size:
        raise ValueError(f"the rows do not fill the {table.shape} table of {row} x {col}")
    return row_values, col_values, table
