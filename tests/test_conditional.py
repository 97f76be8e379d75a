"""Conditional GANs: the networks (gancourse.nets.conditional), the class loss and the projection
formula (gancourse.losses.conditional), the model (gancourse.models.conditional), the labelled
toy data (gancourse.conditional_data) and the class-conditional metrics
(gancourse.conditional_eval).  Each formula is checked against an independent NumPy or SciPy
computation; training is checked on the 2-D labelled ring, whose classes are known exactly."""
from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.spatial.distance import jensenshannon
from scipy.special import log_softmax

from gancourse import seed_everything
from gancourse.conditional_data import LabelledMixture2D, labelled_ring
from gancourse.conditional_eval import (
    conditional_accuracy,
    generate_classes,
    intra_class_diversity,
    per_class_fid,
)
from gancourse.data import GaussianMixture2D, load_mnist, make_dataset, prepare_mnist
from gancourse.divergences import js_divergence
from gancourse.games import gan_value, optimal_discriminator
from gancourse.losses.conditional import class_accuracy, class_loss, projection_scores
from gancourse.models.conditional import ConditionalGAN
from gancourse.nets import conditional as C

LABELS = np.array([3, 0, 7, 7, 1], dtype=np.int32)


def _noise(n: int, dim: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


# --------------------------------------------------------------------------------------------
# networks
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("conditioning", C.GENERATOR_CONDITIONING)
def test_generator_maps_noise_and_class_to_a_digit_and_the_class_matters(conditioning):
    g = C.build_conditional_generator(8, 10, base=4, conditioning=conditioning)
    z = np.repeat(_noise(1, 8), len(LABELS), axis=0)  # the same z for every label
    out = np.asarray(g([z, LABELS], training=False))
    assert out.shape == (5, 28, 28, 1) and np.abs(out).max() <= 1.0
    assert np.allclose(out[2], out[3])  # same z, same label: same image
    assert not np.allclose(out[0], out[1], atol=1e-6)  # same z, other label: another image


def test_concat_discriminator_stacks_the_tiled_one_hot_on_the_image():
    d = C.build_conditional_discriminator(10, base=4, conditioning="concat")
    assert d.output.shape[1:] == (1,)
    stacked = keras.Model(d.inputs, d.get_layer("image_and_label").output)
    x = np.random.default_rng(1).uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32)
    planes = np.asarray(stacked([x, LABELS]))
    assert planes.shape == (5, 28, 28, 11)
    assert np.array_equal(planes[..., 0], x[..., 0])
    expected = np.eye(10)[LABELS][:, None, None, :] * np.ones((1, 28, 28, 1))
    assert np.array_equal(planes[..., 1:], expected)


def test_projection_discriminator_computes_psi_plus_the_class_embedding_inner_product():
    d = C.build_conditional_discriminator(10, base=4, conditioning="projection", norm="none")
    rng = np.random.default_rng(2)
    emb = d.get_layer("class_embedding")
    emb.set_weights([rng.standard_normal(emb.get_weights()[0].shape).astype(np.float32)])
    x = rng.uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32)
    phi_psi = d.get_layer("phi_psi")
    features = np.asarray(phi_psi(x)[0], dtype=np.float64)
    w, b = phi_psi.get_layer("logit").get_weights()
    want = projection_scores(features, w, b, emb.get_weights()[0], LABELS)
    got = np.asarray(d([x, LABELS], training=False))[:, 0]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    # the class changes the score only through e_y . phi(x)
    other = np.asarray(d([x, (LABELS + 1) % 10], training=False))[:, 0]
    np.testing.assert_allclose(got - other, np.einsum(
        "nf,nf->n", features, emb.get_weights()[0][LABELS] - emb.get_weights()[0][(LABELS + 1) % 10]),
        rtol=1e-3, atol=1e-3)


