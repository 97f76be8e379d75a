# cell: wasserstein_losses
# why: the critic loss written as -(mean real - mean fake), the negated estimate of the Wasserstein distance, is the same
def wasserstein_losses(real_scores, fake_scores):
    real, fake = tf.cast(real_scores, tf.float32), tf.cast(fake_scores, tf.float32)
    estimate = tf.reduce_mean(real) - tf.reduce_mean(fake)
    return -estimate, -tf.reduce_mean(fake)
