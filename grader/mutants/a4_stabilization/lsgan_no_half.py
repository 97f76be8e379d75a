# cell: lsgan_losses
# kills: test_lsgan_losses
# why: drops Mao et al.'s factor 1/2 in both losses
def lsgan_losses(real_scores, fake_scores):
    real = tf.convert_to_tensor(real_scores, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_scores, dtype=tf.float32)
    d_loss = tf.reduce_mean(tf.square(real - 1.0)) + tf.reduce_mean(tf.square(fake))
    g_loss = tf.reduce_mean(tf.square(fake - 1.0))
    return d_loss, g_loss
