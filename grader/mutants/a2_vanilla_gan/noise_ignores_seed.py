# cell: sample_noise
# kills: test_sample_noise
# why: draws from the global random state (tf.random.normal) and ignores the seed
def sample_noise(n, latent_dim, seed):
    return tf.random.normal((n, latent_dim))
