# cell: check_batch
# loses: test_check_batch
# why: treats the bounds as invalid (x <= -1 or x >= 1), so a batch holding -1 or 1, both valid tanh outputs, is rejected
def check_batch(x, shape):
    x = np.asarray(x)
    if x.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, x.shape)):
        raise ValueError(f"batch has shape {x.shape}, expected {shape}")
    if not np.isfinite(x).all() or x.min() <= -1 or x.max() >= 1:
        raise ValueError("batch values must be finite and lie in [-1, 1]")
    return None
