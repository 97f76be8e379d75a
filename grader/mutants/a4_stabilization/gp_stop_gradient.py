# cell: gradient_penalty
# loses: test_gradient_penalty_closed_forms
# why: stops the gradient of the input gradients: the penalty has the right value but cannot train the critic
def gradient_penalty(critic, real, fake, alpha, weight=10.0):
    real = tf.convert_to_tensor(real, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake, dtype=tf.float32)
    alpha = tf.convert_to_tensor(alpha, dtype=tf.float32)
    if real.shape != fake.shape or real.shape.rank < 2:
        raise ValueError(f"real and fake must be batches of the same shape (N, ...), got {real.shape} and {fake.shape}")
    if alpha.shape.rank != 1 or alpha.shape[0] != real.shape[0]:
        raise ValueError(f"alpha must have shape ({real.shape[0]},), one weight per example, got {alpha.shape}")
    alpha = tf.reshape(alpha, [-1] + [1] * (real.shape.rank - 1))
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    grads = tf.stop_gradient(grads)
    norms = tf.sqrt(tf.reduce_sum(tf.square(tf.reshape(grads, [tf.shape(grads)[0], -1])), axis=1) + 1e-12)
    return weight * tf.reduce_mean(tf.square(norms - 1.0))
