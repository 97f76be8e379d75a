# cell: sample_latent
# loses: test_sample_latent_basics
# why: checks sizes with isinstance(n, int), which NumPy integers (np.int64 from an array's shape or len of a NumPy computation) fail
def sample_latent(n, dim, kind="normal", seed=None):
    for value in (n, dim):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError("n and dim must be positive integers")
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return rng.standard_normal((n, dim)).astype(np.float32)
    if kind == "uniform":
        return rng.uniform(-1.0, 1.0, size=(n, dim)).astype(np.float32)
    raise ValueError(f"unknown kind {kind!r}")
