"""Penalties and auxiliary losses that keep a discriminator in check or give the generator
another target: the gradient penalty (WGAN-GP), weight clipping (WGAN) and feature matching.

They are functions of tensors and networks; :mod:`gancourse.terms` wraps each in an object a
model holds (what ``GAN.compile(gp_weight=..., clip_value=..., feature_matching=...)`` builds).
"""
from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from gancourse.checks import non_negative_float
from gancourse.losses.reduction import check_reduction, float_tensor, reduce_examples

__all__ = ["interpolates", "gradient_penalty", "clip_weights", "feature_matching_loss",
           "feature_extractor"]

NORM_EPS = 1e-12  #: inside the square root of the gradient norm: a finite gradient at norm 0


# --------------------------------------------------------------------------------------------
# the gradient penalty (Gulrajani et al. 2017)
# --------------------------------------------------------------------------------------------
def _alpha_shape(alpha: tf.Tensor, rank: int) -> tf.Tensor:
    """Interpolation weights (N,) or (N, 1, ..., 1) reshaped to (N, 1, ..., 1) of ``rank``."""
    shape = alpha.shape
    if shape.rank is None or shape.rank < 1 or shape.rank > rank or any(
            d != 1 for d in shape[1:]):
        raise ValueError(f"alpha must have shape (N,) or (N, 1, ..., 1) (one weight per "
                         f"example, at most {rank} axes), got {tuple(shape)}")
    return tf.reshape(alpha, [-1] + [1] * (rank - 1))


def interpolates(real: Any, fake: Any, alpha: Any) -> tf.Tensor:
    """Points on the segments between real and fake examples: ``alpha * x + (1 - alpha) * G(z)``.

    Args:
        real: real examples x, float (N, ...).
        fake: generated examples G(z), same shape as ``real``.
        alpha: one weight per example in [0, 1], shape (N,) or (N, 1, ..., 1); broadcast over
            all other axes (the same weight for every pixel of an image).  Values are checked
            when running eagerly.

    Returns:
        x_hat, shape and dtype of ``real``.
    """
    real = float_tensor(real, "real")
    fake = tf.cast(float_tensor(fake, "fake"), real.dtype)
    if real.shape.rank is None or real.shape.rank < 1:
        raise ValueError(f"real must have a batch axis, got shape {tuple(real.shape)}")
    if not real.shape.is_compatible_with(fake.shape):
        raise ValueError(f"real and fake must have the same shape, got {tuple(real.shape)} and "
                         f"{tuple(fake.shape)}")
    alpha = tf.cast(float_tensor(alpha, "alpha"), real.dtype)
    alpha = _alpha_shape(alpha, real.shape.rank)
    n_alpha, n_real = alpha.shape[0], real.shape[0]
    if n_alpha is not None and n_real is not None and n_alpha != n_real:
        raise ValueError(f"alpha has {n_alpha} weights for {n_real} examples")
    if tf.executing_eagerly():
        a = alpha.numpy()
        if not np.all((a >= 0) & (a <= 1)):
            raise ValueError(f"alpha must lie in [0, 1], got values in [{a.min():g}, {a.max():g}]")
    return alpha * real + (1 - alpha) * fake


def gradient_penalty(critic: keras.Model, real: Any, fake: Any, *, weight: float = 10.0,
                     alpha: Any = None, seed: Any = None, training: bool = True,
                     reduction: str = "mean") -> tf.Tensor:
    """WGAN-GP's penalty ``weight * mean_i (||grad_x D(x_hat_i)||_2 - 1)^2``.

    Gulrajani, Ahmed, Arjovsky, Dumoulin, Courville 2017, "Improved Training of Wasserstein
    GANs", arXiv:1704.00028: instead of clipping weights, softly enforce the 1-Lipschitz
    constraint by pushing the critic's gradient norm towards 1 at ``x_hat = alpha * x + (1 -
    alpha) * G(z)``, ``alpha ~ Uniform[0, 1]`` (one per example), where the optimal critic has
    gradient norm 1.  The paper's recipe: ``weight`` (lambda) = 10, 5 critic updates per
    generator update, Adam(1e-4, beta_1=0, beta_2=0.9), and no batch norm in the critic (the
    penalty is per example; layer or instance norm instead).

    The gradient is taken w.r.t. the *interpolates* with an inner ``tf.GradientTape``; call this
    inside the tape of the critic's update and the penalty is differentiated w.r.t. the critic's
    weights (a second-order gradient).  The norm is over all non-batch axes, computed as
    ``sqrt(sum g^2 + 1e-12)`` so that its gradient stays finite where ``g = 0``.

    Args:
        critic: x (N, ...) -> scores (N, 1); it must treat examples independently (no batch
            norm), or the penalty mixes examples.
        real, fake: float (N, ...) of the same shape.
        weight: lambda >= 0.
        alpha: interpolation weights (N,) or (N, 1, ..., 1) in [0, 1]; default drawn from
            Uniform[0, 1].
        seed: with ``alpha=None``: an int or a shape-(2,) integer tensor for a stateless draw
            (reproducible); None draws from TensorFlow's global generator.
        training: passed to the critic.
        reduction: ``"mean"`` (scalar) or ``"none"`` (per example, (N,)).

    Returns:
        ``float32`` scalar or (N,).  Closed forms: a linear critic ``D(x) = w . x`` has
        gradient ``w`` everywhere, so the penalty is ``weight * (||w|| - 1)^2``.
    """
    weight = non_negative_float(weight, "weight")
    check_reduction(reduction)
    real = float_tensor(real, "real")
    if alpha is None:
        n = tf.shape(real)[0]
        if seed is None:
            alpha = tf.random.uniform([n], dtype=tf.float32)
        else:
            if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
                seed = [int(seed), 0]
            alpha = tf.random.stateless_uniform([n], seed=seed, dtype=tf.float32)
    x_hat = interpolates(real, fake, alpha)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=training)
    grads = tape.gradient(scores, x_hat)
    if grads is None:  # the critic ignores its input: its gradient is 0
        grads = tf.zeros_like(x_hat)
    grads = tf.reshape(tf.cast(grads, tf.float32), [tf.shape(x_hat)[0], -1])
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=1) + NORM_EPS)
    return reduce_examples(weight * tf.square(norms - 1.0), reduction)


