"""Tests for gancourse.gan (losses, builders, the GAN model, callbacks) and gancourse.train (CLI).

Fast (ci sizes, tiny networks).  What needs a fresh interpreter runs in a subprocess: op
determinism is process-wide and irreversible, logical CPU devices must be configured before
TensorFlow starts, and the CLI is tested as users run it.  The subprocesses start together
(module fixture) so that they overlap with the in-process tests on a 2-core machine.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from gancourse import gan as G
from gancourse import seed_everything

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "GANCOURSE_PROFILE": "ci"}

# --------------------------------------------------------------------------------------------
# subprocess scripts
# --------------------------------------------------------------------------------------------
DETERMINISM = textwrap.dedent("""
    import hashlib, numpy as np
    from gancourse import seed_everything
    seed_everything(7, deterministic_ops=True)
    import keras
    from gancourse import gan as G
    from gancourse.data import load_mnist, prepare_mnist, make_dataset
    x = prepare_mnist(load_mnist("train", n=256)[0])
    m = G.GAN(G.build_dcgan_generator(16, base=8), G.build_dcgan_discriminator(base=8))
    m.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    m.fit(make_dataset(x, 32, seed=7), epochs=1, steps_per_epoch=4, verbose=0, shuffle=False)
    h = hashlib.sha256()
    for w in m.generator.weights + m.discriminator.weights:
        h.update(w.numpy().tobytes())
    print("HASH", h.hexdigest())
""")

DISTRIBUTED = textwrap.dedent("""
    import json, numpy as np, tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
    import keras
    from gancourse import seed_everything
    from gancourse import gan as G
    from gancourse.data import ring_of_gaussians

    # one MirroredStrategy per process: a second instance clashes with the first's collectives
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    single = tf.distribute.OneDeviceStrategy("/cpu:0")
    rng = np.random.default_rng(0)
    out = {"replicas": mirrored.num_replicas_in_sync}

    def run(strategy, build, x, z, batch):
        seed_everything(0)
        with strategy.scope():
            g, d = build()
            m = G.GAN(g, d, seed=1)
            m.compile(keras.optimizers.Adam(1e-3, beta_1=0.5),
                      keras.optimizers.Adam(1e-3, beta_1=0.5))
        ds = tf.data.Dataset.from_tensor_slices((x, z)).batch(batch, drop_remainder=True)
        hist = m.fit(ds, epochs=1, verbose=0).history
        return [v.numpy() for v in m.generator.weights + m.discriminator.weights], hist

    def diff(a, b):
        return float(max(np.abs(u - v).max() for u, v in zip(a, b)))

    # 2-D toy GAN: the loss scaling alone decides whether the updates agree
    x = ring_of_gaussians().sample(256, seed=0)
    z = rng.standard_normal((256, 2)).astype("float32")
    mlp = lambda: (G.build_mlp_generator(), G.build_mlp_discriminator())
    w1, h1 = run(single, mlp, x, z, 64)
    w2, h2 = run(mirrored, mlp, x, z, 64)
    out["mlp_weight_diff"] = diff(w1, w2)
    out["mlp_history"] = [h1, h2]
    seed_everything(0)
    out["mlp_moved"] = diff(w1, [v.numpy() for v in G.build_mlp_generator().weights
                                 + G.build_mlp_discriminator().weights])

    # DCGAN with batch norm: synchronised BN reproduces the single-device batch statistics
    xi = rng.uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    zi = rng.standard_normal((64, 16)).astype("float32")
    for sync in (True, False):
        dc = lambda: (G.build_dcgan_generator(16, base=8, sync_bn=sync),
                      G.build_dcgan_discriminator(base=8, sync_bn=sync))
        w1, _ = run(single, dc, xi, zi, 32)
        w2, _ = run(mirrored, dc, xi, zi, 32)
        out[f"dcgan_sync{sync}_weight_diff"] = diff(w1, w2)

    # fresh noise inside train_step differs between replicas
    with mirrored.scope():
        m = G.GAN(G.build_mlp_generator(), G.build_mlp_discriminator(), seed=3)
    noise = tf.function(lambda: mirrored.run(lambda: m.noise(4)))()
    a, b = (np.asarray(t) for t in mirrored.experimental_local_results(noise))
    out["replica_noise_equal"] = bool(np.allclose(a, b))
    print("RESULT", json.dumps(out))
