"""Tests for gancourse.diagnostics against closed forms and independent implementations.

References used:

* ``logit_gradient``: central finite differences of the losses written with ``np.logaddexp``
  (``log(1 - sigmoid(l)) = -softplus(l)``, ``-log sigmoid(l) = softplus(-l)``) and TensorFlow's
  automatic differentiation of :func:`gancourse.gan.generator_loss`.
* ``generator_gradient_norms``: a linear "generator" and a linear discriminator, for which the
  gradient is a closed-form sum over examples.
* ``batchnorm_reference``: Keras' ``BatchNormalization`` in training mode, and the defining
  properties (zero mean, variance ``v / (v + eps)``).
* ``mode_coverage_history``: :func:`gancourse.metrics.mode_coverage` on each snapshot, and
  hand-built snapshots whose mass per mode is known (one mode: 1 effective mode; K equal modes:
  K).
* ``Trainer``: the update counts of the two optimizers, and a frozen player's weights.
"""
from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from gancourse import diagnostics, gan
from gancourse.data import grid_of_gaussians, ring_of_gaussians
from gancourse.metrics import mode_coverage


# --------------------------------------------------------------------------------------------
# vanishing gradients
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", gan.GENERATOR_LOSSES)
def test_logit_gradient_matches_finite_differences_and_autodiff(kind):
    logits = np.linspace(-30, 30, 121)
    loss = {"minimax": lambda l: -np.logaddexp(0.0, l),
            "non_saturating": lambda l: np.logaddexp(0.0, -l)}[kind]
    h = 1e-5
    finite_diff = (loss(logits + h) - loss(logits - h)) / (2 * h)
    closed = diagnostics.logit_gradient(logits, kind)
    np.testing.assert_allclose(closed, finite_diff, atol=1e-8)
    x = tf.constant(logits[:, None], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = gan.generator_loss(x, kind)
    autodiff = tape.gradient(value, x).numpy().ravel() * len(logits)
    np.testing.assert_allclose(closed, autodiff, atol=1e-6)


def test_logit_gradient_values_and_limits():
    mm = diagnostics.logit_gradient([-1000.0, 0.0, 1000.0], "minimax")
    ns = diagnostics.logit_gradient([-1000.0, 0.0, 1000.0], "non_saturating")
    np.testing.assert_allclose(mm, [0.0, -0.5, -1.0], atol=1e-12)   # -D
    np.testing.assert_allclose(ns, [-1.0, -0.5, 0.0], atol=1e-12)   # -(1 - D)
    l = np.random.default_rng(0).normal(size=(3, 4)) * 5
    assert diagnostics.logit_gradient(l, "minimax").shape == (3, 4)
    sigmoid = 1 / (1 + np.exp(-l))
    np.testing.assert_allclose(diagnostics.logit_gradient(l, "non_saturating")
                               - diagnostics.logit_gradient(l, "minimax"), 2 * sigmoid - 1,
                               atol=1e-12)


@pytest.mark.parametrize("bad", [[np.nan], [np.inf], [], "abc"])
def test_logit_gradient_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        diagnostics.logit_gradient(bad)


def test_logit_gradient_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        diagnostics.logit_gradient([0.0], "wasserstein")


def _linear_pair(w_g: np.ndarray, b_g: np.ndarray, w_d: np.ndarray):
    g = keras.Sequential([keras.Input((w_g.shape[0],)), layers.Dense(w_g.shape[1])])
    g.layers[0].set_weights([w_g, b_g])
    d = keras.Sequential([keras.Input((w_g.shape[1],)), layers.Dense(1, use_bias=False)])
    d.layers[0].set_weights([w_d[:, None]])
    return g, d


def test_generator_gradient_norms_match_closed_form_for_linear_networks():
    rng = np.random.default_rng(1)
    w_g = rng.normal(size=(3, 2)).astype(np.float32)
    b_g = rng.normal(size=2).astype(np.float32)
    w_d = rng.normal(size=2).astype(np.float32)
    g, d = _linear_pair(w_g, b_g, w_d)
    z = rng.normal(size=(16, 3)).astype(np.float32)
    out = diagnostics.generator_gradient_norms(g, d, z)
    logits = (z @ w_g + b_g) @ w_d                               # (16,)
    for kind in gan.GENERATOR_LOSSES:
        c = diagnostics.logit_gradient(logits, kind) / len(z)    # dL/dl_i
        # l_i = (z_i W + b) . w_d: dl_i/dW = z_i w_d^T, dl_i/db = w_d
        grad_w = np.einsum("i,ij,k->jk", c, z, w_d)
        grad_b = c.sum() * w_d
        expected = math.sqrt((grad_w**2).sum() + (grad_b**2).sum())
        assert out[kind] == pytest.approx(expected, rel=1e-5)
    sig = 1 / (1 + np.exp(-logits))
    assert out["d_fake"] == pytest.approx(sig.mean(), rel=1e-5)
    assert out["mean_logit"] == pytest.approx(logits.mean(), rel=1e-5, abs=1e-6)


def test_measurements_leave_batchnorm_statistics_alone():
    g = gan.build_dense_generator(4, hidden=(8,), out_shape=(2,))
    d = keras.Sequential([keras.Input((2,)), layers.Dense(4), layers.BatchNormalization(),
                          layers.Dense(1)])
    z = np.random.default_rng(2).normal(size=(32, 4)).astype(np.float32)
    before = [v.numpy().copy() for m in (g, d) for v in m.non_trainable_variables]
    diagnostics.generator_gradient_norms(g, d, z, training=True)
    diagnostics.discriminator_accuracy(d, np.ones((8, 2)), np.zeros((8, 2)), training=True)
    diagnostics.activation_statistics(g, ["bn0"], z, training=True)
    diagnostics.scores_in_batches(d, np.ones(2), [np.zeros((5, 2)), np.ones((5, 2))])
    after = [v.numpy() for m in (g, d) for v in m.non_trainable_variables]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    # ... whereas a plain training-mode call does change them (the reason for the care above)
    g(z, training=True)
    assert not all(np.array_equal(a, v.numpy()) for a, v in zip(before, g.non_trainable_variables))


def test_generator_gradient_norms_rejects_bad_noise():
    g, d = _linear_pair(np.ones((3, 2), np.float32), np.zeros(2, np.float32),
                        np.ones(2, np.float32))
    with pytest.raises(ValueError, match="noise"):
        diagnostics.generator_gradient_norms(g, d, np.zeros(3, np.float32))


def test_discriminator_accuracy_counts_correct_sides():
    d = keras.Sequential([keras.Input((1,)), layers.Dense(1)])
    d.layers[0].set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])  # logit = x
    real = np.array([[1.0], [2.0], [-1.0], [3.0]])     # 3 of 4 positive
    fake = np.array([[-1.0], [1.0]])                   # 1 of 2 negative
    acc = diagnostics.discriminator_accuracy(d, real, fake)
    assert acc["real"] == 0.75 and acc["fake"] == 0.5 and acc["balanced"] == 0.625
    assert acc["d_real"] == pytest.approx(np.mean(1 / (1 + np.exp(-real))), rel=1e-6)
    with pytest.raises(ValueError, match="at least one"):
        diagnostics.discriminator_accuracy(d, real, np.zeros((0, 1)))


