# cell: sample_noise
# loses: test_sample_noise
# why: seeds the stateless op with [0, seed] instead of the prescribed [seed, 0]
def sample_noise(n, latent_dim, seed):
    return tf.random.stateless_normal((n, latent_dim), seed=[0, seed])
