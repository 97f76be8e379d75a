# cell: generator_loss
# kills: test_generator_loss
# why: applies a sigmoid and then a loss with from_logits=True: the sigmoid is applied twice
def generator_loss(fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.ones_like(fake_logits), tf.sigmoid(fake_logits))