""")


def _spawn(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=REPO, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen, timeout: float = 240) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{err[-4000:]}"
    return out


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "dcgan-ci"
    proc = _spawn(["-m", "gancourse.train", "dcgan", "--profile", "ci", "--steps", "5",
                   "--out", str(out), "--seed", "3", "--quiet"])
    return proc, out


@pytest.fixture(scope="module")
def gpu_profile_run(tmp_path_factory):
    """The gpu profile's recipe, as on a GPU machine (mixed precision, MirroredStrategy), on two
    logical CPU devices and a few steps: what `python -m gancourse.train` runs with a device."""
    out = tmp_path_factory.mktemp("gpu") / "vanilla-gpu"
    proc = _spawn(["-m", "gancourse.train", "vanilla", "--profile", "gpu", "--steps", "3",
                   "--out", str(out), "--distribute", "--cpu-devices", "2",
                   "--mixed-precision", "bfloat16", "--quiet"])
    return proc, out


@pytest.fixture(scope="module")
def determinism_runs():
    return [_spawn(["-c", DETERMINISM]) for _ in range(2)]


@pytest.fixture(scope="module")
def distributed_run():
    return _spawn(["-c", DISTRIBUTED])


@pytest.fixture(scope="module", autouse=True)
def _start_subprocesses(cli_run, gpu_profile_run, determinism_runs, distributed_run):
    """Start every subprocess before the first test, so they overlap with the in-process tests."""
    yield
    for proc in [cli_run[0], gpu_profile_run[0], *determinism_runs, distributed_run]:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


REAL = np.array([[2.0], [-1.0], [0.5], [4.0]], np.float32)
FAKE = np.array([[-3.0], [0.0], [1.0], [-0.5]], np.float32)


# --------------------------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------------------------
def test_discriminator_loss_matches_hand_formula():
    expected = (np.mean(-np.log(_sigmoid(REAL))) + np.mean(-np.log(1 - _sigmoid(FAKE))))
    assert float(G.discriminator_loss(REAL, FAKE)) == pytest.approx(expected, rel=1e-6)
    # D outputs 0.5 everywhere: 2 log 2
    assert float(G.discriminator_loss(np.zeros((5, 1)), np.zeros((5, 1)))) == pytest.approx(
        2 * math.log(2), rel=1e-6)
    per = G.discriminator_loss(REAL, FAKE, reduction="none")
    assert per.shape == (4,) and float(tf.reduce_mean(per)) == pytest.approx(expected, rel=1e-6)
    # (N,) logits and (N, 1) logits mean the same thing
    assert float(G.discriminator_loss(REAL[:, 0], FAKE[:, 0])) == pytest.approx(expected, rel=1e-6)


def test_one_sided_label_smoothing_touches_real_labels_only():
    s = 0.9
    p_real, p_fake = _sigmoid(REAL), _sigmoid(FAKE)
    expected = (np.mean(-(s * np.log(p_real) + (1 - s) * np.log(1 - p_real)))
                + np.mean(-np.log(1 - p_fake)))  # fake targets stay exactly 0
    loss = G.discriminator_loss(REAL, FAKE, real_label=s)
    assert float(loss) == pytest.approx(expected, rel=1e-6)
    # the gradient w.r.t. the fake logits is the same with and without smoothing ...
    fake = tf.constant(FAKE)
    grads = []
    for label in (1.0, s):
        with tf.GradientTape() as tape:
            tape.watch(fake)
            loss = G.discriminator_loss(REAL, fake, real_label=label)
        grads.append(tape.gradient(loss, fake).numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)
    # ... and w.r.t. the real logits it is (sigmoid(l) - 0.9) / N, not (sigmoid(l) - 1) / N
    real = tf.constant(REAL)
    with tf.GradientTape() as tape:
        tape.watch(real)
        loss = G.discriminator_loss(real, FAKE, real_label=s)
    np.testing.assert_allclose(tape.gradient(loss, real).numpy(), (p_real - s) / len(REAL),
                               rtol=1e-5, atol=1e-7)


def test_generator_losses_match_hand_formulas():
    p = _sigmoid(FAKE)
    assert float(G.generator_loss(FAKE)) == pytest.approx(np.mean(-np.log(p)), rel=1e-6)
    assert float(G.generator_loss(FAKE, "non_saturating")) == pytest.approx(
        np.mean(-np.log(p)), rel=1e-6)
    assert float(G.generator_loss(FAKE, "minimax")) == pytest.approx(np.mean(np.log(1 - p)),
                                                                     rel=1e-6)
    assert G.generator_loss(FAKE, "minimax", reduction="none").shape == (4,)
    assert float(G.generator_loss(FAKE, "minimax")) < 0 < float(G.generator_loss(FAKE))


def test_losses_are_numerically_stable():
    huge = np.array([[-200.0], [200.0]], np.float32)
    for value in (G.discriminator_loss(huge, huge), G.generator_loss(huge),
                  G.generator_loss(huge, "minimax")):
        assert np.isfinite(float(value))
    # -log sigmoid(-200) = 200 (a naive log(sigmoid) would give inf)
    assert float(G.generator_loss(np.array([[-200.0]]))) == pytest.approx(200.0, rel=1e-5)
    assert float(G.discriminator_loss(np.array([[-200.0]]), np.array([[-200.0]]))) == \
        pytest.approx(200.0, rel=1e-5)


def test_minimax_gradient_vanishes_where_non_saturating_does_not():
    # D confidently rejects the fakes: D(G(z)) = sigmoid(-10) ~ 4.5e-5
    logits = tf.constant(np.full((8, 1), -10.0, np.float32))
    grads = {}
    for kind in G.GENERATOR_LOSSES:
        with tf.GradientTape() as tape:
            tape.watch(logits)
            loss = G.generator_loss(logits, kind)
        grads[kind] = tape.gradient(loss, logits).numpy()
    n = len(logits)
    # d/dl log(1 - sigmoid(l)) = -sigmoid(l);  d/dl -log sigmoid(l) = -(1 - sigmoid(l))
    np.testing.assert_allclose(grads["minimax"], -_sigmoid(-10.0) / n, rtol=1e-4)
    np.testing.assert_allclose(grads["non_saturating"], -(1 - _sigmoid(-10.0)) / n, rtol=1e-4)
    assert np.abs(grads["minimax"]).max() < 1e-4 * np.abs(grads["non_saturating"]).min()
    # both push the logit up (towards "real"): negative gradients of a loss to minimise
    assert (grads["minimax"] < 0).all() and (grads["non_saturating"] < 0).all()


@pytest.mark.parametrize("call, match", [
    (lambda: G.discriminator_loss(REAL, FAKE, real_label=0.0), "real_label"),
    (lambda: G.discriminator_loss(REAL, FAKE, real_label=1.1), "real_label"),
    (lambda: G.discriminator_loss(REAL, FAKE, reduction="sum"), "reduction"),
    (lambda: G.discriminator_loss(REAL, FAKE[:2], reduction="none"), "as many"),
    (lambda: G.generator_loss(FAKE, "wasserstein"), "kind"),
    (lambda: G.sample_noise(0, 3), "n must"),
    (lambda: G.sample_noise(3, 2, seed=-1), "seed"),
])
def test_bad_arguments_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_sample_noise():
    z = G.sample_noise(2000, 8, seed=5)
    assert z.shape == (2000, 8) and z.dtype == tf.float32
    np.testing.assert_array_equal(z.numpy(), G.sample_noise(2000, 8, seed=5).numpy())
    assert not np.allclose(z.numpy(), G.sample_noise(2000, 8, seed=6).numpy())
    assert abs(float(tf.reduce_mean(z))) < 0.05 and abs(float(tf.math.reduce_std(z)) - 1) < 0.05
    assert G.sample_noise(3, 4).shape == (3, 4)


# --------------------------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------------------------
def _assert_logit_discriminator(d, x):
    out = d(x, training=False)
    assert out.shape == (len(x), 1) and out.dtype == tf.float32
    assert d.layers[-1].activation is keras.activations.linear  # no sigmoid: logits
    # logits are unbounded: with the last layer set to 0 * h - 5 every output is -5
    last = d.get_layer("logit")
    last.kernel.assign(np.zeros(last.kernel.shape, np.float32))
    last.bias.assign([-5.0])
    np.testing.assert_allclose(d(x, training=False).numpy(), -5.0)


def test_dense_builders():
    g = G.build_dense_generator(latent_dim=16, hidden=(32, 64))
    z = G.sample_noise(6, 16, seed=0)
    images = g(100 * z, training=False).numpy()  # saturate the tanh
    assert images.shape == (6, 28, 28, 1) and images.min() >= -1 and images.max() <= 1
    assert np.abs(images).max() > 0.99
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in g.layers)
    leaky = [layer for layer in g.layers if isinstance(layer, keras.layers.LeakyReLU)]
    assert leaky and all(layer.negative_slope == pytest.approx(0.2) for layer in leaky)
    d = G.build_dense_discriminator(hidden=(32,))
    _assert_logit_discriminator(d, images)
    assert G.build_dense_generator().output_shape == (None, 28, 28, 1)


def test_dcgan_builders_shapes_and_layers():
    g = G.build_dcgan_generator(latent_dim=100, base=16)
    assert g.get_layer("reshape").output.shape[1:] == (7, 7, 32)
    assert g.get_layer("up1").output.shape[1:] == (14, 14, 16)
    assert g.output_shape == (None, 28, 28, 1)
    images = g(G.sample_noise(5, 100, seed=1), training=False).numpy()
    assert images.shape == (5, 28, 28, 1) and images.min() >= -1 and images.max() <= 1
    assert isinstance(g.get_layer("up1"), keras.layers.Conv2DTranspose)
    assert g.get_layer("up1").strides == (2, 2) and g.get_layer("up2").strides == (2, 2)
    d = G.build_dcgan_discriminator(base=16)
    _assert_logit_discriminator(d, images)
    kinds = [type(layer).__name__ for layer in d.layers]
    # no batch norm right after the first convolution, batch norm after the second
    assert kinds[1:4] == ["Conv2D", "LeakyReLU", "Conv2D"] and kinds[4] == "BatchNormalization"
    assert not any(isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D))
                   for layer in d.layers)
    assert "BatchNormalization" not in kinds[:4]
    assert G.build_dcgan_discriminator(base=16, batchnorm=False).count_params() < d.count_params()


def test_dcgan_init_std_is_0_02():
    g = G.build_dcgan_generator(base=32)
    d = G.build_dcgan_discriminator(base=32)
    for layer in (g.get_layer("project"), g.get_layer("up1"), d.get_layer("down2")):
        kernel = layer.kernel.numpy()
        assert kernel.size > 30_000
        assert abs(kernel.std() - 0.02) < 0.0005, layer.name
        assert abs(kernel.mean()) < 0.0005, layer.name
    gamma = g.get_layer("up1_bn").gamma.numpy()
    assert abs(gamma.mean() - 1) < 0.01 and 0 < gamma.std() < 0.05


def test_mlp_builders():
    g = G.build_mlp_generator(latent_dim=3, out_dim=2)
    points = g(G.sample_noise(10, 3, seed=0)).numpy()
    assert points.shape == (10, 2)
    d = G.build_mlp_discriminator(in_dim=2)
    assert d(points).shape == (10, 1)
    assert d.layers[-1].activation is keras.activations.linear


def test_builders_validate_sizes():
    with pytest.raises(ValueError, match="hidden"):
        G.build_dense_generator(hidden=())
    with pytest.raises(ValueError, match="base"):
        G.build_dcgan_generator(base=0)


# --------------------------------------------------------------------------------------------
# the GAN model
# --------------------------------------------------------------------------------------------
def _dataset(*arrays, batch_size):
    """In-order batches of ``arrays`` (one array: x; two: (x, z)), without tf.data autotuning
    (deleting an autotuned iterator at the end of fit() waits for the tuner's thread)."""
    ds = tf.data.Dataset.from_tensor_slices(arrays if len(arrays) > 1 else arrays[0])
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.batch(batch_size, drop_remainder=True).with_options(options)


def _small_dcgan(d_steps=1, **compile_kwargs):
    seed_everything(0)
    gan = G.GAN(G.build_dcgan_generator(16, base=8), G.build_dcgan_discriminator(base=8), seed=0)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5),
                d_steps=d_steps, **compile_kwargs)
    return gan


