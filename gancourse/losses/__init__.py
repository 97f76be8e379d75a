"""Every loss of the course: adversarial objectives (and their registry), penalties."""
from gancourse.losses.adversarial import (
                                          FAKE_LABEL,
                                          GENERATOR_LOSSES,
                                          OBJECTIVE_REGISTRY,
                                          OBJECTIVES,
                                          REAL_LABEL,
                                          Objective,
                                          discriminator_loss,
                                          discriminator_objective,
                                          generator_loss,
                                          generator_objective,
                                          get_objective,
                                          hinge_discriminator_loss,
                                          hinge_generator_loss,
                                          lsgan_discriminator_loss,
                                          lsgan_generator_loss,
                                          register_objective,
                                          wasserstein_critic_loss,
                                          wasserstein_generator_loss,
)
from gancourse.losses.penalties import (
                                          clip_weights,
                                          feature_extractor,
                                          feature_matching_loss,
                                          gradient_penalty,
                                          interpolates,
)

__all__ = ["FAKE_LABEL", "GENERATOR_LOSSES", "OBJECTIVE_REGISTRY", "OBJECTIVES", "REAL_LABEL",
           "Objective", "discriminator_loss", "discriminator_objective", "generator_loss",
           "generator_objective", "get_objective", "hinge_discriminator_loss",
           "hinge_generator_loss", "lsgan_discriminator_loss", "lsgan_generator_loss",
           "register_objective", "wasserstein_critic_loss", "wasserstein_generator_loss",
           "clip_weights", "feature_extractor", "feature_matching_loss", "gradient_penalty",
           "interpolates"]
