"""Tests for gancourse.stabilize: each layer and loss against a NumPy implementation or an
independent Keras layer, and the critic builders."""
from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from gancourse import gan as G
from gancourse import stabilize as S

RNG = np.random.default_rng(1)


# --------------------------------------------------------------------------------------------
# minibatch discrimination
# --------------------------------------------------------------------------------------------
def _minibatch_numpy(x: np.ndarray, T: np.ndarray, B: int, C: int) -> np.ndarray:
    """Salimans et al.'s formula with explicit loops over i, j and b."""
    n = len(x)
    M = (x.astype(np.float64) @ T).reshape(n, B, C)
    o = np.zeros((n, B))
    for i in range(n):
        for j in range(n):  # j = i included (the paper's sum over j = 1..n)
            for b in range(B):
                o[i, b] += np.exp(-np.abs(M[i, b] - M[j, b]).sum())
    return np.concatenate([x, o], axis=1)


def test_minibatch_discrimination_matches_a_numpy_double_loop():
    n, A, B, C = 6, 4, 3, 2
    layer = S.MinibatchDiscrimination(B, C)
    x = RNG.normal(size=(n, A)).astype(np.float32)
    out = layer(x)
    assert out.shape == (n, A + B) and layer.compute_output_shape((None, A)) == (None, A + B)
    assert layer.kernel.shape == (A, B * C) and layer.kernel.trainable
    assert "kernel" in layer.kernel.path
    T = RNG.normal(0, 0.3, size=(A, B * C)).astype(np.float32)
    layer.kernel.assign(T)
    np.testing.assert_allclose(layer(x).numpy(), _minibatch_numpy(x, T, B, C), rtol=1e-5)
    np.testing.assert_array_equal(layer(x).numpy()[:, :A], x)  # the features pass through


def test_minibatch_discrimination_sees_a_collapsed_batch():
    n, B = 5, 4
    layer = S.MinibatchDiscrimination(B, 3)
    same = np.tile(RNG.normal(size=(1, 6)).astype(np.float32), (n, 1))
    o = layer(same).numpy()[:, 6:]
    np.testing.assert_allclose(o, n, rtol=1e-6)  # every pair identical: c = 1 for all j
    # very different examples: only the self term remains, o = 1
    layer.kernel.assign(np.full(layer.kernel.shape, 50.0, np.float32))
    spread = np.arange(n, dtype=np.float32)[:, None] * np.ones((1, 6), np.float32)
    np.testing.assert_allclose(layer(spread).numpy()[:, 6:], 1.0, rtol=1e-6)


def test_minibatch_discrimination_validates_and_serialises():
    with pytest.raises(ValueError, match=r"\(n, A\)"):
        S.MinibatchDiscrimination(3, 2)(np.zeros((4, 5, 5), np.float32))
    with pytest.raises(ValueError, match="num_kernels"):
        S.MinibatchDiscrimination(0, 2)
    layer = S.MinibatchDiscrimination(3, 2, name="mbd")
    x = RNG.normal(size=(4, 5)).astype(np.float32)
    out = layer(x).numpy()
    config = layer.get_config()
    assert config["num_kernels"] == 3 and config["kernel_dim"] == 2
    clone = keras.layers.deserialize(keras.layers.serialize(layer))
    assert isinstance(clone, S.MinibatchDiscrimination) and clone.name == "mbd"
    assert clone.built  # the build config travels with the layer
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x).numpy(), out, rtol=1e-6)


# --------------------------------------------------------------------------------------------
# feature matching
# --------------------------------------------------------------------------------------------
def test_feature_matching_loss_matches_numpy():
    real = RNG.normal(size=(8, 5)).astype(np.float32)
    fake = RNG.normal(1.0, 1.0, size=(6, 5)).astype(np.float32)
    expected = np.sum((real.mean(0).astype(np.float64) - fake.mean(0)) ** 2)
    got = S.feature_matching_loss(real, fake)
    assert got.shape == () and got.dtype == tf.float32
    assert float(got) == pytest.approx(expected, rel=1e-5)
    # feature maps are flattened per example
    real_maps = RNG.normal(size=(4, 3, 3, 2)).astype(np.float32)
    fake_maps = RNG.normal(size=(4, 3, 3, 2)).astype(np.float32)
    expected = np.sum((real_maps.mean(0) - fake_maps.mean(0)) ** 2)
    assert float(S.feature_matching_loss(real_maps, fake_maps)) == pytest.approx(expected,
                                                                                rel=1e-5)
    # it only compares means: a shuffled batch, or one with the same mean, costs nothing
    assert float(S.feature_matching_loss(real, real[::-1])) == pytest.approx(0, abs=1e-10)
    with pytest.raises(ValueError, match="differ in size"):
        S.feature_matching_loss(real, fake[:, :4])
    with pytest.raises(ValueError, match=r"\(N, F\)"):
        S.feature_matching_loss(real[0], fake[0])


