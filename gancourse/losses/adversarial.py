"""The adversarial objectives: each a discriminator (critic) loss and a generator loss on D's
raw scores, and a registry that names them.

Every loss takes D's **scores** - logits for ``"bce"``, unbounded critic values for the others:
no sigmoid anywhere - of shape (N,) or (N, 1) (``"bce"`` also (N, ...), e.g. a patch
discriminator, averaged per example), computes in ``float32`` and returns a scalar
(``reduction="mean"``) or per-example values (N,) (``"none"``; see
:mod:`gancourse.losses.reduction`).

=========  ===============================================  ================================
name       discriminator / critic minimises                 generator minimises
=========  ===============================================  ================================
``bce``    ``-E log s(D(x)) - E log(1 - s(D(G(z))))``       ``-E log s(D(G(z)))`` (s: sigmoid)
``lsgan``  ``1/2 E (D(x) - 1)^2 + 1/2 E D(G(z))^2``         ``1/2 E (D(G(z)) - 1)^2``
``hinge``  ``E relu(1 - D(x)) + E relu(1 + D(G(z)))``       ``-E D(G(z))``
``wgan``   ``E D(G(z)) - E D(x)``                           ``-E D(G(z))``
=========  ===============================================  ================================

Conventions of ``"bce"`` (Goodfellow et al. 2014, "Generative Adversarial Nets",
arXiv:1406.2661): **real = 1, fake = 0**; ``BCE(l, y) = -y log s(l) - (1 - y) log(1 - s(l))``
through ``tf.nn.sigmoid_cross_entropy_with_logits``, stable for any logit.  Never feed these
losses probabilities, and never add a sigmoid to a discriminator trained with them.
``real_label = 0.9`` is *one-sided* label smoothing (Salimans et al. 2016, arXiv:1606.03498):
only the real targets are smoothed.  The generator's ``"minimax"`` loss ``E log(1 - D(G(z)))``
is the original game, whose gradient vanishes when D confidently rejects the fakes;
``"non_saturating"`` ``-E log D(G(z))`` has the same fixed point and strong early gradients.

The Wasserstein critic must be (close to) 1-Lipschitz for ``E D(x) - E D(G(z))`` to estimate the
Wasserstein-1 distance: clip its weights or add a gradient penalty
(:mod:`gancourse.losses.penalties`, :mod:`gancourse.terms`).

A new objective is one :class:`Objective` passed to :func:`register_objective`; models look
objectives up by name (:func:`get_objective`), never through an if-chain.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import tensorflow as tf

from gancourse.losses.reduction import check_reduction, reduce_examples, reduce_pair, scores_vector

__all__ = [
    "REAL_LABEL", "FAKE_LABEL", "GENERATOR_LOSSES", "discriminator_loss", "generator_loss",
    "wasserstein_critic_loss", "wasserstein_generator_loss", "lsgan_discriminator_loss",
    "lsgan_generator_loss", "hinge_discriminator_loss", "hinge_generator_loss",
    "Objective", "OBJECTIVE_REGISTRY", "OBJECTIVES", "register_objective", "get_objective",
    "discriminator_objective", "generator_objective",
]

REAL_LABEL = 1.0  #: target of real examples (the course's convention)
FAKE_LABEL = 0.0  #: target of generated examples
GENERATOR_LOSSES = ("non_saturating", "minimax")


# --------------------------------------------------------------------------------------------
# cross-entropy (Goodfellow et al. 2014)
# --------------------------------------------------------------------------------------------
def per_example_bce(logits: Any, label: float) -> tf.Tensor:
    """BCE of every logit against a constant target, averaged over all but the batch axis.

    ``logits`` of shape (N,), (N, 1) or (N, ...); returns (N,) ``float32``, computed in float32
    even for float16 logits (mixed precision).
    """
    logits = tf.cast(tf.convert_to_tensor(logits), tf.float32)
    if logits.shape.rank == 0:
        raise ValueError("logits must have a batch axis, got a scalar")
    per_entry = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.fill(tf.shape(logits), tf.constant(label, tf.float32)), logits=logits)
    return tf.reduce_mean(tf.reshape(per_entry, [tf.shape(logits)[0], -1]), axis=1)


def check_real_label(real_label: Any) -> float:
    """The target of real examples, a number in (0, 1]."""
    if (isinstance(real_label, bool) or not isinstance(real_label, (int, float, np.floating))
            or not 0.0 < float(real_label) <= 1.0):
        raise ValueError(f"real_label must be a number in (0, 1], got {real_label!r}")
    return float(real_label)


def discriminator_loss(real_logits: Any, fake_logits: Any, real_label: float = REAL_LABEL,
                       *, reduction: str = "mean") -> tf.Tensor:
    """The discriminator's loss: ``BCE(real_logits, real_label) + BCE(fake_logits, 0)``.

    Args:
        real_logits: D's logits on real examples, shape (N,) or (N, 1) (or (N, ...): averaged
            per example).
        fake_logits: D's logits on generated examples, shape (M,) or (M, 1).
        real_label: target for real examples, in (0, 1].  1 is the plain GAN loss; e.g. 0.9 is
            one-sided label smoothing - fake targets are *always* 0.
        reduction: ``"mean"``: a scalar, the sum of the two batch means (``2 log 2 ~ 1.386``
            when D outputs 0.5 everywhere); ``"none"``: per-example losses (N,) (real loss of
            example i + fake loss of example i; needs N == M).

    Returns:
        ``float32`` tensor: scalar or (N,).  Non-negative; with ``real_label < 1`` its minimum
        is the entropy of the smoothed target, not 0.
    """
    real = per_example_bce(real_logits, check_real_label(real_label))
    fake = per_example_bce(fake_logits, FAKE_LABEL)
    return reduce_pair(real, fake, reduction)


def generator_loss(fake_logits: Any, kind: str = "non_saturating", *,
                   reduction: str = "mean") -> tf.Tensor:
    """The generator's loss on D's logits for generated examples.

    Args:
        fake_logits: D's logits on G(z), shape (N,) or (N, 1).
        kind: ``"non_saturating"``: ``BCE(l, 1) = -log D(G(z))`` (>= 0; the default);
            ``"minimax"``: ``-BCE(l, 0) = log(1 - D(G(z)))`` (<= 0; the original game, whose
            gradient vanishes when D(G(z)) is near 0).
        reduction: ``"mean"`` (scalar) or ``"none"`` (per example, (N,)).

    Returns:
        ``float32`` tensor: scalar or (N,).
    """
    if kind == "non_saturating":
        per_example = per_example_bce(fake_logits, REAL_LABEL)
    elif kind == "minimax":
        per_example = -per_example_bce(fake_logits, FAKE_LABEL)
    else:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    return reduce_examples(per_example, reduction)


# --------------------------------------------------------------------------------------------
# Wasserstein GAN (Arjovsky, Chintala, Bottou 2017, arXiv:1701.07875)
# --------------------------------------------------------------------------------------------
def wasserstein_critic_loss(real_scores: Any, fake_scores: Any, *,
                            reduction: str = "mean") -> tf.Tensor:
    """The WGAN critic's loss ``mean D(G(z)) - mean D(x)``.

    By the Kantorovich-Rubinstein duality ``W1(P_r, P_g) = sup_{||f||_L <= 1} E_{P_r} f -
    E_{P_g} f``: the critic minimises this loss, and for a 1-Lipschitz critic its *negative* is
    an estimate (a lower bound, up to sampling noise) of the Wasserstein-1 distance between the
    data and the generator's distribution.  Unbounded below without a Lipschitz constraint.

    Args:
        real_scores: critic scores D(x) of real examples, (N,) or (N, 1), any float dtype.
        fake_scores: critic scores D(G(z)), (M,) or (M, 1).
        reduction: ``"mean"`` (scalar) or ``"none"``: ``D(G(z_i)) - D(x_i)``, (N,), needs N == M.

    Returns:
        ``float32`` scalar or (N,).
    """
    check_reduction(reduction)
    return reduce_pair(-scores_vector(real_scores, "real_scores"),
                       scores_vector(fake_scores, "fake_scores"), reduction)


def wasserstein_generator_loss(fake_scores: Any, *, reduction: str = "mean") -> tf.Tensor:
    """The WGAN generator's loss ``-mean D(G(z))`` (Arjovsky et al. 2017, arXiv:1701.07875).

    Only the critic's score of the fakes depends on G, so minimising this minimises the critic's
    estimate of W1.  ``fake_scores`` (N,) or (N, 1); returns ``float32`` scalar or (N,).
    """
    check_reduction(reduction)
    return reduce_examples(-scores_vector(fake_scores, "fake_scores"), reduction)


# --------------------------------------------------------------------------------------------
# least squares and hinge
# --------------------------------------------------------------------------------------------
def lsgan_discriminator_loss(real_scores: Any, fake_scores: Any, *,
                             reduction: str = "mean") -> tf.Tensor:
    """LSGAN's discriminator loss ``1/2 mean (D(x) - 1)^2 + 1/2 mean D(G(z))^2``.

    Mao, Li, Xie, Lau, Wang, Smolley 2017, "Least Squares Generative Adversarial Networks",
    arXiv:1611.04076, with the 0-1 coding a = 0 (fake), b = 1 (real), c = 1 (what G wants D to
    say).  Fakes far on the correct side of the boundary are still penalised, which keeps the
    generator's gradients alive where the sigmoid cross-entropy saturates.

    Args:
        real_scores, fake_scores: D's raw scores (no sigmoid), (N,) or (N, 1).
        reduction: ``"mean"`` or ``"none"`` (per example, needs N == M).
    """
    check_reduction(reduction)
    real = scores_vector(real_scores, "real_scores")
    fake = scores_vector(fake_scores, "fake_scores")
    return reduce_pair(0.5 * tf.square(real - 1.0), 0.5 * tf.square(fake), reduction)


def lsgan_generator_loss(fake_scores: Any, *, reduction: str = "mean") -> tf.Tensor:
    """LSGAN's generator loss ``1/2 mean (D(G(z)) - 1)^2`` (Mao et al. 2017, arXiv:1611.04076)."""
    check_reduction(reduction)
    return reduce_examples(0.5 * tf.square(scores_vector(fake_scores, "fake_scores") - 1.0),
                           reduction)


