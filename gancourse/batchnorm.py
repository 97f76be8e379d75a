"""What batch normalisation computes and changes, measured (lecture 07): a NumPy reference of a
BN layer in training mode, per-feature statistics of hidden layers, and the same example scored
inside different batches (Ioffe & Szegedy 2015, arXiv:1502.03167; Santurkar et al. 2018,
arXiv:1805.11604)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from gancourse.checks import finite_floats, positive_float

__all__ = ["KeepState", "batchnorm_reference", "activation_statistics", "scores_in_batches"]


class KeepState:
    """Context manager: restore the non-trainable variables of some models on exit.

    A forward pass with ``training=True`` updates batch-norm moving averages; a *measurement*
    must not change the model it measures.
    """

    def __init__(self, *models: keras.Model):
        self.variables = [v for m in models for v in m.non_trainable_variables]

    def __enter__(self) -> "KeepState":
        self.saved = [v.numpy() for v in self.variables]
        return self

    def __exit__(self, *exc) -> None:
        for v, value in zip(self.variables, self.saved):
            v.assign(value)


def batchnorm_reference(x: Any, gamma: Any = None, beta: Any = None, *,
                        epsilon: float = 1e-3) -> np.ndarray:
    """What a batch-norm layer computes in training mode, in NumPy (``float64``).

    For every feature (the last axis) the statistics are taken over **all other axes** (the
    batch, and for images also height and width):

    ``x_hat = (x - mean) / sqrt(var + epsilon)`` with the *biased* variance (divide by the
    count, not count - 1), then ``y = gamma * x_hat + beta``.  Without ``gamma`` and ``beta``
    the result is ``x_hat``: zero mean and (up to ``epsilon``) unit variance per feature.

    Args:
        x: (N, ..., C) with at least two examples' worth of values per feature.
        gamma, beta: (C,) scale and shift, or None (1 and 0).
        epsilon: Keras' default for ``BatchNormalization`` is 1e-3.

    Returns:
        An array like ``x``.
    """
    x = finite_floats(x, "x")
    if x.ndim < 2 or x.shape[0] < 2:
        raise ValueError(f"x must have shape (N, ..., C) with N >= 2, got {x.shape}")
    epsilon = positive_float(epsilon, "epsilon")
    axes = tuple(range(x.ndim - 1))
    mean = x.mean(axis=axes)
    var = ((x - mean) ** 2).mean(axis=axes)
    y = (x - mean) / np.sqrt(var + epsilon)
    channels = x.shape[-1]
    for name, v in (("gamma", gamma), ("beta", beta)):
        if v is not None and np.shape(v) != (channels,):
            raise ValueError(f"{name} must have shape ({channels},), got {np.shape(v)}")
    if gamma is not None:
        y = y * finite_floats(gamma, "gamma")
    if beta is not None:
        y = y + finite_floats(beta, "beta")
    return y


def activation_statistics(model: keras.Model, layer_names: Sequence[str], inputs: Any, *,
                          training: bool = True) -> dict[str, dict[str, np.ndarray]]:
    """Per-feature mean and standard deviation of some layers' outputs over one batch.

    Args:
        model: a functional or built ``Sequential`` Keras model.
        layer_names: names of layers of ``model``.
        inputs: one batch for ``model``.
        training: mode of the forward pass (batch norm with batch statistics when True; the
            moving averages are left as they were).

    Returns:
        name -> ``{"mean": (C,), "std": (C,)}``, statistics over all axes but the last.
    """
    if isinstance(layer_names, str) or not layer_names:
        raise ValueError("layer_names must be a non-empty list of layer names")
    known = {layer.name for layer in model.layers}
    missing = [n for n in layer_names if n not in known]
    if missing:
        raise ValueError(f"model {model.name!r} has no layer(s) {missing}; it has {sorted(known)}")
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in layer_names])
    with KeepState(model):
        outputs = probe(tf.convert_to_tensor(inputs, tf.float32), training=training)
    if len(layer_names) == 1:
        outputs = [outputs] if not isinstance(outputs, (list, tuple)) else outputs
    stats = {}
    for name, out in zip(layer_names, outputs):
        a = np.asarray(out, np.float64)
        axes = tuple(range(a.ndim - 1))
        stats[name] = {"mean": a.mean(axis=axes), "std": a.std(axis=axes)}
    return stats


def scores_in_batches(discriminator: keras.Model, example: Any, contexts: Sequence[Any], *,
                      training: bool = True) -> np.ndarray:
    """D's logit for one ``example`` placed inside each of several batches.

    Batch ``j`` is ``example`` followed by ``contexts[j]``.  A network without batch-dependent
    layers (or any network with ``training=False``) gives the same logit in every batch; with
    batch norm in training mode the logit depends on the rest of the batch.

    Args:
        discriminator: examples -> logits (N, 1).
        example: one example, shaped like a single input (no batch axis).
        contexts: batches (M_j, ...) of other examples, M_j >= 1.
        training: mode of D.  D's moving averages are left as they were.

    Returns:
        ``float64`` (len(contexts),): the example's logit in each batch.
    """
    x = tf.convert_to_tensor(example, tf.float32)[None]
    if not len(contexts):
        raise ValueError("contexts must hold at least one batch")
    batches = []
    for j, ctx in enumerate(contexts):
        c = tf.convert_to_tensor(ctx, tf.float32)
        if c.shape[1:] != x.shape[1:] or c.shape[0] == 0:
            raise ValueError(f"contexts[{j}] must have shape (M, *{tuple(x.shape[1:])}) with "
                             f"M >= 1, got {tuple(c.shape)}")
        batches.append(tf.concat([x, c], axis=0))
    with KeepState(discriminator):  # every batch sees the same moving averages
        return np.array([float(np.asarray(discriminator(b, training=training), np.float64)
                               .ravel()[0]) for b in batches])