def _values(variables):
    return [v.numpy() for v in variables]


def _changed(before, variables):
    return [not np.array_equal(b, v.numpy()) for b, v in zip(before, variables)]


@pytest.fixture(scope="module")
def real_batch():
    from gancourse.data import load_mnist, prepare_mnist

    return prepare_mnist(load_mnist("train", n=32)[0])


def test_each_phase_updates_only_its_own_network(real_batch):
    gan = _small_dcgan()
    g_vars, d_vars = gan.generator.trainable_variables, gan.discriminator.trainable_variables
    assert g_vars and d_vars and not {id(v) for v in g_vars} & {id(v) for v in d_vars}

    g0, d0 = _values(g_vars), _values(d_vars)
    out = gan.discriminator_step(real_batch)
    assert all(_changed(d0, d_vars)), "every D variable should move in the D phase"
    assert not any(_changed(g0, g_vars)), "the D phase must not touch G"
    assert 0 < float(out["d_real"]) < 1 and 0 < float(out["d_fake"]) < 1

    g1, d1 = _values(g_vars), _values(d_vars)
    out = gan.generator_step(batch_size=32)
    assert all(_changed(g1, g_vars)), "every G variable should move in the G phase"
    assert not any(_changed(d1, d_vars)), "the G phase must not touch D's weights"
    assert np.isfinite(float(out["g_loss"]))
    assert int(gan.d_optimizer.iterations) == 1 and int(gan.g_optimizer.iterations) == 1


