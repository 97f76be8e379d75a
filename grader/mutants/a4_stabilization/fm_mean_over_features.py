# cell: feature_matching_loss
# kills: test_feature_matching_loss
# why: averages the squared differences over the features (a mean squared error) instead of summing them
def feature_matching_loss(real_features, fake_features):
    real = tf.convert_to_tensor(real_features, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_features, dtype=tf.float32)
    if real.shape.rank < 2 or fake.shape.rank < 2 or real.shape[1:] != fake.shape[1:]:
        raise ValueError("features must be (batch, ...) of the same shape")
    return tf.reduce_mean(tf.square(tf.reduce_mean(real, axis=0) - tf.reduce_mean(fake, axis=0)))
