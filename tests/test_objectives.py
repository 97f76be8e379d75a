"""Tests for gancourse.objectives: every loss against a NumPy formula or a closed form.

The gradient penalty is checked on critics whose input gradient is known in closed form
(linear: the gradient is w; a one-hidden-layer tanh network: W (v * (1 - tanh^2)); the quadratic
0.5 ||x||^2: the gradient is x itself, which makes the interpolation weights observable).
"""
from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from gancourse import gan as G
from gancourse import objectives as O

RNG = np.random.default_rng(0)
REAL = RNG.normal(0.5, 2.0, size=(6, 1)).astype(np.float32)
FAKE = RNG.normal(-0.5, 2.0, size=(6, 1)).astype(np.float32)


def _np(x):
    return np.asarray(x, np.float64).reshape(-1)


# --------------------------------------------------------------------------------------------
# the losses against NumPy
# --------------------------------------------------------------------------------------------
NUMPY_D = {
    "wgan": lambda r, f: f.mean() - r.mean(),
    "lsgan": lambda r, f: 0.5 * ((r - 1) ** 2).mean() + 0.5 * (f ** 2).mean(),
    "hinge": lambda r, f: np.maximum(0, 1 - r).mean() + np.maximum(0, 1 + f).mean(),
}
NUMPY_D_PER_EXAMPLE = {
    "wgan": lambda r, f: f - r,
    "lsgan": lambda r, f: 0.5 * (r - 1) ** 2 + 0.5 * f ** 2,
    "hinge": lambda r, f: np.maximum(0, 1 - r) + np.maximum(0, 1 + f),
}
NUMPY_G = {
    "wgan": lambda f: -f,
    "lsgan": lambda f: 0.5 * (f - 1) ** 2,
    "hinge": lambda f: -f,
}
D_FUNCS = {"wgan": O.wasserstein_critic_loss, "lsgan": O.lsgan_discriminator_loss,
           "hinge": O.hinge_discriminator_loss}
G_FUNCS = {"wgan": O.wasserstein_generator_loss, "lsgan": O.lsgan_generator_loss,
           "hinge": O.hinge_generator_loss}


@pytest.mark.parametrize("name", ["wgan", "lsgan", "hinge"])
def test_discriminator_losses_match_numpy(name):
    r, f = _np(REAL), _np(FAKE)
    fn = D_FUNCS[name]
    got = fn(REAL, FAKE)
    assert got.shape == () and got.dtype == tf.float32
    assert float(got) == pytest.approx(NUMPY_D[name](r, f), rel=1e-6, abs=1e-6)
    # (N,) and (N, 1) scores mean the same; float64 input is computed in float32
    assert float(fn(REAL[:, 0], FAKE[:, 0].astype(np.float64))) == pytest.approx(float(got),
                                                                                rel=1e-6)
    per = fn(REAL, FAKE, reduction="none")
    assert per.shape == (6,) and per.dtype == tf.float32
    np.testing.assert_allclose(per.numpy(), NUMPY_D_PER_EXAMPLE[name](r, f), rtol=1e-6,
                               atol=1e-6)
    assert float(tf.reduce_mean(per)) == pytest.approx(float(got), rel=1e-5, abs=1e-6)
    # the "mean" reduction also takes different numbers of real and fake scores
    assert float(fn(REAL, FAKE[:4])) == pytest.approx(NUMPY_D[name](r, f[:4]), rel=1e-6,
                                                      abs=1e-6)


@pytest.mark.parametrize("name", ["wgan", "lsgan", "hinge"])
def test_generator_losses_match_numpy(name):
    f = _np(FAKE)
    got = G_FUNCS[name](FAKE)
    assert got.shape == () and got.dtype == tf.float32
    assert float(got) == pytest.approx(NUMPY_G[name](f).mean(), rel=1e-6, abs=1e-6)
    np.testing.assert_allclose(G_FUNCS[name](FAKE, reduction="none").numpy(), NUMPY_G[name](f),
                               rtol=1e-6, atol=1e-6)


def test_closed_forms():
    # A critic that scores real examples 3 higher than fakes estimates W1 = 3.
    assert float(O.wasserstein_critic_loss([5.0, 4.0], [2.0, 1.0])) == pytest.approx(-3.0)
    # LSGAN: D exactly on its targets (1 real, 0 fake) costs 0; G's target is 1.
    assert float(O.lsgan_discriminator_loss([1.0, 1.0], [0.0, 0.0])) == 0.0
    assert float(O.lsgan_generator_loss([1.0, 1.0])) == 0.0
    assert float(O.lsgan_discriminator_loss([0.0], [0.0])) == pytest.approx(0.5)
    # hinge: no loss once real scores are >= 1 and fake scores <= -1 ...
    assert float(O.hinge_discriminator_loss([1.0, 7.0], [-1.0, -3.0])) == 0.0
    # ... and 2 at D = 0 (the margin on both sides)
    assert float(O.hinge_discriminator_loss([0.0], [0.0])) == pytest.approx(2.0)


