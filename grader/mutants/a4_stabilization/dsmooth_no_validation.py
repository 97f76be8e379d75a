# cell: discriminator_loss_smoothed
# loses: test_discriminator_loss_smoothed
# why: accepts smoothing outside [0, 1) (e.g. 1.0: real target 0, or negative targets) without an error
def discriminator_loss_smoothed(real_logits, fake_logits, smoothing=0.1):
    real_logits = tf.convert_to_tensor(real_logits, dtype=tf.float32)
    fake_logits = tf.convert_to_tensor(fake_logits, dtype=tf.float32)
    real = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.fill(tf.shape(real_logits), 1.0 - float(smoothing)), logits=real_logits)
    fake = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits)
    return tf.reduce_mean(real) + tf.reduce_mean(fake)
