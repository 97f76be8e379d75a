# cell: sample_alpha
# kills: test_sample_alpha
# why: borrows the course library's random interpolation weights (gancourse.objectives.interpolates with real = 1, fake = 0 gives alpha back)
from gancourse.objectives import interpolates as _interpolates


def sample_alpha(n, seed):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    a = tf.random.stateless_uniform((int(n),), seed=[int(seed), 0], dtype=tf.float32)
    return tf.reshape(_interpolates(tf.ones((int(n), 1)), tf.zeros((int(n), 1)), a), [-1])
