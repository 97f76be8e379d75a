# cell: wasserstein_losses
# kills: test_wasserstein_losses
# why: swaps the signs: the critic maximises mean D(G(z)) - mean D(x) and the generator lowers D(G(z))
def wasserstein_losses(real_scores, fake_scores):
    real = tf.convert_to_tensor(real_scores, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_scores, dtype=tf.float32)
    d_loss = tf.reduce_mean(real) - tf.reduce_mean(fake)
    g_loss = tf.reduce_mean(fake)
    return d_loss, g_loss
