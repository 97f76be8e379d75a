# cell: generator_loss
# why: -log sigmoid(l) = softplus(-l), so the mean softplus of the negated logits is the non-saturating loss
def generator_loss(fake_logits):
    return tf.reduce_mean(tf.nn.softplus(-tf.cast(fake_logits, tf.float32)))
