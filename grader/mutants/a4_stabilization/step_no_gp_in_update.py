# cell: wgan_gp_critic_step
# loses: test_wgan_gp_critic_step_update
# why: computes and returns the penalty but takes the gradient of the Wasserstein loss alone (a WGAN without any Lipschitz constraint)
def wgan_gp_critic_step(critic, generator, c_opt, real, noise, alpha, weight=10.0):
    fake = generator(noise, training=True)
    with tf.GradientTape() as tape:
        critic_loss, _ = wasserstein_losses(critic(real, training=True), critic(fake, training=True))
    penalty = gradient_penalty(critic, real, fake, alpha, weight)
    variables = critic.trainable_variables
    c_opt.apply_gradients(zip(tape.gradient(critic_loss, variables), variables))
    return critic_loss, penalty
