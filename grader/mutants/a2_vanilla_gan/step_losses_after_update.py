# cell: train_step
# kills: test_train_step_basics, test_train_step_generator_update
# loses: test_train_step_discriminator_update
# why: returns the losses re-evaluated after both updates, not the values the updates were computed from
def train_step(generator, discriminator, g_opt, d_opt, real_images, noise):
    with tf.GradientTape() as tape:
        d_loss = discriminator_loss(discriminator(real_images, training=True),
                                    discriminator(generator(noise, training=True), training=True))
    d_vars = discriminator.trainable_variables
    d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator(generator(noise, training=True), training=True))
    g_vars = generator.trainable_variables
    g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    fake_logits = discriminator(generator(noise))
    return discriminator_loss(discriminator(real_images), fake_logits), generator_loss(fake_logits)
