# cell: sample_alpha
# kills: test_sample_alpha
# why: draws alpha from a standard normal distribution (the widely copied error the seeds warn about): most interpolates leave the segment
def sample_alpha(n, seed):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    return tf.random.stateless_normal((int(n),), seed=[int(seed), 0], dtype=tf.float32)