def test_feature_extractor_gives_the_intermediate_layer():
    d = G.build_mlp_discriminator(in_dim=2, hidden=(4, 3))
    f = S.feature_extractor(d, "lrelu1")
    x = RNG.normal(size=(5, 2)).astype(np.float32)
    (W0, b0, W1, b1, _, _) = d.get_weights()
    leaky = lambda t: np.where(t > 0, t, 0.2 * t)  # noqa: E731
    np.testing.assert_allclose(f(x).numpy(), leaky(leaky(x @ W0 + b0) @ W1 + b1), rtol=1e-5)
    assert f.get_layer("dense0") is d.get_layer("dense0")  # shares D's weights
    with pytest.raises(ValueError, match="no layer 'nope'.*dense0, lrelu0"):
        S.feature_extractor(d, "nope")


# --------------------------------------------------------------------------------------------
# historical averaging
# --------------------------------------------------------------------------------------------
def test_historical_average_is_the_mean_of_past_values():
    a = tf.Variable(RNG.normal(size=(3, 2)).astype(np.float32))
    b = tf.Variable(RNG.normal(size=(4,)).astype(np.float32))
    history = S.HistoricalAverage([a, b])
    snapshots = [[a.numpy().copy(), b.numpy().copy()]]
    assert history.t == 1 and float(history.penalty()) == 0.0
    for _ in range(4):
        a.assign(RNG.normal(size=(3, 2)).astype(np.float32))
        b.assign(RNG.normal(size=(4,)).astype(np.float32))
        history.update()
        snapshots.append([a.numpy().copy(), b.numpy().copy()])
        means = [np.mean([s[k] for s in snapshots], axis=0) for k in range(2)]
        for avg, mean in zip(history.averages, means):
            np.testing.assert_allclose(avg.numpy(), mean, rtol=1e-5, atol=1e-6)
    assert history.t == 5
    # move away from the mean: penalty sum ||theta - mean||^2, gradient 2 (theta - mean)
    a.assign(a + 1.0)
    means = [avg.numpy() for avg in history.averages]
    with tf.GradientTape() as tape:
        penalty = history.penalty()
    expected = np.sum((a.numpy() - means[0]) ** 2) + np.sum((b.numpy() - means[1]) ** 2)
    assert float(penalty) == pytest.approx(expected, rel=1e-5)
    ga, gb = tape.gradient(penalty, [a, b])
    np.testing.assert_allclose(ga.numpy(), 2 * (a.numpy() - means[0]), rtol=1e-5)
    np.testing.assert_allclose(gb.numpy(), 2 * (b.numpy() - means[1]), rtol=1e-5, atol=1e-6)
    assert all(not avg.trainable for avg in history.averages)
    with pytest.raises(ValueError, match="at least one"):
        S.HistoricalAverage([])


