# cell: tile_condition
# why: tf.tile of the one-hot vector over the image's dynamic height and width
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
    h, w = tf.shape(images)[1], tf.shape(images)[2]
    planes = tf.tile(tf.reshape(tf.one_hot(y, num_classes), [-1, 1, 1, num_classes]), [1, h, w, 1])
    return tf.concat([images, planes], axis=-1)
