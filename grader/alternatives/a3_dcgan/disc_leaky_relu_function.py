# cell: build_discriminator
# why: the leaky ReLU written as an activation function (keras.ops.leaky_relu with slope 0.2) in Activation layers, and the functional API, compute the same logits with the same weights
def build_discriminator():
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)

    def leaky():
        return keras.layers.Activation(lambda v: keras.ops.leaky_relu(v, negative_slope=0.2))

    x = keras.Input(shape=(28, 28, 1))
    h = leaky()(keras.layers.Conv2D(64, 4, strides=2, padding="same", kernel_initializer=init)(x))
    h = keras.layers.Conv2D(128, 4, strides=2, padding="same", use_bias=False, kernel_initializer=init)(h)
    h = leaky()(keras.layers.BatchNormalization()(h))
    logits = keras.layers.Dense(1, kernel_initializer=init)(keras.layers.Flatten()(h))
    return keras.Model(x, logits, name="discriminator")