# --------------------------------------------------------------------------------------------
# instance normalisation
# --------------------------------------------------------------------------------------------
def test_instance_normalization_matches_numpy_and_group_normalization():
    x = RNG.normal(3.0, 2.0, size=(4, 5, 6, 3)).astype(np.float32) * np.array([1, 10, 0.5],
                                                                               np.float32)
    gamma = RNG.normal(1, 0.3, size=3).astype(np.float32)
    beta = RNG.normal(0, 0.3, size=3).astype(np.float32)
    layer = S.InstanceNormalization()
    layer.build(x.shape)
    layer.set_weights([gamma, beta])
    got = layer(x).numpy()
    # NumPy: per example and channel, over H and W
    mean = x.astype(np.float64).mean(axis=(1, 2), keepdims=True)
    var = x.astype(np.float64).var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(got, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, rtol=1e-4,
                               atol=1e-4)
    # Keras' group normalisation with one channel per group is instance normalisation
    group = keras.layers.GroupNormalization(groups=3, epsilon=1e-3)
    group.build(x.shape)
    group.set_weights([gamma, beta])
    np.testing.assert_allclose(got, group(x).numpy(), rtol=1e-4, atol=1e-4)
    # without scale and offset: mean 0, variance 1 for every (example, channel)
    plain = S.InstanceNormalization(center=False, scale=False)(x).numpy()
    np.testing.assert_allclose(plain.mean(axis=(1, 2)), 0, atol=1e-5)
    var = plain.var(axis=(1, 2))
    np.testing.assert_allclose(var, var_expected := x.var(axis=(1, 2)) / (x.var(axis=(1, 2))
                                                                         + 1e-3), rtol=1e-4)
    assert var_expected.min() > 0.99  # ~1 (epsilon aside)


def test_instance_norm_is_per_example_unlike_batch_norm():
    x = RNG.normal(size=(4, 3, 3, 2)).astype(np.float32)
    other = x.copy()
    other[1:] = RNG.normal(5.0, 3.0, size=(3, 3, 3, 2))  # change every example but the first
    inorm = S.InstanceNormalization()
    np.testing.assert_allclose(inorm(x, training=True)[0], inorm(other, training=True)[0],
                               rtol=1e-6)
    bn = keras.layers.BatchNormalization()  # statistics over (N, H, W): the batch matters
    assert not np.allclose(bn(x, training=True)[0], bn(other, training=True)[0], atol=1e-3)


def test_instance_normalization_validates_and_serialises():
    with pytest.raises(ValueError, match=r"\(N, H, W, C\)"):
        S.InstanceNormalization()(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="epsilon"):
        S.InstanceNormalization(epsilon=0)
    layer = S.InstanceNormalization(epsilon=1e-5, center=False, name="inorm")
    clone = keras.layers.deserialize(keras.layers.serialize(layer))
    assert isinstance(clone, S.InstanceNormalization)
    assert (clone.epsilon, clone.center, clone.scale) == (1e-5, False, True)
    clone.build((None, 4, 4, 2))
    assert [w.shape for w in clone.weights] == [(2,)]  # gamma only


# --------------------------------------------------------------------------------------------
# spectral normalisation and TTUR
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("layer, x_shape", [
    (keras.layers.Dense(6), (8, 10)),
    (keras.layers.Conv2D(4, 3), (2, 7, 7, 3)),
])
def test_spectral_norm_makes_the_largest_singular_value_1(layer, x_shape):
    wrapped = S.spectral_norm(layer)
    assert isinstance(wrapped, keras.layers.SpectralNormalization)
    x = RNG.normal(size=x_shape).astype(np.float32)
    wrapped(x)  # builds
    kernel = layer.kernel
    kernel.assign(RNG.normal(0, 1.0, size=kernel.shape).astype(np.float32))
    top = lambda: np.linalg.svd(kernel.numpy().reshape(-1, kernel.shape[-1]),  # noqa: E731
                                compute_uv=False)[0]
    assert top() > 3  # far from 1 before
    for _ in range(30):
        wrapped(x, training=True)
    assert top() == pytest.approx(1.0, abs=0.01)
    with pytest.raises(ValueError, match="power_iterations"):
        S.spectral_norm(keras.layers.Dense(2), power_iterations=0)


def test_ttur_optimizers():
    d_opt, g_opt = S.ttur_optimizers()
    assert d_opt is not g_opt
    assert isinstance(d_opt, keras.optimizers.Adam) and isinstance(g_opt, keras.optimizers.Adam)
    assert float(d_opt.learning_rate) == pytest.approx(4e-4)
    assert float(g_opt.learning_rate) == pytest.approx(1e-4)
    assert d_opt.beta_1 == g_opt.beta_1 == 0.0 and d_opt.beta_2 == g_opt.beta_2 == 0.9
    d_opt, _ = S.ttur_optimizers(d_lr=1e-3, beta_1=0.5)
    assert float(d_opt.learning_rate) == pytest.approx(1e-3) and d_opt.beta_1 == 0.5
    with pytest.raises(ValueError, match="g_lr"):
        S.ttur_optimizers(g_lr=0)
    with pytest.raises(ValueError, match="beta_2"):
        S.ttur_optimizers(beta_2=1.0)


