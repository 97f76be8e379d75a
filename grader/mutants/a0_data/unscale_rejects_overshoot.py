# cell: unscale_images
# loses: test_unscale_images
# why: rejects any value outside [-1, 1], so the round-off a tanh output or a float computation leaves (1.0005) raises instead of being clipped
def unscale_images(x):
    x = np.asarray(x, dtype=np.float32)
    if not np.isfinite(x).all():
        raise ValueError("x contains NaN or infinite values")
    if x.min() < -1.0 or x.max() > 1.0:
        raise ValueError("x must lie in [-1, 1]")
    return np.rint((x + 1.0) * 127.5).astype(np.uint8)
