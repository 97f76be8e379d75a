# cell: gradient_penalty
# kills: test_gradient_penalty_interpolates
# why: one gradient norm over the whole batch (tf.norm of the (N, ...) gradient) instead of one norm per example
def gradient_penalty(critic, real, fake, alpha, weight=10.0):
    real = tf.convert_to_tensor(real, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake, dtype=tf.float32)
    alpha = tf.convert_to_tensor(alpha, dtype=tf.float32)
    if real.shape != fake.shape or real.shape.rank < 2:
        raise ValueError("real and fake must be batches of the same shape")
    if alpha.shape.rank != 1 or alpha.shape[0] != real.shape[0]:
        raise ValueError("alpha must have shape (N,)")
    alpha = tf.reshape(alpha, [-1] + [1] * (real.shape.rank - 1))
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    return weight * tf.square(tf.norm(grads) - 1.0)
