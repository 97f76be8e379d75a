# cell: concat_condition
# kills: test_concat_condition
# why: calls the course library's conditional code instead of writing the piece
def concat_condition(z, labels, num_classes):
    import gancourse.nets.conditional as library
    y = np.asarray(labels)
    if y.size and (y.min() < 0 or y.max() >= num_classes) or not np.issubdtype(y.dtype, np.integer) or y.shape != (np.shape(z)[0],):
        raise ValueError("bad labels")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2 or len(np.shape(z)) != 2:
        raise ValueError("bad input")
    onehot = tf.one_hot(y, num_classes, dtype=tf.float32)
    return tf.concat([tf.cast(z, tf.float32), onehot], axis=1) if library else None