# --------------------------------------------------------------------------------------------
# critic builders
# --------------------------------------------------------------------------------------------
def _kinds(model):
    return [type(layer).__name__ for layer in model.layers]


def test_build_mlp_critic_options():
    x = RNG.normal(size=(7, 2)).astype(np.float32)
    plain = S.build_mlp_critic(hidden=(16, 8))
    reference = G.build_mlp_discriminator(hidden=(16, 8))
    assert _kinds(plain) == _kinds(reference) and plain.count_params() == reference.count_params()
    out = plain(x)
    assert out.shape == (7, 1) and out.dtype == tf.float32
    assert plain.get_layer("logit").activation is keras.activations.linear  # scores, no sigmoid

    mbd = S.build_mlp_critic(hidden=(16, 8), minibatch_kernels=4, minibatch_dim=3)
    layer = mbd.get_layer("minibatch")
    assert isinstance(layer, S.MinibatchDiscrimination) and layer.output.shape == (None, 12)
    assert mbd.count_params() == plain.count_params() + 8 * 4 * 3 + 4
    assert mbd(x).shape == (7, 1)

    sn = S.build_mlp_critic(hidden=(16, 8), spectral=True)
    wrappers = [l for l in sn.layers if isinstance(l, keras.layers.SpectralNormalization)]
    assert [w.name for w in wrappers] == ["dense0_sn", "dense1_sn", "logit_sn"]
    assert sn(x, training=True).shape == (7, 1)
    with pytest.raises(ValueError, match="minibatch_kernels"):
        S.build_mlp_critic(minibatch_kernels=-1)


@pytest.mark.parametrize("norm, layer_name, kind", [
    ("batch", "down2_bn", "BatchNormalization"),
    ("instance", "down2_in", "InstanceNormalization"),
    ("layer", "down2_ln", "LayerNormalization"),
    ("none", None, None),
])
def test_build_dcgan_critic_norms(norm, layer_name, kind):
    critic = S.build_dcgan_critic(base=8, norm=norm)
    x = RNG.uniform(-1, 1, size=(4, 28, 28, 1)).astype(np.float32)
    assert critic(x, training=True).shape == (4, 1)
    kinds = _kinds(critic)
    if kind is None:
        assert not {"BatchNormalization", "InstanceNormalization", "LayerNormalization"} & set(
            kinds)
        assert critic.get_layer("down2").use_bias
    else:
        assert type(critic.get_layer(layer_name)).__name__ == kind
        assert not critic.get_layer("down2").use_bias  # the norm's offset replaces the bias
    assert S.has_batch_norm(critic) == (norm == "batch")
    if norm != "batch":
        # every example's score ignores the rest of its batch (what WGAN-GP needs)
        other = x.copy()
        other[1:] = RNG.uniform(-1, 1, size=(3, 28, 28, 1))
        np.testing.assert_allclose(critic(x, training=True)[0], critic(other, training=True)[0],
                                   rtol=1e-5, atol=1e-6)


def test_build_dcgan_critic_defaults_are_the_dcgan_discriminator():
    critic = S.build_dcgan_critic(base=8)
    reference = G.build_dcgan_discriminator(base=8)
    assert _kinds(critic) == _kinds(reference)
    assert [l.name for l in critic.layers] == [l.name for l in reference.layers]
    assert critic.count_params() == reference.count_params()
    assert [tuple(w.shape) for w in critic.weights] == [tuple(w.shape) for w in reference.weights]
    assert abs(critic.get_layer("down2").kernel.numpy().std() - 0.02) < 0.002  # DCGAN init


def test_build_dcgan_critic_spectral_and_minibatch():
    critic = S.build_dcgan_critic(base=4, norm="none", spectral=True, minibatch_kernels=5)
    names = [l.name for l in critic.layers]
    assert {"down1_sn", "down2_sn", "logit_sn", "minibatch"} <= set(names)
    x = RNG.uniform(-1, 1, size=(3, 28, 28, 1)).astype(np.float32)
    assert critic(x, training=True).shape == (3, 1)
    assert critic.get_layer("minibatch").output.shape == (None, 7 * 7 * 8 + 5)
    with pytest.raises(ValueError, match="norm"):
        S.build_dcgan_critic(norm="group")