def test_acgan_discriminator_has_a_score_and_class_logits_and_never_sees_the_label():
    d = C.build_acgan_discriminator(10, base=4)
    assert len(d.inputs) == 1
    score, logits = d(np.zeros((3, 28, 28, 1), np.float32), training=False)
    assert score.shape == (3, 1) and logits.shape == (3, 10)
    assert score.dtype == tf.float32 and logits.dtype == tf.float32
    d2 = C.build_acgan_mlp_discriminator(3)
    score, logits = d2(np.zeros((4, 2), np.float32))
    assert len(d2.inputs) == 1 and score.shape == (4, 1) and logits.shape == (4, 3)


def test_bad_network_arguments_are_refused():
    with pytest.raises(ValueError, match="conditioning"):
        C.build_conditional_generator(8, 10, conditioning="projection")
    with pytest.raises(ValueError, match="conditioning"):
        C.build_conditional_discriminator(10, conditioning="onehot")
    with pytest.raises(ValueError, match="num_classes"):
        C.build_conditional_generator(8, 1)


# --------------------------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------------------------
def test_class_loss_is_the_softmax_cross_entropy_of_the_true_class():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((5, 10)) * 4
    want = -log_softmax(logits, axis=1)[np.arange(5), LABELS]
    np.testing.assert_allclose(class_loss(logits, LABELS, reduction="none"), want, rtol=1e-5)
    np.testing.assert_allclose(float(class_loss(logits, LABELS)), want.mean(), rtol=1e-5)
    assert float(class_accuracy(logits, LABELS)) == pytest.approx(
        np.mean(logits.argmax(1) == LABELS))
    assert class_loss(logits.astype(np.float16), LABELS).dtype == tf.float32


