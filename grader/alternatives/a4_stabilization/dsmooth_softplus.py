# cell: discriminator_loss_smoothed
# why: BCE with target y written as softplus: y softplus(-l) + (1 - y) softplus(l), with y = 1 - s for the reals
def discriminator_loss_smoothed(real_logits, fake_logits, smoothing=0.1):
    if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float)) or not 0 <= smoothing < 1:
        raise ValueError("smoothing must lie in [0, 1)")
    real, fake = tf.cast(real_logits, tf.float32), tf.cast(fake_logits, tf.float32)
    y = 1.0 - smoothing
    real_loss = y * tf.nn.softplus(-real) + (1.0 - y) * tf.nn.softplus(real)
    return tf.reduce_mean(real_loss) + tf.reduce_mean(tf.nn.softplus(fake))
