"""What every adversarial model repeats, in one base class: optimizers with loss scaling, seeded
noise, one ``minimize`` for a tape step, and metric trackers.

A variant's model (:class:`gancourse.models.GAN` and those to come) subclasses
:class:`AdversarialModel` and writes only its ``train_step`` - which players update, on which
losses - in the style of keras.io's generative examples.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
import tensorflow as tf

from gancourse.checks import one_of
from gancourse.losses.adversarial import GENERATOR_LOSSES, Objective, get_objective

__all__ = ["AdversarialModel", "average_loss", "is_mixed_float16"]


def is_mixed_float16() -> bool:
    """Whether Keras' global dtype policy is ``mixed_float16`` (which needs loss scaling)."""
    return keras.config.dtype_policy().name == "mixed_float16"


def average_loss(per_example: tf.Tensor | None,
                 batch_terms: Sequence[tf.Tensor] = ()) -> tuple[tf.Tensor, tf.Tensor]:
    """(the loss a player minimises, the value it reports).

    Per-example losses (N,) are averaged over the *global* batch (``tf.nn.compute_average_loss``:
    under a distribution strategy each replica divides its sum by the global batch size, and
    Keras sums the replicas' gradients); terms that are batch statistics (scalars) are divided
    by the number of replicas (``tf.nn.scale_regularization_loss``).  The report is this
    replica's batch mean plus the batch terms.
    """
    losses, reports = [], []
    if per_example is not None:
        losses.append(tf.nn.compute_average_loss(per_example))
        reports.append(tf.reduce_mean(per_example))
    for term in batch_terms:
        losses.append(tf.nn.scale_regularization_loss(term))
        reports.append(term)
    return tf.add_n(losses), tf.add_n(reports)


class AdversarialModel(keras.Model):
    """A ``keras.Model`` trained by ``fit`` whose players each hold their own optimizer.

    Provides:

    * :meth:`prepare_optimizer` - wraps an optimizer in ``keras.optimizers.LossScaleOptimizer``
      under the ``mixed_float16`` policy and creates its slots for the player's variables (in
      the distribution strategy's scope, not inside the first traced step);
    * :meth:`minimize` - one update: the loss computed under a ``tf.GradientTape``, scaled,
      differentiated w.r.t. the player's variables only, applied;
    * :meth:`step_seed`, :meth:`noise` - draws from the model's own
      ``keras.random.SeedGenerator`` (``seed=``), different on every replica;
    * :meth:`add_tracker`, :meth:`track` - ``keras.metrics.Mean`` per reported value, reset by
      Keras at every epoch.
    """

    def __init__(self, *, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers: dict[str, keras.metrics.Mean] = {}
        self.reported: tuple[str, ...] = ()  #: the trackers ``metrics`` lists, in order

    # -- metrics -----------------------------------------------------------------------------
    def add_tracker(self, name: str) -> keras.metrics.Mean:
        """A ``Mean`` tracker called ``name`` (created once), reported from now on."""
        if name not in self.trackers:
            self.trackers[name] = keras.metrics.Mean(name=name)
        if name not in self.reported:
            self.reported = (*self.reported, name)
        return self.trackers[name]

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        # Listed here so that Keras resets them at the start of every epoch.
        return [self.trackers[name] for name in getattr(self, "reported", ())]

    def track(self, **values: tf.Tensor) -> dict[str, tf.Tensor]:
        """Update the trackers with this step's ``values``; the running means of all of them."""
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {m.name: m.result() for m in self.metrics}

    # -- compiling ---------------------------------------------------------------------------
    def check_players(self, d_optimizer: keras.optimizers.Optimizer,
                      g_optimizer: keras.optimizers.Optimizer, objective: str, g_loss_kind: str,
                      compile_kwargs: dict) -> Objective:
        """What every adversarial ``compile`` checks first: no Keras ``optimizer``/``loss``
        (the losses are the model's own), two distinct optimizers, a registered ``objective``
        and a ``g_loss_kind`` it accepts.  Returns the objective's spec."""
        if "optimizer" in compile_kwargs or "loss" in compile_kwargs:
            raise TypeError(f"{type(self).__name__}.compile takes d_optimizer and g_optimizer; "
                            "the losses are fixed by its own arguments (objective, g_loss_kind, ...)")
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two different optimizer "
                             "instances (each holds the state of its own network)")
        one_of(g_loss_kind, GENERATOR_LOSSES, "g_loss_kind")
        spec = get_objective(objective)
        if g_loss_kind not in spec.g_losses:
            raise ValueError(f"g_loss_kind={g_loss_kind!r} applies to the 'bce' objective only, "
                             f"not to {objective!r}")
        return spec

    def compile_players(self, d_optimizer: keras.optimizers.Optimizer,
                        g_optimizer: keras.optimizers.Optimizer, **compile_kwargs) -> None:
        """``keras.Model.compile`` (``compile_kwargs``: ``jit_compile``, ``steps_per_execution``,
        ``run_eagerly``), then each optimizer prepared for its own network's variables
        (``self.discriminator``, ``self.generator``)."""
        super().compile(optimizer=None, **compile_kwargs)
        self.d_optimizer = self.prepare_optimizer(d_optimizer, "d_loss_scale_optimizer",
                                                  self.discriminator.trainable_variables)
        self.g_optimizer = self.prepare_optimizer(g_optimizer, "g_loss_scale_optimizer",
                                                  self.generator.trainable_variables)

    # -- optimizers --------------------------------------------------------------------------
    def prepare_optimizer(self, optimizer: keras.optimizers.Optimizer, name: str,
                          variables: Sequence[tf.Variable]) -> keras.optimizers.Optimizer:
        """``optimizer`` ready for ``variables``: loss-scaled under ``mixed_float16`` (wrapper
        called ``name``), its slots created."""
        ls = keras.optimizers.LossScaleOptimizer
        if is_mixed_float16() and not isinstance(optimizer, ls):
            optimizer = ls(optimizer, name=name)
        if not optimizer.built:
            optimizer.build(variables)
        return optimizer

    @staticmethod
    def minimize(optimizer: keras.optimizers.Optimizer, variables: Sequence[tf.Variable],
                 loss_fn: Callable[[], tuple[tf.Tensor, Any]]) -> Any:
        """One update of ``variables`` on the loss ``loss_fn`` computes.

        ``loss_fn() -> (loss, extra)`` runs under the tape; ``loss`` is what the optimizer
        minimises (already averaged over the *global* batch), ``extra`` whatever the step wants
        back (returned).  Only ``variables`` get gradients: the other player is left untouched.
        """
        with tf.GradientTape() as tape:
            loss, extra = loss_fn()
            scaled = optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return extra

    # -- randomness --------------------------------------------------------------------------
    def step_seed(self) -> tf.Tensor:
        """The next seed of the model's own generator, different on every replica."""
        seed = self.seed_generator.next()
        ctx = tf.distribute.get_replica_context()
        if ctx is not None and ctx.num_replicas_in_sync > 1:
            # Every replica holds a copy of the same seed state: fold in the replica id, or all
            # replicas would draw the same noise.
            seed = tf.random.experimental.stateless_fold_in(seed, ctx.replica_id_in_sync_group)
        return seed

    def noise(self, batch_size: Any, dim: int | None = None) -> tf.Tensor:
        """Fresh z ~ N(0, I) of shape (batch_size, dim); ``dim`` defaults to ``latent_dim``."""
        dim = self.latent_dim if dim is None else dim
        return tf.random.stateless_normal((batch_size, dim), seed=self.step_seed())
