# cell: ProjectionHead
# loses: test_projection_head_structure
# why: accepts any sizes and features of any width
class ProjectionHead(keras.layers.Layer):
    # The projection discriminator's output: psi(phi(x)) + e_y . phi(x).

    def __init__(self, num_classes, feature_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_classes, self.feature_dim = int(num_classes), int(feature_dim)
        self.psi_kernel = self.add_weight(name="psi_kernel", shape=(self.feature_dim, 1), initializer="glorot_uniform")
        self.psi_bias = self.add_weight(name="psi_bias", shape=(1,), initializer="zeros")
        self.embedding = self.add_weight(name="embedding", shape=(self.num_classes, self.feature_dim),
                                         initializer=keras.initializers.RandomNormal(stddev=0.05))

    def call(self, features, labels):
        features = tf.cast(features, tf.float32)
        e_y = tf.gather(self.embedding, tf.cast(tf.reshape(labels, [-1]), tf.int32))  # (B, F)
        unconditional = tf.matmul(features, self.psi_kernel) + self.psi_bias         # (B, 1)
        return unconditional + tf.reduce_sum(e_y * features, axis=1, keepdims=True)
