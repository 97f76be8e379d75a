"""GAN objectives beyond the cross-entropy, under the names released notebooks import
(``from gancourse import objectives``).  No code lives here: the losses and their registry are
in :mod:`gancourse.losses.adversarial`, the gradient penalty, interpolates and weight clipping
in :mod:`gancourse.losses.penalties`.
"""
from gancourse.losses.adversarial import (
                                          OBJECTIVES,
                                          discriminator_objective,
                                          generator_objective,
                                          hinge_discriminator_loss,
                                          hinge_generator_loss,
                                          lsgan_discriminator_loss,
                                          lsgan_generator_loss,
                                          wasserstein_critic_loss,
                                          wasserstein_generator_loss,
)
from gancourse.losses.penalties import clip_weights, gradient_penalty, interpolates

__all__ = [
    "OBJECTIVES", "wasserstein_critic_loss", "wasserstein_generator_loss", "gradient_penalty",
    "interpolates", "lsgan_discriminator_loss", "lsgan_generator_loss",
    "hinge_discriminator_loss", "hinge_generator_loss", "clip_weights",
    "discriminator_objective", "generator_objective",
]
