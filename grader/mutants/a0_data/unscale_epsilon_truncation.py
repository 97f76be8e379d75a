# cell: unscale_images
# loses: test_unscale_images
# why: truncates after adding a tiny epsilon (a patch for 50.99999 becoming 50), which is still not rounding to the nearest level
def unscale_images(x):
    x = np.asarray(x, dtype=np.float32)
    if not np.isfinite(x).all():
        raise ValueError("x contains NaN or infinite values")
    if x.min() < -1.001 or x.max() > 1.001:
        raise ValueError("x must lie in [-1, 1]")
    return np.clip((x + 1.0) * 127.5 + 1e-3, 0, 255).astype(np.uint8)
