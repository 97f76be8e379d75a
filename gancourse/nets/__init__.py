"""The course's generators, discriminators and critics, one file per family."""
from gancourse.nets.dcgan import (
           build_dcgan_critic,
           build_dcgan_discriminator,
           build_dcgan_generator,
)
from gancourse.nets.dense import build_dense_discriminator, build_dense_generator
from gancourse.nets.mlp import build_mlp_critic, build_mlp_discriminator, build_mlp_generator

__all__ = ["build_dcgan_critic", "build_dcgan_discriminator", "build_dcgan_generator",
           "build_dense_discriminator", "build_dense_generator", "build_mlp_critic",
           "build_mlp_discriminator", "build_mlp_generator"]
