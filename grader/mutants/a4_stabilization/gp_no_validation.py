# cell: gradient_penalty
# loses: test_gradient_penalty_interpolates
# why: no shape checks: an alpha of the wrong length or shape broadcasts (or fails deep inside TensorFlow) instead of a clear ValueError
def gradient_penalty(critic, real, fake, alpha, weight=10.0):
    real = tf.convert_to_tensor(real, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake, dtype=tf.float32)
    alpha = tf.reshape(tf.convert_to_tensor(alpha, dtype=tf.float32), [tf.shape(real)[0], -1])
    alpha = tf.reshape(alpha[:, :1], [-1] + [1] * (real.shape.rank - 1))
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    norms = tf.sqrt(tf.reduce_sum(tf.square(tf.reshape(grads, [tf.shape(grads)[0], -1])), axis=1) + 1e-12)
    return weight * tf.reduce_mean(tf.square(norms - 1.0))
