# cell: wasserstein_losses
# kills: test_wasserstein_losses
# why: applies a sigmoid-cross-entropy reflex: means of log sigmoid of the scores instead of the raw scores
def wasserstein_losses(real_scores, fake_scores):
    real = tf.convert_to_tensor(real_scores, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_scores, dtype=tf.float32)
    d_loss = tf.reduce_mean(tf.math.log_sigmoid(fake)) - tf.reduce_mean(tf.math.log_sigmoid(real))
    g_loss = -tf.reduce_mean(tf.math.log_sigmoid(fake))
    return d_loss, g_loss
