# cell: wgan_gp_critic_step
# kills: test_wgan_gp_critic_step_basics
# why: uses the course library's Wasserstein loss and gradient penalty instead of the student's own
from gancourse import objectives as _objectives


def wgan_gp_critic_step(critic, generator, c_opt, real, noise, alpha, weight=10.0):
    fake = generator(noise, training=True)
    with tf.GradientTape() as tape:
        critic_loss = _objectives.wasserstein_critic_loss(critic(real, training=True), critic(fake, training=True))
        penalty = _objectives.gradient_penalty(critic, real, fake, weight=weight, alpha=alpha)
        total = critic_loss + penalty
    variables = critic.trainable_variables
    c_opt.apply_gradients(zip(tape.gradient(total, variables), variables))
    return critic_loss, penalty
