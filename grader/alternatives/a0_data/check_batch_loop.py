# cell: check_batch
# why: checking the axes one by one in a loop is the same check as the vectorised one
def check_batch(x, shape):
    x = np.asarray(x)
    if len(x.shape) != len(shape):
        raise ValueError(f"expected {len(shape)} axes, got shape {x.shape}")
    for axis, (want, got) in enumerate(zip(shape, x.shape)):
        if want is not None and want != got:
            raise ValueError(f"axis {axis} has size {got}, expected {want}")
    if np.isnan(x).any() or np.isinf(x).any():
        raise ValueError("batch has NaN or infinite values")
    if np.any(np.abs(x) > 1):
        raise ValueError("batch values must lie in [-1, 1]")