def hinge_discriminator_loss(real_scores: Any, fake_scores: Any, *,
                             reduction: str = "mean") -> tf.Tensor:
    """The hinge loss ``mean relu(1 - D(x)) + mean relu(1 + D(G(z)))``.

    Lim & Ye 2017, "Geometric GAN", arXiv:1705.02894; used with spectral normalisation by
    Miyato, Kataoka, Koyama, Yoshida 2018, arXiv:1802.05957 (and SAGAN, BigGAN).  D stops
    pushing a real score once it exceeds 1 and a fake score once it is below -1.

    Args:
        real_scores, fake_scores: D's raw scores, (N,) or (N, 1).
        reduction: ``"mean"`` or ``"none"`` (per example, needs N == M).
    """
    check_reduction(reduction)
    real = scores_vector(real_scores, "real_scores")
    fake = scores_vector(fake_scores, "fake_scores")
    return reduce_pair(tf.nn.relu(1.0 - real), tf.nn.relu(1.0 + fake), reduction)


def hinge_generator_loss(fake_scores: Any, *, reduction: str = "mean") -> tf.Tensor:
    """The hinge GAN's generator loss ``-mean D(G(z))`` (Lim & Ye 2017; Miyato et al. 2018) -
    the same as the WGAN generator's."""
    check_reduction(reduction)
    return reduce_examples(-scores_vector(fake_scores, "fake_scores"), reduction)