def test_train_step_updates_both_and_reports_metrics(real_batch):
    gan = _small_dcgan(d_steps=2)
    g0 = _values(gan.generator.trainable_variables)
    d0 = _values(gan.discriminator.trainable_variables)
    logs = gan.train_step(tf.constant(real_batch))
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(float(v)) for v in logs.values())
    assert 0 < float(logs["d_real"]) < 1 and 0 < float(logs["d_fake"]) < 1
    assert all(_changed(g0, gan.generator.trainable_variables))
    assert all(_changed(d0, gan.discriminator.trainable_variables))
    # k = d_steps discriminator updates per generator update
    assert int(gan.d_optimizer.iterations) == 2 and int(gan.g_optimizer.iterations) == 1


def test_compile_validates():
    gan = G.GAN(G.build_mlp_generator(), G.build_mlp_discriminator())
    opt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="different"):
        gan.compile(opt, opt)
    with pytest.raises(ValueError, match="g_loss_kind"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), g_loss_kind="hinge")
    with pytest.raises(ValueError, match="real_label"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), real_label=0)
    with pytest.raises(RuntimeError, match="compile"):
        gan.generator_step(batch_size=4)
    assert gan.latent_dim == 2


def test_fit_on_the_ring_of_gaussians():
    from gancourse.data import make_dataset, ring_of_gaussians

    seed_everything(0)
    ring = ring_of_gaussians()
    gan = G.GAN(G.build_mlp_generator(), G.build_mlp_discriminator())
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5),
                g_loss_kind="minimax", real_label=0.9)
    history = gan.fit(make_dataset(ring.sample(640, seed=0), 64), epochs=2, verbose=0,
                      shuffle=False).history
    assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(len(v) == 2 and np.isfinite(v).all() for v in history.values())
    assert all(v < 0 for v in history["g_loss"])  # the minimax generator loss is log(1 - D) < 0
    assert int(gan.g_optimizer.iterations) == 20
    assert gan(G.sample_noise(5, 2, seed=0)).shape == (5, 2)  # the GAN called is G
    logs = gan.evaluate(ring.sample(128, seed=1), batch_size=64, verbose=0, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake"}


def test_jit_compile_runs_and_matches_the_plain_step(real_batch):
    # the same batches and the same noise (a (real, z) dataset): XLA must give the same updates
    z = np.random.default_rng(0).standard_normal((len(real_batch), 16)).astype(np.float32)
    weights, history = {}, {}
    for jit in (False, True):
        gan = _small_dcgan(jit_compile=jit)
        assert gan.jit_compile is jit
        history[jit] = gan.fit(_dataset(real_batch, z, batch_size=16), epochs=1, verbose=0,
                               shuffle=False).history
        weights[jit] = _values(gan.generator.weights + gan.discriminator.weights)
    assert np.isfinite(history[True]["d_loss"]).all() and np.isfinite(history[True]["g_loss"]).all()
    for key in history[False]:
        np.testing.assert_allclose(history[False][key], history[True][key], rtol=1e-4)
    for a, b in zip(weights[False], weights[True]):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_mixed_precision_policy_wraps_optimizers_and_trains():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        g, d = G.build_mlp_generator(), G.build_mlp_discriminator()
        gan = G.GAN(g, d)
        gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
        assert g.get_layer("dense0").compute_dtype == "float16"
        assert g.get_layer("dense0").kernel.dtype == "float32"  # float32 master weights
        assert g.output.dtype == "float32" and d.output.dtype == "float32"
        assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
        assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
        from gancourse.data import ring_of_gaussians

        hist = gan.fit(ring_of_gaussians().sample(128, seed=0), batch_size=64, epochs=1,
                       verbose=0).history
        assert np.isfinite(hist["d_loss"]).all() and np.isfinite(hist["g_loss"]).all()
        assert int(gan.g_optimizer.iterations) == 2
        dcgan_g = G.build_dcgan_generator(16, base=8)
        assert dcgan_g(G.sample_noise(2, 16, seed=0)).dtype == tf.float32
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_mixed_bfloat16_needs_no_loss_scaling_and_trains(real_batch):
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        gan = _small_dcgan()
        assert gan.generator.get_layer("up1").compute_dtype == "bfloat16"
        assert not isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
        hist = gan.fit(real_batch, batch_size=16, epochs=1, verbose=0).history
        assert np.isfinite(hist["d_loss"]).all() and np.isfinite(hist["g_loss"]).all()
        assert gan.generator(G.sample_noise(2, 16, seed=0)).dtype == tf.float32
    finally:
        keras.mixed_precision.set_global_policy("float32")


# --------------------------------------------------------------------------------------------
# callbacks and evaluation
# --------------------------------------------------------------------------------------------
# A few training steps give near-constant features: the FID warns that it regularised them.
@pytest.mark.filterwarnings("ignore:sigma1 @ sigma2:UserWarning")
def test_sample_grid_checkpoint_and_evaluation(tmp_path, real_batch):
    gan = _small_dcgan()
    noise = G.sample_noise(16, 16, seed=0)
    grid = G.SampleGrid(noise, every=1, out_dir=tmp_path / "grids")
    ckpt = G.GeneratorCheckpoint(str(tmp_path / "ckpt" / "g-{epoch:02d}.weights.h5"), every=2)
    gan.fit(real_batch, batch_size=16, epochs=2, verbose=0, callbacks=[grid, ckpt])
    assert grid.epochs == [1, 2] and len(grid.grids) == 2 and len(grid.figures) == 2
    assert grid.grids[0].shape == (16, 28, 28, 1)
    assert not np.allclose(grid.grids[0], grid.grids[1])  # same noise, trained generator
    assert sorted(p.name for p in (tmp_path / "grids").iterdir()) == [
        "samples_epoch0001.png", "samples_epoch0002.png"]
    assert ckpt.saved == [str(tmp_path / "ckpt" / "g-02.weights.h5")]
    again = G.build_dcgan_generator(16, base=8)
    again.load_weights(ckpt.saved[0])
    np.testing.assert_allclose(G.generate(again, noise), grid.grids[-1], atol=1e-6)

    from gancourse.data import load_mnist

    real = load_mnist("test", n=200)[0]
    result = G.evaluate_generator(gan.generator, 200, real)
    assert set(result) == {"fid", "precision", "recall", "density", "coverage", "n_fake",
                           "n_real"}
    assert result["fid"] > 0 and 0 <= result["precision"] <= 1 and 0 <= result["recall"] <= 1
    assert result["n_fake"] == result["n_real"] == 200
    assert G.evaluate_generator(gan.generator, 200, real) == result  # fixed noise seed


def test_tensorboard_logs_the_gan_metrics(tmp_path, real_batch):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    gan = _small_dcgan()
    gan.fit(real_batch, batch_size=16, epochs=2, verbose=0,
            callbacks=[keras.callbacks.TensorBoard(str(tmp_path / "tb"))])
    events = EventAccumulator(str(tmp_path / "tb" / "train")).Reload()
    tags = set(events.Tags()["tensors"]) | set(events.Tags()["scalars"])
    assert {"epoch_d_loss", "epoch_g_loss", "epoch_d_real", "epoch_d_fake"} <= tags
    steps = [e.step for e in events.Tensors("epoch_g_loss")] or \
        [e.step for e in events.Scalars("epoch_g_loss")]
    assert steps == [0, 1]


@pytest.mark.filterwarnings("ignore:sigma1 @ sigma2:UserWarning")
def test_fid_callback(real_batch):
    from gancourse.data import load_mnist

    gan = _small_dcgan()
    fid = G.FIDCallback(load_mnist("test", n=150)[0], n=150, every=1)
    history = gan.fit(real_batch, batch_size=16, epochs=1, verbose=0, callbacks=[fid]).history
    assert len(fid.history) == 1 and fid.history[0]["epoch"] == 1
    assert np.isfinite(fid.history[0]["fid"])
    assert history["fid"] == [fid.history[0]["fid"]]


# --------------------------------------------------------------------------------------------
# subprocesses: determinism, distribution, CLI
# --------------------------------------------------------------------------------------------
def test_deterministic_ops_give_identical_weights(determinism_runs):
    hashes = [line for proc in determinism_runs for line in _finish(proc).splitlines()
              if line.startswith("HASH ")]
    assert len(hashes) == 2 and hashes[0] == hashes[1]


@pytest.fixture(scope="module")
def distributed(distributed_run):
    out = _finish(distributed_run)
    return json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])


