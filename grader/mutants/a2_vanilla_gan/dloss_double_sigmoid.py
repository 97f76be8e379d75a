# cell: discriminator_loss
# kills: test_discriminator_loss
# why: applies a sigmoid and then a loss with from_logits=True: the sigmoid is applied twice
def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return (bce(tf.ones_like(real_logits), tf.sigmoid(real_logits))
            + bce(tf.zeros_like(fake_logits), tf.sigmoid(fake_logits)))
