# cell: unscale_images
# loses: test_unscale_images
# why: no validation: NaN and out-of-range values are silently clipped into valid-looking pixels
def unscale_images(x):
    x = np.nan_to_num(np.asarray(x, dtype=np.float32))
    return np.clip(np.rint((x + 1.0) * 127.5), 0, 255).astype(np.uint8)