def test_lsgan_optimal_discriminator_is_p_over_p_plus_q():
    # Pointwise, p (D - 1)^2 / 2 + q D^2 / 2 is minimised by D* = p / (p + q) (Mao et al., a=0,
    # b=1): minimise the loss over a free score per point by gradient descent.
    p = np.array([0.1, 0.4, 0.5, 0.9], np.float32)
    q = 1 - p
    d = tf.Variable(tf.zeros(4))
    for _ in range(60):  # the gradient is d - p: the error halves every step
        with tf.GradientTape() as tape:
            # real examples weighted by p, fakes by q: per-example losses weighted by hand
            per_real = 0.5 * tf.square(d - 1.0)
            per_fake = 0.5 * tf.square(d)
            loss = tf.reduce_sum(p * per_real + q * per_fake)
        d.assign_sub(0.5 * tape.gradient(loss, d))
    np.testing.assert_allclose(d.numpy(), p / (p + q), atol=1e-6)
    # and the library loss agrees with the per-example terms used above
    np.testing.assert_allclose(
        O.lsgan_discriminator_loss(d.numpy(), d.numpy(), reduction="none").numpy(),
        0.5 * (d.numpy() - 1) ** 2 + 0.5 * d.numpy() ** 2, rtol=1e-6)


def test_gradients_of_hinge_and_wgan():
    real = tf.constant([[2.0], [0.5]])
    fake = tf.constant([[-2.0], [0.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real, fake])
        hinge = O.hinge_discriminator_loss(real, fake)
        wgan = O.wasserstein_critic_loss(real, fake)
    # hinge: examples beyond the margin get no gradient
    np.testing.assert_allclose(tape.gradient(hinge, real).numpy(), [[0.0], [-0.5]])
    np.testing.assert_allclose(tape.gradient(hinge, fake).numpy(), [[0.0], [0.5]])
    # WGAN: a constant push on every score
    np.testing.assert_allclose(tape.gradient(wgan, real).numpy(), [[-0.5], [-0.5]])
    np.testing.assert_allclose(tape.gradient(wgan, fake).numpy(), [[0.5], [0.5]])


# --------------------------------------------------------------------------------------------
# the dispatchers
# --------------------------------------------------------------------------------------------
def test_dispatchers_call_the_named_losses():
    assert tuple(O.OBJECTIVES) == ("bce", "lsgan", "hinge", "wgan")
    for name in ("wgan", "lsgan", "hinge"):
        assert float(O.discriminator_objective(name, REAL, FAKE)) == float(
            D_FUNCS[name](REAL, FAKE))
        np.testing.assert_array_equal(
            O.discriminator_objective(name, REAL, FAKE, reduction="none").numpy(),
            D_FUNCS[name](REAL, FAKE, reduction="none").numpy())
        assert float(O.generator_objective(name, FAKE)) == float(G_FUNCS[name](FAKE))
    # "bce" is gancourse.gan's cross-entropy, label smoothing and minimax included
    assert float(O.discriminator_objective("bce", REAL, FAKE, real_label=0.9)) == float(
        G.discriminator_loss(REAL, FAKE, 0.9))
    assert float(O.generator_objective("bce", FAKE, kind="minimax")) == float(
        G.generator_loss(FAKE, "minimax"))
    assert float(O.generator_objective("bce", FAKE)) == float(G.generator_loss(FAKE))


@pytest.mark.parametrize("call, exc, match", [
    (lambda: O.discriminator_objective("wasserstein", REAL, FAKE), ValueError, "objective"),
    (lambda: O.generator_objective("gan", FAKE), ValueError, "objective"),
    (lambda: O.discriminator_objective("hinge", REAL, FAKE, real_label=0.9), ValueError,
     "real_label"),
    (lambda: O.generator_objective("wgan", FAKE, kind="minimax"), ValueError, "bce"),
    (lambda: O.wasserstein_critic_loss(np.zeros((4, 2), np.float32), FAKE[:4]), ValueError,
     r"\(N,\) or \(N, 1\)"),
    (lambda: O.hinge_generator_loss(np.zeros((2, 1, 1), np.float32)), ValueError, "shape"),
    (lambda: O.lsgan_generator_loss(np.float32(1.0)), ValueError, "shape"),
    (lambda: O.lsgan_discriminator_loss(np.ones(3, np.int32), FAKE[:3]), TypeError, "float"),
    (lambda: O.hinge_discriminator_loss(REAL, FAKE, reduction="sum"), ValueError, "reduction"),
    (lambda: O.wasserstein_critic_loss(REAL, FAKE[:3], reduction="none"), ValueError,
     "as many"),
    (lambda: O.clip_weights(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), 0.0),
     ValueError, "clip_value"),
])
def test_bad_input_raises(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------------------------------------------
# gradient penalty
# --------------------------------------------------------------------------------------------
def _linear_critic(w: np.ndarray, in_shape=(3,)) -> keras.Model:
    """D(x) = w . flatten(x), no bias."""
    model = keras.Sequential([keras.Input(in_shape), keras.layers.Flatten(),
                              keras.layers.Dense(1, use_bias=False)])
    model.layers[-1].kernel.assign(np.asarray(w, np.float32).reshape(-1, 1))
    return model


def test_interpolates_matches_numpy():
    real = RNG.normal(size=(4, 5, 5, 2)).astype(np.float32)
    fake = RNG.normal(size=(4, 5, 5, 2)).astype(np.float32)
    alpha = np.array([0.0, 0.25, 0.5, 1.0], np.float32)
    expected = alpha[:, None, None, None] * real + (1 - alpha[:, None, None, None]) * fake
    for a in (alpha, alpha[:, None], alpha[:, None, None, None]):
        np.testing.assert_allclose(O.interpolates(real, fake, a).numpy(), expected, rtol=1e-6)
    out = O.interpolates(real, fake, alpha).numpy()
    np.testing.assert_array_equal(out[0], fake[0])  # alpha = 0: the fake
    np.testing.assert_array_equal(out[3], real[3])  # alpha = 1: the real example
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        O.interpolates(real, fake, np.array([0.1, 0.2, 1.5, 0.3], np.float32))
    with pytest.raises(ValueError, match="alpha must have shape"):
        O.interpolates(real, fake, np.full((4, 5), 0.5, np.float32))
    with pytest.raises(ValueError, match="3 weights for 4"):
        O.interpolates(real, fake, alpha[:3])
    with pytest.raises(ValueError, match="same shape"):
        O.interpolates(real, fake[:, :4], alpha)


@pytest.mark.parametrize("w, expected", [
    ([0.6, 0.8, 0.0], 0.0),        # ||w|| = 1: the constraint holds, no penalty
    ([0.0, 0.0, 0.0], 10.0),       # gradient 0: weight * (0 - 1)^2
    ([1.8, 2.4, 0.0], 40.0),       # ||w|| = 3: weight * (3 - 1)^2
])
def test_gradient_penalty_of_a_linear_critic(w, expected):
    real = RNG.normal(size=(8, 3)).astype(np.float32)
    fake = RNG.normal(size=(8, 3)).astype(np.float32)
    critic = _linear_critic(w)
    gp = O.gradient_penalty(critic, real, fake)  # weight 10, random alpha: same everywhere
    assert gp.shape == () and gp.dtype == tf.float32
    assert float(gp) == pytest.approx(expected, rel=1e-5, abs=1e-5)
    per = O.gradient_penalty(critic, real, fake, weight=2.5, reduction="none")
    assert per.shape == (8,)
    np.testing.assert_allclose(per.numpy(), expected / 4, rtol=1e-5, atol=1e-5)


def test_gradient_penalty_norm_is_over_all_non_batch_axes():
    # images (N, 4, 4, 2): D(x) = w . flatten(x) with ||w|| = 3 over all 32 entries
    w = np.zeros(32, np.float32)
    w[[0, 17]] = [3 * 0.6, 3 * 0.8]
    critic = _linear_critic(w, in_shape=(4, 4, 2))
    real = RNG.uniform(-1, 1, (5, 4, 4, 2)).astype(np.float32)
    fake = RNG.uniform(-1, 1, (5, 4, 4, 2)).astype(np.float32)
    assert float(O.gradient_penalty(critic, real, fake, weight=1.0)) == pytest.approx(4.0,
                                                                                       rel=1e-5)


def test_gradient_penalty_of_a_tanh_network_matches_numpy():
    # D(x) = v . tanh(x W + b) + c: grad_x D = W (v * (1 - tanh(x W + b)^2))
    in_dim, hidden = 3, 7
    critic = keras.Sequential([keras.Input((in_dim,)), keras.layers.Dense(hidden, "tanh"),
                               keras.layers.Dense(1)])
    W = RNG.normal(size=(in_dim, hidden)).astype(np.float32)
    b = RNG.normal(size=hidden).astype(np.float32)
    v = RNG.normal(size=(hidden, 1)).astype(np.float32)
    critic.set_weights([W, b, v, np.array([0.3], np.float32)])
    real = RNG.normal(size=(10, in_dim)).astype(np.float32)
    fake = RNG.normal(size=(10, in_dim)).astype(np.float32)
    alpha = RNG.uniform(size=10).astype(np.float32)
    x_hat = alpha[:, None] * real.astype(np.float64) + (1 - alpha[:, None]) * fake
    h = np.tanh(x_hat @ W + b)
    grads = ((1 - h ** 2) * v[:, 0]) @ W.T  # (10, in_dim)
    expected = 10 * (np.linalg.norm(grads, axis=1) - 1) ** 2
    got = O.gradient_penalty(critic, real, fake, alpha=alpha, reduction="none")
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-4)
    assert float(O.gradient_penalty(critic, real, fake, alpha=alpha)) == pytest.approx(
        expected.mean(), rel=1e-4)


