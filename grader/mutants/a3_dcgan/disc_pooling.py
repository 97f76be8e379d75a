# cell: build_discriminator
# kills: test_build_discriminator_transplant
# why: stride-1 convolutions followed by average pooling instead of strided convolutions (same weights)
def build_discriminator():
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(64, 4, padding="same", kernel_initializer=init),
        keras.layers.AveragePooling2D(2),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2D(128, 4, padding="same", use_bias=False, kernel_initializer=init),
        keras.layers.AveragePooling2D(2),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Flatten(),
        keras.layers.Dense(1, kernel_initializer=init),
    ], name="discriminator")
