# cell: generator_loss
# loses: test_generator_loss
# why: computes -log(sigmoid(l)) literally, with sigmoid(l) clipped to [1e-7, 1] to avoid log(0): right for moderate logits, but the clipped gradient vanishes once D confidently rejects the fakes (l < -16), and the loss is 16 instead of 200 at l = -200
def generator_loss(fake_logits):
    d = tf.clip_by_value(tf.sigmoid(fake_logits), 1e-7, 1.0)
    return -tf.reduce_mean(tf.math.log(d))