def test_gradient_penalty_is_differentiable_in_the_critic_weights():
    # penalty = weight (||w|| - 1)^2 for a linear critic: d/dw = 2 weight (||w|| - 1) w / ||w||
    w = np.array([1.0, 2.0, 2.0], np.float32)  # ||w|| = 3
    critic = _linear_critic(w)
    real = RNG.normal(size=(6, 3)).astype(np.float32)
    fake = RNG.normal(size=(6, 3)).astype(np.float32)
    with tf.GradientTape() as tape:
        gp = O.gradient_penalty(critic, real, fake, weight=10.0)
    grad = tape.gradient(gp, critic.trainable_variables)[0].numpy()[:, 0]
    np.testing.assert_allclose(grad, 2 * 10.0 * (3 - 1) * w / 3, rtol=1e-5)


def _quadratic(x, training=False):
    """D(x) = 0.5 ||x||^2 per example: its gradient at x_hat is x_hat itself."""
    return 0.5 * tf.reduce_sum(tf.square(x), axis=1, keepdims=True)


def test_gradient_penalty_draws_alpha_uniform_on_0_1():
    # real = e1, fake = 0: x_hat = alpha e1, gradient norm alpha, per-example penalty
    # weight (alpha - 1)^2 - so alpha = 1 - sqrt(penalty / weight) is observable.
    n = 4000
    real = np.tile(np.array([[1.0, 0.0]], np.float32), (n, 1))
    fake = np.zeros((n, 2), np.float32)
    per = O.gradient_penalty(_quadratic, real, fake, weight=1.0, seed=11, reduction="none")
    alpha = 1 - np.sqrt(per.numpy())
    assert alpha.min() >= -1e-6 and alpha.max() <= 1 + 1e-6  # never outside [0, 1] ...
    assert abs(alpha.mean() - 0.5) < 0.02  # ... and Uniform[0, 1]: mean 1/2, var 1/12
    assert abs(alpha.var() - 1 / 12) < 0.005
    assert np.histogram(alpha, bins=4, range=(0, 1))[0].min() > 0.22 * n
    # the same seed, the same draw; another seed, another draw
    again = O.gradient_penalty(_quadratic, real, fake, weight=1.0, seed=11, reduction="none")
    np.testing.assert_array_equal(per.numpy(), again.numpy())
    other = O.gradient_penalty(_quadratic, real, fake, weight=1.0, seed=12, reduction="none")
    assert not np.allclose(per.numpy(), other.numpy())


