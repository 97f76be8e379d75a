# cell: check_batch
# loses: test_check_batch
# why: compares only the number of axes, not their sizes, so a batch of 5 where 4 were asked for, or 27 rows instead of 28, passes
def check_batch(x, shape):
    x = np.asarray(x)
    if x.ndim != len(shape):
        raise ValueError(f"batch has shape {x.shape}, expected {shape}")
    if not np.isfinite(x).all() or x.min() < -1 or x.max() > 1:
        raise ValueError("batch values must be finite and lie in [-1, 1]")
    return None
