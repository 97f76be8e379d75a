# cell: sample_alpha
# loses: test_sample_alpha
# why: no check of n: sample_alpha(0, seed) returns an empty alpha and sample_alpha(2.5, seed) quietly draws 2, instead of a ValueError
def sample_alpha(n, seed):
    return tf.random.stateless_uniform((int(n),), seed=[int(seed), 0], minval=0.0, maxval=1.0, dtype=tf.float32)
