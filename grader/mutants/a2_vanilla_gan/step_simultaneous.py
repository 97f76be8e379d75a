# cell: train_step
# kills: test_train_step_generator_update
# why: computes both losses and gradients in one pass, so the generator steps against the old discriminator
def train_step(generator, discriminator, g_opt, d_opt, real_images, noise):
    with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
        fake = generator(noise, training=True)
        fake_logits = discriminator(fake, training=True)
        d_loss = discriminator_loss(discriminator(real_images, training=True), fake_logits)
        g_loss = generator_loss(fake_logits)
    d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
    d_grads = d_tape.gradient(d_loss, d_vars)
    g_grads = g_tape.gradient(g_loss, g_vars)
    d_opt.apply_gradients(zip(d_grads, d_vars))
    g_opt.apply_gradients(zip(g_grads, g_vars))
    return d_loss, g_loss
