"""GAN building blocks: losses on logits, generators and discriminators, a ``keras.Model`` that
trains them, and callbacks for watching and evaluating a run.

Conventions (chosen once, used by every notebook):

* **Labels: real = 1, fake = 0.**  The discriminator D outputs one **logit** per example (no
  sigmoid layer); ``sigmoid(logit)`` is D's probability that the example is real.  Every loss
  here takes logits and uses ``tf.nn.sigmoid_cross_entropy_with_logits``, which is stable for any
  logit (no ``log(0)``).  Never feed these losses probabilities, and never add a sigmoid to a
  discriminator that is trained with them (the ``from_logits`` mismatch of some textbooks).
* **Images** are ``float32`` (N, 28, 28, 1) in [-1, 1] (:func:`gancourse.data.prepare_mnist`);
  image generators end in ``tanh``.
* **Noise** z ~ N(0, I) of shape (N, latent_dim): :func:`sample_noise`.

The losses (Goodfellow et al. 2014, "Generative Adversarial Nets", arXiv:1406.2661), with
``BCE(l, y) = -y log sigmoid(l) - (1 - y) log(1 - sigmoid(l))`` averaged over the batch:

* discriminator: ``BCE(D(x), real_label) + BCE(D(G(z)), 0)`` - the negative of the minimax value
  ``E log D(x) + E log(1 - D(G(z)))`` when ``real_label = 1``.  ``real_label = 0.9`` is
  *one-sided* label smoothing (Salimans et al. 2016, arXiv:1606.03498): only the real targets
  are smoothed, the fake targets stay 0.
* generator, ``kind="minimax"``: ``-BCE(D(G(z)), 0) = E log(1 - D(G(z)))``, the original game.
  Its gradient vanishes when D confidently rejects the fakes (D(G(z)) near 0, early in
  training).
* generator, ``kind="non_saturating"`` (the default, what everybody trains with):
  ``BCE(D(G(z)), 1) = -E log D(G(z))``; same fixed point, strong gradients early on.

:class:`GAN` trains a generator/discriminator pair with ``fit``: it overrides ``train_step``
(``d_steps`` discriminator updates, then one generator update, each with its own
``tf.GradientTape`` and optimizer), so there is no stacked model and nothing to freeze.  It works
with ``jit_compile=True`` (XLA), under ``tf.distribute.MirroredStrategy`` (losses are averaged
over the *global* batch) and with the ``mixed_float16`` (loss scaling included) and
``mixed_bfloat16`` policies.

Watching and evaluating a run:

* :class:`SampleGrid` - images from fixed noise after every ``every`` epochs (kept, shown,
  saved as PNG);
* :func:`evaluate_generator` / :class:`FIDCallback` - classifier-FID, precision and recall
  against real digits through the course's feature network (:mod:`gancourse.features`);
* :class:`GeneratorCheckpoint` - saves the generator's weights (``*.weights.h5``) every epoch.
  ``keras.callbacks.ModelCheckpoint(path, save_weights_only=True)`` also works on a
  :class:`GAN`: it saves generator *and* discriminator weights in one file.
* TensorBoard: ``keras.callbacks.TensorBoard(log_dir)`` logs the ``d_loss``, ``g_loss``,
  ``d_real`` and ``d_fake`` that ``train_step`` returns, like any other Keras metric.  It needs
  the ``tensorboard`` package (pinned by the course environment); open the logs with
  ``tensorboard --logdir <log_dir>`` or the ``%tensorboard`` notebook magic.
"""
from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import layers

__all__ = [
    "discriminator_loss", "generator_loss", "sample_noise", "GENERATOR_LOSSES",
    "build_dense_generator", "build_dense_discriminator",
    "build_dcgan_generator", "build_dcgan_discriminator",
    "build_mlp_generator", "build_mlp_discriminator", "dcgan_init",
    "GAN", "SampleGrid", "FIDCallback", "GeneratorCheckpoint", "evaluate_generator",
    "generate", "save_weights_npz", "read_weights_npz", "load_weights_npz", "WeightsFileError",
]

REAL_LABEL = 1.0  #: target of real examples (the course's convention)
FAKE_LABEL = 0.0  #: target of generated examples
GENERATOR_LOSSES = ("non_saturating", "minimax")
INIT_STD = 0.02  #: DCGAN weight initialisation: N(0, 0.02) (Radford et al. 2015)


# --------------------------------------------------------------------------------------------
# losses (on logits)
# --------------------------------------------------------------------------------------------
def _per_example_bce(logits: Any, label: float) -> tf.Tensor:
    """BCE of every logit against a constant target, averaged over all but the batch axis.

    ``logits`` of shape (N,), (N, 1) or (N, ...) (e.g. a patch discriminator); returns (N,)
    ``float32``.  Computed in float32 even for float16 logits (mixed precision).
    """
    logits = tf.cast(tf.convert_to_tensor(logits), tf.float32)
    if logits.shape.rank == 0:
        raise ValueError("logits must have a batch axis, got a scalar")
    per_entry = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.fill(tf.shape(logits), tf.constant(label, tf.float32)), logits=logits)
    return tf.reduce_mean(tf.reshape(per_entry, [tf.shape(logits)[0], -1]), axis=1)


def _reduce(per_example: tf.Tensor, reduction: str) -> tf.Tensor:
    if reduction == "mean":
        return tf.reduce_mean(per_example)
    if reduction == "none":
        return per_example
    raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")


