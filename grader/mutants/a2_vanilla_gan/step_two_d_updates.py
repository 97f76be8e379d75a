# cell: train_step
# kills: test_train_step_basics
# loses: test_train_step_discriminator_update
# why: two discriminator updates per step (k = 2 in Goodfellow's algorithm) where one is prescribed
def train_step(generator, discriminator, g_opt, d_opt, real_images, noise):
    d_vars = discriminator.trainable_variables
    for k in range(2):
        with tf.GradientTape() as tape:
            loss = discriminator_loss(discriminator(real_images, training=True),
                                      discriminator(generator(noise, training=True), training=True))
        d_opt.apply_gradients(zip(tape.gradient(loss, d_vars), d_vars))
        if k == 0:
            d_loss = loss
    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator(generator(noise, training=True), training=True))
    g_vars = generator.trainable_variables
    g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    return d_loss, g_loss
