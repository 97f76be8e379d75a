# cell: sample_latent
# kills: test_sample_latent_basics
# loses: test_sample_latent_values
# why: creates an unseeded Generator (default_rng() without the seed), so the same seed gives different noise every call
def sample_latent(n, dim, kind="normal", seed=None):
    if isinstance(n, bool) or isinstance(dim, bool) or not isinstance(n, (int, np.integer)) \
            or not isinstance(dim, (int, np.integer)) or n <= 0 or dim <= 0:
        raise ValueError("n and dim must be positive integers")
    rng = np.random.default_rng()
    if kind == "normal":
        return rng.standard_normal((n, dim)).astype(np.float32)
    if kind == "uniform":
        return rng.uniform(-1.0, 1.0, size=(n, dim)).astype(np.float32)
    raise ValueError(f"unknown kind {kind!r}")
