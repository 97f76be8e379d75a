# cell: hinge_losses
# why: max(0, 1 - s) via tf.maximum is the same hinge as relu(1 - s)
def hinge_losses(real_scores, fake_scores):
    real, fake = tf.cast(real_scores, tf.float32), tf.cast(fake_scores, tf.float32)
    d_loss = tf.reduce_mean(tf.maximum(0.0, 1.0 - real)) + tf.reduce_mean(tf.maximum(0.0, 1.0 + fake))
    return d_loss, tf.reduce_mean(-fake)
