# cell: wasserstein_losses
# kills: test_wasserstein_losses
# why: the generator minimises +mean D(G(z)): it moves away from what the critic scores as real
def wasserstein_losses(real_scores, fake_scores):
    real = tf.convert_to_tensor(real_scores, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_scores, dtype=tf.float32)
    d_loss = tf.reduce_mean(fake) - tf.reduce_mean(real)
    g_loss = tf.reduce_mean(fake)
    return d_loss, g_loss
