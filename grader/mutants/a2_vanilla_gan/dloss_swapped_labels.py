# cell: discriminator_loss
# kills: test_discriminator_loss
# why: labels the real images 0 and the fakes 1
def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.zeros_like(real_logits), real_logits) + bce(tf.ones_like(fake_logits), fake_logits)