# --------------------------------------------------------------------------------------------
# mode coverage over training
# --------------------------------------------------------------------------------------------
def test_mode_coverage_history_agrees_with_mode_coverage_and_known_masses():
    ring = ring_of_gaussians()
    rng = np.random.default_rng(3)
    all_modes = ring.sample(800, seed=1)                                       # every mode
    one_mode = ring.centers[2] + 0.01 * rng.normal(size=(800, 2))              # collapsed
    two_modes = np.concatenate([ring.centers[[5]] + 0.01 * rng.normal(size=(400, 2)),
                                ring.centers[[6]] + 0.01 * rng.normal(size=(400, 2))])
    h = diagnostics.mode_coverage_history(ring, {200: two_modes, 0: all_modes, 100: one_mode},
                                          min_count=5)
    assert h["steps"].tolist() == [0, 100, 200]
    for i, pts in enumerate([all_modes, one_mode, two_modes]):
        ref = mode_coverage(ring, pts, min_count=5)
        assert h["modes_covered"][i] == ref["modes_covered"]
        assert np.array_equal(h["counts"][i], ref["counts"])
        assert h["high_quality_fraction"][i] == pytest.approx(ref["high_quality_fraction"])
    np.testing.assert_allclose(h["mass"].sum(axis=1), 1.0)
    assert h["effective_modes"][0] == pytest.approx(8, rel=0.02)      # near-uniform mass
    assert h["effective_modes"][1] == pytest.approx(1.0)              # exp(0)
    assert h["effective_modes"][2] == pytest.approx(2.0)              # two equal modes
    assert h["top_mode"][1] == 2 and h["top_mode"][2] in (5, 6)


