"""GAN objectives beyond the cross-entropy: Wasserstein (with weight clipping or a gradient
penalty), least squares and hinge, plus one switch that picks any of them by name.

Every loss takes D's raw **scores** (logits for "bce", unbounded critic values for the others:
no sigmoid anywhere) of shape (N,) or (N, 1), computes in ``float32`` and returns a scalar
(``reduction="mean"``) or per-example values (N,) (``reduction="none"``, what
``tf.nn.compute_average_loss`` needs under a distribution strategy).  With ``"none"`` a
discriminator loss pairs real example i with fake example i, so it needs as many real as fake
scores; its batch mean equals the ``"mean"`` value.

=========  ===============================================  ================================
name       discriminator / critic minimises                 generator minimises
=========  ===============================================  ================================
``bce``    ``-E log s(D(x)) - E log(1 - s(D(G(z))))``       ``-E log s(D(G(z)))`` (s: sigmoid)
``lsgan``  ``1/2 E (D(x) - 1)^2 + 1/2 E D(G(z))^2``         ``1/2 E (D(G(z)) - 1)^2``
``hinge``  ``E relu(1 - D(x)) + E relu(1 + D(G(z)))``       ``-E D(G(z))``
``wgan``   ``E D(G(z)) - E D(x)``                           ``-E D(G(z))``
=========  ===============================================  ================================

"bce" is :func:`gancourse.gan.discriminator_loss` / :func:`gancourse.gan.generator_loss`
(Goodfellow et al. 2014); the others are defined here.  The Wasserstein critic must be (close
to) 1-Lipschitz for ``E D(x) - E D(G(z))`` to estimate the Wasserstein-1 distance: clip its
weights (:func:`clip_weights`, the original WGAN) or add :func:`gradient_penalty` (WGAN-GP).
"""
from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from gancourse.gan import _reduce, _reduce_pair, discriminator_loss, generator_loss

__all__ = [
    "OBJECTIVES", "wasserstein_critic_loss", "wasserstein_generator_loss", "gradient_penalty",
    "interpolates", "lsgan_discriminator_loss", "lsgan_generator_loss",
    "hinge_discriminator_loss", "hinge_generator_loss", "clip_weights",
    "discriminator_objective", "generator_objective",
]

OBJECTIVES = ("bce", "lsgan", "hinge", "wgan")
_REDUCTIONS = ("mean", "none")
_NORM_EPS = 1e-12  #: inside the square root of the gradient norm: a finite gradient at norm 0


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------
def _float_tensor(value: Any, name: str) -> tf.Tensor:
    """``value`` as a tensor of a floating dtype (unchanged), or a TypeError naming ``name``."""
    t = tf.convert_to_tensor(value)
    if not t.dtype.is_floating:
        raise TypeError(f"{name} must hold floats, got dtype {t.dtype.name}")
    return t


def _scores(scores: Any, name: str) -> tf.Tensor:
    """D's scores of shape (N,) or (N, 1) as a ``float32`` vector (N,)."""
    t = _float_tensor(scores, name)
    shape = t.shape
    if not (shape.rank == 1 or (shape.rank == 2 and shape[1] == 1)):
        raise ValueError(f"{name} must have shape (N,) or (N, 1) (one score per example), got "
                         f"{tuple(shape)}")
    return tf.reshape(tf.cast(t, tf.float32), [-1])


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")
    return reduction


def _check_weight(value: Any, name: str) -> float:
    """A finite number >= 0."""
    if (isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating))
            or not math.isfinite(float(value)) or float(value) < 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


# --------------------------------------------------------------------------------------------
# Wasserstein GAN
# --------------------------------------------------------------------------------------------
def wasserstein_critic_loss(real_scores: Any, fake_scores: Any, *,
                            reduction: str = "mean") -> tf.Tensor:
    """The WGAN critic's loss ``mean D(G(z)) - mean D(x)``.

    Arjovsky, Chintala, Bottou 2017, "Wasserstein GAN", arXiv:1701.07875.  By the
    Kantorovich-Rubinstein duality ``W1(P_r, P_g) = sup_{||f||_L <= 1} E_{P_r} f - E_{P_g} f``:
    the critic minimises this loss, and for a 1-Lipschitz critic its *negative* is an estimate
    (a lower bound, up to sampling noise) of the Wasserstein-1 distance between the data and
    the generator's distribution.  Unbounded below without a Lipschitz constraint.

    Args:
        real_scores: critic scores D(x) of real examples, (N,) or (N, 1), any float dtype.
        fake_scores: critic scores D(G(z)), (M,) or (M, 1).
        reduction: ``"mean"`` (scalar) or ``"none"``: ``D(G(z_i)) - D(x_i)``, (N,), needs N == M.

    Returns:
        ``float32`` scalar or (N,).
    """
    _check_reduction(reduction)
    return _reduce_pair(-_scores(real_scores, "real_scores"), _scores(fake_scores, "fake_scores"),
                 reduction)


