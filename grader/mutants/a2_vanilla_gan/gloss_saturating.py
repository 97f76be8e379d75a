# cell: generator_loss
# kills: test_generator_loss
# why: the saturating minimax loss log(1 - D(G(z))): no gradient when D confidently rejects the fakes
def generator_loss(fake_logits):
    return -tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits))
