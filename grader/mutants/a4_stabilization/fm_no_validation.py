# cell: feature_matching_loss
# loses: test_feature_matching_loss
# why: no shape checks: (N, 3) against (N, 1) features broadcast silently into a wrong number
def feature_matching_loss(real_features, fake_features):
    real = tf.convert_to_tensor(real_features, dtype=tf.float32)
    fake = tf.convert_to_tensor(fake_features, dtype=tf.float32)
    return tf.reduce_sum(tf.square(tf.reduce_mean(real, axis=0) - tf.reduce_mean(fake, axis=0)))
