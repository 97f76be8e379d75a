# cell: build_discriminator
# kills: test_build_discriminator_weights
# why: keras.layers.LeakyReLU() uses the Keras default slope 0.3, not the prescribed 0.2
def build_discriminator():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(512), keras.layers.LeakyReLU(),
        keras.layers.Dense(256), keras.layers.LeakyReLU(),
        keras.layers.Dense(1),
    ])