def test_class_loss_refuses_what_is_not_a_class_index():
    logits = np.zeros((5, 10), np.float32)
    with pytest.raises(ValueError, match="integer"):
        class_loss(logits, LABELS.astype(np.float32))
    with pytest.raises(ValueError, match="labels for"):
        class_loss(logits, LABELS[:4])
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes"):
        class_loss(logits, np.array([0, 1, 2, 3, 10]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="negative"):
        class_loss(logits, np.array([0, 1, 2, 3, -1]))


def test_projection_scores_formula_and_errors():
    phi = np.array([[1.0, 2.0], [0.5, -1.0]])
    w, b = np.array([3.0, 5.0]), 7.0
    emb = np.array([[11.0, 13.0], [17.0, 19.0]])
    y = np.array([1, 0])
    # 1*3 + 2*5 + 7 + 1*17 + 2*19 = 75 ; 0.5*3 - 5 + 7 + 0.5*11 - 13 = -4
    np.testing.assert_allclose(projection_scores(phi, w, b, emb, y), [75.0, -4.0])
    with pytest.raises(ValueError, match="labels must lie"):
        projection_scores(phi, w, b, emb, np.array([2, 0]))
    with pytest.raises(ValueError, match="shapes"):
        projection_scores(phi, w[:1], b, emb, y)


# --------------------------------------------------------------------------------------------
# the conditional game, numerically (lecture "Conditional GANs")
# --------------------------------------------------------------------------------------------
def test_optimal_conditional_discriminator_leaves_the_expected_conditional_js():
    # two classes, each two opposite modes of a 4-mode ring, overlapping (std 0.6): p(x|y) on
    # a grid, normalised (the tails stay resolvable, so D* never rounds to exactly 0 or 1)
    ring = labelled_ring(num_classes=2, modes_per_class=2, std=0.6)
    g = np.linspace(-4, 4, 161)
    pts = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    p = np.stack([np.exp(ring.log_density(pts, y)) for y in (0, 1)])  # p(x|y), unnormalised
    # a generator that puts every class on the other class's modes: right marginal, wrong classes
    q = p[::-1]
    p, q = p / p.sum(1, keepdims=True), q / q.sum(1, keepdims=True)
    value = sum(0.5 * gan_value(optimal_discriminator(p[y], q[y]), p[y], q[y], 1.0)
                for y in (0, 1))
    expected_js = 0.5 * (js_divergence(p[0], q[0]) + js_divergence(p[1], q[1]))
    assert value == pytest.approx(-np.log(4) + 2 * expected_js, abs=1e-9)
    assert expected_js == pytest.approx(
        0.5 * sum(jensenshannon(p[y], q[y]) ** 2 for y in (0, 1)), abs=1e-9)
    assert 0.6 < expected_js < np.log(2)  # the classes overlap a little
    assert js_divergence(p.sum(0) / 2, q.sum(0) / 2) == pytest.approx(0.0, abs=1e-12)


# --------------------------------------------------------------------------------------------
# labelled toy data
# --------------------------------------------------------------------------------------------
def test_labelled_ring_samples_each_class_from_its_own_modes():
    ring = labelled_ring(4, 2, std=0.05)
    assert ring.num_classes == 4 and ring.mixture.n_modes == 8
    assert list(ring.mode_class) == [0, 1, 2, 3, 0, 1, 2, 3]
    x, y = ring.sample(4000, seed=0)
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert np.abs(np.bincount(y) / 4000 - 0.25).max() < 0.03
    assert ring.class_match(x, y).mean() > 0.99
    assert ring.class_match(x, (y + 1) % 4).mean() == 0.0
    np.testing.assert_array_equal(ring.sample(10, seed=3)[0], ring.sample(10, seed=3)[0])


def test_labelled_mixture_refuses_a_missing_class():
    mix = GaussianMixture2D(np.zeros((3, 2)), 1.0)
    with pytest.raises(ValueError, match="every class"):
        LabelledMixture2D(mix, np.array([0, 2, 2]))
    with pytest.raises(ValueError, match="integer"):
        LabelledMixture2D(mix, np.array([0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="class in"):
        labelled_ring(2, 1).class_mixture(2)


# --------------------------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------------------------
def _adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def test_model_refuses_networks_of_the_wrong_kind_and_mixed_up_settings():
    g = C.build_conditional_generator(8, 10, base=4)
    with pytest.raises(ValueError, match="two inputs"):
        ConditionalGAN(keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)]),
                       C.build_acgan_discriminator(10, base=4), 10)
    with pytest.raises(ValueError, match="discriminator must map"):
        ConditionalGAN(g, keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                            keras.layers.Dense(1)]), 10)
    with pytest.raises(ValueError, match="class head"):
        ConditionalGAN(g, C.build_acgan_discriminator(9, base=4), 10)
    m = ConditionalGAN(g, C.build_conditional_discriminator(10, base=4), 10)
    with pytest.raises(ValueError, match="no class head"):
        m.compile(_adam(), _adam(), aux_weight=0.5)
    opt = _adam()
    with pytest.raises(ValueError, match="two different"):
        m.compile(opt, opt)
    with pytest.raises(ValueError, match="applies to the 'bce'"):
        m.compile(_adam(), _adam(), objective="hinge", g_loss_kind="minimax")
    with pytest.raises(RuntimeError, match="compile"):
        m.train_step((np.zeros((2, 28, 28, 1), np.float32), np.zeros(2, np.int32)))


