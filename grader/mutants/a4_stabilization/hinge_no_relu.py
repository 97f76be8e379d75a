# cell: hinge_losses
# kills: test_hinge_losses
# why: forgets the relu: D keeps pushing examples it already separates beyond the margin (a Wasserstein loss shifted by 2)
def hinge_losses(real_scores, fake_scores):
    real = tf.convert_to_tensor(real_scores, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_scores, dtype=tf.float32)
    d_loss = tf.reduce_mean(1.0 - real) + tf.reduce_mean(1.0 + fake)
    g_loss = -tf.reduce_mean(fake)
    return d_loss, g_loss
