# cell: sample_noise
# kills: test_sample_noise
# why: uniform noise on [0, 1) (tf.random.stateless_uniform) instead of a standard normal
def sample_noise(n, latent_dim, seed):
    return tf.random.stateless_uniform((n, latent_dim), seed=[seed, 0])
