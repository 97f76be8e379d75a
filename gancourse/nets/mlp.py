"""Small fully connected networks for the 2-D toy data sets (:mod:`gancourse.data`)."""
from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from gancourse.checks import positive_int, positive_sizes
from gancourse.nets.heads import check_minibatch, maybe_spectral, score_head

__all__ = ["build_mlp_generator", "build_mlp_critic", "build_mlp_discriminator"]


def build_mlp_generator(latent_dim: int = 2, out_dim: int = 2,
                        hidden: Sequence[int] = (128, 128)) -> keras.Model:
    """Generator for 2-D toy data: z (N, latent_dim) -> points (N, out_dim), linear output.

    ``Dense -> ReLU`` per hidden size; no output activation (the ring and grid of
    :mod:`gancourse.data` are not confined to [-1, 1]).
    """
    latent_dim = positive_int(latent_dim, "latent_dim")
    out_dim = positive_int(out_dim, "out_dim")
    hidden = positive_sizes(hidden, "hidden")
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, h in enumerate(hidden):
        x = layers.Dense(h, activation="relu", name=f"dense{i}")(x)
    out = layers.Dense(out_dim, dtype="float32", name="points")(x)
    return keras.Model(z, out, name="mlp_generator")


def build_mlp_critic(in_dim: int = 2, hidden: Sequence[int] = (128, 128), *,
                     minibatch_kernels: int = 0, minibatch_dim: int = 5,
                     spectral: bool = False, name: str = "mlp_critic") -> keras.Model:
    """Critic/discriminator for 2-D toy data: points (N, in_dim) -> scores (N, 1), no sigmoid.

    ``Dense -> LeakyReLU(0.2)`` per hidden size (layers ``dense0``, ``lrelu0``, ...), then
    ``Dense(1)`` named ``logit``, with options:

    Args:
        minibatch_kernels: B > 0 inserts :class:`gancourse.layers.MinibatchDiscrimination`
            (B kernels of ``minibatch_dim`` values, layer ``minibatch``) before the last layer.
        spectral: wrap every ``Dense`` in :func:`gancourse.layers.spectral_norm` (wrappers
            ``dense0_sn``, ..., ``logit_sn``).
        name: the model's name.
    """
    in_dim = positive_int(in_dim, "in_dim")
    hidden = positive_sizes(hidden, "hidden")
    minibatch_kernels, minibatch_dim = check_minibatch(minibatch_kernels, minibatch_dim)
    x_in = keras.Input((in_dim,), name="x")
    x = x_in
    for i, h in enumerate(hidden):
        x = maybe_spectral(layers.Dense(h, name=f"dense{i}"), spectral)(x)
        x = layers.LeakyReLU(0.2, name=f"lrelu{i}")(x)
    score = score_head(x, minibatch_kernels, minibatch_dim, spectral)
    return keras.Model(x_in, score, name=name)


def build_mlp_discriminator(in_dim: int = 2, hidden: Sequence[int] = (128, 128)) -> keras.Model:
    """Discriminator for 2-D toy data: points (N, in_dim) -> logits (N, 1) (no sigmoid): the
    plain :func:`build_mlp_critic`."""
    return build_mlp_critic(in_dim, hidden, name="mlp_discriminator")
