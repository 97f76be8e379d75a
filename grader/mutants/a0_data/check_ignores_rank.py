# cell: check_batch
# kills: test_check_batch
# why: zip() stops at the shorter shape, so a missing or extra axis is not noticed
def check_batch(x, shape):
    x = np.asarray(x)
    if any(s is not None and s != d for s, d in zip(shape, x.shape)):
        raise ValueError(f"batch has shape {x.shape}, expected {shape}")
    if not np.isfinite(x).all() or x.min() < -1 or x.max() > 1:
        raise ValueError("batch values must be finite and lie in [-1, 1]")
    return None
