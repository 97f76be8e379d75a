# cell: tile_condition
# loses: test_tile_condition
# why: adds one plane filled with the label's value instead of K one-hot planes
def tile_condition(images, labels, num_classes):
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 2:
        raise ValueError(f"num_classes must be an int >= 2, got {num_classes!r}")
    images = tf.cast(images, tf.float32)
    if images.shape.rank != 4:
        raise ValueError(f"images must have shape (B, H, W, C), got {tuple(images.shape)}")
    y = np.asarray(labels)
    if not np.issubdtype(y.dtype, np.integer) or y.shape != (images.shape[0],):
        raise ValueError(f"labels must be {images.shape[0]} integer class ids, shape ({images.shape[0]},), got {y.dtype} {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}), got values from {y.min()} to {y.max()}")
    planes = tf.cast(y, tf.float32)[:, None, None, None] * tf.ones_like(images[..., :1])
    return tf.concat([images, planes], axis=-1)
