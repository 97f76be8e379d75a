# cell: train_step
# why: the Keras-tutorial idiom: one BCE mean over the concatenated real + fake batch (equal batch sizes: half the sum of the two means, the same Adam update), stop_gradient on the fakes
def train_step(generator, discriminator, g_opt, d_opt, real_images, noise):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    fake = tf.stop_gradient(generator(noise, training=True))
    images = tf.concat([real_images, fake], axis=0)
    labels = tf.concat([tf.ones((tf.shape(real_images)[0], 1)), tf.zeros((tf.shape(fake)[0], 1))], axis=0)
    with tf.GradientTape() as tape:
        d_loss = bce(labels, discriminator(images, training=True))
    grads = tape.gradient(d_loss, discriminator.trainable_weights)
    d_opt.apply_gradients(zip(grads, discriminator.trainable_weights))

    with tf.GradientTape() as tape:
        g_loss = bce(tf.ones((tf.shape(noise)[0], 1)), discriminator(generator(noise, training=True), training=True))
    grads = tape.gradient(g_loss, generator.trainable_weights)
    g_opt.apply_gradients(zip(grads, generator.trainable_weights))
    return d_loss, g_loss
