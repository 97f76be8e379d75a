# cell: discriminator_loss
# why: Keras's BinaryCrossentropy(from_logits=True), once per batch, is the same sum of two means
def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
