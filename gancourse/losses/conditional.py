"""What conditioning adds to the adversarial losses: AC-GAN's auxiliary class loss and the
projection discriminator's score, written out as formulas.

* AC-GAN (Odena, Olah, Shlens 2017, arXiv:1610.09585): besides its real/fake score, D outputs
  class logits; with ``L_C = -E log P(C = c | x)`` (the cross-entropy of the true class, on
  real *and* generated images), D minimises its adversarial loss ``+ w L_C`` and G minimises
  its adversarial loss ``+ w L_C`` on its own samples: both players want the class to be
  recognisable.  (The paper writes D maximising ``L_S + L_C`` and G maximising ``L_C - L_S``.)
* Projection (Miyato & Koyama 2018, arXiv:1802.05637): ``D(x, y) = psi(phi(x)) + e_y . phi(x)``
  with ``psi(f) = w . f + b``.  :func:`projection_scores` is that formula on arrays, the
  reference the network of :func:`gancourse.nets.conditional.build_conditional_discriminator`
  is checked against.

Adversarial parts are the registered objectives of :mod:`gancourse.losses.adversarial`,
unchanged: with real label 1 for real pairs (x, y) and 0 for generated pairs (G(z, y), y).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from gancourse.losses.reduction import reduce_examples

__all__ = ["class_loss", "class_accuracy", "projection_scores"]


def _labels_for(logits: tf.Tensor, labels: Any) -> tf.Tensor:
    labels = tf.convert_to_tensor(labels)
    if not labels.dtype.is_integer:
        raise ValueError(f"labels must be integer class indices, got dtype {labels.dtype.name}")
    if labels.shape.rank != 1:
        raise ValueError(f"labels must have shape (N,), got {labels.shape}")
    if logits.shape.rank != 2:
        raise ValueError(f"class_logits must have shape (N, num_classes), got {logits.shape}")
    if (logits.shape[0] is not None and labels.shape[0] is not None
            and logits.shape[0] != labels.shape[0]):
        raise ValueError(f"{labels.shape[0]} labels for {logits.shape[0]} rows of logits")
    return tf.cast(labels, tf.int32)


def class_loss(class_logits: Any, labels: Any, *, reduction: str = "mean") -> tf.Tensor:
    """AC-GAN's auxiliary loss: the softmax cross-entropy ``-log softmax(class_logits)[label]``.

    Args:
        class_logits: (N, num_classes) logits (no softmax), any float dtype; computed in float32.
        labels: (N,) integer classes in [0, num_classes) (an index out of range raises).
        reduction: ``"mean"`` (scalar) or ``"none"`` (N,).
    """
    logits = tf.cast(tf.convert_to_tensor(class_logits), tf.float32)
    labels = _labels_for(logits, labels)
    tf.debugging.assert_less(labels, tf.shape(logits, out_type=tf.int32)[1],
                             message="a label is >= num_classes")
    tf.debugging.assert_non_negative(labels, message="a label is negative")
    per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return reduce_examples(per_example, reduction)


def class_accuracy(class_logits: Any, labels: Any) -> tf.Tensor:
    """Fraction of rows whose largest logit is the label's: a float32 scalar in [0, 1]."""
    logits = tf.convert_to_tensor(class_logits)
    labels = _labels_for(logits, labels)
    hits = tf.equal(tf.argmax(logits, axis=1, output_type=tf.int32), labels)
    return tf.reduce_mean(tf.cast(hits, tf.float32))


def projection_scores(features: Any, psi_weights: Any, psi_bias: Any, embeddings: Any,
                      labels: Any) -> np.ndarray:
    """The projection discriminator's score ``phi . w + b + phi . E[y]`` (Miyato & Koyama 2018).

    Args:
        features: phi(x), (N, F).
        psi_weights: w, (F,) or (F, 1); psi_bias: b, a scalar or (1,).
        embeddings: the class embedding matrix E, (num_classes, F).
        labels: y, (N,) integers in [0, num_classes).

    Returns:
        ``float64`` (N,).
    """
    phi = np.asarray(features, dtype=np.float64)
    w = np.asarray(psi_weights, dtype=np.float64).reshape(-1)
    b = float(np.asarray(psi_bias, dtype=np.float64).reshape(-1)[0])
    emb = np.asarray(embeddings, dtype=np.float64)
    y = np.asarray(labels)
    if phi.ndim != 2 or w.shape != (phi.shape[1],) or emb.ndim != 2 or emb.shape[1] != phi.shape[1]:
        raise ValueError(f"shapes do not fit: features {phi.shape}, psi_weights {w.shape}, "
                         f"embeddings {emb.shape}")
    if y.shape != (len(phi),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"labels must be {len(phi)} integers, got shape {y.shape}, dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= len(emb)):
        raise ValueError(f"labels must lie in [0, {len(emb)}), got {y.min()}..{y.max()}")
    return phi @ w + b + np.einsum("nf,nf->n", phi, emb[y])
