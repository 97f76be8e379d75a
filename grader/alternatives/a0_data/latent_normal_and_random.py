# cell: sample_latent
# why: Generator.normal(0, 1) and 2 * random() - 1 draw the same distributions as standard_normal and uniform(-1, 1); operator.index accepts exactly the integers
import operator


def sample_latent(n, dim, kind="normal", seed=None):
    try:
        if isinstance(n, bool) or isinstance(dim, bool):
            raise TypeError
        n, dim = operator.index(n), operator.index(dim)
    except TypeError:
        raise ValueError("n and dim must be integers") from None
    if n < 1 or dim < 1:
        raise ValueError("n and dim must be positive")
    if kind not in ("normal", "uniform"):
        raise ValueError(f"unknown kind {kind!r}")
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return rng.normal(0.0, 1.0, size=(n, dim)).astype(np.float32)
    return (2.0 * rng.random((n, dim)) - 1.0).astype(np.float32)
