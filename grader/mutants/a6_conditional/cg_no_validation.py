# cell: conditional_gan_losses
# loses: test_conditional_gan_losses_values
# why: does not check that each batch has as many labels as images
def conditional_gan_losses(discriminator, real_images, real_labels, fake_images, fake_labels):
    real_images, fake_images = tf.convert_to_tensor(real_images), tf.convert_to_tensor(fake_images)
    real_logits = tf.cast(discriminator([real_images, real_labels], training=True), tf.float32)
    fake_logits = tf.cast(discriminator([fake_images, fake_labels], training=True), tf.float32)
    bce = tf.nn.sigmoid_cross_entropy_with_logits
    d_loss = (tf.reduce_mean(bce(labels=tf.ones_like(real_logits), logits=real_logits))
              + tf.reduce_mean(bce(labels=tf.zeros_like(fake_logits), logits=fake_logits)))
    g_loss = tf.reduce_mean(bce(labels=tf.ones_like(fake_logits), logits=fake_logits))
    return d_loss, g_loss
