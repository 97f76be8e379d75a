"""The fully connected MNIST pair of the vanilla GAN (lecture 05, assignment a2)."""
from __future__ import annotations

import math
from collections.abc import Sequence

import keras
from keras import layers

from gancourse.checks import positive_int, positive_sizes

__all__ = ["build_dense_generator", "build_dense_discriminator"]


def build_dense_generator(latent_dim: int = 100, hidden: Sequence[int] = (256, 512, 1024),
                          out_shape: Sequence[int] = (28, 28, 1), *,
                          sync_bn: bool = False) -> keras.Model:
    """Fully connected generator: z (N, latent_dim) -> images (N, *out_shape) in [-1, 1].

    ``Dense -> BatchNorm -> LeakyReLU(0.2)`` per hidden size, then ``Dense(prod(out_shape))``,
    reshape and ``tanh`` (the output layer computes in float32 under mixed precision).
    ``sync_bn``: batch statistics over the global batch under a distribution strategy.
    """
    latent_dim = positive_int(latent_dim, "latent_dim")
    hidden = positive_sizes(hidden, "hidden")
    out_shape = positive_sizes(out_shape, "out_shape")
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, h in enumerate(hidden):
        x = layers.Dense(h, use_bias=False, name=f"dense{i}")(x)
        x = layers.BatchNormalization(synchronized=sync_bn, name=f"bn{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"lrelu{i}")(x)
    x = layers.Dense(math.prod(out_shape), name="dense_out")(x)
    x = layers.Reshape(out_shape, name="reshape")(x)
    out = layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(z, out, name="dense_generator")


def build_dense_discriminator(in_shape: Sequence[int] = (28, 28, 1),
                              hidden: Sequence[int] = (512, 256)) -> keras.Model:
    """Fully connected discriminator: images (N, *in_shape) -> logits (N, 1) (no sigmoid).

    ``Flatten``, then ``Dense -> LeakyReLU(0.2)`` per hidden size, then ``Dense(1)`` in float32.
    """
    in_shape = positive_sizes(in_shape, "in_shape")
    hidden = positive_sizes(hidden, "hidden")
    x_in = keras.Input(in_shape, name="x")
    x = layers.Flatten(name="flatten")(x_in)
    for i, h in enumerate(hidden):
        x = layers.Dense(h, name=f"dense{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"lrelu{i}")(x)
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(x_in, logit, name="dense_discriminator")
