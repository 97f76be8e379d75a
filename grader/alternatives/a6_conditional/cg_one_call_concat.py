# cell: conditional_gan_losses
# why: the Keras idiom: one discriminator call on the concatenated real and fake pairs, the logits split afterwards
def conditional_gan_losses(discriminator, real_images, real_labels, fake_images, fake_labels):
    real_images, fake_images = tf.convert_to_tensor(real_images), tf.convert_to_tensor(fake_images)
    for kind, images, labels in (("real", real_images, real_labels), ("fake", fake_images, fake_labels)):
        if tuple(np.shape(labels)) != (images.shape[0],):
            raise ValueError(f"{images.shape[0]} {kind} images need labels of shape ({images.shape[0]},), got {tuple(np.shape(labels))}")
    n_real = real_images.shape[0]
    labels = tf.concat([tf.cast(real_labels, tf.int32), tf.cast(fake_labels, tf.int32)], axis=0)
    logits = tf.cast(discriminator([tf.concat([tf.cast(real_images, tf.float32), tf.cast(fake_images, tf.float32)], axis=0), labels], training=True), tf.float32)
    real_logits, fake_logits = logits[:n_real], logits[n_real:]
    bce = tf.nn.sigmoid_cross_entropy_with_logits
    d_loss = (tf.reduce_mean(bce(labels=tf.ones_like(real_logits), logits=real_logits))
              + tf.reduce_mean(bce(labels=tf.zeros_like(fake_logits), logits=fake_logits)))
    g_loss = tf.reduce_mean(bce(labels=tf.ones_like(fake_logits), logits=fake_logits))
    return d_loss, g_loss
