# cell: sample_latent
# why: TensorFlow's stateless generator, seeded, is as reproducible as NumPy's and draws the same distributions
def sample_latent(n, dim, kind="normal", seed=None):
    for name, value in (("n", n), ("dim", dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if seed is None:
        seed = int(np.random.default_rng().integers(2**31))
    shape, key = (int(n), int(dim)), tf.constant([int(seed), 1234], dtype=tf.int64)
    if kind == "normal":
        return tf.random.stateless_normal(shape, seed=key).numpy()
    if kind == "uniform":
        return tf.random.stateless_uniform(shape, seed=key, minval=-1.0, maxval=1.0).numpy()
    raise ValueError(f"kind must be 'normal' or 'uniform', got {kind!r}")
