# cell: train_step
# kills: test_train_step_generator_update
# loses: test_train_step_discriminator_update
# why: the generator's gradients are taken over both networks' variables, so g_opt also moves the discriminator (to be fooled)
def train_step(generator, discriminator, g_opt, d_opt, real_images, noise):
    with tf.GradientTape() as tape:
        d_loss = discriminator_loss(discriminator(real_images, training=True),
                                    discriminator(generator(noise, training=True), training=True))
    d_vars = discriminator.trainable_variables
    d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator(generator(noise, training=True), training=True))
    both = generator.trainable_variables + discriminator.trainable_variables
    g_opt.apply_gradients(zip(tape.gradient(g_loss, both), both))
    return d_loss, g_loss
