# cell: sample_alpha
# why: the stateless uniform with its default range [0, 1) and the seed as a tuple is the same call
def sample_alpha(n, seed):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError("n must be a positive integer")
    return tf.random.stateless_uniform([int(n)], seed=(int(seed), 0))
