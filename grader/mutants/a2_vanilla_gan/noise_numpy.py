# cell: sample_noise
# kills: test_sample_noise
# why: draws the noise with NumPy (np.random.default_rng(seed).standard_normal) and returns an array, not a TensorFlow tensor from the prescribed stateless call
def sample_noise(n, latent_dim, seed):
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)
