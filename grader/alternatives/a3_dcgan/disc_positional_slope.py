# cell: build_discriminator
# why: LeakyReLU(0.2) passes the slope positionally, and a seeded-free RandomNormal(0, 0.02) per layer is the same initialiser
def build_discriminator():
    def conv(filters, **kw):
        return keras.layers.Conv2D(filters, (4, 4), strides=(2, 2), padding="same",
                                   kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02), **kw)
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        conv(64), keras.layers.LeakyReLU(0.2),
        conv(128, use_bias=False), keras.layers.BatchNormalization(), keras.layers.LeakyReLU(0.2),
        keras.layers.Flatten(),
        keras.layers.Dense(1, kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02)),
    ])
