# cell: feature_matching_loss
# kills: test_feature_matching_loss
# why: the L2 norm of the difference of the means, not its square
def feature_matching_loss(real_features, fake_features):
    real = tf.convert_to_tensor(real_features, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_features, dtype=tf.float32)
    if real.shape.rank < 2 or fake.shape.rank < 2 or real.shape[1:] != fake.shape[1:]:
        raise ValueError("features must be (batch, ...) of the same shape")
    return tf.norm(tf.reduce_mean(real, axis=0) - tf.reduce_mean(fake, axis=0))
