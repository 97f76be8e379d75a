"""Training tricks as objects a model holds: the gradient penalty, weight clipping, feature
matching, historical averaging, and two time-scale learning rates.

A model composes a player's loss as *its objective* (:mod:`gancourse.losses.adversarial`) plus
the terms it holds, and calls a term's ``after_update`` once that player's optimizer has
stepped.  ``GAN.compile(gp_weight=..., clip_value=..., feature_matching=...,
historical_weight=...)`` builds them; a new variant's model holds the same objects.

* :class:`GradientPenalty` - WGAN-GP (Gulrajani et al. 2017, arXiv:1704.00028);
* :class:`WeightClipping` - the original WGAN (Arjovsky et al. 2017, arXiv:1701.07875);
* :class:`FeatureMatching`, :class:`HistoricalAveraging` (with :class:`HistoricalAverage`) -
  Salimans, Goodfellow, Zaremba, Cheung, Radford, Chen 2016, "Improved Techniques for Training
  GANs", arXiv:1606.03498;
* :func:`ttur_optimizers` - Heusel et al. 2017, arXiv:1706.08500.

The terms are plain objects on purpose: as attributes of a ``keras.Model`` Keras would track a
sub-model they hold (the feature extractor shares D's layers, which would be saved twice).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from gancourse.checks import non_negative_float
from gancourse.layers.normalization import has_batch_norm
from gancourse.losses.penalties import (
    clip_weights,
    feature_extractor,
    feature_matching_loss,
    gradient_penalty,
)

__all__ = ["GradientPenalty", "WeightClipping", "FeatureMatching", "HistoricalAverage",
           "HistoricalAveraging", "ttur_optimizers"]


class GradientPenalty:
    """``weight * (||grad D(x_hat)|| - 1)^2`` per example, added to D's per-example loss.

    One interpolation weight alpha ~ Uniform[0, 1) per example, drawn by :meth:`draw` from the
    model's seed (:func:`gancourse.losses.gradient_penalty` computes the penalty).  It treats
    examples independently, so :meth:`check` refuses a discriminator with batch norm.
    """

    metric = "gp"  #: reported as this metric (weight included)

    def __init__(self, weight: float):
        self.weight = non_negative_float(weight, "gp_weight")

    def check(self, discriminator: keras.Model) -> None:
        if has_batch_norm(discriminator):
            raise ValueError("gp_weight > 0 needs a discriminator without batch norm: the "
                             "gradient penalty is per example, and batch norm makes every "
                             "score depend on the whole batch; use layer or instance norm "
                             "(gancourse.stabilize.build_dcgan_critic(norm='layer'))")

    @staticmethod
    def draw(seed: tf.Tensor, batch_size: Any) -> tf.Tensor:
        """Interpolation weights (batch_size,) ~ Uniform[0, 1), a pure function of ``seed``."""
        return tf.random.stateless_uniform((batch_size,), seed=seed)

    def __call__(self, discriminator: keras.Model, real: Any, fake: Any, alpha: Any, *,
                 training: bool = True, reduction: str = "none") -> tf.Tensor:
        return gradient_penalty(discriminator, real, fake, weight=self.weight, alpha=alpha,
                                training=training, reduction=reduction)


class WeightClipping:
    """After every update of its network, clip each trainable variable to [-c, c]."""

    def __init__(self, clip_value: float):
        clip_value = non_negative_float(clip_value, "clip_value")
        if clip_value == 0:
            raise ValueError("clip_value must be > 0 (or None for no clipping), got 0")
        self.clip_value = clip_value

    def after_update(self, network: keras.Model) -> None:
        clip_weights(network, self.clip_value)


class FeatureMatching:
    """G's loss ``||mean f(x) - mean f(G(z))||^2`` at D's layer ``layer_name``, instead of its
    objective.  It depends on batch means (not a per-example loss)."""

    def __init__(self, discriminator: keras.Model, layer_name: str):
        self.layer_name = layer_name
        self.extractor = feature_extractor(discriminator, layer_name)

    def features(self, x: Any, *, training: bool = True) -> tf.Tensor:
        return self.extractor(x, training=training)

    def __call__(self, real_features: Any, fake: Any, *, training: bool = True) -> tf.Tensor:
        return feature_matching_loss(real_features, self.features(fake, training=training))


class HistoricalAverage:
    """Running mean of a list of variables and the penalty ``sum ||theta - mean||^2``.

    Historical averaging (Salimans et al. 2016, arXiv:1606.03498, section 3.3): a player adds
    ``||theta - (1/t) sum_{i=1}^{t} theta[i]||^2`` to its cost, where ``theta[i]`` is the value
    of its parameters at time i.  This damps the oscillations of gradient descent around an
    equilibrium (fictitious play averages over past strategies).

    ``theta[1]`` is the value when the object is created; every :meth:`update` appends the
    current value as the next ``theta[t]``.  The mean is kept incrementally,
    ``mean_t = mean_{t-1} + (theta_t - mean_{t-1}) / t``, in non-trainable ``tf.Variable`` s
    (float32; under a distribution strategy create the object inside ``strategy.scope()``;
    the updates then come from the first replica, all replicas hold the same values).

    Args:
        variables: the variables to average (e.g. ``model.trainable_variables``), non-empty.
    """

    def __init__(self, variables: Sequence[Any]):
        self.variables = list(variables)
        if not self.variables:
            raise ValueError("HistoricalAverage needs at least one variable")
        agg = tf.VariableAggregation.ONLY_FIRST_REPLICA
        self.count = tf.Variable(1.0, trainable=False, dtype=tf.float32, aggregation=agg,
                                 name="historical_count")
        self.averages = [
            tf.Variable(tf.cast(tf.convert_to_tensor(v), tf.float32), trainable=False,
                        aggregation=agg, name=f"historical_{i}")
            for i, v in enumerate(self.variables)]

    @property
    def t(self) -> int:
        """How many values each average holds (1 after construction)."""
        return int(self.count.numpy())

    def update(self) -> None:
        """Add the variables' current values to the running means."""
        t = self.count.assign_add(1.0)
        for v, avg in zip(self.variables, self.averages):
            avg.assign_add((tf.cast(tf.convert_to_tensor(v), tf.float32) - avg) / t)

    def penalty(self) -> tf.Tensor:
        """``sum over variables ||theta - mean||^2`` (float32 scalar), differentiable w.r.t. the
        variables (the means are constants)."""
        return tf.add_n([tf.reduce_sum(tf.square(tf.cast(tf.convert_to_tensor(v), tf.float32)
                                                 - tf.convert_to_tensor(avg)))
                         for v, avg in zip(self.variables, self.averages)])


