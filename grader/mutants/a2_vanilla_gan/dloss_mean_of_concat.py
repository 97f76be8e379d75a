# cell: discriminator_loss
# kills: test_discriminator_loss
# why: one mean over the concatenated batch: half the prescribed sum of two means (and wrong when batch sizes differ)
def discriminator_loss(real_logits, fake_logits):
    logits = tf.concat([real_logits, fake_logits], axis=0)
    labels = tf.concat([tf.ones_like(real_logits), tf.zeros_like(fake_logits)], axis=0)
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
