# cell: feature_matching_loss
# why: the squared Euclidean norm of the flattened difference of the batch means is the same loss
def feature_matching_loss(real_features, fake_features):
    real, fake = tf.cast(real_features, tf.float32), tf.cast(fake_features, tf.float32)
    if len(real.shape) < 2 or len(fake.shape) < 2 or real.shape[1:] != fake.shape[1:]:
        raise ValueError("real and fake features must be batches of the same feature shape")
    diff = tf.reshape(tf.reduce_mean(real, 0) - tf.reduce_mean(fake, 0), [-1])
    return tf.tensordot(diff, diff, axes=1)
