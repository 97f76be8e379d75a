# cell: sample_latent
# loses: test_sample_latent_values
# why: ignores the seeded Generator and draws from NumPy's legacy global state
def sample_latent(n, dim, kind="normal", seed=None):
    if n <= 0 or dim <= 0:
        raise ValueError("n and dim must be positive")
    np.random.seed(seed)
    if kind == "normal":
        return np.random.randn(n, dim).astype(np.float32)
    if kind == "uniform":
        return np.random.uniform(-1, 1, size=(n, dim)).astype(np.float32)
    raise ValueError(kind)