def _reduce_pair(real: tf.Tensor, fake: tf.Tensor, reduction: str) -> tf.Tensor:
    """``mean(real) + mean(fake)`` (``"mean"``) or per example ``real_i + fake_i`` (``"none"``)."""
    if reduction == "none":
        n_real, n_fake = real.shape[0], fake.shape[0]
        if n_real is not None and n_fake is not None and n_real != n_fake:
            raise ValueError(f"reduction='none' needs as many real as fake examples, got "
                             f"{n_real} and {n_fake}")
        return real + fake
    return _reduce(real, reduction) + _reduce(fake, reduction)


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
            example i + fake loss of example i; needs N == M), e.g. for
            ``tf.nn.compute_average_loss`` under a distribution strategy.

    Returns:
        ``float32`` tensor: scalar or (N,).  Non-negative; with ``real_label < 1`` its minimum
        is the entropy of the smoothed target, not 0.
    """
    if (isinstance(real_label, bool) or not isinstance(real_label, (int, float, np.floating))
            or not 0.0 < float(real_label) <= 1.0):
        raise ValueError(f"real_label must be a number in (0, 1], got {real_label!r}")
    real = _per_example_bce(real_logits, float(real_label))
    fake = _per_example_bce(fake_logits, FAKE_LABEL)
    return _reduce_pair(real, fake, reduction)


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
        per_example = _per_example_bce(fake_logits, REAL_LABEL)
    elif kind == "minimax":
        per_example = -_per_example_bce(fake_logits, FAKE_LABEL)
    else:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    return _reduce(per_example, reduction)


def sample_noise(n: int, dim: int, seed: int | None = None) -> tf.Tensor:
    """Latent vectors z ~ N(0, I): ``float32`` tensor (n, dim).

    With an int ``seed`` the result is a pure function of ``(n, dim, seed)`` (stateless RNG):
    the fixed noise of a sample grid.  ``seed=None`` draws from TensorFlow's global generator
    (seeded by :func:`gancourse.seeding.seed_everything`).
    """
    for name, value in (("n", n), ("dim", dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    shape = (int(n), int(dim))
    if seed is None:
        return tf.random.normal(shape, dtype=tf.float32)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**31:
        raise ValueError(f"seed must be None or an int in [0, 2**31), got {seed!r}")
    return tf.random.stateless_normal(shape, seed=[int(seed), 0], dtype=tf.float32)


# --------------------------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------------------------
def dcgan_init(seed: int | None = None) -> keras.initializers.Initializer:
    """Kernel initializer N(0, 0.02), as in DCGAN (Radford, Metz, Chintala 2015,
    arXiv:1511.06434)."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=INIT_STD, seed=seed)


def _bn(name: str, sync: bool = False) -> layers.BatchNormalization:
    # DCGAN's reference code initialises the BN scale from N(1, 0.02).
    return layers.BatchNormalization(
        gamma_initializer=keras.initializers.RandomNormal(1.0, INIT_STD),
        synchronized=sync, name=name)


def _check_sizes(values: Sequence[int], name: str) -> tuple[int, ...]:
    out = tuple(values)
    if not out or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0
                      for v in out):
        raise ValueError(f"{name} must be a non-empty sequence of positive ints, got {values!r}")
    return tuple(int(v) for v in out)


