# cell: concat_condition
# loses: test_concat_condition
# why: flattens the labels, so a (B, 1) column (or any shape with B entries) is accepted silently
def concat_condition(z, labels, num_classes):
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 2:
        raise ValueError(f"num_classes must be an int >= 2, got {num_classes!r}")
    z = tf.cast(z, tf.float32)
    if z.shape.rank != 2:
        raise ValueError(f"z must have shape (B, d), got {tuple(z.shape)}")
    y = np.asarray(labels).reshape(-1)
    if not np.issubdtype(y.dtype, np.integer) or y.shape != (z.shape[0],):
        raise ValueError(f"labels must be {z.shape[0]} integer class ids, shape ({z.shape[0]},), got {y.dtype} {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}), got values from {y.min()} to {y.max()}")
    return tf.concat([z, tf.one_hot(y, num_classes, dtype=tf.float32)], axis=1)
