# cell: build_discriminator
# kills: test_build_discriminator_transplant
# why: LeakyReLU() with Keras' default slope 0.3 instead of 0.2
def build_discriminator():
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(64, 4, strides=2, padding="same", kernel_initializer=init),
        keras.layers.LeakyReLU(),
        keras.layers.Conv2D(128, 4, strides=2, padding="same", use_bias=False, kernel_initializer=init),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(),
        keras.layers.Flatten(),
        keras.layers.Dense(1, kernel_initializer=init),
    ], name="discriminator")