def test_mirrored_strategy_matches_single_device(distributed):
    assert distributed["replicas"] == 2
    assert distributed["mlp_moved"] > 1e-3  # the runs trained (the comparison means something)
    assert distributed["mlp_weight_diff"] < 1e-5
    single, mirrored = distributed["mlp_history"]
    for key in single:  # metrics are averaged over the global batch, not summed over replicas
        np.testing.assert_allclose(single[key], mirrored[key], rtol=1e-5)


def test_mirrored_dcgan_needs_synchronized_batch_norm(distributed):
    assert distributed["dcgan_syncTrue_weight_diff"] < 1e-5
    # without synchronisation each replica normalises with half the batch: different updates
    assert distributed["dcgan_syncFalse_weight_diff"] > 1e-4


def test_replicas_draw_different_noise(distributed):
    assert distributed["replica_noise_equal"] is False


def test_cli_ci_run_writes_artifacts_and_provenance(cli_run):
    proc, out = cli_run
    _finish(proc)
    from gancourse.train import ARTIFACTS

    for name in ARTIFACTS:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert list((out / "progress").glob("samples_epoch*.png"))
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == 5 and metrics["n_fake"] == 256 and metrics["n_real"] == 256
    assert metrics["fid"] > 0 and 0 <= metrics["precision"] <= 1 and 0 <= metrics["recall"] <= 1
    assert metrics["real_train_digits"]["fid"] < metrics["fid"]
    assert set(metrics["losses"]["summary"]) == {"d_loss", "g_loss", "d_real", "d_fake"}
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["command"] == (f"python -m gancourse.train dcgan --profile ci --steps 5 --out "
                               f"{out} --seed 3 --quiet")
    assert prov["seed"] == 3 and prov["steps"] == 5 and prov["recipe"]["batch_size"] == 64
    assert prov["wall_time_s"] > 0 and prov["options"]["xla"] is False
    assert len(prov["git"]["commit"] or "") == 40 and isinstance(prov["git"]["dirty"], bool)
    hw = prov["hardware"]
    for key in ("cpu", "cpu_count", "gpus", "tensorflow", "keras", "numpy", "python"):
        assert key in hw, key
    # the weights load into the builder the record names
    g = G.build_dcgan_generator(100, base=prov["recipe"]["base"])
    g.load_weights(str(out / "generator.weights.h5"))


def test_gpu_profile_recipe_runs_distributed_in_mixed_precision(gpu_profile_run):
    proc, out = gpu_profile_run
    _finish(proc, timeout=400)
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["options"]["replicas"] == 2 and prov["options"]["distribute"] is True
    assert prov["options"]["strategy"] == "MirroredStrategy"
    assert prov["options"]["dtype_policy"] == "mixed_bfloat16" and prov["options"]["xla"] is False
    assert prov["recipe"]["batch_size"] == 128 and prov["recipe"]["real_label"] == 0.9
    assert prov["steps"] == 3 and prov["profile"]["name"] == "gpu"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_fake"] == 10_000 and np.isfinite(metrics["fid"])
    g = G.build_dense_generator(100)  # float32 weights: loadable without the policy
    g.load_weights(str(out / "generator.weights.h5"))


