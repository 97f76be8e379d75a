# cell: sample_latent
# loses: test_sample_latent_basics
# why: accepts n=0, negative or fractional sizes and unknown kinds (falls back to normal)
def sample_latent(n, dim, kind="normal", seed=None):
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        return rng.uniform(-1.0, 1.0, size=(int(n), int(dim))).astype(np.float32)
    return rng.standard_normal((max(int(n), 0), max(int(dim), 0))).astype(np.float32)