def test_mode_coverage_history_counts_imprecise_samples_in_the_mass():
    grid = grid_of_gaussians()
    near = grid.centers + 0.5                     # every sample far outside 3 std, but nearest
    h = diagnostics.mode_coverage_history(grid, {0: near})
    assert h["modes_covered"][0] == 0 and h["high_quality_fraction"][0] == 0.0
    assert h["effective_modes"][0] == pytest.approx(25.0)


def test_mode_coverage_history_rejects_bad_input():
    ring = ring_of_gaussians()
    with pytest.raises(ValueError, match="non-empty"):
        diagnostics.mode_coverage_history(ring, {})
    with pytest.raises(ValueError):
        diagnostics.mode_coverage_history(ring, {0: np.zeros((5, 3))})
    with pytest.raises(ValueError):
        diagnostics.mode_coverage_history(ring, {0: np.array([[np.nan, 0.0]])})
    with pytest.raises(TypeError):
        diagnostics.mode_coverage_history("ring", {0: np.zeros((5, 2))})


# --------------------------------------------------------------------------------------------
# training
# --------------------------------------------------------------------------------------------
def _small_gan(seed=0, d_steps=1):
    from gancourse.seeding import seed_everything

    seed_everything(seed)
    model = gan.GAN(gan.build_mlp_generator(4, 2, (16,)), gan.build_mlp_discriminator(2, (16,)),
                    seed=seed)
    model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), d_steps=d_steps)
    return model


def test_trainer_runs_the_requested_updates_and_freezes_a_player():
    model = _small_gan(d_steps=2)
    trainer = diagnostics.Trainer(model, ring_of_gaussians().sample(256), batch_size=32)
    logs = trainer.run(5)                                    # the model's d_steps = 2
    assert int(model.d_optimizer.iterations) == 10 and int(model.g_optimizer.iterations) == 5
    assert all(np.isfinite(v) for v in logs.values())
    g_before = [w.numpy().copy() for w in model.generator.trainable_variables]
    logs = trainer.run(3, d_steps=1, g_steps=0)              # D alone
    assert np.isnan(logs["g_loss"]) and np.isfinite(logs["d_loss"])
    assert all(np.array_equal(a, w.numpy())
               for a, w in zip(g_before, model.generator.trainable_variables))
    d_before = [w.numpy().copy() for w in model.discriminator.trainable_variables]
    logs = trainer.run(3, d_steps=0, g_steps=2)              # G alone
    assert np.isnan(logs["d_loss"]) and np.isfinite(logs["g_loss"])
    assert all(np.array_equal(a, w.numpy())
               for a, w in zip(d_before, model.discriminator.trainable_variables))
    assert int(model.d_optimizer.iterations) == 13 and int(model.g_optimizer.iterations) == 11
    assert trainer._block.experimental_get_tracing_count() == 1   # traced once, any counts


def test_trainer_losses_are_the_gan_losses():
    model = _small_gan()
    trainer = diagnostics.Trainer(model, np.zeros((64, 2), np.float32), batch_size=64)
    logs = trainer.run(1, d_steps=1, g_steps=0)
    # d_loss is BCE(real, 1) + BCE(fake, 0) on the batch; check its range and D's outputs
    assert 0 < logs["d_real"] < 1 and 0 < logs["d_fake"] < 1
    expected = -np.log(logs["d_real"]) - np.log(1 - logs["d_fake"])   # Jensen: a lower bound
    assert logs["d_loss"] >= expected - 1e-4


@pytest.mark.parametrize("kwargs, match", [
    (dict(steps=0), "steps"), (dict(steps=1, d_steps=-1), "d_steps"),
    (dict(steps=1, d_steps=0, g_steps=0), "nothing to train"),
    (dict(steps=1, g_steps=1.5), "g_steps"),
])
def test_trainer_rejects_bad_counts(kwargs, match):
    trainer = diagnostics.Trainer(_small_gan(), np.zeros((64, 2), np.float32), batch_size=8)
    with pytest.raises(ValueError, match=match):
        trainer.run(**kwargs)


def test_trainer_rejects_bad_setup():
    model = _small_gan()
    with pytest.raises(ValueError, match="batch_size"):
        diagnostics.Trainer(model, np.zeros((4, 2)), batch_size=8)
    with pytest.raises(TypeError):
        diagnostics.Trainer(model.generator, np.zeros((64, 2)), batch_size=8)
    uncompiled = gan.GAN(gan.build_mlp_generator(), gan.build_mlp_discriminator())
    with pytest.raises(RuntimeError, match="compile"):
        diagnostics.Trainer(uncompiled, np.zeros((64, 2)), batch_size=8)


