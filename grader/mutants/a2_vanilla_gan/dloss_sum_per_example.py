# cell: discriminator_loss
# loses: test_discriminator_loss
# why: adds the real and the fake per-example losses before one mean, reduce_mean(bce_real + bce_fake): right for equal batch sizes only, an error when B_r != B_f
def discriminator_loss(real_logits, fake_logits):
    real = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(real_logits), logits=real_logits)
    fake = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits)
    return tf.reduce_mean(real + fake)
