# cell: sample_noise
# why: the stateless generator's seed as a tuple (seed, 0) and the shape as a list are the same call
def sample_noise(n, latent_dim, seed):
    return tf.random.stateless_normal([n, latent_dim], seed=(seed, 0))
