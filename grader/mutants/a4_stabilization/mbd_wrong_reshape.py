# cell: minibatch_discrimination
# loses: test_minibatch_discrimination_values
# why: reshapes x T to (n, C, B) and takes the L1 norm over the kernels: mixes the kernels' coordinates
class MinibatchDiscrimination(keras.layers.Layer):
    def __init__(self, num_kernels, kernel_dim, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("num_kernels", num_kernels), ("kernel_dim", kernel_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        self.num_kernels, self.kernel_dim = int(num_kernels), int(kernel_dim)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"MinibatchDiscrimination takes features of shape (n, A), got {tuple(input_shape)}")
        self.kernel = self.add_weight(name="kernel",
                                      shape=(int(input_shape[-1]), self.num_kernels * self.kernel_dim),
                                      initializer=keras.initializers.RandomNormal(stddev=0.05),
                                      trainable=True)

    def call(self, x):
        m = tf.reshape(tf.matmul(x, self.kernel), [-1, self.kernel_dim, self.num_kernels])
        l1 = tf.reduce_sum(tf.abs(m[:, None] - m[None, :]), axis=2)
        return tf.concat([x, tf.reduce_sum(tf.exp(-l1), axis=1)], axis=-1)
