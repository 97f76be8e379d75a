# cell: sample_alpha
# kills: test_sample_alpha
# why: draws from the global random state: the same seed gives different alpha
def sample_alpha(n, seed):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    return tf.random.uniform((int(n),), dtype=tf.float32)
