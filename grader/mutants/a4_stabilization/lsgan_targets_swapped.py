# cell: lsgan_losses
# kills: test_lsgan_losses
# why: swaps the discriminator's targets: real towards 0 and fake towards 1
def lsgan_losses(real_scores, fake_scores):
    real = tf.convert_to_tensor(real_scores, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_scores, dtype=tf.float32)
    d_loss = 0.5 * tf.reduce_mean(tf.square(real)) + 0.5 * tf.reduce_mean(tf.square(fake - 1.0))
    g_loss = 0.5 * tf.reduce_mean(tf.square(fake - 1.0))
    return d_loss, g_loss
