"""The GAN of the lectures, under the names released notebooks import (``from gancourse import
gan``; ``gan.GAN``, ``gan.discriminator_loss``, ...).  No code lives here: each name is
re-exported from its home.

=====================================  =====================================================
home                                   what
=====================================  =====================================================
:mod:`gancourse.losses.adversarial`    ``discriminator_loss``, ``generator_loss`` (logits;
                                       real = 1, fake = 0) and the other objectives
:mod:`gancourse.noise`                 ``sample_noise``: z ~ N(0, I)
:mod:`gancourse.layers.init`           ``dcgan_init``: N(0, 0.02) kernels
:mod:`gancourse.nets`                  dense, DCGAN and MLP generators and discriminators
:mod:`gancourse.models`                ``GAN``: ``fit`` trains both players
:mod:`gancourse.callbacks`             ``SampleGrid``, ``FIDCallback``, ``GeneratorCheckpoint``
:mod:`gancourse.evaluation`            ``generate``, ``evaluate_generator`` (FID, precision,
                                       recall, density, coverage)
:mod:`gancourse.weights`               ``save_weights_npz`` / ``load_weights_npz``
=====================================  =====================================================
"""
from gancourse.callbacks import FIDCallback, GeneratorCheckpoint, SampleGrid
from gancourse.evaluation import evaluate_generator, generate
from gancourse.layers.init import INIT_STD, dcgan_init
from gancourse.losses.adversarial import (
                                          FAKE_LABEL,
                                          GENERATOR_LOSSES,
                                          REAL_LABEL,
                                          discriminator_loss,
                                          generator_loss,
)
from gancourse.models.gan import GAN
from gancourse.nets.dcgan import build_dcgan_discriminator, build_dcgan_generator
from gancourse.nets.dense import build_dense_discriminator, build_dense_generator
from gancourse.nets.mlp import build_mlp_discriminator, build_mlp_generator
from gancourse.noise import sample_noise
from gancourse.weights import WeightsFileError, load_weights_npz, read_weights_npz, save_weights_npz

__all__ = [
    "discriminator_loss", "generator_loss", "sample_noise", "GENERATOR_LOSSES",
    "REAL_LABEL", "FAKE_LABEL", "INIT_STD",
    "build_dense_generator", "build_dense_discriminator",
    "build_dcgan_generator", "build_dcgan_discriminator",
    "build_mlp_generator", "build_mlp_discriminator", "dcgan_init",
    "GAN", "SampleGrid", "FIDCallback", "GeneratorCheckpoint", "evaluate_generator",
    "generate", "save_weights_npz", "read_weights_npz", "load_weights_npz", "WeightsFileError",
]
