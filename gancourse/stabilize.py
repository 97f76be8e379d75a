"""Tricks that make GAN training more stable: the techniques of Salimans et al. 2016 and the
normalisations and optimiser settings that followed.

Salimans, Goodfellow, Zaremba, Cheung, Radford, Chen 2016, "Improved Techniques for Training
GANs", arXiv:1606.03498:

* :func:`feature_matching_loss` (with :func:`feature_extractor`) - G matches the mean of an
  intermediate layer of D on real data instead of maximising D's output;
* :class:`MinibatchDiscrimination` - D sees how similar an example is to the rest of its batch,
  so a collapsed generator (every sample alike) is easy to spot;
* :class:`HistoricalAverage` - a penalty pulling the parameters towards their own running mean;
* one-sided label smoothing is ``discriminator_loss(..., real_label=0.9)`` in
  :mod:`gancourse.gan` (only the *real* targets are smoothed).

And since:

* :class:`InstanceNormalization` (Ulyanov, Vedaldi, Lempitsky 2016, arXiv:1607.08022);
* :func:`spectral_norm` (Miyato, Kataoka, Koyama, Yoshida 2018, arXiv:1802.05957);
* :func:`ttur_optimizers` - two time-scale update rule (Heusel et al. 2017, arXiv:1706.08500);
* critics for the objectives of :mod:`gancourse.objectives`: :func:`build_mlp_critic`,
  :func:`build_dcgan_critic` (any normalisation, spectral norm, minibatch discrimination).

Architecture choices are layers (use them in the builders); the training-time tricks (feature
matching, historical averaging, gradient penalty, clipping) are options of
:meth:`gancourse.gan.GAN.compile`.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from gancourse.gan import _bn, _check_positive, _check_sizes, dcgan_init

__all__ = [
    "MinibatchDiscrimination", "feature_matching_loss", "feature_extractor",
    "HistoricalAverage", "InstanceNormalization", "spectral_norm", "ttur_optimizers",
    "build_mlp_critic", "build_dcgan_critic", "NORMS", "has_batch_norm",
]

NORMS = ("batch", "instance", "layer", "none")


# --------------------------------------------------------------------------------------------
# minibatch discrimination
# --------------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="gancourse")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination (Salimans et al. 2016, arXiv:1606.03498, section 3.2).

    For features ``x`` (n, A) and a learned tensor ``T`` (A, B*C) (the weight ``kernel``):

    * ``M = x T`` reshaped to (n, B, C): every example gets B rows of C numbers;
    * ``c_b(i, j) = exp(-||M_{i,b} - M_{j,b}||_1)``, the closeness of examples i and j under
      kernel b;
    * ``o(x_i)_b = sum_{j=1}^{n} c_b(i, j)``;
    * output ``concat([x, o], axis=-1)``, shape (n, A + B).

    The sum runs over the whole batch, **j = i included**, as in the paper's formula: the self
    term ``c_b(i, i) = exp(0) = 1`` adds exactly 1 to every ``o_b`` - a constant the next layer
    absorbs in its bias.  So ``o_b`` is between 1 (example i is unlike any other) and n (all n
    examples are identical under kernel b, as in a collapsed generator's batch).

    The output of an example depends on the rest of its batch: feed D batches of only real or
    only generated examples (as :class:`gancourse.gan.GAN` does), never mixed ones, and keep
    the batch size of training at inference.  Under a distribution strategy the "batch" is each
    replica's share.  Do not use it in a WGAN-GP critic (the penalty assumes independent
    examples).

    Args:
        num_kernels: B, the number of kernels (added features).
        kernel_dim: C, the size of each kernel's rows.
        kernel_initializer: initialiser of T; default N(0, 0.05^2).
    """

    def __init__(self, num_kernels: int, kernel_dim: int,
                 kernel_initializer: Any = None, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = _check_positive(num_kernels, "num_kernels")
        self.kernel_dim = _check_positive(kernel_dim, "kernel_dim")
        if kernel_initializer is None:
            kernel_initializer = keras.initializers.RandomNormal(stddev=0.05)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape) -> None:
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"MinibatchDiscrimination takes features of shape (n, A) with a "
                             f"known A (flatten them first), got {tuple(input_shape)}")
        self.kernel = self.add_weight(
            shape=(int(input_shape[-1]), self.num_kernels * self.kernel_dim),
            initializer=self.kernel_initializer, trainable=True, name="kernel")

    def call(self, inputs):
        m = ops.reshape(ops.matmul(inputs, self.kernel), (-1, self.num_kernels, self.kernel_dim))
        # diff[i, j, b, :] = M_{i,b} - M_{j,b}: every pair of the batch, (n, n, B, C)
        diff = ops.expand_dims(m, 1) - ops.expand_dims(m, 0)
        closeness = ops.exp(-ops.sum(ops.abs(diff), axis=-1))  # c_b(i, j), (n, n, B)
        o = ops.sum(closeness, axis=1)  # sum over j (self included), (n, B)
        return ops.concatenate([inputs, ops.cast(o, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] + self.num_kernels)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_kernels": self.num_kernels,
                "kernel_dim": self.kernel_dim,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}


