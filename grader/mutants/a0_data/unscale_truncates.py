# cell: unscale_images
# kills: test_unscale_images
# why: truncates instead of rounding, so float round-off turns 17 into 16
def unscale_images(x):
    x = np.asarray(x, dtype=np.float32)
    if not np.isfinite(x).all():
        raise ValueError("x contains NaN or infinite values")
    if x.min() < -1.001 or x.max() > 1.001:
        raise ValueError("x must lie in [-1, 1]")
    return np.clip((x + 1.0) * 127.5, 0, 255).astype(np.uint8)
