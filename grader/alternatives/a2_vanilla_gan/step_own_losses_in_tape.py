# cell: train_step
# why: computing the fakes outside the tape (the discriminator step differentiates only the discriminator) and returning the losses as computed is the same step
def train_step(generator, discriminator, g_opt, d_opt, real_images, noise):
    fake = generator(noise, training=True)
    with tf.GradientTape() as d_tape:
        d_loss = discriminator_loss(discriminator(real_images, training=True), discriminator(fake, training=True))
    d_opt.apply_gradients(zip(d_tape.gradient(d_loss, discriminator.trainable_variables),
                              discriminator.trainable_variables))
    with tf.GradientTape() as g_tape:
        g_loss = generator_loss(discriminator(generator(noise, training=True), training=True))
    g_opt.apply_gradients(zip(g_tape.gradient(g_loss, generator.trainable_variables),
                              generator.trainable_variables))
    return d_loss, g_loss