def test_cli_refuses_to_overwrite(tmp_path):
    from gancourse import train

    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(SystemExit, match="--force"):
        train.main(["dcgan", "--profile", "ci", "--out", str(tmp_path)])
    assert train.default_out("dcgan", "laptop") == REPO / "build" / "results" / "dcgan-laptop"
    with pytest.raises(ValueError, match="model"):
        train.recipe("wgan", train.get_profile("ci"))


# --------------------------------------------------------------------------------------------
# weights files (assignment submissions)
# --------------------------------------------------------------------------------------------
def _tiny(width=3):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(width),
                             keras.layers.BatchNormalization(), keras.layers.Dense(2)])


def test_weights_npz_roundtrip_includes_batchnorm_statistics(tmp_path):
    a = _tiny()
    a.set_weights([np.full(w.shape, i + 0.5, np.float32) for i, w in enumerate(a.get_weights())])
    path = G.save_weights_npz(a, tmp_path / "sub" / "g")
    assert path == tmp_path / "sub" / "g.npz" and path.is_file()
    assert len(G.read_weights_npz(path)) == 8  # kernel, bias, gamma, beta, mean, var, kernel, bias
    b = G.load_weights_npz(_tiny(), path)
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(u, v)
    assert not list(tmp_path.glob("sub/*partial*"))


def test_weights_npz_never_overwrites_by_accident(tmp_path):
    path = G.save_weights_npz(_tiny(), tmp_path / "g.npz")
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=True"):
        G.save_weights_npz(_tiny(), path)
    assert path.read_bytes() == before
    G.save_weights_npz(_tiny(), path, overwrite=True)


def test_weights_npz_rejects_other_architectures_and_bad_files(tmp_path):
    path = G.save_weights_npz(_tiny(), tmp_path / "g.npz")
    with pytest.raises(G.WeightsFileError, match="shape"):
        G.load_weights_npz(_tiny(width=5), path)
    fewer = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
    with pytest.raises(G.WeightsFileError, match="8 arrays but .* 4 variables"):
        G.load_weights_npz(fewer, path)
    with pytest.raises(G.WeightsFileError, match="not found"):
        G.load_weights_npz(_tiny(), tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    with pytest.raises(G.WeightsFileError, match="not a readable"):
        G.read_weights_npz(tmp_path / "junk.npz")
    np.savez(tmp_path / "foreign.npz", kernel=np.zeros(3))
    with pytest.raises(G.WeightsFileError, match="save_weights_npz"):
        G.read_weights_npz(tmp_path / "foreign.npz")
    np.savez(tmp_path / "nan.npz", w000=np.array([np.nan], np.float32))
    with pytest.raises(G.WeightsFileError, match="NaN"):
        G.read_weights_npz(tmp_path / "nan.npz")
    np.savez(tmp_path / "obj.npz", w000=np.array([{"a": 1}], dtype=object))
    with pytest.raises(G.WeightsFileError):
        G.read_weights_npz(tmp_path / "obj.npz")  # pickled objects are never loaded


# --------------------------------------------------------------------------------------------
# objectives beyond the cross-entropy and stabilisation options (gancourse.objectives/stabilize)
# --------------------------------------------------------------------------------------------
def _toy_gan(seed=0, *, gan_seed=0, **compile_kwargs):
    """A small 2-D GAN (mlp generator, critic without batch norm), Adam(1e-3, 0.5, 0.9);
    ``seed`` initialises the weights, ``gan_seed`` the draws inside the steps."""
    from gancourse.stabilize import build_mlp_critic

    seed_everything(seed)
    gan = G.GAN(G.build_mlp_generator(hidden=(16, 16)), build_mlp_critic(hidden=(16, 16)),
                seed=gan_seed)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
                keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9), **compile_kwargs)
    return gan


@pytest.fixture(scope="module")
def ring_batch():
    from gancourse.data import ring_of_gaussians

    return ring_of_gaussians().sample(32, seed=3)