def _check_positive(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def build_dense_generator(latent_dim: int = 100, hidden: Sequence[int] = (256, 512, 1024),
                          out_shape: Sequence[int] = (28, 28, 1), *,
                          sync_bn: bool = False) -> keras.Model:
    """Fully connected generator: z (N, latent_dim) -> images (N, *out_shape) in [-1, 1].

    ``Dense -> BatchNorm -> LeakyReLU(0.2)`` per hidden size, then ``Dense(prod(out_shape))``,
    reshape and ``tanh`` (the output layer computes in float32 under mixed precision).
    ``sync_bn``: batch statistics over the global batch under a distribution strategy.
    """
    latent_dim = _check_positive(latent_dim, "latent_dim")
    hidden = _check_sizes(hidden, "hidden")
    out_shape = _check_sizes(out_shape, "out_shape")
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, h in enumerate(hidden):
        x = layers.Dense(h, use_bias=False, name=f"dense{i}")(x)
        x = layers.BatchNormalization(synchronized=sync_bn, name=f"bn{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"lrelu{i}")(x)
    x = layers.Dense(math.prod(out_shape), name="dense_out")(x)
    x = layers.Reshape(out_shape, name="reshape")(x)
    out = layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(z, out, name="dense_generator")


def build_dense_discriminator(in_shape: Sequence[int] = (28, 28, 1),
                              hidden: Sequence[int] = (512, 256)) -> keras.Model:
    """Fully connected discriminator: images (N, *in_shape) -> logits (N, 1) (no sigmoid).

    ``Flatten``, then ``Dense -> LeakyReLU(0.2)`` per hidden size, then ``Dense(1)`` in float32.
    """
    in_shape = _check_sizes(in_shape, "in_shape")
    hidden = _check_sizes(hidden, "hidden")
    x_in = keras.Input(in_shape, name="x")
    x = layers.Flatten(name="flatten")(x_in)
    for i, h in enumerate(hidden):
        x = layers.Dense(h, name=f"dense{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"lrelu{i}")(x)
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(x_in, logit, name="dense_discriminator")


def build_dcgan_generator(latent_dim: int = 100, base: int = 64, *,
                          sync_bn: bool = False) -> keras.Model:
    """DCGAN generator for 28x28x1 digits: z (N, latent_dim) -> images (N, 28, 28, 1) in [-1, 1].

    Radford et al. 2015 (arXiv:1511.06434), scaled to MNIST::

        Dense(7*7*2*base) -> BN -> ReLU -> reshape (7, 7, 2*base)
        Conv2DTranspose(base, 4, stride 2)  -> BN -> ReLU            (14, 14, base)
        Conv2DTranspose(1, 4, stride 2) -> tanh (float32)             (28, 28, 1)

    Kernels start from N(0, 0.02) (:func:`dcgan_init`), BN scales from N(1, 0.02).  ``base=64``
    (about 0.8M parameters) trains at a few steps per second on a 2-core CPU.

    Args:
        latent_dim: size of z.
        base: filters of the 14x14 layer (the 7x7 layer has twice as many).
        sync_bn: batch statistics over the *global* batch under a distribution strategy
            (``BatchNormalization(synchronized=True)``); without it every replica normalises
            with its own share of the batch.
    """
    latent_dim = _check_positive(latent_dim, "latent_dim")
    base = _check_positive(base, "base")
    init = dcgan_init()
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(7 * 7 * 2 * base, use_bias=False, kernel_initializer=init, name="project")(z)
    x = _bn("project_bn", sync_bn)(x)
    x = layers.ReLU(name="project_relu")(x)
    x = layers.Reshape((7, 7, 2 * base), name="reshape")(x)
    x = layers.Conv2DTranspose(base, 4, strides=2, padding="same", use_bias=False,
                               kernel_initializer=init, name="up1")(x)
    x = _bn("up1_bn", sync_bn)(x)
    x = layers.ReLU(name="up1_relu")(x)
    x = layers.Conv2DTranspose(1, 4, strides=2, padding="same", kernel_initializer=init,
                               name="up2")(x)
    out = layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(z, out, name="dcgan_generator")


def build_dcgan_discriminator(base: int = 64, in_shape: Sequence[int] = (28, 28, 1), *,
                              batchnorm: bool = True, sync_bn: bool = False) -> keras.Model:
    """DCGAN discriminator: images (N, 28, 28, 1) -> logits (N, 1) (no sigmoid).

    ::

        Conv2D(base, 4, stride 2) -> LeakyReLU(0.2)                    (14, 14, base)  no BN
        Conv2D(2*base, 4, stride 2) -> BN -> LeakyReLU(0.2)            (7, 7, 2*base)
        Flatten -> Dense(1) (float32)                                   logit

    Strided convolutions instead of pooling, LeakyReLU, no batch norm on the first layer
    (Radford et al. 2015), kernels from N(0, 0.02).  ``batchnorm=False`` drops the second BN.
    """
    base = _check_positive(base, "base")
    in_shape = _check_sizes(in_shape, "in_shape")
    init = dcgan_init()
    x_in = keras.Input(in_shape, name="x")
    x = layers.Conv2D(base, 4, strides=2, padding="same", kernel_initializer=init,
                      name="down1")(x_in)
    x = layers.LeakyReLU(0.2, name="down1_lrelu")(x)
    x = layers.Conv2D(2 * base, 4, strides=2, padding="same", use_bias=not batchnorm,
                      kernel_initializer=init, name="down2")(x)
    if batchnorm:
        x = _bn("down2_bn", sync_bn)(x)
    x = layers.LeakyReLU(0.2, name="down2_lrelu")(x)
    x = layers.Flatten(name="flatten")(x)
    logit = layers.Dense(1, kernel_initializer=init, dtype="float32", name="logit")(x)
    return keras.Model(x_in, logit, name="dcgan_discriminator")


def build_mlp_generator(latent_dim: int = 2, out_dim: int = 2,
                        hidden: Sequence[int] = (128, 128)) -> keras.Model:
    """Generator for 2-D toy data: z (N, latent_dim) -> points (N, out_dim), linear output.

    ``Dense -> ReLU`` per hidden size; no output activation (the ring and grid of
    :mod:`gancourse.data` are not confined to [-1, 1]).
    """
    latent_dim = _check_positive(latent_dim, "latent_dim")
    out_dim = _check_positive(out_dim, "out_dim")
    hidden = _check_sizes(hidden, "hidden")
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, h in enumerate(hidden):
        x = layers.Dense(h, activation="relu", name=f"dense{i}")(x)
    out = layers.Dense(out_dim, dtype="float32", name="points")(x)
    return keras.Model(z, out, name="mlp_generator")


def build_mlp_discriminator(in_dim: int = 2, hidden: Sequence[int] = (128, 128)) -> keras.Model:
    """Discriminator for 2-D toy data: points (N, in_dim) -> logits (N, 1) (no sigmoid)."""
    in_dim = _check_positive(in_dim, "in_dim")
    hidden = _check_sizes(hidden, "hidden")
    x_in = keras.Input((in_dim,), name="x")
    x = x_in
    for i, h in enumerate(hidden):
        x = layers.Dense(h, name=f"dense{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"lrelu{i}")(x)
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(x_in, logit, name="mlp_discriminator")


# --------------------------------------------------------------------------------------------
# the model that trains them
# --------------------------------------------------------------------------------------------
def _mean_probability(logits) -> tf.Tensor:
    """Mean of ``sigmoid(logits)``: D's average probability of "real", as float32."""
    return tf.reduce_mean(tf.sigmoid(tf.cast(logits, tf.float32)))


def _mean_score(scores) -> tf.Tensor:
    """Mean raw score, as float32 (what ``d_real``/``d_fake`` report for a critic)."""
    return tf.reduce_mean(tf.cast(scores, tf.float32))


def _is_mixed_float16() -> bool:
    return keras.config.dtype_policy().name == "mixed_float16"


class _FeatureMatcher:
    """D's features at one layer, for the generator's feature-matching loss.

    A plain object on purpose: the extractor shares D's layers, and as an attribute of the GAN
    Keras would track it as one more sub-model (its layers would be saved twice).
    """

    def __init__(self, discriminator: keras.Model, layer_name: str):
        from gancourse.stabilize import feature_extractor

        self.layer_name = layer_name
        self.extractor = feature_extractor(discriminator, layer_name)


class GAN(keras.Model):
    """A generator and a discriminator trained against each other by ``fit``.

    ``fit`` data: batches of real examples ``x`` (N, ...), e.g. from
    :func:`gancourse.data.make_dataset`.  A batch may also be a pair ``(x, z)`` with noise z
    (N, latent_dim), which is then used for every update of that step instead of fresh noise
    (for reproducibility checks, e.g. comparing a distributed run with a single-device run).

    One training step (Goodfellow et al. 2014, Algorithm 1):

    1. ``d_steps`` times: fresh noise z, fakes ``G(z)`` (no gradient to G), one update of D's
       trainable variables on :func:`discriminator_loss` of D(x) and D(G(z)).  The real batch
       is reused for the ``d_steps`` updates (fresh noise each time).
    2. Fresh noise z, one update of G's trainable variables on :func:`generator_loss` of
       D(G(z)).  D is *not* updated here: only G's variables get gradients.

    Both networks run with ``training=True`` throughout, so their batch-norm layers normalise
    with batch statistics - and update their moving averages (non-trainable state used only
    at inference time) in both phases.

    Metrics (per epoch averages in ``History``; per-replica values averaged over replicas):
    ``d_loss``, ``g_loss``, ``d_real`` = mean ``sigmoid(D(x))`` and ``d_fake`` = mean
    ``sigmoid(D(G(z)))``, both from the last discriminator update of the step.

    Objectives and stabilisation (keyword options of :meth:`compile`; the defaults train the
    plain cross-entropy GAN above, unchanged):

    * ``objective``: ``"bce"`` (default), ``"lsgan"``, ``"hinge"`` or ``"wgan"``
      (:mod:`gancourse.objectives`).  For the last three D's output is a raw score (for
      ``"wgan"`` a *critic*: no sigmoid, no probability), and ``d_real``/``d_fake`` report the
      **mean raw scores** instead of mean sigmoids; for ``"wgan"``, ``d_real - d_fake`` is the
      critic's estimate of the Wasserstein-1 distance.  ``g_loss_kind`` and ``real_label`` < 1
      exist for ``"bce"`` only.
    * ``gp_weight`` > 0: the gradient penalty (:func:`gancourse.objectives.gradient_penalty`)
      joins D's loss, with one interpolation weight alpha ~ Uniform[0, 1] per example drawn at
      every D update from the GAN's own seed generator (after that update's noise; reproducible
      with ``seed=``).  Reported as the metric ``gp`` (weight included; ``d_loss`` includes it
      too).  WGAN-GP (Gulrajani et al. 2017, arXiv:1704.00028) is ``objective="wgan",
      gp_weight=10, d_steps=5`` with Adam(1e-4, beta_1=0, beta_2=0.9).  The penalty treats
      examples independently, so :meth:`compile` refuses a discriminator with batch norm (use
      layer or instance norm: :func:`gancourse.stabilize.build_dcgan_critic`).
    * ``clip_value`` = c: after every D update each trainable variable of D is clipped to
      [-c, c] (:func:`gancourse.objectives.clip_weights`; the original WGAN, c = 0.01).
    * ``feature_matching`` = a layer name of D: the generator minimises
      :func:`gancourse.stabilize.feature_matching_loss` between D's features at that layer on
      the step's real batch and on a fake batch, *instead of* its objective (Salimans et al.
      2016, arXiv:1606.03498); ``g_loss`` reports it.  It depends on batch means, so under a
      distribution strategy each replica matches its own share of the batch.
    * ``historical_weight`` = w > 0: each player adds ``w * ||theta - mean of its past
      theta||^2`` (:class:`gancourse.stabilize.HistoricalAverage`, updated after each of its
      updates) to its loss; ``d_loss`` and ``g_loss`` include the term.
    * One-sided label smoothing is ``real_label=0.9`` (``"bce"``); minibatch discrimination,
      instance, layer and spectral normalisation are layers: build them into the networks
      (:mod:`gancourse.stabilize`).

    ``d_loss`` and ``g_loss`` are always what each player minimises (everything included).

    Distribution: build and compile inside ``strategy.scope()``; ``fit``'s batch is the global
    batch.  Per-example losses are averaged with ``tf.nn.compute_average_loss`` (divides by the
    *global* batch size), and Keras sums gradients over replicas, so each update equals the
    single-device update on the whole batch - exactly so for networks with batch norm only
    when it is synchronised (``sync_bn=True`` in the DCGAN builders); otherwise each replica
    normalises with its own share of the batch.  Each replica draws different fresh noise.
    Terms that are not per-example sums (historical averaging, feature matching) are divided by
    the number of replicas (``tf.nn.scale_regularization_loss``).
    ``jit_compile=True`` does not combine with a multi-device strategy (XLA cannot compile a
    step whose variables live on several devices); use one or the other.  Under XLA the
    stateless random kernels give other (equally valid) draws for the same seed, so fresh
    noise and gradient-penalty weights differ from an uncompiled run's; compare the two modes
    with ``(x, z)`` batches.  Create one
    ``MirroredStrategy`` per process (a second one can clash with the first's collectives).

    Mixed precision: with the global policy ``mixed_float16`` when :meth:`compile` runs, both
    optimizers are wrapped in ``keras.optimizers.LossScaleOptimizer`` (dynamic loss scaling;
    ``train_step`` scales each loss with ``optimizer.scale_loss`` and the optimizer unscales
    the gradients and skips steps whose gradients overflow).  ``mixed_bfloat16`` needs no loss
    scaling (float32's exponent range).  The builders of this module compute their last layer
    in float32, so logits and losses are float32 under either policy.  Set the policy *before*
    building the networks.

    Args:
        generator: z (N, latent_dim) -> examples.
        discriminator: examples -> logits (N, 1).
        latent_dim: size of z; default: the generator's input size.
        seed: seed of the noise (and gradient-penalty weights) drawn inside ``train_step``
            (None: from the global seed, see :func:`gancourse.seeding.seed_everything`).
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model,
                 latent_dim: int | None = None, *, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        if latent_dim is None:
            latent_dim = generator.input_shape[-1]
        self.latent_dim = _check_positive(latent_dim, "latent_dim")
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.gp_tracker: keras.metrics.Mean | None = None  # created by compile(gp_weight > 0)
        self.d_optimizer: keras.optimizers.Optimizer | None = None
        self.g_optimizer: keras.optimizers.Optimizer | None = None
        self.g_loss_kind = "non_saturating"
        self.d_steps = 1
        self.real_label = REAL_LABEL
        self.objective = "bce"
        self.gp_weight = 0.0
        self.clip_value: float | None = None
        self.feature_matching: str | None = None
        self.historical_weight = 0.0
        self._feature_matcher: _FeatureMatcher | None = None
        self.d_history = None  # HistoricalAverage of D's variables (historical_weight > 0)
        self.g_history = None
        self.built = True  # both networks are built; nothing for fit() to infer from data

    def call(self, z, training: bool = False):
        """``G(z)``: the GAN used as a model is its generator."""
        return self.generator(z, training=training)

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        # Listed here so that Keras resets them at the start of every epoch.
        metrics = [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker,
                   self.d_fake_tracker]
        if getattr(self, "gp_weight", 0.0) > 0:
            metrics.append(self.gp_tracker)
        return metrics

    def compile(self, d_optimizer: keras.optimizers.Optimizer,
                g_optimizer: keras.optimizers.Optimizer, g_loss_kind: str = "non_saturating",
                d_steps: int = 1, real_label: float = REAL_LABEL, *, objective: str = "bce",
                gp_weight: float = 0.0, clip_value: float | None = None,
                feature_matching: str | None = None, historical_weight: float = 0.0,
                **kwargs) -> None:
        """Set the two optimizers and the training recipe.

        Args:
            d_optimizer, g_optimizer: two *distinct* optimizer instances (each keeps state for
                its own network), e.g. ``keras.optimizers.Adam(2e-4, beta_1=0.5)``.
            g_loss_kind: ``"non_saturating"`` or ``"minimax"`` (:func:`generator_loss`);
                ``"bce"`` objective only.
            d_steps: discriminator updates per generator update (k in Goodfellow's algorithm;
                5 for WGAN and WGAN-GP).
            real_label: target of real examples; < 1 is one-sided label smoothing (``"bce"``
                objective only).
            objective: ``"bce"``, ``"lsgan"``, ``"hinge"`` or ``"wgan"``
                (:data:`gancourse.objectives.OBJECTIVES`).
            gp_weight: weight (lambda) of the gradient penalty on D's loss, >= 0 (0: none).
                Refused for a discriminator with batch norm.
            clip_value: c > 0 clips D's weights to [-c, c] after every D update; None: no
                clipping.
            feature_matching: name of a layer of D: the generator minimises feature matching
                on it instead of its objective; None: off.
            historical_weight: weight of the historical-averaging penalty on both players'
                losses, >= 0 (0: off).
            **kwargs: passed to ``keras.Model.compile``: ``jit_compile``,
                ``steps_per_execution``, ``run_eagerly``.
        """
        from gancourse.objectives import OBJECTIVES, _check_weight
        from gancourse.stabilize import HistoricalAverage, has_batch_norm

        if "optimizer" in kwargs or "loss" in kwargs:
            raise TypeError("GAN.compile takes d_optimizer and g_optimizer; the losses are "
                            "fixed by objective, g_loss_kind and real_label")
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two different optimizer "
                             "instances (each holds the state of its own network)")
        if g_loss_kind not in GENERATOR_LOSSES:
            raise ValueError(f"g_loss_kind must be one of {GENERATOR_LOSSES}, got {g_loss_kind!r}")
        d_steps = _check_positive(d_steps, "d_steps")
        discriminator_loss(tf.zeros((1, 1)), tf.zeros((1, 1)), real_label)  # validates it
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
        if objective != "bce" and g_loss_kind != "non_saturating":
            raise ValueError(f"g_loss_kind={g_loss_kind!r} applies to the 'bce' objective only, "
                             f"not to {objective!r}")
        if objective != "bce" and float(real_label) != REAL_LABEL:
            raise ValueError(f"real_label (one-sided label smoothing) applies to the 'bce' "
                             f"objective only, got real_label={real_label!r} with {objective!r}")
        gp_weight = _check_weight(gp_weight, "gp_weight")
        historical_weight = _check_weight(historical_weight, "historical_weight")
        if clip_value is not None:
            clip_value = _check_weight(clip_value, "clip_value")
            if clip_value == 0:
                raise ValueError("clip_value must be > 0 (or None for no clipping), got 0")
        if gp_weight > 0 and has_batch_norm(self.discriminator):
            raise ValueError("gp_weight > 0 needs a discriminator without batch norm: the "
                             "gradient penalty is per example, and batch norm makes every "
                             "score depend on the whole batch; use layer or instance norm "
                             "(gancourse.stabilize.build_dcgan_critic(norm='layer'))")
        matcher = None
        if feature_matching is not None:
            matcher = _FeatureMatcher(self.discriminator, feature_matching)
        super().compile(optimizer=None, **kwargs)
        if _is_mixed_float16():
            ls = keras.optimizers.LossScaleOptimizer
            if not isinstance(d_optimizer, ls):
                d_optimizer = ls(d_optimizer, name="d_loss_scale_optimizer")
            if not isinstance(g_optimizer, ls):
                g_optimizer = ls(g_optimizer, name="g_loss_scale_optimizer")
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self.g_loss_kind, self.d_steps, self.real_label = g_loss_kind, d_steps, float(real_label)
        self.objective, self.gp_weight, self.clip_value = objective, gp_weight, clip_value
        self.feature_matching, self._feature_matcher = feature_matching, matcher
        self.historical_weight = historical_weight
        if gp_weight > 0 and self.gp_tracker is None:
            self.gp_tracker = keras.metrics.Mean(name="gp")
        if historical_weight > 0:  # theta[1]: the weights now
            self.d_history = HistoricalAverage(self.discriminator.trainable_variables)
            self.g_history = HistoricalAverage(self.generator.trainable_variables)
        else:
            self.d_history = self.g_history = None
        # Create the optimizers' slots now (in the strategy's scope, if any), not inside the
        # first traced train_step.
        if not d_optimizer.built:
            d_optimizer.build(self.discriminator.trainable_variables)
        if not g_optimizer.built:
            g_optimizer.build(self.generator.trainable_variables)

    # -- the two phases ----------------------------------------------------------------------
    def _step_seed(self) -> tf.Tensor:
        """The next seed of the GAN's own generator, different on every replica."""
        seed = self.seed_generator.next()
        ctx = tf.distribute.get_replica_context()
        if ctx is not None and ctx.num_replicas_in_sync > 1:
            # Every replica holds a copy of the same seed state: fold in the replica id, or all
            # replicas would draw the same noise.
            seed = tf.random.experimental.stateless_fold_in(seed, ctx.replica_id_in_sync_group)
        return seed

    def _noise(self, batch_size) -> tf.Tensor:
        return tf.random.stateless_normal((batch_size, self.latent_dim), seed=self._step_seed())

    def _alpha(self, batch_size) -> tf.Tensor:
        """Gradient-penalty interpolation weights, one per example, ~ Uniform[0, 1)."""
        return tf.random.stateless_uniform((batch_size,), seed=self._step_seed())

    def _d_output(self, scores) -> tf.Tensor:
        """``d_real``/``d_fake``: mean sigmoid for "bce", mean raw score otherwise."""
        return _mean_probability(scores) if self.objective == "bce" else _mean_score(scores)

    def discriminator_step(self, real, noise=None, alpha=None) -> dict[str, tf.Tensor]:
        """One update of D's trainable variables; returns ``d_loss``, ``d_real``, ``d_fake``
        (and ``gp`` with a gradient penalty).

        Args:
            real: real examples (N, ...).
            noise: z (N, latent_dim); default fresh noise.
            alpha: gradient-penalty weights (N,) in [0, 1]; default fresh ones (used only
                when ``gp_weight > 0``).

        ``d_loss`` is this replica's batch mean (the gradient uses the global-batch average).
        """
        from gancourse.objectives import clip_weights, discriminator_objective, gradient_penalty

        if self.d_optimizer is None:
            raise RuntimeError("compile() the GAN before training it")
        z = self._noise(tf.shape(real)[0]) if noise is None else noise
        fake = self.generator(z, training=True)  # outside the tape: no gradient flows to G
        if self.gp_weight > 0 and alpha is None:
            alpha = self._alpha(tf.shape(real)[0])
        variables = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(fake, training=True)
            per_example = discriminator_objective(self.objective, real_logits, fake_logits,
                                                  real_label=self.real_label, reduction="none")
            if self.gp_weight > 0:
                gp = gradient_penalty(self.discriminator, real, fake, weight=self.gp_weight,
                                      alpha=alpha, reduction="none")
                per_example = per_example + gp
            loss = tf.nn.compute_average_loss(per_example)  # sum / global batch size
            if self.historical_weight > 0:
                history = self.historical_weight * self.d_history.penalty()
                loss = loss + tf.nn.scale_regularization_loss(history)
            scaled = self.d_optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, variables)
        self.d_optimizer.apply_gradients(zip(grads, variables))
        if self.clip_value is not None:
            clip_weights(self.discriminator, self.clip_value)
        if self.historical_weight > 0:
            self.d_history.update()
        out = {
            "d_loss": tf.reduce_mean(per_example),
            "d_real": self._d_output(real_logits),
            "d_fake": self._d_output(fake_logits),
        }
        if self.historical_weight > 0:
            out["d_loss"] = out["d_loss"] + history
        if self.gp_weight > 0:
            out["gp"] = tf.reduce_mean(gp)
        return out

    def generator_step(self, noise=None, batch_size=None, real=None) -> dict[str, tf.Tensor]:
        """One update of G's trainable variables (D only passes gradients); returns ``g_loss``.

        Args:
            noise: z (N, latent_dim); default fresh noise of ``batch_size`` rows.
            batch_size: rows of fresh noise when ``noise`` is None.
            real: the real batch (N, ...); needed (only) with ``feature_matching``.
        """
        from gancourse.objectives import generator_objective
        from gancourse.stabilize import feature_matching_loss

        if self.g_optimizer is None:
            raise RuntimeError("compile() the GAN before training it")
        if self._feature_matcher is not None and real is None:
            raise ValueError("feature matching compares D's features on real and fake "
                             "examples: pass the real batch, generator_step(..., real=x)")
        if noise is None:
            if batch_size is None:
                raise ValueError("pass noise or batch_size")
            noise = self._noise(batch_size)
        variables = self.generator.trainable_variables
        if self._feature_matcher is not None:  # no gradient flows through the real features
            real_features = self._feature_matcher.extractor(real, training=True)
        with tf.GradientTape() as tape:
            fake = self.generator(noise, training=True)
            if self._feature_matcher is not None:
                g_loss = feature_matching_loss(
                    real_features, self._feature_matcher.extractor(fake, training=True))
                loss = tf.nn.scale_regularization_loss(g_loss)  # a batch statistic
            else:
                fake_logits = self.discriminator(fake, training=True)
                per_example = generator_objective(self.objective, fake_logits,
                                                  kind=self.g_loss_kind, reduction="none")
                loss = tf.nn.compute_average_loss(per_example)
            if self.historical_weight > 0:
                history = self.historical_weight * self.g_history.penalty()
                loss = loss + tf.nn.scale_regularization_loss(history)
            scaled = self.g_optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, variables)  # only G's variables: D is left untouched
        self.g_optimizer.apply_gradients(zip(grads, variables))
        if self.historical_weight > 0:
            self.g_history.update()
        if self._feature_matcher is None:
            g_loss = tf.reduce_mean(per_example)
        if self.historical_weight > 0:
            g_loss = g_loss + history
        return {"g_loss": g_loss}

    def train_step(self, data) -> dict[str, tf.Tensor]:
        real, noise, _ = keras.utils.unpack_x_y_sample_weight(data)
        batch_size = tf.shape(real)[0]
        for _ in range(self.d_steps):
            d = self.discriminator_step(real, noise)
        g = self.generator_step(noise, batch_size=batch_size, real=real)
        self.d_loss_tracker.update_state(d["d_loss"])
        self.g_loss_tracker.update_state(g["g_loss"])
        self.d_real_tracker.update_state(d["d_real"])
        self.d_fake_tracker.update_state(d["d_fake"])
        if self.gp_weight > 0:
            self.gp_tracker.update_state(d["gp"])
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data) -> dict[str, tf.Tensor]:
        """Losses and D's outputs on a batch, without updating anything (``evaluate``).

        The same terms as in training (gradient penalty with fresh alpha, feature matching,
        historical penalties), with both networks in inference mode (``training=False``).
        """
        from gancourse.objectives import (discriminator_objective, generator_objective,
                                          gradient_penalty)
        from gancourse.stabilize import feature_matching_loss

        real, noise, _ = keras.utils.unpack_x_y_sample_weight(data)
        z = self._noise(tf.shape(real)[0]) if noise is None else noise
        fake = self.generator(z, training=False)
        real_logits = self.discriminator(real, training=False)
        fake_logits = self.discriminator(fake, training=False)
        d_loss = discriminator_objective(self.objective, real_logits, fake_logits,
                                         real_label=self.real_label)
        if self.gp_weight > 0:
            gp = gradient_penalty(self.discriminator, real, fake, weight=self.gp_weight,
                                  alpha=self._alpha(tf.shape(real)[0]), training=False)
            d_loss = d_loss + gp
            self.gp_tracker.update_state(gp)
        if self._feature_matcher is not None:
            extractor = self._feature_matcher.extractor
            g_loss = feature_matching_loss(extractor(real, training=False),
                                           extractor(fake, training=False))
        else:
            g_loss = generator_objective(self.objective, fake_logits, kind=self.g_loss_kind)
        if self.historical_weight > 0:
            d_loss = d_loss + self.historical_weight * self.d_history.penalty()
            g_loss = g_loss + self.historical_weight * self.g_history.penalty()
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_real_tracker.update_state(self._d_output(real_logits))
        self.d_fake_tracker.update_state(self._d_output(fake_logits))
        return {m.name: m.result() for m in self.metrics}


# --------------------------------------------------------------------------------------------
# sampling and evaluation
# --------------------------------------------------------------------------------------------
def generate(generator: keras.Model, noise_or_n, *, seed: int = 0,
             batch_size: int = 500) -> np.ndarray:
    """Run ``generator`` in inference mode (``training=False``), in batches; NumPy ``float32``.

    ``noise_or_n``: a noise array (n, latent_dim), or an int n (noise from
    :func:`sample_noise` with ``seed``).  Image outputs are clipped to [-1, 1] (round-off).
    """
    if isinstance(noise_or_n, (int, np.integer)) and not isinstance(noise_or_n, bool):
        noise = sample_noise(int(noise_or_n), int(generator.input_shape[-1]), seed=seed)
    else:
        noise = tf.convert_to_tensor(noise_or_n, tf.float32)
    batch_size = _check_positive(batch_size, "batch_size")
    out = [np.asarray(generator(noise[i:i + batch_size], training=False), dtype=np.float32)
           for i in range(0, int(noise.shape[0]), batch_size)]
    x = np.concatenate(out)
    return np.clip(x, -1.0, 1.0) if x.ndim == 4 else x


def evaluate_generator(generator: keras.Model, n: int, real_images: Any, *, seed: int = 0,
                       k: int = 5, feature_net: Any = None,
                       real_features: np.ndarray | None = None) -> dict[str, float]:
    """Classifier-FID, precision, recall, density and coverage of ``n`` generated digits.

    Features come from the course's MNIST feature network
    (:func:`gancourse.features.load_feature_net`, 128-D); the FID from
    :func:`gancourse.metrics.fid_from_features`, the k-NN metrics from
    :func:`gancourse.metrics.precision_recall`.  FIDs are comparable only at the same ``n``,
    reference set and feature network.

    Args:
        generator: z -> images (N, 28, 28, 1) in [-1, 1].
        n: generated samples (noise from :func:`sample_noise` with ``seed``: deterministic).
        real_images: the reference digits, ``uint8`` (N, 28, 28) or floats in [-1, 1]; usually
            the bundled test split, ``load_mnist("test", limit=n)``.
        seed: noise seed.
        k: neighbourhood size of precision/recall.
        feature_net: any object with ``features(images)``; default the course's network.
        real_features: precomputed features of ``real_images`` (skips recomputing them).

    Returns:
        ``{"fid", "precision", "recall", "density", "coverage", "n_fake", "n_real"}``.
    """
    from gancourse.metrics import fid_from_features, precision_recall

    n = _check_positive(n, "n")
    if feature_net is None:
        from gancourse.features import load_feature_net

        feature_net = load_feature_net()
    fake = generate(generator, n, seed=seed)
    if real_features is None:
        real_features = feature_net.features(real_images)
    fake_features = feature_net.features(fake)
    result = {"fid": fid_from_features(real_features, fake_features)}
    result.update(precision_recall(real_features, fake_features, k=k))
    result.update(n_fake=int(len(fake_features)), n_real=int(len(real_features)))
    return result


# --------------------------------------------------------------------------------------------
# callbacks
# --------------------------------------------------------------------------------------------
class SampleGrid(keras.callbacks.Callback):
    """Images from the same fixed noise after every ``every`` epochs.

    Keeps every grid (``images``: list of arrays (n, 28, 28, 1) in [-1, 1], ``epochs``: the
    epoch numbers, ``figures``: the matplotlib figures), saves ``samples_epoch0005.png`` and so
    on into ``out_dir`` when given, and displays each figure in a notebook when ``show``.

    Args:
        noise: fixed z (n, latent_dim), e.g. ``sample_noise(64, 100, seed=0)``.
        every: epochs between grids.
        out_dir: folder for PNG files (created), or None.
        show: display the figure (IPython) after each grid.
        generator: the network to sample; default the trained model's ``generator``.
    """

    def __init__(self, noise, every: int = 1, out_dir: str | os.PathLike | None = None, *,
                 show: bool = False, generator: keras.Model | None = None,
                 nrow: int | None = None):
        super().__init__()
        self.noise = tf.convert_to_tensor(noise, tf.float32)
        if self.noise.shape.rank != 2:
            raise ValueError(f"noise must have shape (n, latent_dim), got {self.noise.shape}")
        self.every = _check_positive(every, "every")
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.show = bool(show)
        self._generator = generator
        self.nrow = nrow
        self.images: list[np.ndarray] = []
        self.epochs: list[int] = []
        self.figures: list = []

    @property
    def grids(self) -> list[np.ndarray]:
        """Alias of ``images``: one array per grid."""
        return self.images

    def sample(self) -> np.ndarray:
        generator = self._generator if self._generator is not None else self.model.generator
        return generate(generator, self.noise)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every:
            return
        from gancourse.viz import image_grid

        images = self.sample()
        fig = image_grid(images, nrow=self.nrow, title=f"epoch {epoch + 1}")
        self.images.append(images)
        self.epochs.append(epoch + 1)
        self.figures.append(fig)
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            fig.savefig(self.out_dir / f"samples_epoch{epoch + 1:04d}.png", dpi=100)
        if self.show:
            from IPython.display import display

            display(fig)


class FIDCallback(keras.callbacks.Callback):
    """:func:`evaluate_generator` after every ``every`` epochs; results in ``history``.

    Each entry of ``history`` is the metrics dict plus ``"epoch"``; the FID is also written into
    the epoch's ``logs`` as ``fid``, so it shows up in the ``History`` that ``fit`` returns (and
    in callbacks listed after this one).  The real features are computed once.
    """

    def __init__(self, real_images: Any, n: int, every: int = 1, *, seed: int = 0,
                 verbose: bool = False):
        super().__init__()
        from gancourse.features import load_feature_net

        self.n = _check_positive(n, "n")
        self.every = _check_positive(every, "every")
        self.seed = seed
        self.verbose = verbose
        self.feature_net = load_feature_net()
        self.real_features = self.feature_net.features(real_images)
        self.history: list[dict[str, float]] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every:
            return
        result = evaluate_generator(self.model.generator, self.n, None, seed=self.seed,
                                    feature_net=self.feature_net,
                                    real_features=self.real_features)
        self.history.append({"epoch": epoch + 1, **result})
        if logs is not None:
            logs["fid"] = result["fid"]
        if self.verbose:
            print(f"epoch {epoch + 1}: FID {result['fid']:.2f}, precision "
                  f"{result['precision']:.3f}, recall {result['recall']:.3f}")


class GeneratorCheckpoint(keras.callbacks.Callback):
    """Save the generator's weights every ``every`` epochs.

    ``filepath`` must end in ``.weights.h5`` and may contain ``{epoch}`` (e.g.
    ``"ckpt/generator-{epoch:04d}.weights.h5"``); without it the file is overwritten each time.
    Reload with ``build_dcgan_generator(...).load_weights(path)``.
    """

    def __init__(self, filepath: str | os.PathLike, every: int = 1):
        super().__init__()
        if not str(filepath).endswith(".weights.h5"):
            raise ValueError(f"filepath must end in '.weights.h5', got {str(filepath)!r}")
        self.filepath = str(filepath)
        self.every = _check_positive(every, "every")
        self.saved: list[str] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every:
            return
        path = Path(self.filepath.format(epoch=epoch + 1))
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model.generator.save_weights(str(path))
        self.saved.append(str(path))


# --------------------------------------------------------------------------------------------
# weights as plain arrays (what assignments submit)
# --------------------------------------------------------------------------------------------
class WeightsFileError(ValueError):
    """A weights file is missing, unreadable, or does not fit the model it is loaded into."""


def save_weights_npz(model: keras.Model, path: str | os.PathLike, *,
                     overwrite: bool = False) -> Path:
    """Save ``model.get_weights()`` (all variables, trainable or not, in layer order) to ``path``.

    An ``.npz`` of plain float arrays ``w000, w001, ...``: no pickled objects, readable with
    NumPy alone, and loaded *strictly* by :func:`load_weights_npz` (Keras' own
    ``load_weights`` skips layers it cannot match with only a warning).  An existing file is
    never replaced unless ``overwrite=True``.

    Returns:
        The path written (``.npz`` appended when missing).
    """
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it (or move it "
                              "away first)")
    arrays = [np.asarray(w) for w in model.get_weights()]
    if not arrays:
        raise ValueError(f"model {model.name!r} has no weights to save (is it built?)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial.npz")
    np.savez(tmp, **{f"w{i:03d}": w for i, w in enumerate(arrays)})
    os.replace(tmp, path)  # never leaves a half-written file under the real name
    return path


def read_weights_npz(path: str | os.PathLike) -> list[np.ndarray]:
    """The arrays of a file written by :func:`save_weights_npz`, in order; clear errors for a
    missing, corrupt or foreign file."""
    path = Path(path)
    if not path.is_file():
        raise WeightsFileError(f"weights file {path} not found")
    try:
        with np.load(path, allow_pickle=False) as f:
            names = sorted(f.files)
            arrays = [f[name] for name in names]
    except Exception as exc:  # zipfile/ValueError/OSError: not an npz we wrote
        raise WeightsFileError(f"{path} is not a readable .npz weights file "
                               f"({type(exc).__name__}: {exc})") from None
    expected = [f"w{i:03d}" for i in range(len(names))]
    if not names or names != expected:
        raise WeightsFileError(f"{path} does not hold weights saved by save_weights_npz "
                               f"(arrays {names[:5]}...)")
    for name, w in zip(names, arrays):
        if w.dtype.kind != "f":
            raise WeightsFileError(f"{path}: array {name} has dtype {w.dtype}, expected floats")
        if not np.all(np.isfinite(w)):
            raise WeightsFileError(f"{path}: array {name} holds NaN or infinite values "
                                   "(the training diverged?)")
    return arrays


def load_weights_npz(model: keras.Model, path: str | os.PathLike) -> keras.Model:
    """Load a :func:`save_weights_npz` file into ``model``, checking every variable.

    Raises :class:`WeightsFileError` unless the file holds exactly one array per variable of
    ``model``, with the same shapes in the same order (i.e. the model has the architecture
    that saved the file).  Returns ``model``.
    """
    arrays = read_weights_npz(path)
    want = [tuple(w.shape) for w in model.get_weights()]
    got = [tuple(w.shape) for w in arrays]
    if len(got) != len(want):
        raise WeightsFileError(f"{path} holds {len(got)} arrays but model {model.name!r} has "
                               f"{len(want)} variables: a different architecture")
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            raise WeightsFileError(f"{path}: array {i} has shape {g} but the model's variable "
                                   f"{i} has shape {w}: a different architecture")
    model.set_weights([a.astype(np.asarray(v).dtype) for a, v in zip(arrays, model.get_weights())])
    return model
