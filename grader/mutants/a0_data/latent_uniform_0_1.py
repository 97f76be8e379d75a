# cell: sample_latent
# loses: test_sample_latent_values
# why: uniform noise on [0, 1] instead of [-1, 1]
def sample_latent(n, dim, kind="normal", seed=None):
    if n <= 0 or dim <= 0:
        raise ValueError("n and dim must be positive")
    rng = np.random.default_rng(seed)
    if kind == "normal":
        z = rng.standard_normal((n, dim))
    elif kind == "uniform":
        z = rng.uniform(0.0, 1.0, size=(n, dim))
    else:
        raise ValueError(kind)
    return z.astype(np.float32)
