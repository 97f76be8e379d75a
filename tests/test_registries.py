"""The extension points a new variant uses: the objective registry, the recipe registry, the
model base (``AdversarialModel``, ``average_loss``) and the public argument checks."""
from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from gancourse import checks
from gancourse.losses import adversarial
from gancourse.models import GAN, AdversarialModel
from gancourse.models.base import average_loss
from gancourse.nets import build_mlp_discriminator, build_mlp_generator
from gancourse.profiles import get_profile
from gancourse.recipes import MODELS, RECIPES, recipe


def lsgan_symmetric_d(real, fake, reduction="mean"):
    """LSGAN with the a-b-c coding -1, 1, 0 (Mao et al. 2017, arXiv:1611.04076, eq. 9)."""
    real = tf.reshape(tf.cast(real, tf.float32), [-1])
    fake = tf.reshape(tf.cast(fake, tf.float32), [-1])
    per_example = 0.5 * tf.square(real - 1.0) + 0.5 * tf.square(fake + 1.0)
    return per_example if reduction == "none" else tf.reduce_mean(per_example)


def lsgan_symmetric_g(fake, reduction="mean"):
    per_example = 0.5 * tf.square(tf.reshape(tf.cast(fake, tf.float32), [-1]))
    return per_example if reduction == "none" else tf.reduce_mean(per_example)


@pytest.fixture
def symmetric_lsgan():
    """A new objective, registered for one test and removed after it."""
    obj = adversarial.Objective("lsgan_symmetric", lsgan_symmetric_d,
                                {"non_saturating": lsgan_symmetric_g})
    adversarial.register_objective(obj)
    yield obj
    del adversarial.OBJECTIVE_REGISTRY[obj.name]


def test_the_four_objectives_are_registered_in_order():
    assert tuple(adversarial.OBJECTIVE_REGISTRY) == ("bce", "lsgan", "hinge", "wgan")
    assert adversarial.get_objective("bce").probabilities
    assert not adversarial.get_objective("wgan").probabilities
    with pytest.raises(ValueError, match="objective must be one of"):
        adversarial.get_objective("non-saturating")


def test_a_registered_objective_trains_a_gan_without_touching_the_model(symmetric_lsgan):
    keras.utils.set_random_seed(0)
    g, d = build_mlp_generator(2, 2, (16,)), build_mlp_discriminator(2, (16,))
    model = GAN(g, d, seed=0)
    model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3),
                  objective="lsgan_symmetric")
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    logs = model.fit(x, batch_size=32, epochs=1, verbose=0).history
    assert np.isfinite(logs["d_loss"][0]) and np.isfinite(logs["g_loss"][0])
    # reports the mean raw scores, not probabilities (probabilities=False)
    scores = d(x, training=False).numpy()
    assert model.d_output(scores).numpy() == pytest.approx(scores.mean(), rel=1e-5)
    with pytest.raises(ValueError, match="real_label"):
        model.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), objective="lsgan_symmetric",
                      real_label=0.9)


def test_the_registry_refuses_a_second_name_and_a_missing_default(symmetric_lsgan):
    with pytest.raises(ValueError, match="already registered"):
        adversarial.register_objective(symmetric_lsgan)
    with pytest.raises(ValueError, match="non_saturating"):
        adversarial.register_objective(adversarial.Objective(
            "other", adversarial.hinge_discriminator_loss,
            {"minimax": adversarial.hinge_generator_loss}))


def test_recipes_registry_keeps_the_reference_recipes():
    assert tuple(MODELS) == tuple(RECIPES) == ("dcgan", "vanilla")
    laptop, ci = get_profile("laptop"), get_profile("ci")
    assert recipe("dcgan", laptop).steps == 3000 and recipe("dcgan", ci).base == 64
    assert recipe("vanilla", ci).real_label == 0.9 and recipe("vanilla", ci).base is None
    assert recipe("dcgan", ci, steps=7).steps == 7
    g, d = recipe("dcgan", ci).build()
    assert g.output_shape == (None, 28, 28, 1) and d.output_shape == (None, 1)
    assert "build_dcgan_generator(latent_dim=100, base=64)" in recipe("dcgan", ci).builders()[
        "generator"]
    with pytest.raises(ValueError, match="model must be one of"):
        recipe("wgan", ci)


def test_average_loss_divides_per_example_losses_by_the_global_batch():
    per_example = tf.constant([1.0, 2.0, 3.0, 6.0])
    loss, report = average_loss(per_example, [tf.constant(0.5)])
    assert float(loss) == pytest.approx(3.5) and float(report) == pytest.approx(3.5)
    loss, report = average_loss(None, [tf.constant(2.0), tf.constant(1.0)])
    assert float(loss) == float(report) == 3.0


class OnePlayer(AdversarialModel):
    """The smallest model a variant could write: one network pulled towards zero output."""

    def __init__(self, net, **kwargs):
        super().__init__(**kwargs)
        self.net, self.latent_dim = net, 3
        self.add_tracker("loss")

    def compile(self, optimizer, **kwargs):
        super().compile(optimizer=None, **kwargs)
        self.opt = self.prepare_optimizer(optimizer, "ls", self.net.trainable_variables)

    def train_step(self, data):
        z = self.noise(tf.shape(data)[0])

        def loss():
            per_example = tf.reduce_sum(tf.square(self.net(z, training=True)), axis=1)
            return average_loss(per_example)

        return self.track(loss=self.minimize(self.opt, self.net.trainable_variables, loss))


def test_the_base_gives_a_new_model_optimizers_noise_minimize_and_metrics():
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model = OnePlayer(net, seed=1)
    model.compile(keras.optimizers.SGD(0.1))
    hist = model.fit(np.zeros((64, 1), "float32"), batch_size=16, epochs=3, verbose=0).history
    assert [m.name for m in model.metrics] == ["loss"]
    assert hist["loss"][-1] < hist["loss"][0]
    a, b = model.noise(4), model.noise(4)
    assert a.shape == (4, 3) and not np.allclose(a, b)  # a fresh draw each time


@pytest.mark.parametrize("check, value, message", [
    (lambda v: checks.positive_int(v, "n"), True, "n must be a positive int"),
    (lambda v: checks.positive_int(v, "n"), 0, "n must be a positive int"),
    (lambda v: checks.int_at_least(v, "k", 2), 1, "k must be an int >= 2"),
    (lambda v: checks.positive_float(v, "lr"), float("nan"), "lr must be a positive finite"),
    (lambda v: checks.non_negative_float(v, "w"), -1e-9, "w must be a finite number >= 0"),
    (lambda v: checks.positive_sizes(v, "hidden"), (), "non-empty sequence"),
    (lambda v: checks.one_of(v, ("a", "b"), "norm"), "c", "norm must be one of"),
    (lambda v: checks.finite_floats(v, "x"), [1.0, np.inf], "NaN or infinite"),
])
def test_checks_name_the_argument_and_what_it_got(check, value, message):
    with pytest.raises(ValueError, match=message):
        check(value)


def test_checks_return_plain_python_values():
    assert checks.positive_int(np.int64(3), "n") == 3 and type(checks.positive_int(np.int64(3),
                                                                                  "n")) is int
    assert checks.non_negative_float(0, "w") == 0.0
    assert checks.positive_sizes([np.int32(2), 3], "s") == (2, 3)