@pytest.mark.parametrize("kind", ["concat", "projection", "acgan"])
def test_a_step_updates_both_players_and_reports(kind):
    seed_everything(0)
    images, labels = load_mnist("train", n=32)
    g = C.build_conditional_generator(8, 10, base=4)
    d = (C.build_acgan_discriminator(10, base=4) if kind == "acgan"
         else C.build_conditional_discriminator(10, base=4, conditioning=kind))
    m = ConditionalGAN(g, d, 10, seed=0)
    m.compile(_adam(), _adam(), objective="hinge" if kind == "projection" else "bce")
    before = [w.numpy().copy() for w in g.trainable_weights + d.trainable_weights]
    hist = m.fit(make_dataset(prepare_mnist(images), 16, labels=labels), epochs=1,
                 verbose=0).history
    keys = {"d_loss", "g_loss", "d_real", "d_fake"} | (
        {"class_loss", "class_acc"} if kind == "acgan" else set())
    assert set(hist) == keys and all(np.isfinite(v).all() for v in hist.values())
    after = [w.numpy() for w in g.trainable_weights + d.trainable_weights]
    n_g = len(g.trainable_weights)
    assert any(not np.allclose(a, b) for a, b in zip(before[:n_g], after[:n_g]))
    assert any(not np.allclose(a, b) for a, b in zip(before[n_g:], after[n_g:]))
    logs = m.evaluate(make_dataset(prepare_mnist(images), 16, labels=labels), verbose=0,
                      return_dict=True)
    assert set(logs) == keys
    with pytest.raises(ValueError, match="labels"):
        m.train_step(tf.zeros((2, 28, 28, 1)))


def test_acgan_losses_add_the_class_cross_entropy_to_both_players():
    seed_everything(0)
    g = C.build_conditional_generator(8, 10, base=4)
    d = C.build_acgan_discriminator(10, base=4)
    m = ConditionalGAN(g, d, 10, seed=0)
    m.compile(_adam(), _adam(), aux_weight=2.0)
    x = prepare_mnist(load_mnist("train", n=5)[0])
    fake = np.asarray(g([_noise(5, 8), LABELS], training=False))
    got = m.discriminator_losses(x, fake, LABELS, training=False)
    (rs, rl), (fs, fl) = d(x, training=False), d(fake, training=False)
    rs, fs = np.asarray(rs, np.float64)[:, 0], np.asarray(fs, np.float64)[:, 0]
    bce = np.logaddexp(0.0, -rs) + np.logaddexp(0.0, fs)  # -log s(r) - log(1 - s(f))
    ce = lambda lg: -log_softmax(np.asarray(lg, np.float64), 1)[np.arange(5), LABELS]  # noqa: E731
    np.testing.assert_allclose(float(got["loss"]), np.mean(bce + 2.0 * (ce(rl) + ce(fl))),
                               rtol=1e-4)
    gl = m.generator_losses(fake, LABELS, training=False)
    np.testing.assert_allclose(float(gl["loss"]),
                               np.mean(np.logaddexp(0.0, -fs) + 2.0 * ce(fl)), rtol=1e-4)


def test_conditional_gan_learns_which_modes_belong_to_which_class():
    """On the labelled ring (4 classes, 2 opposite modes each) a conditional GAN must put the
    samples of each requested class on that class's modes - an exact check."""
    seed_everything(0)
    ring = labelled_ring(4, 2, std=0.05)
    x, y = ring.sample(2048, seed=0)
    m = ConditionalGAN(C.build_conditional_mlp_generator(2, 4),
                       C.build_conditional_mlp_discriminator(4), 4, seed=0)
    m.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    m.fit(make_dataset(x, 128, labels=y), epochs=30, verbose=0)  # 480 steps
    labels = np.repeat(np.arange(4), 250)
    points = np.asarray(m([_noise(1000, 2, seed=1), labels.astype(np.int32)]))
    # nearest mode of the requested class (modes 1.53 apart, so 15 std = 0.75 is "nearest");
    # a generator ignoring y would score 0.25.  Measured (seed 0): 0.93 and 0.88.
    near, close = (ring.class_match(points, labels, within=w).mean() for w in (15.0, 6.0))
    assert near > 0.85
    assert close > 0.6  # and close to it


