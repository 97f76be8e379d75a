# cell: sample_alpha
# loses: test_sample_alpha
# why: one alpha for the whole batch, repeated n times, instead of one per example
def sample_alpha(n, seed):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    return tf.fill((int(n),), tf.random.stateless_uniform((), seed=[int(seed), 0]))
