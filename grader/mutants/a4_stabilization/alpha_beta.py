# cell: sample_alpha
# loses: test_sample_alpha
# why: draws alpha from Beta(2, 2): in [0, 1] with mean 1/2, but it rarely reaches the ends of the segment
def sample_alpha(n, seed):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    return tf.constant(np.random.default_rng(seed).beta(2.0, 2.0, int(n)), dtype=tf.float32)