def test_wgan_gp_critic_step_equals_a_hand_written_tape(ring_batch):
    from gancourse.stabilize import build_mlp_critic

    gan = _toy_gan(objective="wgan", gp_weight=10.0, d_steps=5)
    # an independent copy of the critic and the optimizer, updated by hand
    critic = build_mlp_critic(hidden=(16, 16))
    critic.set_weights(gan.discriminator.get_weights())
    opt = keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9)
    rng = np.random.default_rng(4)
    z = rng.standard_normal((32, 2)).astype(np.float32)
    alpha = rng.uniform(size=32).astype(np.float32)
    fake = gan.generator(z, training=True)
    g_before = _values(gan.generator.trainable_variables)

    out = gan.discriminator_step(tf.constant(ring_batch), tf.constant(z), alpha=alpha)

    x_hat = tf.constant(alpha[:, None] * ring_batch + (1 - alpha[:, None]) * fake.numpy())
    with tf.GradientTape() as tape:
        real_scores, fake_scores = critic(ring_batch), critic(fake)
        critic_loss = tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores)
        with tf.GradientTape() as inner:
            inner.watch(x_hat)
            scores = critic(x_hat)
        grads = inner.gradient(scores, x_hat)
        penalty = 10.0 * tf.reduce_mean(tf.square(tf.norm(grads, axis=1) - 1.0))
        loss = critic_loss + penalty
    opt.apply_gradients(zip(tape.gradient(loss, critic.trainable_variables),
                            critic.trainable_variables))
    assert float(out["d_loss"]) == pytest.approx(float(loss), rel=1e-5)
    assert float(out["gp"]) == pytest.approx(float(penalty), rel=1e-5)
    # d_real/d_fake: the critic's mean raw scores (no sigmoid); their difference estimates W1
    assert float(out["d_real"]) == pytest.approx(float(tf.reduce_mean(real_scores)), rel=1e-5)
    assert float(out["d_fake"]) == pytest.approx(float(tf.reduce_mean(fake_scores)), rel=1e-5)
    for a, b in zip(_values(gan.discriminator.trainable_variables), critic.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    assert not any(_changed(g_before, gan.generator.trainable_variables))


def test_gradient_penalty_weights_come_from_the_gan_seed(ring_batch):
    z = np.random.default_rng(3).standard_normal((32, 2)).astype(np.float32)
    results = []
    for seed in (5, 5, 6):
        gan = _toy_gan(gan_seed=seed, objective="wgan", gp_weight=10.0)
        # the same networks and noise: only the interpolation weights can differ
        results.append(float(gan.discriminator_step(tf.constant(ring_batch), z)["gp"]))
    assert results[0] == results[1] and results[0] != results[2]


@pytest.mark.parametrize("objective", ["lsgan", "hinge"])
def test_other_objectives_train_and_report_raw_scores(objective, ring_batch):
    from gancourse import objectives as O

    gan = _toy_gan(objective=objective)
    z = np.random.default_rng(0).standard_normal((32, 2)).astype(np.float32)
    real_scores = gan.discriminator(ring_batch).numpy()
    fake_scores = gan.discriminator(gan.generator(z)).numpy()
    out = gan.discriminator_step(tf.constant(ring_batch), tf.constant(z))
    expected = O.discriminator_objective(objective, real_scores, fake_scores)
    assert float(out["d_loss"]) == pytest.approx(float(expected), rel=1e-5)
    assert float(out["d_real"]) == pytest.approx(real_scores.mean(), rel=1e-5, abs=1e-6)
    assert float(out["d_fake"]) == pytest.approx(fake_scores.mean(), rel=1e-5, abs=1e-6)
    logs = gan.train_step(tf.constant(ring_batch))
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(float(v)) for v in logs.values())


def test_wgan_gp_moves_samples_to_the_ring():
    from scipy.optimize import linear_sum_assignment
    from scipy.spatial.distance import cdist

    from gancourse.data import make_dataset, ring_of_gaussians
    from gancourse.stabilize import build_mlp_critic

    def w1(a, b):  # exact W1 between two empirical distributions of equal size (optimal matching)
        cost = cdist(a, b)
        rows, cols = linear_sum_assignment(cost)
        return cost[rows, cols].mean()

    ring = ring_of_gaussians()
    real = ring.sample(500, seed=5)
    seed_everything(0)
    g = G.build_mlp_generator(hidden=(64, 64))
    gan = G.GAN(g, build_mlp_critic(hidden=(64, 64)), seed=0)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
                keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
                objective="wgan", gp_weight=10.0, d_steps=5)
    before = G.generate(g, 500, seed=9)
    steps = 500
    # one fresh real batch of 256 per critic update: 5 * 256 rows per training step
    history = gan.fit(make_dataset(ring.sample(gan.examples_per_step(256) * steps, seed=0),
                                   gan.examples_per_step(256)), epochs=1, verbose=0).history
    after = G.generate(g, 500, seed=9)
    assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake", "gp"}
    assert int(gan.d_optimizer.iterations) == 5 * steps
    radius = lambda p: np.abs(np.linalg.norm(p, axis=1) - 2.0).mean()  # noqa: E731
    assert radius(after) < 0.6 * radius(before), (radius(before), radius(after))
    assert w1(real, after) < 0.7 * w1(real, before), (w1(real, before), w1(real, after))


def test_each_critic_update_gets_its_own_real_batch(ring_batch):
    """Gulrajani et al. 2017, Algorithm 1: with d_steps = k, a training step splits its batch into
    k real batches, one per critic update (never one batch reused), then updates G once."""
    k, b = 4, 8
    assert _toy_gan(d_steps=k).examples_per_step(b) == k * b
    rng = np.random.default_rng(7)
    noise = rng.standard_normal((k * b, 2)).astype(np.float32)
    real = np.concatenate([ring_batch, ring_batch[::-1]])  # 64 rows: no two quarters alike
    real = real[:k * b] + rng.normal(0, 0.1, (k * b, 2)).astype(np.float32)
    stepped, by_hand = _toy_gan(d_steps=k, objective="wgan"), _toy_gan(d_steps=k, objective="wgan")
    stepped.train_step((tf.constant(real), tf.constant(noise)))
    for i in range(k):
        by_hand.discriminator_step(tf.constant(real[i * b:(i + 1) * b]),
                                   tf.constant(noise[i * b:(i + 1) * b]))
    by_hand.generator_step(tf.constant(noise[-b:]))
    for a, h in zip(stepped.get_weights(), by_hand.get_weights(), strict=True):
        np.testing.assert_allclose(a, h, rtol=1e-6, atol=1e-7)
    # the old behaviour (the whole batch, or its first part, reused k times) differs
    reused = _toy_gan(d_steps=k, objective="wgan")
    for _ in range(k):
        reused.discriminator_step(tf.constant(real[:b]), tf.constant(noise[:b]))
    assert not np.allclose(reused.discriminator.get_weights()[0],
                           stepped.discriminator.get_weights()[0])
    assert int(stepped.d_optimizer.iterations) == k and int(stepped.g_optimizer.iterations) == 1
    with pytest.raises(ValueError, match="examples_per_step"):
        _toy_gan(d_steps=3).train_step(tf.constant(ring_batch[:10]))


