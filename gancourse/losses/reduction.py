"""Tensor helpers every loss shares: D's scores as a float32 vector, and the two reductions.

A loss returns a scalar (``reduction="mean"``) or one value per example (``"none"``: what
``tf.nn.compute_average_loss`` needs under a distribution strategy, which divides by the
*global* batch).  A two-sided loss (real and fake scores) pairs real example i with fake
example i under ``"none"``, so it needs as many real as fake scores; its batch mean then equals
the ``"mean"`` value.
"""
from __future__ import annotations

from typing import Any

import tensorflow as tf

__all__ = ["REDUCTIONS", "check_reduction", "reduce_examples", "reduce_pair", "float_tensor",
           "scores_vector"]

REDUCTIONS = ("mean", "none")


def check_reduction(reduction: str) -> str:
    """``reduction`` unchanged when it is ``"mean"`` or ``"none"``."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")
    return reduction


def reduce_examples(per_example: tf.Tensor, reduction: str) -> tf.Tensor:
    """``mean(per_example)`` (``"mean"``) or ``per_example`` itself (``"none"``)."""
    if check_reduction(reduction) == "mean":
        return tf.reduce_mean(per_example)
    return per_example


def reduce_pair(real: tf.Tensor, fake: tf.Tensor, reduction: str) -> tf.Tensor:
    """``mean(real) + mean(fake)`` (``"mean"``) or per example ``real_i + fake_i`` (``"none"``)."""
    if reduction == "none":
        n_real, n_fake = real.shape[0], fake.shape[0]
        if n_real is not None and n_fake is not None and n_real != n_fake:
            raise ValueError(f"reduction='none' needs as many real as fake examples, got "
                             f"{n_real} and {n_fake}")
        return real + fake
    return reduce_examples(real, reduction) + reduce_examples(fake, reduction)


def float_tensor(value: Any, name: str) -> tf.Tensor:
    """``value`` as a tensor of a floating dtype (unchanged), or a TypeError naming ``name``."""
    t = tf.convert_to_tensor(value)
    if not t.dtype.is_floating:
        raise TypeError(f"{name} must hold floats, got dtype {t.dtype.name}")
    return t


def scores_vector(scores: Any, name: str) -> tf.Tensor:
    """D's scores of shape (N,) or (N, 1) as a ``float32`` vector (N,)."""
    t = float_tensor(scores, name)
    shape = t.shape
    if not (shape.rank == 1 or (shape.rank == 2 and shape[1] == 1)):
        raise ValueError(f"{name} must have shape (N,) or (N, 1) (one score per example), got "
                         f"{tuple(shape)}")
    return tf.reshape(tf.cast(t, tf.float32), [-1])