# --------------------------------------------------------------------------------------------
# feature matching
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


# --------------------------------------------------------------------------------------------
# historical averaging
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# normalisation layers
# --------------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="gancourse")
class InstanceNormalization(keras.layers.Layer):
    """Instance normalisation (Ulyanov, Vedaldi, Lempitsky 2016, arXiv:1607.08022).

    For images (N, H, W, C): every example n and channel c is normalised over its own H x W
    values, ``y = (x - mean_{hw}) / sqrt(var_{hw} + epsilon)`` (mean 0, variance 1 per example
    and channel), then scaled and shifted by a learned per-channel ``gamma`` and ``beta``.

    Contrast: batch normalisation computes one mean and variance per channel over (N, H, W) -
    the whole batch - so an example's output depends on the other examples of its batch, and
    inference uses moving averages.  Instance norm uses no batch statistics: the same at
    training and inference, and each example independent of the others (what the WGAN-GP
    penalty needs).  It equals ``keras.layers.GroupNormalization(groups=C)``.

    Args:
        epsilon: added to the variance.
        center: learn ``beta`` (C,) (init 0).
        scale: learn ``gamma`` (C,) (init 1).
    """

    def __init__(self, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 **kwargs):
        super().__init__(**kwargs)
        if (isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.floating))
                or not (math.isfinite(float(epsilon)) and float(epsilon) > 0)):
            raise ValueError(f"epsilon must be a positive number, got {epsilon!r}")
        self.epsilon, self.center, self.scale = float(epsilon), bool(center), bool(scale)

    def build(self, input_shape) -> None:
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(f"InstanceNormalization takes images (N, H, W, C) with a known C, "
                             f"got {tuple(input_shape)}")
        channels = int(input_shape[-1])
        self.gamma = (self.add_weight(shape=(channels,), initializer="ones", name="gamma")
                      if self.scale else None)
        self.beta = (self.add_weight(shape=(channels,), initializer="zeros", name="beta")
                     if self.center else None)

    def call(self, inputs):
        x = ops.cast(inputs, "float32")  # statistics in float32 under mixed precision
        mean, var = ops.moments(x, axes=[1, 2], keepdims=True)
        y = (x - mean) * ops.rsqrt(var + self.epsilon)
        if self.gamma is not None:
            y = y * ops.cast(self.gamma, "float32")
        if self.beta is not None:
            y = y + ops.cast(self.beta, "float32")
        return ops.cast(y, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale}


def spectral_norm(layer: keras.layers.Layer,
                  power_iterations: int = 1) -> keras.layers.SpectralNormalization:
    """Wrap ``layer`` (``Dense``, ``Conv2D``...) in ``keras.layers.SpectralNormalization``.

    Spectral normalisation (Miyato, Kataoka, Koyama, Yoshida 2018, arXiv:1802.05957) divides
    the kernel W by its largest singular value sigma(W), estimated by ``power_iterations``
    steps of power iteration per training call (the vector is kept between calls), so each
    layer is (about) 1-Lipschitz.  Keras' wrapper *assigns* the normalised kernel into the
    layer on every call with ``training=True`` (also in the generator's phase of a GAN step);
    inference calls use the kernel as it is.
    """
    power_iterations = _check_positive(power_iterations, "power_iterations")
    return layers.SpectralNormalization(layer, power_iterations=power_iterations,
                                        name=layer.name + "_sn", dtype=layer.dtype_policy)


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


# --------------------------------------------------------------------------------------------
# critics
# --------------------------------------------------------------------------------------------
def has_batch_norm(model: keras.layers.Layer) -> bool:
    """True when ``model`` holds a ``BatchNormalization`` layer (nested models included)."""
    if isinstance(model, layers.BatchNormalization):
        return True
    return any(has_batch_norm(layer) for layer in getattr(model, "layers", []))


def _maybe_spectral(layer: keras.layers.Layer, spectral: bool) -> keras.layers.Layer:
    return spectral_norm(layer) if spectral else layer


def _check_minibatch(num_kernels: Any, kernel_dim: Any) -> tuple[int, int]:
    if (isinstance(num_kernels, bool) or not isinstance(num_kernels, (int, np.integer))
            or num_kernels < 0):
        raise ValueError(f"minibatch_kernels must be an int >= 0, got {num_kernels!r}")
    return int(num_kernels), _check_positive(kernel_dim, "minibatch_dim")


def _head(x, minibatch_kernels: int, minibatch_dim: int, spectral: bool, **dense_kwargs):
    """[minibatch discrimination ->] Dense(1) in float32: one score per example."""
    if minibatch_kernels:
        x = MinibatchDiscrimination(minibatch_kernels, minibatch_dim, name="minibatch")(x)
    return _maybe_spectral(layers.Dense(1, dtype="float32", name="logit", **dense_kwargs),
                           spectral)(x)


