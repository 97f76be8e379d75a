# cell: generator_loss
# loses: test_generator_loss
# why: smooths the generator's target label to 0.9 (label smoothing belongs, if anywhere, to the discriminator's real labels): the value and the gradients are off, and a rejected fake gets -0.9/B instead of -1/B
def generator_loss(fake_logits):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=0.9 * tf.ones_like(fake_logits), logits=fake_logits))
