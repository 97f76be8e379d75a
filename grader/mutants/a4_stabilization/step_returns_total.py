# cell: wgan_gp_critic_step
# kills: test_wgan_gp_critic_step_basics
# loses: test_wgan_gp_critic_step_update
# why: returns the total loss + penalty as critic_loss instead of the Wasserstein loss alone (the update itself is right)
def wgan_gp_critic_step(critic, generator, c_opt, real, noise, alpha, weight=10.0):
    fake = generator(noise, training=True)
    with tf.GradientTape() as tape:
        critic_loss, _ = wasserstein_losses(critic(real, training=True), critic(fake, training=True))
        penalty = gradient_penalty(critic, real, fake, alpha, weight)
        total = critic_loss + penalty
    variables = critic.trainable_variables
    c_opt.apply_gradients(zip(tape.gradient(total, variables), variables))
    return total, penalty