def test_clip_value_keeps_critic_weights_in_range(ring_batch):
    gan = _toy_gan(objective="wgan", clip_value=0.01, d_steps=2)
    assert max(np.abs(w).max() for w in _values(gan.discriminator.trainable_variables)) > 0.1
    gan.train_step(tf.constant(ring_batch))
    for w in _values(gan.discriminator.trainable_variables):
        assert np.abs(w).max() <= 0.01 + 1e-9
    assert max(np.abs(w).max() for w in _values(gan.discriminator.trainable_variables)) == \
        pytest.approx(0.01)
    # the generator is not clipped
    assert max(np.abs(w).max() for w in _values(gan.generator.trainable_variables)) > 0.1


def test_feature_matching_generator_step_changes_only_g(ring_batch):
    from gancourse.stabilize import feature_extractor, feature_matching_loss

    gan = _toy_gan(feature_matching="lrelu1")
    z = np.random.default_rng(1).standard_normal((32, 2)).astype(np.float32)
    features = feature_extractor(gan.discriminator, "lrelu1")
    expected = feature_matching_loss(features(ring_batch), features(gan.generator(z)))
    g0, d0 = _values(gan.generator.trainable_variables), _values(gan.discriminator.weights)
    out = gan.generator_step(tf.constant(z), real=tf.constant(ring_batch))
    assert float(out["g_loss"]) == pytest.approx(float(expected), rel=1e-5)
    assert all(_changed(g0, gan.generator.trainable_variables))
    assert not any(_changed(d0, gan.discriminator.weights))
    with pytest.raises(ValueError, match="real batch"):
        gan.generator_step(batch_size=4)
    logs = gan.train_step(tf.constant(ring_batch))
    assert np.isfinite(float(logs["g_loss"])) and float(logs["g_loss"]) >= 0
    assert len(gan.layers) == 2  # the feature extractor is not tracked as a third sub-model


def test_historical_averaging_tracks_the_mean_of_past_weights(ring_batch):
    gan = _toy_gan(historical_weight=0.5)
    snapshots = {"d": [_values(gan.discriminator.trainable_variables)],
                 "g": [_values(gan.generator.trainable_variables)]}
    for _ in range(3):
        gan.train_step(tf.constant(ring_batch))
        snapshots["d"].append(_values(gan.discriminator.trainable_variables))
        snapshots["g"].append(_values(gan.generator.trainable_variables))
    for key, history in (("d", gan.d_history), ("g", gan.g_history)):
        assert history.t == 4
        for k, avg in enumerate(history.averages):
            mean = np.mean([s[k] for s in snapshots[key]], axis=0)
            np.testing.assert_allclose(avg.numpy(), mean, rtol=1e-5, atol=1e-6)
    # the penalty is part of the reported loss: d_loss = objective + 0.5 * penalty
    z = np.zeros((32, 2), np.float32)
    penalty = 0.5 * float(gan.d_history.penalty())
    assert penalty > 0
    plain = _toy_gan()
    plain.set_weights(gan.get_weights())  # same networks without the option
    assert float(gan.discriminator_step(tf.constant(ring_batch), z)["d_loss"]) == pytest.approx(
        float(plain.discriminator_step(tf.constant(ring_batch), z)["d_loss"]) + penalty,
        rel=1e-5)


def test_evaluate_reports_the_gradient_penalty(ring_batch):
    gan = _toy_gan(objective="wgan", gp_weight=10.0)
    logs = gan.evaluate(ring_batch, batch_size=16, verbose=0, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake", "gp"}
    assert logs["gp"] > 0
    # without the penalty d_loss is the critic loss alone, and there is no gp metric
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), objective="wgan")
    logs = gan.evaluate(ring_batch, batch_size=16, verbose=0, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert logs["d_loss"] == pytest.approx(logs["d_fake"] - logs["d_real"], rel=1e-5, abs=1e-6)


def test_wgan_gp_under_xla_matches_the_plain_step(ring_batch):
    # second-order gradients compile with XLA; the same inputs give the same update
    rng = np.random.default_rng(2)
    z = tf.constant(rng.standard_normal((32, 2)).astype(np.float32))
    alpha = tf.constant(rng.uniform(size=32).astype(np.float32))
    plain, xla = (_toy_gan(objective="wgan", gp_weight=10.0) for _ in range(2))
    out_plain = plain.discriminator_step(tf.constant(ring_batch), z, alpha=alpha)
    out_xla = tf.function(xla.discriminator_step, jit_compile=True)(tf.constant(ring_batch), z,
                                                                    alpha)
    for key in out_plain:
        assert float(out_xla[key]) == pytest.approx(float(out_plain[key]), rel=1e-4), key
    for a, b in zip(_values(plain.discriminator.weights), _values(xla.discriminator.weights)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(objective="wasserstein"), ValueError, "objective"),
    (dict(objective="wgan", g_loss_kind="minimax"), ValueError, "g_loss_kind"),
    (dict(objective="hinge", real_label=0.9), ValueError, "real_label"),
    (dict(gp_weight=-1.0), ValueError, "gp_weight"),
    (dict(gp_weight=float("nan")), ValueError, "gp_weight"),
    (dict(clip_value=0), ValueError, "clip_value"),
    (dict(clip_value=-0.01), ValueError, "clip_value"),
    (dict(historical_weight=-0.1), ValueError, "historical_weight"),
    (dict(feature_matching="nope"), ValueError, "no layer 'nope'"),
])
def test_compile_validates_stabilisation_options(kwargs, exc, match):
    gan = G.GAN(G.build_mlp_generator(), G.build_mlp_discriminator())
    with pytest.raises(exc, match=match):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), **kwargs)


def test_gradient_penalty_refuses_a_batch_norm_critic():
    from gancourse.stabilize import build_dcgan_critic

    gan = G.GAN(G.build_dcgan_generator(16, base=8), build_dcgan_critic(base=8))
    with pytest.raises(ValueError, match="batch norm"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), objective="wgan",
                    gp_weight=10.0)
    gan = G.GAN(G.build_dcgan_generator(16, base=8), build_dcgan_critic(base=8, norm="layer"))
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), objective="wgan",
                gp_weight=10.0)
    assert gan.gp_weight == 10.0
