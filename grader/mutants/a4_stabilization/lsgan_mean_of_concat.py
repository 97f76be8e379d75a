# cell: lsgan_losses
# loses: test_lsgan_losses
# why: one mean over the concatenated real and fake squared errors instead of the sum of two batch means (differs when the batch sizes differ)
def lsgan_losses(real_scores, fake_scores):
    real = tf.convert_to_tensor(real_scores, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_scores, dtype=tf.float32)
    d_loss = tf.reduce_mean(tf.concat([tf.reshape(tf.square(real - 1.0), [-1]), tf.reshape(tf.square(fake), [-1])], 0))
    g_loss = 0.5 * tf.reduce_mean(tf.square(fake - 1.0))
    return d_loss, g_loss