def clip_weights(model: keras.Model, clip_value: float = 0.01) -> None:
    """Clip every trainable variable of ``model`` to ``[-clip_value, clip_value]``, in place.

    The original WGAN's crude way to keep the critic Lipschitz (Arjovsky et al. 2017,
    arXiv:1701.07875, c = 0.01, after every critic update, with RMSProp(5e-5)).  Too small a
    ``c`` makes gradients vanish, too large a ``c`` makes the critic slow to train; the gradient
    penalty (:func:`gradient_penalty`) avoids choosing.  Returns None.
    """
    if (isinstance(clip_value, bool) or not isinstance(clip_value, (int, float, np.integer,
                                                                    np.floating))
            or not math.isfinite(float(clip_value)) or float(clip_value) <= 0):
        raise ValueError(f"clip_value must be a finite number > 0, got {clip_value!r}")
    c = float(clip_value)
    for variable in model.trainable_variables:
        variable.assign(tf.clip_by_value(variable, -c, c))



# --------------------------------------------------------------------------------------------
# feature matching (Salimans et al. 2016)
# --------------------------------------------------------------------------------------------
def _flat_features(features: Any, name: str) -> tf.Tensor:
    t = tf.convert_to_tensor(features)
    if not t.dtype.is_floating:
        raise TypeError(f"{name} must hold floats, got dtype {t.dtype.name}")
    if t.shape.rank is None or t.shape.rank < 2:
        raise ValueError(f"{name} must have shape (N, F) or (N, ...), got {tuple(t.shape)}")
    t = tf.cast(t, tf.float32)
    return tf.reshape(t, [tf.shape(t)[0], -1]) if t.shape.rank > 2 else t


def feature_matching_loss(real_features: Any, fake_features: Any) -> tf.Tensor:
    """Feature matching ``||mean_i f(x_i) - mean_j f(G(z_j))||_2^2`` (Salimans et al. 2016).

    ``f`` is an intermediate layer of D (:func:`feature_extractor`); the generator minimises
    the squared Euclidean distance between the batch means of the real and the fake features
    instead of fooling D's last layer, a target that moves less when D changes.

    Args:
        real_features: f(x), (N, F) or (N, ...) (flattened per example).
        fake_features: f(G(z)), (M, F) or (M, ...) with the same number of features; N and M
            may differ.

    Returns:
        ``float32`` scalar >= 0 (not a per-example loss: it depends on the batch means).
    """
    real = _flat_features(real_features, "real_features")
    fake = _flat_features(fake_features, "fake_features")
    f_real, f_fake = real.shape[-1], fake.shape[-1]
    if f_real is not None and f_fake is not None and f_real != f_fake:
        raise ValueError(f"real and fake features differ in size: {f_real} and {f_fake}")
    diff = tf.reduce_mean(real, axis=0) - tf.reduce_mean(fake, axis=0)
    return tf.reduce_sum(tf.square(diff))


def feature_extractor(discriminator: keras.Model, layer_name: str) -> keras.Model:
    """A ``keras.Model`` from D's input to the output of D's layer ``layer_name``.

    It shares D's layers (and weights): it always computes D's current features.  D must be a
    functional or ``Sequential`` model (the builders of the course are).
    """
    if not isinstance(layer_name, str):
        raise TypeError(f"layer_name must be a str, got {layer_name!r}")
    names = [layer.name for layer in discriminator.layers]
    if layer_name not in names:
        raise ValueError(f"discriminator {discriminator.name!r} has no layer {layer_name!r}; its "
                         f"layers are: {', '.join(names)}")
    try:
        inputs, outputs = discriminator.inputs, discriminator.get_layer(layer_name).output
        if len(inputs) == 1:
            inputs = inputs[0]  # called with a tensor, not a list of one
    except (AttributeError, ValueError) as exc:
        raise ValueError(f"feature_extractor needs a functional or Sequential model with a "
                         f"defined input; {discriminator.name!r} is not ({exc})") from None
    return keras.Model(inputs, outputs, name=f"{discriminator.name}_{layer_name}_features")
