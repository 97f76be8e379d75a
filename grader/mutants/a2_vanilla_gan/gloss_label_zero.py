# cell: generator_loss
# kills: test_generator_loss
# why: labels the fakes 0 as in the discriminator's loss: minimising it helps the discriminator (sign error)
def generator_loss(fake_logits):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits))
