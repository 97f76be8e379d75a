# cell: generator_loss
# loses: test_generator_loss
# why: right values computed in NumPy: no gradient flows back to the generator
def generator_loss(fake_logits):
    f = np.asarray(fake_logits, dtype=np.float64)
    return tf.constant(np.logaddexp(0, -f).mean(), dtype=tf.float32)
