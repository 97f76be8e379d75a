# cell: feature_matching_loss
# kills: test_feature_matching_loss
# why: the mean of per-example squared distances ||f(x_i) - f(G(z_i))||^2 instead of the squared distance of the batch means (asks each fake to copy one real example)
def feature_matching_loss(real_features, fake_features):
    real = tf.convert_to_tensor(real_features, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_features, dtype=tf.float32)
    if real.shape.rank < 2 or fake.shape.rank < 2 or real.shape[1:] != fake.shape[1:]:
        raise ValueError("features must be (batch, ...) of the same shape")
    per_example = tf.reduce_sum(tf.reshape(tf.square(real - fake), [tf.shape(real)[0], -1]), axis=1)
    return tf.reduce_mean(per_example)