# --------------------------------------------------------------------------------------------
# the registry
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Objective:
    """One adversarial objective: what D minimises and what G minimises.

    Attributes:
        name: the registry key (``GAN.compile(objective=name)``).
        d_loss: ``(real_scores, fake_scores, *, reduction) -> loss``.
        g_losses: ``{kind: (fake_scores, *, reduction) -> loss}``; the first is the default
            and must be named ``"non_saturating"`` (what ``GAN.compile`` defaults to).
        probabilities: D's outputs are logits of a probability (report mean sigmoids as
            ``d_real``/``d_fake``) rather than raw critic scores (report their means).
        label_smoothing: the objective has a real label to smooth (``real_label`` < 1).
    """

    name: str
    d_loss: Callable[..., tf.Tensor]
    g_losses: dict[str, Callable[..., tf.Tensor]] = field(default_factory=dict)
    probabilities: bool = False
    label_smoothing: bool = False

    def discriminator(self, real: Any, fake: Any, *, real_label: float = REAL_LABEL,
                      reduction: str = "mean") -> tf.Tensor:
        """D's loss on its scores of real and fake examples."""
        if self.label_smoothing:
            return self.d_loss(real, fake, real_label, reduction=reduction)
        if real_label != 1.0:
            raise ValueError(f"real_label (one-sided label smoothing) applies to the 'bce' "
                             f"objective only, got real_label={real_label!r} with objective "
                             f"{self.name!r}")
        return self.d_loss(real, fake, reduction=reduction)

    def generator(self, fake: Any, *, kind: str = "non_saturating",
                  reduction: str = "mean") -> tf.Tensor:
        """G's loss (of ``kind``) on D's scores of generated examples."""
        if kind not in self.g_losses:
            if len(self.g_losses) == 1:
                raise ValueError(f"kind={kind!r} applies to the 'bce' objective only; "
                                 f"{self.name!r} has a single generator loss")
            raise ValueError(f"kind must be one of {tuple(self.g_losses)}, got {kind!r}")
        return self.g_losses[kind](fake, reduction=reduction)


