# cell: wgan_gp_critic_step
# kills: test_wgan_gp_critic_step_basics
# loses: test_wgan_gp_critic_step_update
# why: takes the gradients over the critic's and the generator's variables, so c_opt also moves the generator
def wgan_gp_critic_step(critic, generator, c_opt, real, noise, alpha, weight=10.0):
    with tf.GradientTape() as tape:
        fake = generator(noise, training=True)
        critic_loss, _ = wasserstein_losses(critic(real, training=True), critic(fake, training=True))
        penalty = gradient_penalty(critic, real, fake, alpha, weight)
        total = critic_loss + penalty
    variables = critic.trainable_variables + generator.trainable_variables
    c_opt.apply_gradients(zip(tape.gradient(total, variables), variables))
    return critic_loss, penalty
