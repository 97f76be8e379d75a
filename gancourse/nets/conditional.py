"""Conditional generators and discriminators for 28x28x1 digits: the class y fed to both players.

Three ways of telling the discriminator which class an image claims to be (lecture
"Conditional GANs" compares them on one budget):

* ``"concat"`` / ``"embedding"`` (Mirza & Osindero 2014, "Conditional Generative Adversarial
  Nets", arXiv:1411.1784): y as a one-hot vector (or a learned embedding) tiled over the image
  and stacked as extra input channels, so every convolution sees it;
* ``"projection"`` (Miyato & Koyama 2018, "cGANs with Projection Discriminator",
  arXiv:1802.05637): ``D(x, y) = psi(phi(x)) + e_y . phi(x)``, an unconditional score plus the
  inner product of the image's features with a learned class embedding;
* AC-GAN (Odena, Olah, Shlens 2017, "Conditional Image Synthesis with Auxiliary Classifier
  GANs", arXiv:1610.09585): D does not see y; it outputs a real/fake score *and* class logits.

The generators and discriminators are the DCGAN networks of :mod:`gancourse.nets.dcgan` (and,
for 2-D toy data, the MLPs of :mod:`gancourse.nets.mlp`) with the condition joined to their
inputs, so conditioning is the only difference from the unconditional networks.
Labels are ``int`` tensors of shape (N,) with values in [0, num_classes).
"""
from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from gancourse.checks import int_at_least, one_of, positive_int, positive_sizes
from gancourse.nets.dcgan import build_dcgan_critic, build_dcgan_generator
from gancourse.nets.mlp import build_mlp_critic, build_mlp_generator

__all__ = ["GENERATOR_CONDITIONING", "DISCRIMINATOR_CONDITIONING", "label_code",
           "build_conditional_generator", "build_conditional_discriminator",
           "build_acgan_discriminator", "build_conditional_mlp_generator",
           "build_conditional_mlp_discriminator", "build_acgan_mlp_discriminator"]

GENERATOR_CONDITIONING = ("onehot", "embedding")
DISCRIMINATOR_CONDITIONING = ("concat", "embedding", "projection")


def _label_input() -> keras.KerasTensor:
    return keras.Input((), dtype="int32", name="label")


def label_code(y, num_classes: int, conditioning: str, embed_dim: int, name: str):
    """The vector that stands for class ``y`` (N,): its one-hot code (N, num_classes) for
    ``"onehot"``/``"concat"``, else a learned embedding (N, embed_dim)."""
    if conditioning in ("onehot", "concat"):
        return layers.CategoryEncoding(num_classes, output_mode="one_hot", name=name)(y)
    return layers.Embedding(num_classes, embed_dim, name=name)(y)


def build_conditional_generator(latent_dim: int = 100, num_classes: int = 10, base: int = 64, *,
                                conditioning: str = "onehot", embed_dim: int = 16,
                                sync_bn: bool = False) -> keras.Model:
    """``G(z, y)``: [z (N, latent_dim), y (N,)] -> images (N, 28, 28, 1) in [-1, 1].

    The class code (one-hot, or an ``embed_dim`` embedding) is concatenated to z and the result
    fed to :func:`gancourse.nets.build_dcgan_generator` (sub-model ``body``), whose first dense
    layer therefore mixes noise and class.
    """
    latent_dim = positive_int(latent_dim, "latent_dim")
    num_classes = int_at_least(num_classes, "num_classes", 2)
    one_of(conditioning, GENERATOR_CONDITIONING, "conditioning")
    embed_dim = positive_int(embed_dim, "embed_dim")
    z, y = keras.Input((latent_dim,), name="z"), _label_input()
    code = label_code(y, num_classes, conditioning, embed_dim, "label_code")
    width = num_classes if conditioning == "onehot" else embed_dim
    body = build_dcgan_generator(latent_dim + width, base, sync_bn=sync_bn)
    body.name = "body"
    out = body(layers.Concatenate(name="z_and_label")([z, code]))
    return keras.Model([z, y], out, name=f"conditional_generator_{conditioning}")


def build_conditional_discriminator(num_classes: int = 10, base: int = 64,
                                    in_shape: Sequence[int] = (28, 28, 1), *,
                                    conditioning: str = "concat", embed_dim: int = 16,
                                    norm: str = "batch", spectral: bool = False) -> keras.Model:
    """``D(x, y)``: [images (N, H, W, C), y (N,)] -> scores (N, 1), no sigmoid.

    Args:
        conditioning: ``"concat"`` (one-hot code tiled to (H, W, num_classes) and stacked on
            the image's channels), ``"embedding"`` (a learned ``embed_dim`` code, tiled the same
            way) or ``"projection"`` (Miyato & Koyama 2018: the unconditional DCGAN critic's
            score ``psi(phi(x))`` plus ``e_y . phi(x)``, ``phi`` its flattened last features,
            ``e_y`` row y of a learned (num_classes, dim phi) embedding, layer
            ``class_embedding``).
        norm, spectral: as in :func:`gancourse.nets.build_dcgan_critic` (a projection
            discriminator is usually spectrally normalised and trained with the hinge loss).
    """
    num_classes = int_at_least(num_classes, "num_classes", 2)
    in_shape = positive_sizes(in_shape, "in_shape")
    one_of(conditioning, DISCRIMINATOR_CONDITIONING, "conditioning")
    embed_dim = positive_int(embed_dim, "embed_dim")
    x, y = keras.Input(in_shape, name="x"), _label_input()
    height, width, channels = in_shape
    if conditioning == "projection":
        critic = build_dcgan_critic(base, in_shape, norm=norm, spectral=spectral, name="critic")
        phi = keras.Model(critic.input, [critic.get_layer("flatten").output, critic.output],
                          name="phi_psi")
        features, psi = phi(x)
        e_y = layers.Embedding(num_classes, features.shape[-1], name="class_embedding")(y)
        projection = layers.Dot(axes=1, name="projection")([e_y, features])
        score = layers.Add(dtype="float32", name="score")([psi, projection])
        return keras.Model([x, y], score, name="projection_discriminator")
    code = label_code(y, num_classes, conditioning, embed_dim, "label_code")
    code = layers.Reshape((1, 1, code.shape[-1]), name="label_pixel")(code)
    tiled = layers.UpSampling2D((height, width), name="label_planes")(code)
    stacked = layers.Concatenate(name="image_and_label")([x, tiled])
    critic = build_dcgan_critic(base, (height, width, channels + tiled.shape[-1]), norm=norm,
                                spectral=spectral, name="critic")
    return keras.Model([x, y], critic(stacked), name=f"conditional_discriminator_{conditioning}")


