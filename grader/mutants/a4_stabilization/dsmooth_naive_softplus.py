# cell: discriminator_loss_smoothed
# loses: test_discriminator_loss_smoothed
# why: writes the cross-entropy out as log(1 + exp(l)) - y l: right for moderate logits, but exp overflows to inf for large ones (use softplus or sigmoid_cross_entropy_with_logits)
def discriminator_loss_smoothed(real_logits, fake_logits, smoothing=0.1):
    if (isinstance(smoothing, bool) or not isinstance(smoothing, (int, float, np.floating))
            or not 0.0 <= float(smoothing) < 1.0):
        raise ValueError(f"smoothing must be a number in [0, 1), got {smoothing!r}")
    real_logits = tf.convert_to_tensor(real_logits, dtype=tf.float32)
    fake_logits = tf.convert_to_tensor(fake_logits, dtype=tf.float32)
    y = 1.0 - float(smoothing)
    real = tf.math.log(1.0 + tf.exp(real_logits)) - y * real_logits
    fake = tf.math.log(1.0 + tf.exp(fake_logits))
    return tf.reduce_mean(real) + tf.reduce_mean(fake)
