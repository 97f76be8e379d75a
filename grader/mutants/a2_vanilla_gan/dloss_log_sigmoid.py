# cell: discriminator_loss
# loses: test_discriminator_loss
# why: computes log(sigmoid(l)) literally (with an epsilon): wrong for large logits, e.g. 16 instead of 200 at l = -200
def discriminator_loss(real_logits, fake_logits):
    eps = 1e-7
    return (-tf.reduce_mean(tf.math.log(tf.sigmoid(real_logits) + eps))
            - tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(fake_logits) + eps)))