def wasserstein_generator_loss(fake_scores: Any, *, reduction: str = "mean") -> tf.Tensor:
    """The WGAN generator's loss ``-mean D(G(z))`` (Arjovsky et al. 2017, arXiv:1701.07875).

    Only the critic's score of the fakes depends on G, so minimising this minimises the critic's
    estimate of W1.  ``fake_scores`` (N,) or (N, 1); returns ``float32`` scalar or (N,).
    """
    _check_reduction(reduction)
    return _reduce(-_scores(fake_scores, "fake_scores"), reduction)


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
    real = _float_tensor(real, "real")
    fake = tf.cast(_float_tensor(fake, "fake"), real.dtype)
    if real.shape.rank is None or real.shape.rank < 1:
        raise ValueError(f"real must have a batch axis, got shape {tuple(real.shape)}")
    if not real.shape.is_compatible_with(fake.shape):
        raise ValueError(f"real and fake must have the same shape, got {tuple(real.shape)} and "
                         f"{tuple(fake.shape)}")
    alpha = tf.cast(_float_tensor(alpha, "alpha"), real.dtype)
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
    weight = _check_weight(weight, "weight")
    _check_reduction(reduction)
    real = _float_tensor(real, "real")
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
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=1) + _NORM_EPS)
    return _reduce(weight * tf.square(norms - 1.0), reduction)


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
    _check_reduction(reduction)
    real = _scores(real_scores, "real_scores")
    fake = _scores(fake_scores, "fake_scores")
    return _reduce_pair(0.5 * tf.square(real - 1.0), 0.5 * tf.square(fake), reduction)


def lsgan_generator_loss(fake_scores: Any, *, reduction: str = "mean") -> tf.Tensor:
    """LSGAN's generator loss ``1/2 mean (D(G(z)) - 1)^2`` (Mao et al. 2017, arXiv:1611.04076)."""
    _check_reduction(reduction)
    return _reduce(0.5 * tf.square(_scores(fake_scores, "fake_scores") - 1.0), reduction)


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
    _check_reduction(reduction)
    real = _scores(real_scores, "real_scores")
    fake = _scores(fake_scores, "fake_scores")
    return _reduce_pair(tf.nn.relu(1.0 - real), tf.nn.relu(1.0 + fake), reduction)


def hinge_generator_loss(fake_scores: Any, *, reduction: str = "mean") -> tf.Tensor:
    """The hinge GAN's generator loss ``-mean D(G(z))`` (Lim & Ye 2017; Miyato et al. 2018) -
    the same as the WGAN generator's."""
    _check_reduction(reduction)
    return _reduce(-_scores(fake_scores, "fake_scores"), reduction)


# --------------------------------------------------------------------------------------------
# pick one by name
# --------------------------------------------------------------------------------------------
def _check_objective(name: str) -> str:
    if name not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {name!r}")
    return name


def discriminator_objective(name: str, real: Any, fake: Any, *, real_label: float = 1.0,
                            reduction: str = "mean") -> tf.Tensor:
    """The discriminator's (critic's) loss of objective ``name`` (one of :data:`OBJECTIVES`).

    ``real``/``fake``: D's scores on real and generated examples.  ``real_label`` < 1 (one-sided
    label smoothing) exists for "bce" only - the other objectives have no labels to smooth, and
    passing it with them raises.  Without a critic constraint ("wgan") add
    :func:`gradient_penalty` or :func:`clip_weights` yourself.
    """
    _check_objective(name)
    if name == "bce":
        return discriminator_loss(real, fake, real_label, reduction=reduction)
    if real_label != 1.0:
        raise ValueError(f"real_label (one-sided label smoothing) applies to the 'bce' objective "
                         f"only, got real_label={real_label!r} with objective {name!r}")
    if name == "lsgan":
        return lsgan_discriminator_loss(real, fake, reduction=reduction)
    if name == "hinge":
        return hinge_discriminator_loss(real, fake, reduction=reduction)
    return wasserstein_critic_loss(real, fake, reduction=reduction)


def generator_objective(name: str, fake: Any, *, kind: str = "non_saturating",
                        reduction: str = "mean") -> tf.Tensor:
    """The generator's loss of objective ``name`` on D's scores of generated examples.

    ``kind`` ("non_saturating" or "minimax") chooses between the two "bce" generator losses
    (:func:`gancourse.gan.generator_loss`); the other objectives have one generator loss each,
    and any ``kind`` but the default raises with them.
    """
    _check_objective(name)
    if name == "bce":
        return generator_loss(fake, kind, reduction=reduction)
    if kind != "non_saturating":
        raise ValueError(f"kind={kind!r} applies to the 'bce' objective only; {name!r} has a "
                         "single generator loss")
    if name == "lsgan":
        return lsgan_generator_loss(fake, reduction=reduction)
    if name == "hinge":
        return hinge_generator_loss(fake, reduction=reduction)
    return wasserstein_generator_loss(fake, reduction=reduction)
