# cell: tile_condition
# loses: test_tile_condition
# why: does not check that the labels lie in [0, K)
def tile_condition(images, labels, num_classes):
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 2:
        raise ValueError(f"num_classes must be an int >= 2, got {num_classes!r}")
    images = tf.cast(images, tf.float32)
    if images.shape.rank != 4:
        raise ValueError(f"images must have shape (B, H, W, C), got {tuple(images.shape)}")
    y = np.asarray(labels)
    if not np.issubdtype(y.dtype, np.integer) or y.shape != (images.shape[0],):
        raise ValueError(f"labels must be {images.shape[0]} integer class ids, shape ({images.shape[0]},), got {y.dtype} {y.shape}")
    planes = tf.one_hot(y, num_classes, dtype=tf.float32)[:, None, None, :] * tf.ones_like(images[..., :1])
    return tf.concat([images, planes], axis=-1)
