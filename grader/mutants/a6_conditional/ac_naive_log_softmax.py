# cell: acgan_losses
# loses: test_acgan_losses_gradients_and_errors
# why: takes the log of the softmax probabilities: infinite for large logits
def acgan_losses(real_source, fake_source, real_class_logits, fake_class_logits, real_labels, fake_labels,
                 aux_weight=1.0):
    if isinstance(aux_weight, bool) or not isinstance(aux_weight, (int, float, np.integer, np.floating)) \
            or not np.isfinite(aux_weight) or aux_weight < 0:
        raise ValueError(f"aux_weight must be a finite number >= 0, got {aux_weight!r}")

    def class_loss(logits, labels, kind):
        logits = tf.cast(logits, tf.float32)
        y = np.asarray(labels)
        if logits.shape.rank != 2:
            raise ValueError(f"{kind} class logits must have shape (B, K), got {tuple(logits.shape)}")
        if not np.issubdtype(y.dtype, np.integer) or y.shape != (logits.shape[0],):
            raise ValueError(f"{kind} labels must be {logits.shape[0]} integer classes, shape ({logits.shape[0]},), got {y.dtype} {y.shape}")
        if y.size and (y.min() < 0 or y.max() >= logits.shape[1]):
            raise ValueError(f"{kind} labels must lie in [0, {logits.shape[1]})")
        return tf.reduce_mean(-tf.math.log(tf.gather(tf.nn.softmax(logits), y.astype(np.int64), batch_dims=1)))

    real_source, fake_source = tf.cast(real_source, tf.float32), tf.cast(fake_source, tf.float32)
    bce = tf.nn.sigmoid_cross_entropy_with_logits
    d_source = (tf.reduce_mean(bce(labels=tf.ones_like(real_source), logits=real_source))
                + tf.reduce_mean(bce(labels=tf.zeros_like(fake_source), logits=fake_source)))
    g_source = tf.reduce_mean(bce(labels=tf.ones_like(fake_source), logits=fake_source))
    real_class = class_loss(real_class_logits, real_labels, "real")
    fake_class = class_loss(fake_class_logits, fake_labels, "fake")
    return d_source + aux_weight * (real_class + fake_class), g_source + aux_weight * fake_class
