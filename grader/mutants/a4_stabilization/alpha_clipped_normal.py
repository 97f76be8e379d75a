# cell: sample_alpha
# loses: test_sample_alpha
# why: a normal distribution around 1/2 clipped to [0, 1]: in range, but not uniform
def sample_alpha(n, seed):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    return tf.clip_by_value(tf.random.stateless_normal((int(n),), seed=[int(seed), 0], mean=0.5, stddev=0.25), 0.0, 1.0)
