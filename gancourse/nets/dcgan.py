"""DCGAN for 28x28x1 digits (Radford, Metz, Chintala 2015, "Unsupervised Representation
Learning with Deep Convolutional Generative Adversarial Networks", arXiv:1511.06434), scaled to
MNIST: strided (transposed) convolutions instead of pooling, batch norm, ReLU in G and
LeakyReLU(0.2) in D, no batch norm on D's first layer, kernels from N(0, 0.02).

One discriminator builder, :func:`build_dcgan_critic`, with the normalisation, spectral norm
and minibatch discrimination as options; :func:`build_dcgan_discriminator` is its DCGAN setting.
"""
from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from gancourse.checks import one_of, positive_int, positive_sizes
from gancourse.layers.init import batch_norm, dcgan_init
from gancourse.layers.normalization import NORMS, norm_layer
from gancourse.nets.heads import check_minibatch, maybe_spectral, score_head

__all__ = ["build_dcgan_generator", "build_dcgan_critic", "build_dcgan_discriminator"]

NORM_LAYER_NAMES = {"batch": "down2_bn", "instance": "down2_in", "layer": "down2_ln"}


def build_dcgan_generator(latent_dim: int = 100, base: int = 64, *,
                          sync_bn: bool = False) -> keras.Model:
    """DCGAN generator for 28x28x1 digits: z (N, latent_dim) -> images (N, 28, 28, 1) in [-1, 1].

    ::

        Dense(7*7*2*base) -> BN -> ReLU -> reshape (7, 7, 2*base)
        Conv2DTranspose(base, 4, stride 2)  -> BN -> ReLU            (14, 14, base)
        Conv2DTranspose(1, 4, stride 2) -> tanh (float32)             (28, 28, 1)

    Kernels start from N(0, 0.02) (:func:`gancourse.layers.dcgan_init`), BN scales from
    N(1, 0.02).  ``base=64`` (about 0.8M parameters) trains at a few steps per second on a
    2-core CPU.

    Args:
        latent_dim: size of z.
        base: filters of the 14x14 layer (the 7x7 layer has twice as many).
        sync_bn: batch statistics over the *global* batch under a distribution strategy
            (``BatchNormalization(synchronized=True)``); without it every replica normalises
            with its own share of the batch.
    """
    latent_dim = positive_int(latent_dim, "latent_dim")
    base = positive_int(base, "base")
    init = dcgan_init()
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(7 * 7 * 2 * base, use_bias=False, kernel_initializer=init, name="project")(z)
    x = batch_norm("project_bn", sync_bn)(x)
    x = layers.ReLU(name="project_relu")(x)
    x = layers.Reshape((7, 7, 2 * base), name="reshape")(x)
    x = layers.Conv2DTranspose(base, 4, strides=2, padding="same", use_bias=False,
                               kernel_initializer=init, name="up1")(x)
    x = batch_norm("up1_bn", sync_bn)(x)
    x = layers.ReLU(name="up1_relu")(x)
    x = layers.Conv2DTranspose(1, 4, strides=2, padding="same", kernel_initializer=init,
                               name="up2")(x)
    out = layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(z, out, name="dcgan_generator")


def build_dcgan_critic(base: int = 64, in_shape: Sequence[int] = (28, 28, 1), *,
                       norm: str = "batch", spectral: bool = False, minibatch_kernels: int = 0,
                       minibatch_dim: int = 5, sync_bn: bool = False,
                       name: str = "dcgan_critic") -> keras.Model:
    """DCGAN-style critic/discriminator: images (N, 28, 28, 1) -> scores (N, 1), no sigmoid.

    ::

        Conv2D(base, 4, stride 2) -> LeakyReLU(0.2)                    down1   (14, 14, base)
        Conv2D(2*base, 4, stride 2) -> norm -> LeakyReLU(0.2)          down2   (7, 7, 2*base)
        Flatten [-> MinibatchDiscrimination] -> Dense(1) (float32)     logit

    Args:
        base: filters of the first convolution.
        norm: after the second convolution: ``"batch"`` (DCGAN's; layer ``down2_bn``),
            ``"instance"`` (:class:`gancourse.layers.InstanceNormalization`, ``down2_in``),
            ``"layer"`` (``LayerNormalization`` over (H, W, C), ``down2_ln``) or ``"none"``
            (then ``down2`` has a bias).  A WGAN-GP critic must not use ``"batch"`` (the
            penalty needs examples that do not see each other; ``GAN.compile`` refuses it);
            WGAN-GP recommends ``"layer"``.
        spectral: wrap every convolution and the last ``Dense`` in spectral normalisation.
        minibatch_kernels, minibatch_dim: minibatch discrimination after ``flatten``.
        sync_bn: with ``norm="batch"``: statistics over the global batch under a distribution
            strategy.
        name: the model's name.
    """
    base = positive_int(base, "base")
    in_shape = positive_sizes(in_shape, "in_shape")
    one_of(norm, NORMS, "norm")
    minibatch_kernels, minibatch_dim = check_minibatch(minibatch_kernels, minibatch_dim)
    init = dcgan_init()
    x_in = keras.Input(in_shape, name="x")
    x = maybe_spectral(layers.Conv2D(base, 4, strides=2, padding="same",
                                     kernel_initializer=init, name="down1"), spectral)(x_in)
    x = layers.LeakyReLU(0.2, name="down1_lrelu")(x)
    x = maybe_spectral(layers.Conv2D(2 * base, 4, strides=2, padding="same",
                                     use_bias=norm == "none", kernel_initializer=init,
                                     name="down2"), spectral)(x)
    if norm == "batch":
        x = batch_norm(NORM_LAYER_NAMES[norm], sync_bn)(x)
    elif norm != "none":
        x = norm_layer(norm, NORM_LAYER_NAMES[norm])(x)
    x = layers.LeakyReLU(0.2, name="down2_lrelu")(x)
    x = layers.Flatten(name="flatten")(x)
    score = score_head(x, minibatch_kernels, minibatch_dim, spectral, kernel_initializer=init)
    return keras.Model(x_in, score, name=name)


def build_dcgan_discriminator(base: int = 64, in_shape: Sequence[int] = (28, 28, 1), *,
                              batchnorm: bool = True, sync_bn: bool = False) -> keras.Model:
    """DCGAN discriminator: images (N, 28, 28, 1) -> logits (N, 1) (no sigmoid).

    :func:`build_dcgan_critic` with DCGAN's batch norm on the second convolution
    (``batchnorm=False`` drops it and gives that convolution a bias).
    """
    return build_dcgan_critic(base, in_shape, norm="batch" if batchnorm else "none",
                              sync_bn=sync_bn, name="dcgan_discriminator")