class HistoricalAveraging:
    """``weight * ||theta - mean of past theta||^2`` added to one player's loss; the running mean
    (:attr:`history`, a :class:`HistoricalAverage`) takes the new weights after each update."""

    def __init__(self, weight: float, variables: Sequence[Any]):
        self.weight = non_negative_float(weight, "historical_weight")
        self.history = HistoricalAverage(variables)

    def penalty(self) -> tf.Tensor:
        return self.weight * self.history.penalty()

    def after_update(self, network: keras.Model | None = None) -> None:
        self.history.update()


def ttur_optimizers(d_lr: float = 4e-4, g_lr: float = 1e-4, beta_1: float = 0.0,
                    beta_2: float = 0.9) -> tuple[keras.optimizers.Adam, keras.optimizers.Adam]:
    """Two Adam optimizers with different learning rates, (d_optimizer, g_optimizer).

    The two time-scale update rule (Heusel, Ramsauer, Unterthiner, Nessler, Hochreiter 2017,
    "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium",
    arXiv:1706.08500): a faster discriminator than generator instead of several D steps per G
    step.  The defaults (D 4e-4, G 1e-4, beta_1 = 0, beta_2 = 0.9) are SAGAN's (Zhang et al.
    2018, arXiv:1805.08318).
    """
    for name, lr in (("d_lr", d_lr), ("g_lr", g_lr)):
        if (isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating))
                or not (math.isfinite(float(lr)) and float(lr) > 0)):
            raise ValueError(f"{name} must be a positive number, got {lr!r}")
    for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
        if (isinstance(beta, bool) or not isinstance(beta, (int, float, np.floating))
                or not 0.0 <= float(beta) < 1.0):
            raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
    return (keras.optimizers.Adam(float(d_lr), beta_1=float(beta_1), beta_2=float(beta_2)),
            keras.optimizers.Adam(float(g_lr), beta_1=float(beta_1), beta_2=float(beta_2)))
