# cell: build_discriminator
# kills: test_build_discriminator_transplant
# why: ReLU instead of LeakyReLU in the discriminator
def build_discriminator():
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(64, 4, strides=2, padding="same", kernel_initializer=init),
        keras.layers.ReLU(),
        keras.layers.Conv2D(128, 4, strides=2, padding="same", use_bias=False, kernel_initializer=init),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.Flatten(),
        keras.layers.Dense(1, kernel_initializer=init),
    ], name="discriminator")
