# cell: wasserstein_losses
# kills: test_wasserstein_losses
# why: calls the course library instead of implementing the Wasserstein losses
from gancourse.objectives import wasserstein_critic_loss, wasserstein_generator_loss


def wasserstein_losses(real_scores, fake_scores):
    return wasserstein_critic_loss(real_scores, fake_scores), wasserstein_generator_loss(fake_scores)
