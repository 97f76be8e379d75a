# cell: lsgan_losses
# kills: test_lsgan_losses
# why: the generator pushes D(G(z)) towards the fake target 0 instead of c = 1
def lsgan_losses(real_scores, fake_scores):
    real = tf.convert_to_tensor(real_scores, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_scores, dtype=tf.float32)
    d_loss = 0.5 * tf.reduce_mean(tf.square(real - 1.0)) + 0.5 * tf.reduce_mean(tf.square(fake))
    g_loss = 0.5 * tf.reduce_mean(tf.square(fake))
    return d_loss, g_loss
