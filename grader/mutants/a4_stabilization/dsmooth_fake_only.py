# cell: discriminator_loss_smoothed
# loses: test_discriminator_loss_smoothed
# why: smooths the fake targets (0 -> s) and leaves the real targets at 1: the wrong side
def discriminator_loss_smoothed(real_logits, fake_logits, smoothing=0.1):
    if (isinstance(smoothing, bool) or not isinstance(smoothing, (int, float, np.floating))
            or not 0.0 <= float(smoothing) < 1.0):
        raise ValueError(f"smoothing must be a number in [0, 1), got {smoothing!r}")
    real_logits = tf.convert_to_tensor(real_logits, dtype=tf.float32)
    fake_logits = tf.convert_to_tensor(fake_logits, dtype=tf.float32)
    real = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.fill(tf.shape(real_logits), 1.0), logits=real_logits)
    fake = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.fill(tf.shape(fake_logits), float(smoothing)), logits=fake_logits)
    return tf.reduce_mean(real) + tf.reduce_mean(fake)
