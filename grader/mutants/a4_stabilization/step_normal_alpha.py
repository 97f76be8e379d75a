# cell: wgan_gp_critic_step
# loses: test_wgan_gp_critic_step_update
# why: ignores the alpha it is given and draws the interpolation weights from a normal distribution
def wgan_gp_critic_step(critic, generator, c_opt, real, noise, alpha, weight=10.0):
    fake = generator(noise, training=True)
    alpha = tf.random.normal([tf.shape(real)[0]])
    with tf.GradientTape() as tape:
        critic_loss, _ = wasserstein_losses(critic(real, training=True), critic(fake, training=True))
        penalty = gradient_penalty(critic, real, fake, alpha, weight)
        total = critic_loss + penalty
    variables = critic.trainable_variables
    c_opt.apply_gradients(zip(tape.gradient(total, variables), variables))
    return critic_loss, penalty
