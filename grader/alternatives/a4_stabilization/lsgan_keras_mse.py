# cell: lsgan_losses
# why: Keras's MeanSquaredError against targets 1 and 0, halved, is the same least-squares objective
def lsgan_losses(real_scores, fake_scores):
    mse = keras.losses.MeanSquaredError()
    real, fake = tf.cast(real_scores, tf.float32), tf.cast(fake_scores, tf.float32)
    d_loss = 0.5 * (mse(tf.ones_like(real), real) + mse(tf.zeros_like(fake), fake))
    return d_loss, 0.5 * mse(tf.ones_like(fake), fake)
