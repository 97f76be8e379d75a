# cell: build_discriminator
# kills: test_build_discriminator_shapes, test_build_discriminator_transplant
# why: 3x3 kernels instead of 4x4
def build_discriminator():
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(64, 3, strides=2, padding="same", kernel_initializer=init),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2D(128, 3, strides=2, padding="same", use_bias=False, kernel_initializer=init),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Flatten(),
        keras.layers.Dense(1, kernel_initializer=init),
    ], name="discriminator")
