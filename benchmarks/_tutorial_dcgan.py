"""The TensorFlow DCGAN tutorial's model and training loop: the baseline of the benchmarks.

Source: "Deep Convolutional Generative Adversarial Network", TensorFlow tutorials,
https://www.tensorflow.org/tutorials/generative/dcgan (Apache-2.0).  Re-implemented here from its
description, not copied; what it prescribes and this module reproduces:

* generator: ``Dense(7*7*256, no bias) -> BN -> LeakyReLU -> Reshape(7, 7, 256)
  -> Conv2DTranspose(128, 5, stride 1, same, no bias) -> BN -> LeakyReLU
  -> Conv2DTranspose(64, 5, stride 2, same, no bias) -> BN -> LeakyReLU
  -> Conv2DTranspose(1, 5, stride 2, same, no bias, tanh)``; Keras default initialisers and
  LeakyReLU slope (0.3);
* discriminator: ``Conv2D(64, 5, stride 2, same) -> LeakyReLU -> Dropout(0.3)
  -> Conv2D(128, 5, stride 2, same) -> LeakyReLU -> Dropout(0.3) -> Flatten -> Dense(1)``
  (a logit);
* ``BinaryCrossentropy(from_logits=True)``; D's loss ``BCE(1, D(x)) + BCE(0, D(G(z)))``, G's
  ``BCE(1, D(G(z)))``;
* two ``Adam(1e-4)`` (Keras defaults otherwise: beta_1 = 0.9);
* one ``@tf.function`` train step: noise of ``BATCH_SIZE`` rows (256, also for the smaller last
  batch of an epoch), the fakes generated *once*, both losses computed under two gradient tapes
  from the same forward pass, then both optimizers apply their gradients (a simultaneous
  update, not the alternating D-then-G update of :class:`gancourse.gan.GAN`);
* data: ``from_tensor_slices(images).shuffle(60000).batch(256)`` (no ``drop_remainder``, no
  prefetch), iterated epoch by epoch with a Python ``for`` loop that calls the step per batch;
* float32 throughout, TensorFlow's default thread pools, no XLA.

Departure (the same for both sides of every comparison): the data are the course's bundled
4,000 MNIST training digits (:func:`gancourse.data.load_mnist`), scaled to [-1, 1] exactly as
the tutorial scales its 60,000 ((x - 127.5) / 127.5 equals :func:`gancourse.data.prepare_mnist`).
4,000 = 15 * 256 + 160, so each epoch ends with a batch of 160 real digits (and, as in the
tutorial, 256 fakes).

:func:`build_generator` / :func:`build_discriminator` also take ``float32_outputs``: the same
architecture with its last layer computing in float32 under a mixed-precision policy (the
course's convention, see :mod:`gancourse.gan`), used when the benchmarks train the tutorial's
architecture with the course's train step.  With the default float32 policy it changes nothing.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

TUTORIAL_URL = "https://www.tensorflow.org/tutorials/generative/dcgan"
BATCH_SIZE = 256
BUFFER_SIZE = 60000
NOISE_DIM = 100
LEARNING_RATE = 1e-4


def build_generator(*, float32_outputs: bool = False):
    """The tutorial's generator: z (N, 100) -> images (N, 28, 28, 1) in [-1, 1]."""
    import keras
    from keras import layers

    out_dtype = "float32" if float32_outputs else None
    return keras.Sequential([
        keras.Input((NOISE_DIM,)),
        layers.Dense(7 * 7 * 256, use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                               activation="tanh", dtype=out_dtype),
    ], name="tutorial_generator")


def build_discriminator(*, float32_outputs: bool = False):
    """The tutorial's discriminator: images (N, 28, 28, 1) -> logits (N, 1)."""
    import keras
    from keras import layers

    out_dtype = "float32" if float32_outputs else None
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Flatten(),
        layers.Dense(1, dtype=out_dtype),
    ], name="tutorial_discriminator")


def make_dataset(images: np.ndarray, batch_size: int = BATCH_SIZE):
    """The tutorial's input pipeline over ``images`` (float32 (N, 28, 28, 1) in [-1, 1])."""
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices(images).shuffle(BUFFER_SIZE).batch(batch_size)


class TutorialGAN:
    """The tutorial's two networks, two optimizers and ``@tf.function`` train step."""

    def __init__(self, generator=None, discriminator=None, *, batch_size: int = BATCH_SIZE,
                 learning_rate: float = LEARNING_RATE):
        import keras
        import tensorflow as tf

        self.batch_size = int(batch_size)
        self.generator = generator if generator is not None else build_generator()
        self.discriminator = discriminator if discriminator is not None else build_discriminator()
        self.cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
        self.generator_optimizer = keras.optimizers.Adam(learning_rate)
        self.discriminator_optimizer = keras.optimizers.Adam(learning_rate)
        self.train_step = tf.function(self._train_step)  # the tutorial's @tf.function

    def discriminator_loss(self, real_output, fake_output):
        import tensorflow as tf

        real_loss = self.cross_entropy(tf.ones_like(real_output), real_output)
        fake_loss = self.cross_entropy(tf.zeros_like(fake_output), fake_output)
        return real_loss + fake_loss

    def generator_loss(self, fake_output):
        import tensorflow as tf

        return self.cross_entropy(tf.ones_like(fake_output), fake_output)

    def _train_step(self, images):
        import tensorflow as tf

        noise = tf.random.normal([self.batch_size, NOISE_DIM])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated = self.generator(noise, training=True)
            real_output = self.discriminator(images, training=True)
            fake_output = self.discriminator(generated, training=True)
            gen_loss = self.generator_loss(fake_output)
            disc_loss = self.discriminator_loss(real_output, fake_output)
        g_vars = self.generator.trainable_variables
        d_vars = self.discriminator.trainable_variables
        g_grads = gen_tape.gradient(gen_loss, g_vars)
        d_grads = disc_tape.gradient(disc_loss, d_vars)
        self.generator_optimizer.apply_gradients(zip(g_grads, g_vars))
        self.discriminator_optimizer.apply_gradients(zip(d_grads, d_vars))

    def batches(self, dataset) -> Iterator:
        """The tutorial's loop order, endlessly: ``for epoch ...: for image_batch in dataset``."""
        while True:
            yield from dataset
