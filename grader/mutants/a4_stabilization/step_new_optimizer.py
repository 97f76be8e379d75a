# cell: wgan_gp_critic_step
# kills: test_wgan_gp_critic_step_basics
# loses: test_wgan_gp_critic_step_update
# why: creates its own Adam optimiser on every call instead of using c_opt (loses the optimiser's state and learning rate)
def wgan_gp_critic_step(critic, generator, c_opt, real, noise, alpha, weight=10.0):
    fake = generator(noise, training=True)
    with tf.GradientTape() as tape:
        critic_loss, _ = wasserstein_losses(critic(real, training=True), critic(fake, training=True))
        penalty = gradient_penalty(critic, real, fake, alpha, weight)
        total = critic_loss + penalty
    variables = critic.trainable_variables
    keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9).apply_gradients(zip(tape.gradient(total, variables), variables))
    return critic_loss, penalty
