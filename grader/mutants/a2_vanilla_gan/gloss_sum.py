# cell: generator_loss
# kills: test_generator_loss
# why: sums over the batch instead of averaging
def generator_loss(fake_logits):
    return tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(fake_logits), logits=fake_logits))
