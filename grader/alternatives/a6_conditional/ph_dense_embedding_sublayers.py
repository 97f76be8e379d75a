# cell: ProjectionHead
# why: psi as a Dense(1) sublayer and E as an Embedding sublayer, created in that order
class ProjectionHead(keras.layers.Layer):
    def __init__(self, num_classes, feature_dim, **kwargs):
        super().__init__(**kwargs)
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError("num_classes must be an int >= 2")
        if isinstance(feature_dim, bool) or not isinstance(feature_dim, int) or feature_dim < 1:
            raise ValueError("feature_dim must be a positive int")
        self.num_classes, self.feature_dim = num_classes, feature_dim
        self.psi = keras.layers.Dense(1)
        self.class_embedding = keras.layers.Embedding(num_classes, feature_dim)

    def call(self, features, labels):
        if len(features.shape) != 2 or features.shape[-1] != self.feature_dim:
            raise ValueError("features must be (B, feature_dim)")
        return self.psi(features) + tf.reduce_sum(self.class_embedding(labels) * features, axis=-1, keepdims=True)
