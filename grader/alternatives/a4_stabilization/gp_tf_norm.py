# cell: gradient_penalty
# why: tf.norm of the flattened gradients and alpha broadcast by reshaping to (N, 1, ..., 1) give the same penalty
def gradient_penalty(critic, real, fake, alpha, weight=10.0):
    real, fake, alpha = (tf.cast(t, tf.float32) for t in (real, fake, alpha))
    if real.shape != fake.shape or len(real.shape) < 2:
        raise ValueError("real and fake must be batches of equal shape")
    if alpha.shape != (real.shape[0],):
        raise ValueError("alpha needs one entry per example")
    a = tf.reshape(alpha, (-1,) + (1,) * (len(real.shape) - 1))
    x_hat = fake + a * (real - fake)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        out = critic(x_hat, training=True)
    g = tf.reshape(tape.gradient(out, x_hat), (real.shape[0], -1))
    return weight * tf.reduce_mean((tf.norm(g, axis=1) - 1.0) ** 2)