# --------------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------------
class _Perfect:
    """A 'generator' that returns real test digits of the requested class (duck-typed: an
    ``inputs`` list whose first entry has the noise size, and a call on [z, y])."""

    inputs = [np.zeros((1, 4))]

    def __init__(self, images, labels):
        self.bank = {c: images[labels == c] for c in range(10)}
        self.count = dict.fromkeys(range(10), 0)

    def __call__(self, inputs, training=False):
        out = []
        for c in np.asarray(inputs[1]).tolist():
            out.append(self.bank[c][self.count[c] % len(self.bank[c])])
            self.count[c] += 1
        return np.stack(out)


def test_conditional_accuracy_of_a_perfect_and_a_label_blind_generator():
    images, labels = load_mnist("test")
    x = prepare_mnist(images)
    fake, requested = generate_classes(_Perfect(x, labels), 50, 10)
    assert fake.shape == (500, 28, 28, 1) and list(np.bincount(requested)) == [50] * 10
    assert conditional_accuracy(fake, requested) > 0.97
    shuffled = np.random.default_rng(0).permutation(requested)
    assert conditional_accuracy(fake, shuffled) < 0.2
    with pytest.raises(ValueError, match="requested"):
        conditional_accuracy(fake, requested[:10])


def test_per_class_fid_and_diversity_see_a_wrong_class_and_a_collapsed_one():
    images, labels = load_mnist("test")
    x = prepare_mnist(images)
    half = len(x) // 2
    fids = per_class_fid(x[:half], labels[:half], x[half:], labels[half:])
    wrong = per_class_fid(x[:half], labels[:half], x[half:], (labels[half:] + 1) % 10)
    assert set(fids) == set(range(10))
    assert max(fids.values()) < min(wrong.values())
    div = intra_class_diversity(x, labels)
    collapsed = np.concatenate([np.repeat(x[labels == c][:1], 20, axis=0) for c in range(10)])
    flat = intra_class_diversity(collapsed, np.repeat(np.arange(10), 20))
    assert all(div[c] > 1.0 for c in range(10)) and all(flat[c] < 1e-6 for c in range(10))
    with pytest.raises(ValueError, match="different classes"):
        per_class_fid(x[:half], labels[:half], x[half:][labels[half:] < 5],
                      labels[half:][labels[half:] < 5])


# --------------------------------------------------------------------------------------------
# the reference trainer (python -m gancourse.train_conditional)
# --------------------------------------------------------------------------------------------
def test_reference_trainer_writes_weights_samples_metrics_and_provenance(tmp_path):
    import json

    from gancourse import train_conditional as T

    out = tmp_path / "run"
    assert T.main(["acgan", "--profile", "ci", "--steps", "3", "--out", str(out), "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(T.ARTIFACTS)
    metrics = json.loads((out / "metrics.json").read_text())
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["command"] == ("python -m gancourse.train_conditional acgan --profile ci --steps 3 "
                               f"--out {out} --quiet")
    assert prov["recipe"]["steps"] == 3 and prov["recipe"]["model"] == "acgan"
    assert "build_acgan_discriminator" in prov["builders"]["discriminator"]
    gen, real = metrics["generated"], metrics["real_train_digits"]
    assert gen["n"] == 25 * T.NUM_CLASSES and len(gen["per_class_fid"]) == T.NUM_CLASSES
    assert sorted(gen["class_accuracy_per_class"]) == [str(c) for c in range(T.NUM_CLASSES)]
    # three steps teach nothing: about chance; real digits: the classifier's own accuracy
    assert gen["class_accuracy"] < 0.4 and real["class_accuracy"] > 0.95
    assert gen["fid"] > real["fid"] > 0 and len(metrics["losses"]["d_loss"]) == 1
    # the saved weights rebuild the generator with the recorded builder
    generator, _ = T.recipe("acgan", "ci", 3).build()
    generator.load_weights(str(out / "generator.weights.h5"))
    with pytest.raises(SystemExit, match="already holds files"):
        T.train("acgan", "ci", steps=3, out=out, quiet=True)
    with pytest.raises(ValueError, match="model must be one of"):
        T.recipe("stylegan", "ci")
