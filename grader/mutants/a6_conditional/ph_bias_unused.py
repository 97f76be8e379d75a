# cell: ProjectionHead
# kills: test_projection_head_gradients
# loses: test_projection_head_values
# why: creates the bias b but never adds it
class ProjectionHead(keras.layers.Layer):
    # The projection discriminator's output: psi(phi(x)) + e_y . phi(x).

    def __init__(self, num_classes, feature_dim, **kwargs):
        super().__init__(**kwargs)
        for name, value, low in (("num_classes", num_classes, 2), ("feature_dim", feature_dim, 1)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
        self.num_classes, self.feature_dim = int(num_classes), int(feature_dim)
        self.psi_kernel = self.add_weight(name="psi_kernel", shape=(self.feature_dim, 1), initializer="glorot_uniform")
        self.psi_bias = self.add_weight(name="psi_bias", shape=(1,), initializer="zeros")
        self.embedding = self.add_weight(name="embedding", shape=(self.num_classes, self.feature_dim),
                                         initializer=keras.initializers.RandomNormal(stddev=0.05))

    def call(self, features, labels):
        features = tf.cast(features, tf.float32)
        if features.shape.rank != 2 or features.shape[-1] != self.feature_dim:
            raise ValueError(f"features must have shape (B, {self.feature_dim}), got {tuple(features.shape)}")
        e_y = tf.gather(self.embedding, tf.cast(tf.reshape(labels, [-1]), tf.int32))  # (B, F)
        unconditional = tf.matmul(features, self.psi_kernel)         # (B, 1)
        return unconditional + tf.reduce_sum(e_y * features, axis=1, keepdims=True)
