"""Normalisation layers beyond batch norm: instance norm, spectral norm, and a switch by name.

* :class:`InstanceNormalization` (Ulyanov, Vedaldi, Lempitsky 2016, arXiv:1607.08022);
* :func:`spectral_norm` (Miyato, Kataoka, Koyama, Yoshida 2018, arXiv:1802.05957);
* :func:`norm_layer` - ``"batch"``, ``"instance"`` or ``"layer"`` by name (:data:`NORMS`);
* :func:`has_batch_norm` - whether a network mixes the examples of a batch.
"""
from __future__ import annotations

import math

import keras
import numpy as np
from keras import layers, ops

from gancourse.checks import one_of, positive_int
from gancourse.layers.init import batch_norm

__all__ = ["NORMS", "InstanceNormalization", "spectral_norm", "norm_layer", "has_batch_norm"]

NORMS = ("batch", "instance", "layer", "none")


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
    power_iterations = positive_int(power_iterations, "power_iterations")
    return layers.SpectralNormalization(layer, power_iterations=power_iterations,
                                        name=layer.name + "_sn", dtype=layer.dtype_policy)


def norm_layer(norm: str, name: str) -> keras.layers.Layer:
    """The normalisation layer ``norm`` (one of :data:`NORMS` but ``"none"``), named ``name``."""
    one_of(norm, NORMS[:-1], "norm")
    if norm == "batch":
        return batch_norm(name)
    if norm == "instance":
        return InstanceNormalization(name=name)
    # Layer norm over each example's whole feature map (H, W, C), as in WGAN-GP's critic.
    return layers.LayerNormalization(axis=[1, 2, 3], epsilon=1e-3, name=name)


def has_batch_norm(model: keras.layers.Layer) -> bool:
    """True when ``model`` holds a ``BatchNormalization`` layer (nested models included)."""
    if isinstance(model, layers.BatchNormalization):
        return True
    return any(has_batch_norm(layer) for layer in getattr(model, "layers", []))