def build_mlp_critic(in_dim: int = 2, hidden: Sequence[int] = (128, 128), *,
                     minibatch_kernels: int = 0, minibatch_dim: int = 5,
                     spectral: bool = False) -> keras.Model:
    """Critic/discriminator for 2-D toy data: points (N, in_dim) -> scores (N, 1), no sigmoid.

    :func:`gancourse.gan.build_mlp_discriminator`'s layers (``Dense -> LeakyReLU(0.2)`` per
    hidden size, then ``Dense(1)`` named ``logit``), with options:

    Args:
        minibatch_kernels: B > 0 inserts :class:`MinibatchDiscrimination` (B kernels of
            ``minibatch_dim`` values, layer ``minibatch``) before the last layer.
        spectral: wrap every ``Dense`` in :func:`spectral_norm` (wrappers ``dense0_sn``, ...,
            ``logit_sn``).
    """
    in_dim = _check_positive(in_dim, "in_dim")
    hidden = _check_sizes(hidden, "hidden")
    minibatch_kernels, minibatch_dim = _check_minibatch(minibatch_kernels, minibatch_dim)
    x_in = keras.Input((in_dim,), name="x")
    x = x_in
    for i, h in enumerate(hidden):
        x = _maybe_spectral(layers.Dense(h, name=f"dense{i}"), spectral)(x)
        x = layers.LeakyReLU(0.2, name=f"lrelu{i}")(x)
    score = _head(x, minibatch_kernels, minibatch_dim, spectral)
    return keras.Model(x_in, score, name="mlp_critic")


def _norm_layer(norm: str, name: str) -> keras.layers.Layer:
    if norm == "batch":
        return _bn(name)
    if norm == "instance":
        return InstanceNormalization(name=name)
    # Layer norm over each example's whole feature map (H, W, C), as in WGAN-GP's critic.
    return layers.LayerNormalization(axis=[1, 2, 3], epsilon=1e-3, name=name)


def build_dcgan_critic(base: int = 64, in_shape: Sequence[int] = (28, 28, 1), *,
                       norm: str = "batch", spectral: bool = False, minibatch_kernels: int = 0,
                       minibatch_dim: int = 5) -> keras.Model:
    """DCGAN-style critic/discriminator: images (N, 28, 28, 1) -> scores (N, 1), no sigmoid.

    :func:`gancourse.gan.build_dcgan_discriminator`'s layers and names, N(0, 0.02) kernels::

        Conv2D(base, 4, stride 2) -> LeakyReLU(0.2)                    down1   (14, 14, base)
        Conv2D(2*base, 4, stride 2) -> norm -> LeakyReLU(0.2)          down2   (7, 7, 2*base)
        Flatten [-> MinibatchDiscrimination] -> Dense(1) (float32)     logit

    Args:
        base: filters of the first convolution.
        norm: after the second convolution: ``"batch"`` (DCGAN's; layer ``down2_bn``),
            ``"instance"`` (:class:`InstanceNormalization`, ``down2_in``), ``"layer"``
            (``LayerNormalization`` over (H, W, C), ``down2_ln``) or ``"none"``.  A WGAN-GP
            critic must not use ``"batch"`` (the penalty needs examples that do not see each
            other; :meth:`gancourse.gan.GAN.compile` refuses it); WGAN-GP recommends
            ``"layer"``.
        spectral: wrap every convolution and the last ``Dense`` in :func:`spectral_norm`.
        minibatch_kernels, minibatch_dim: :class:`MinibatchDiscrimination` after ``flatten``.

    With the defaults it has the same layers, shapes and parameter count as
    ``build_dcgan_discriminator(base)``.
    """
    base = _check_positive(base, "base")
    in_shape = _check_sizes(in_shape, "in_shape")
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    minibatch_kernels, minibatch_dim = _check_minibatch(minibatch_kernels, minibatch_dim)
    init = dcgan_init()
    x_in = keras.Input(in_shape, name="x")
    x = _maybe_spectral(layers.Conv2D(base, 4, strides=2, padding="same",
                                      kernel_initializer=init, name="down1"), spectral)(x_in)
    x = layers.LeakyReLU(0.2, name="down1_lrelu")(x)
    x = _maybe_spectral(layers.Conv2D(2 * base, 4, strides=2, padding="same",
                                      use_bias=norm == "none", kernel_initializer=init,
                                      name="down2"), spectral)(x)
    if norm != "none":
        x = _norm_layer(norm, {"batch": "down2_bn", "instance": "down2_in",
                               "layer": "down2_ln"}[norm])(x)
    x = layers.LeakyReLU(0.2, name="down2_lrelu")(x)
    x = layers.Flatten(name="flatten")(x)
    score = _head(x, minibatch_kernels, minibatch_dim, spectral, kernel_initializer=init)
    return keras.Model(x_in, score, name="dcgan_critic")
