# cell: minibatch_discrimination
# why: keras.ops, an explicit pairwise-difference tensor and the kernel stored as (A, B, C) compute the same features
class MinibatchDiscrimination(keras.layers.Layer):
    def __init__(self, num_kernels, kernel_dim, **kwargs):
        super().__init__(**kwargs)
        for value in (num_kernels, kernel_dim):
            if type(value) is bool or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError("num_kernels and kernel_dim must be positive integers")
        self.num_kernels, self.kernel_dim = int(num_kernels), int(kernel_dim)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError("expects (batch, features) inputs")
        self.kernel = self.add_weight(shape=(input_shape[-1], self.num_kernels * self.kernel_dim),
                                      initializer=keras.initializers.RandomNormal(stddev=0.05), name="kernel")

    def call(self, x):
        m = keras.ops.reshape(keras.ops.matmul(x, self.kernel), (-1, self.num_kernels, self.kernel_dim))
        diffs = keras.ops.expand_dims(m, 0) - keras.ops.expand_dims(m, 1)  # (n, n, B, C)
        c = keras.ops.exp(-keras.ops.sum(keras.ops.abs(diffs), axis=-1))   # (n, n, B)
        return keras.ops.concatenate([x, keras.ops.sum(c, axis=0)], axis=-1)