def test_gradient_penalty_validates():
    critic = _linear_critic([1.0, 0.0, 0.0])
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match="weight"):
        O.gradient_penalty(critic, x, x, weight=-1.0)
    with pytest.raises(ValueError, match="reduction"):
        O.gradient_penalty(critic, x, x, reduction="sum")
    with pytest.raises(TypeError, match="float"):
        O.gradient_penalty(critic, np.zeros((2, 3), np.int32), x)


# --------------------------------------------------------------------------------------------
# weight clipping
# --------------------------------------------------------------------------------------------
def test_clip_weights_clips_every_trainable_variable_in_place():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8),
                              keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    values = [RNG.normal(0, 0.05, size=v.shape).astype(np.float32)
              for v in model.trainable_variables]
    for v, value in zip(model.trainable_variables, values):
        v.assign(value)
    moving = [v.numpy().copy() for v in model.non_trainable_variables]
    assert O.clip_weights(model, 0.02) is None
    for v, value in zip(model.trainable_variables, values):
        np.testing.assert_array_equal(v.numpy(), np.clip(value, -0.02, 0.02))
    assert max(np.abs(v.numpy()).max() for v in model.trainable_variables) == pytest.approx(0.02)
    # BN's moving statistics are not parameters: untouched
    for v, before in zip(model.non_trainable_variables, moving):
        np.testing.assert_array_equal(v.numpy(), before)
