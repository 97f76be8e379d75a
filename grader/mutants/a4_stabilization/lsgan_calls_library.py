# cell: lsgan_losses
# kills: test_lsgan_losses
# why: calls the course library instead of implementing the LSGAN losses
from gancourse.objectives import lsgan_discriminator_loss, lsgan_generator_loss


def lsgan_losses(real_scores, fake_scores):
    return lsgan_discriminator_loss(real_scores, fake_scores), lsgan_generator_loss(fake_scores)
