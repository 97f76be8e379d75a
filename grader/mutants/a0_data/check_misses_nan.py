# cell: check_batch
# loses: test_check_batch
# why: range check with min/max only: comparisons with NaN are False, so NaN passes
def check_batch(x, shape):
    x = np.asarray(x)
    if x.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, x.shape)):
        raise ValueError(f"batch has shape {x.shape}, expected {shape}")
    if x.min() < -1 or x.max() > 1:
        raise ValueError("batch values must lie in [-1, 1]")
    return None