def build_acgan_discriminator(num_classes: int = 10, base: int = 64,
                              in_shape: Sequence[int] = (28, 28, 1), *, norm: str = "batch",
                              spectral: bool = False) -> keras.Model:
    """AC-GAN's discriminator (Odena et al. 2017): images (N, H, W, C) -> [scores (N, 1), class
    logits (N, num_classes)], both float32, no sigmoid or softmax; it never sees y.

    One trunk (the DCGAN critic's convolutions, ``phi``), two heads on its flattened features:
    the critic's own ``logit`` layer and a ``class_logits`` dense layer.
    """
    num_classes = int_at_least(num_classes, "num_classes", 2)
    in_shape = positive_sizes(in_shape, "in_shape")
    x = keras.Input(in_shape, name="x")
    critic = build_dcgan_critic(base, in_shape, norm=norm, spectral=spectral, name="critic")
    trunk = keras.Model(critic.input, [critic.get_layer("flatten").output, critic.output],
                        name="trunk")
    features, score = trunk(x)
    logits = layers.Dense(num_classes, dtype="float32", name="class_logits")(features)
    return keras.Model(x, [score, logits], name="acgan_discriminator")


def build_conditional_mlp_generator(latent_dim: int = 2, num_classes: int = 4, out_dim: int = 2,
                                    hidden: Sequence[int] = (128, 128)) -> keras.Model:
    """``G(z, y)`` for 2-D toy data: [z (N, latent_dim), y (N,)] -> points (N, out_dim):
    :func:`gancourse.nets.build_mlp_generator` (sub-model ``body``) on ``[z, onehot(y)]``."""
    latent_dim = positive_int(latent_dim, "latent_dim")
    num_classes = int_at_least(num_classes, "num_classes", 2)
    z, y = keras.Input((latent_dim,), name="z"), _label_input()
    code = label_code(y, num_classes, "onehot", 1, "label_code")
    body = build_mlp_generator(latent_dim + num_classes, out_dim, hidden)
    body.name = "body"
    out = body(layers.Concatenate(name="z_and_label")([z, code]))
    return keras.Model([z, y], out, name="conditional_mlp_generator")


def build_conditional_mlp_discriminator(num_classes: int = 4, in_dim: int = 2,
                                        hidden: Sequence[int] = (128, 128)) -> keras.Model:
    """``D(x, y)`` for 2-D toy data: [points (N, in_dim), y (N,)] -> logits (N, 1):
    :func:`gancourse.nets.build_mlp_critic` (sub-model ``critic``) on ``[x, onehot(y)]``."""
    num_classes = int_at_least(num_classes, "num_classes", 2)
    in_dim = positive_int(in_dim, "in_dim")
    x, y = keras.Input((in_dim,), name="x"), _label_input()
    code = label_code(y, num_classes, "onehot", 1, "label_code")
    critic = build_mlp_critic(in_dim + num_classes, hidden, name="critic")
    return keras.Model([x, y], critic(layers.Concatenate(name="x_and_label")([x, code])),
                       name="conditional_mlp_discriminator")


def build_acgan_mlp_discriminator(num_classes: int = 4, in_dim: int = 2,
                                  hidden: Sequence[int] = (128, 128)) -> keras.Model:
    """AC-GAN's discriminator for 2-D toy data: points (N, in_dim) -> [scores (N, 1), class
    logits (N, num_classes)]: the trunk of :func:`gancourse.nets.build_mlp_critic` (sub-model
    ``trunk``) with its ``logit`` head and a ``class_logits`` head; it never sees y."""
    num_classes = int_at_least(num_classes, "num_classes", 2)
    in_dim = positive_int(in_dim, "in_dim")
    critic = build_mlp_critic(in_dim, hidden, name="critic")
    last = critic.get_layer(f"lrelu{len(positive_sizes(hidden, 'hidden')) - 1}").output
    trunk = keras.Model(critic.input, [last, critic.output], name="trunk")
    x = keras.Input((in_dim,), name="x")
    features, score = trunk(x)
    logits = layers.Dense(num_classes, dtype="float32", name="class_logits")(features)
    return keras.Model(x, [score, logits], name="acgan_mlp_discriminator")
