# cell: wgan_gp_critic_step
# kills: test_wgan_gp_critic_step_basics, test_wgan_gp_critic_step_update
# why: returns the losses recomputed after the update instead of those the update was computed from
def wgan_gp_critic_step(critic, generator, c_opt, real, noise, alpha, weight=10.0):
    fake = generator(noise, training=True)
    with tf.GradientTape() as tape:
        critic_loss, _ = wasserstein_losses(critic(real, training=True), critic(fake, training=True))
        total = critic_loss + gradient_penalty(critic, real, fake, alpha, weight)
    variables = critic.trainable_variables
    c_opt.apply_gradients(zip(tape.gradient(total, variables), variables))
    critic_loss, _ = wasserstein_losses(critic(real, training=True), critic(fake, training=True))
    return critic_loss, gradient_penalty(critic, real, fake, alpha, weight)