def test_train_toy_gan_records_snapshots_and_probes_and_is_reproducible():
    ring = ring_of_gaussians()
    kwargs = dict(steps=40, record_every=20, batch_size=32, hidden=(16,), n_data=256,
                  n_snapshot=50, seed=3)
    probe = {"d_at_origin": lambda m: float(m.discriminator(np.zeros((1, 2), np.float32))[0, 0])}
    run = diagnostics.train_toy_gan(ring, probes=probe, **kwargs)
    assert run.steps == [0, 20, 40] and run.step == 40
    assert all(run.samples[s].shape == (50, 2) for s in run.steps)
    steps, values = run.probe("d_at_origin")
    assert steps.tolist() == [0, 20, 40] and len(values) == 3
    steps, d_loss = run.series("d_loss")
    assert steps.tolist() == [20, 40] and np.all(np.isfinite(d_loss))
    again = diagnostics.train_toy_gan(ring, **kwargs)
    np.testing.assert_allclose(again.final_samples(), run.final_samples(), atol=1e-5)
    with pytest.raises(KeyError):
        run.series("accuracy")


def test_train_toy_gan_uses_the_requested_recipe_and_generator():
    built = []

    def build():
        z = keras.Input((3,))
        model = keras.Model(z, layers.Dense(2)(layers.Dense(8, activation="relu")(z)))
        built.append(model)
        return model

    run = diagnostics.train_toy_gan(ring_of_gaussians(), steps=10, record_every=5, d_lr=2e-3,
                                    g_lr=5e-4, d_steps=3, g_loss_kind="minimax", latent_dim=3,
                                    hidden=(8,), n_data=64, batch_size=16, n_snapshot=10,
                                    build_generator=build)
    assert run.generator is built[0]
    assert float(run.model.d_optimizer.learning_rate) == pytest.approx(2e-3)
    assert float(run.model.g_optimizer.learning_rate) == pytest.approx(5e-4)
    assert run.model.g_loss_kind == "minimax" and int(run.model.d_optimizer.iterations) == 30


@pytest.mark.parametrize("kwargs, match", [
    (dict(steps=10, record_every=3), "multiple"), (dict(steps=10, record_every=5, lr=0.0), "d_lr"),
    (dict(steps=10, record_every=5, g_loss_kind="hinge"), "kind"),
    (dict(steps=10, record_every=5, build_generator=lambda: gan.build_mlp_generator(8, 3)),
     "build_generator"),
])
def test_train_toy_gan_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        diagnostics.train_toy_gan(ring_of_gaussians(), **kwargs)


# --------------------------------------------------------------------------------------------
# sweeps
# --------------------------------------------------------------------------------------------
def test_sweep_runs_every_combination_and_pivot_tabulates_it():
    calls = []

    def run(a, b):
        calls.append((a, b))
        return {"value": 10 * a + b}

    rows = diagnostics.sweep(run, a=[1, 2, 3], b=[0, 5])
    assert calls == [(1, 0), (1, 5), (2, 0), (2, 5), (3, 0), (3, 5)]
    assert rows[1] == {"a": 1, "b": 5, "value": 15}
    row_values, col_values, table = diagnostics.pivot(rows, "a", "b", "value")
    assert row_values == [1, 2, 3] and col_values == [0, 5]
    np.testing.assert_array_equal(table, [[10, 15], [20, 25], [30, 35]])


def test_sweep_and_pivot_reject_bad_input():
    with pytest.raises(ValueError):
        diagnostics.sweep(lambda a: {"v": a})
    with pytest.raises(ValueError, match="list"):
        diagnostics.sweep(lambda a: {"v": a}, a=3)
    with pytest.raises(ValueError, match="list"):
        diagnostics.sweep(lambda a: {"v": a}, a="abc")
    with pytest.raises(TypeError, match="mapping"):
        diagnostics.sweep(lambda a: a, a=[1])
    with pytest.raises(ValueError, match="parameters"):
        diagnostics.sweep(lambda a: {"a": a}, a=[1])
    rows = [{"a": 1, "b": 1, "v": 1}, {"a": 1, "b": 2, "v": 2}, {"a": 2, "b": 1, "v": 3}]
    with pytest.raises(ValueError, match="fill"):
        diagnostics.pivot(rows, "a", "b", "v")
    with pytest.raises(ValueError, match="two rows"):
        diagnostics.pivot(rows + [{"a": 1, "b": 1, "v": 9}], "a", "b", "v")
    with pytest.raises(ValueError, match="key"):
        diagnostics.pivot(rows, "a", "c", "v")


