# cell: train_step
# kills: test_train_step_generator_update
# why: the discriminator's gradients are taken over both networks' variables, so d_opt also moves the generator (to help D)
def train_step(generator, discriminator, g_opt, d_opt, real_images, noise):
    with tf.GradientTape() as tape:
        d_loss = discriminator_loss(discriminator(real_images, training=True),
                                    discriminator(generator(noise, training=True), training=True))
    both = discriminator.trainable_variables + generator.trainable_variables
    d_opt.apply_gradients(zip(tape.gradient(d_loss, both), both))
    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator(generator(noise, training=True), training=True))
    g_vars = generator.trainable_variables
    g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    return d_loss, g_loss
