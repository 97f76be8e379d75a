# cell: discriminator_loss
# kills: test_train_step_basics, test_train_step_discriminator_update, test_train_step_generator_update
# loses: test_discriminator_loss
# why: right values computed in NumPy: no gradient flows back to the discriminator
def discriminator_loss(real_logits, fake_logits):
    r, f = np.asarray(real_logits, dtype=np.float64), np.asarray(fake_logits, dtype=np.float64)
    return tf.constant(np.logaddexp(0, -r).mean() + np.logaddexp(0, f).mean(), dtype=tf.float32)
