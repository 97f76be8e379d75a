# cell: wgan_gp_critic_step
# why: generating the fakes inside the tape changes nothing (only the critic's variables are differentiated); the total written as one expression
def wgan_gp_critic_step(critic, generator, c_opt, real, noise, alpha, weight=10.0):
    with tf.GradientTape() as tape:
        fake = generator(noise, training=True)
        critic_loss = tf.reduce_mean(critic(fake, training=True)) - tf.reduce_mean(critic(real, training=True))
        penalty = gradient_penalty(critic, real, fake, alpha, weight=weight)
        loss = critic_loss + penalty
    grads = tape.gradient(loss, critic.trainable_variables)
    c_opt.apply_gradients(list(zip(grads, critic.trainable_variables)))
    return critic_loss, penalty
