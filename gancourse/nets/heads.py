"""The last layers every discriminator and critic shares: [minibatch discrimination ->] one
score per example, computed in float32 (logits and losses stay float32 under mixed precision)."""
from __future__ import annotations

from typing import Any

import keras
from keras import layers

from gancourse.checks import int_at_least, positive_int
from gancourse.layers.minibatch import MinibatchDiscrimination
from gancourse.layers.normalization import spectral_norm

__all__ = ["maybe_spectral", "check_minibatch", "score_head"]


def maybe_spectral(layer: keras.layers.Layer, spectral: bool) -> keras.layers.Layer:
    """``layer`` wrapped in :func:`gancourse.layers.spectral_norm` when ``spectral``."""
    return spectral_norm(layer) if spectral else layer


def check_minibatch(num_kernels: Any, kernel_dim: Any) -> tuple[int, int]:
    """``(minibatch_kernels, minibatch_dim)``: an int >= 0 (0: no minibatch layer) and an int > 0."""
    return (int_at_least(num_kernels, "minibatch_kernels", 0),
            positive_int(kernel_dim, "minibatch_dim"))


def score_head(x, minibatch_kernels: int, minibatch_dim: int, spectral: bool, **dense_kwargs):
    """[:class:`MinibatchDiscrimination` (layer ``minibatch``) ->] ``Dense(1)`` named ``logit``
    in float32: one score per example, (N, 1)."""
    if minibatch_kernels:
        x = MinibatchDiscrimination(minibatch_kernels, minibatch_dim, name="minibatch")(x)
    return maybe_spectral(layers.Dense(1, dtype="float32", name="logit", **dense_kwargs),
                          spectral)(x)
