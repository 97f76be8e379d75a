# cell: discriminator_loss_smoothed
# kills: test_discriminator_loss_smoothed
# why: computes the cross-entropy as -y log(sigmoid(l)) - (1 - y) log(1 - sigmoid(l)): infinite for large logits
def discriminator_loss_smoothed(real_logits, fake_logits, smoothing=0.1):
    if not 0.0 <= float(smoothing) < 1.0:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing!r}")
    y = 1.0 - float(smoothing)
    p_real = tf.sigmoid(tf.convert_to_tensor(real_logits, dtype=tf.float32))
    p_fake = tf.sigmoid(tf.convert_to_tensor(fake_logits, dtype=tf.float32))
    real = -y * tf.math.log(p_real) - (1.0 - y) * tf.math.log(1.0 - p_real)
    fake = -tf.math.log(1.0 - p_fake)
    return tf.reduce_mean(real) + tf.reduce_mean(fake)