OBJECTIVE_REGISTRY: dict[str, Objective] = {}
#: the registered names, in registration order: a live view of the registry (an objective
#: registered later shows up in it, also where it was imported by name)
OBJECTIVES = OBJECTIVE_REGISTRY.keys()


def register_objective(objective: Objective) -> Objective:
    """Add ``objective`` to the registry (a name may be registered once)."""
    if objective.name in OBJECTIVE_REGISTRY:
        raise ValueError(f"objective {objective.name!r} is already registered")
    if next(iter(objective.g_losses), None) != "non_saturating":
        raise ValueError("an objective's first (default) generator loss must be named "
                         "'non_saturating'")
    OBJECTIVE_REGISTRY[objective.name] = objective
    return objective


def get_objective(name: str) -> Objective:
    """The registered objective called ``name``."""
    if not isinstance(name, str) or name not in OBJECTIVE_REGISTRY:
        raise ValueError(f"objective must be one of {tuple(OBJECTIVE_REGISTRY)}, got {name!r}")
    return OBJECTIVE_REGISTRY[name]


register_objective(Objective(
    "bce", discriminator_loss,
    {"non_saturating": lambda f, reduction: generator_loss(f, "non_saturating",
                                                           reduction=reduction),
     "minimax": lambda f, reduction: generator_loss(f, "minimax", reduction=reduction)},
    probabilities=True, label_smoothing=True))
register_objective(Objective("lsgan", lsgan_discriminator_loss,
                             {"non_saturating": lsgan_generator_loss}))
register_objective(Objective("hinge", hinge_discriminator_loss,
                             {"non_saturating": hinge_generator_loss}))
register_objective(Objective("wgan", wasserstein_critic_loss,
                             {"non_saturating": wasserstein_generator_loss}))


def discriminator_objective(name: str, real: Any, fake: Any, *, real_label: float = 1.0,
                            reduction: str = "mean") -> tf.Tensor:
    """The discriminator's (critic's) loss of objective ``name`` (one of :data:`OBJECTIVES`).

    ``real``/``fake``: D's scores on real and generated examples.  ``real_label`` < 1 (one-sided
    label smoothing) exists for "bce" only - the other objectives have no labels to smooth, and
    passing it with them raises.  Without a critic constraint ("wgan") add a gradient penalty
    or weight clipping (:mod:`gancourse.losses.penalties`).
    """
    return get_objective(name).discriminator(real, fake, real_label=real_label,
                                             reduction=reduction)


def generator_objective(name: str, fake: Any, *, kind: str = "non_saturating",
                        reduction: str = "mean") -> tf.Tensor:
    """The generator's loss of objective ``name`` on D's scores of generated examples.

    ``kind`` ("non_saturating" or "minimax") chooses between the two "bce" generator losses
    (:func:`generator_loss`); the other objectives have one generator loss each, and any
    ``kind`` but the default raises with them.
    """
    return get_objective(name).generator(fake, kind=kind, reduction=reduction)
