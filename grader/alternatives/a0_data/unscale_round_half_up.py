# cell: unscale_images
# why: rounding halves up (floor(v + 0.5)) instead of to even is an equally correct rounding to the nearest level
def unscale_images(x):
    x = np.asarray(x, dtype=np.float64)
    if np.isnan(x).any() or np.isinf(x).any():
        raise ValueError("x has NaN or infinite values")
    if (x < -1.001).any() or (x > 1.001).any():
        raise ValueError("x must lie in [-1, 1]")
    levels = np.floor((x + 1.0) * 127.5 + 0.5)
    return np.clip(levels, 0, 255).astype(np.uint8)