# --------------------------------------------------------------------------------------------
# batch normalisation
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(32, 4), (8, 5, 5, 3)])
def test_batchnorm_reference_matches_keras_in_training_mode(shape):
    rng = np.random.default_rng(4)
    c = shape[-1]
    x = (rng.normal(size=shape) * rng.uniform(0.1, 5, c) + rng.uniform(-4, 4, c)).astype(np.float32)
    gamma, beta = rng.uniform(0.5, 2, c), rng.uniform(-1, 1, c)
    bn = layers.BatchNormalization()
    bn.build(shape)
    bn.gamma.assign(gamma.astype(np.float32))
    bn.beta.assign(beta.astype(np.float32))
    ours = diagnostics.batchnorm_reference(x, gamma, beta, epsilon=bn.epsilon)
    np.testing.assert_allclose(bn(x, training=True).numpy(), ours, atol=1e-4)
    x_hat = diagnostics.batchnorm_reference(x, epsilon=bn.epsilon)
    axes = tuple(range(len(shape) - 1))
    var = x.astype(np.float64).var(axis=axes)
    np.testing.assert_allclose(x_hat.mean(axis=axes), 0.0, atol=1e-12)
    np.testing.assert_allclose(x_hat.var(axis=axes), var / (var + bn.epsilon), rtol=1e-10)


def test_batchnorm_reference_rejects_bad_input():
    with pytest.raises(ValueError):
        diagnostics.batchnorm_reference(np.ones(5))                 # no feature axis
    with pytest.raises(ValueError):
        diagnostics.batchnorm_reference(np.ones((1, 3)))            # a single example
    with pytest.raises(ValueError, match="gamma"):
        diagnostics.batchnorm_reference(np.ones((4, 3)), gamma=np.ones(2))
    with pytest.raises(ValueError):
        diagnostics.batchnorm_reference(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="epsilon"):
        diagnostics.batchnorm_reference(np.ones((4, 3)), epsilon=0.0)


def test_activation_statistics_are_per_feature_batch_statistics():
    z = keras.Input((3,))
    h = layers.Dense(4, name="hidden")(z)
    model = keras.Model(z, layers.Dense(1, name="out")(h))
    x = np.random.default_rng(5).normal(size=(50, 3)).astype(np.float32)
    stats = diagnostics.activation_statistics(model, ["hidden", "out"], x)
    w, b = model.get_layer("hidden").get_weights()
    hidden = x.astype(np.float64) @ w + b
    np.testing.assert_allclose(stats["hidden"]["mean"], hidden.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(stats["hidden"]["std"], hidden.std(axis=0), atol=1e-5)
    assert stats["out"]["mean"].shape == (1,)
    one = diagnostics.activation_statistics(model, ["hidden"], x)
    np.testing.assert_allclose(one["hidden"]["mean"], stats["hidden"]["mean"])
    with pytest.raises(ValueError, match="no layer"):
        diagnostics.activation_statistics(model, ["nope"], x)
    with pytest.raises(ValueError):
        diagnostics.activation_statistics(model, "hidden", x)


def test_scores_in_batches_depend_on_the_batch_only_with_batchnorm_in_training_mode():
    rng = np.random.default_rng(6)
    d_bn = keras.Sequential([keras.Input((2,)), layers.Dense(8), layers.BatchNormalization(),
                             layers.ReLU(), layers.Dense(1)])
    d_plain = keras.Sequential([keras.Input((2,)), layers.Dense(8), layers.ReLU(), layers.Dense(1)])
    example = np.array([0.5, -1.0], np.float32)
    contexts = [rng.normal(loc=m, size=(15, 2)).astype(np.float32) for m in (-2, 0, 2)]
    with_bn = diagnostics.scores_in_batches(d_bn, example, contexts, training=True)
    assert np.ptp(with_bn) > 1e-3
    for model, mode in [(d_bn, False), (d_plain, True), (d_plain, False)]:
        scores = diagnostics.scores_in_batches(model, example, contexts, training=mode)
        assert np.ptp(scores) < 1e-5
        alone = float(model(example[None], training=False)[0, 0])
        if model is d_plain:
            np.testing.assert_allclose(scores, alone, atol=1e-5)
    with pytest.raises(ValueError, match="contexts"):
        diagnostics.scores_in_batches(d_bn, example, [np.zeros((3, 3), np.float32)])
    with pytest.raises(ValueError):
        diagnostics.scores_in_batches(d_bn, example, [])
