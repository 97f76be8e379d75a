# cell: train_step
# kills: test_train_step_basics
# loses: test_train_step_discriminator_update, test_train_step_generator_update
# why: creates fresh Adam optimisers inside the step, so Adam's running averages restart every step
def train_step(generator, discriminator, g_opt, d_opt, real_images, noise):
    d_opt, g_opt = keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)
    with tf.GradientTape() as tape:
        d_loss = discriminator_loss(discriminator(real_images, training=True),
                                    discriminator(generator(noise, training=True), training=True))
    d_vars = discriminator.trainable_variables
    d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator(generator(noise, training=True), training=True))
    g_vars = generator.trainable_variables
    g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    return d_loss, g_loss
