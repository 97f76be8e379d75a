# cell: build_discriminator
# loses: test_build_discriminator_weights
# why: adds Dropout(0.3) after the hidden layers (a common tutorial habit): same weights, but the training-mode outputs differ
def build_discriminator():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(512), keras.layers.LeakyReLU(negative_slope=0.2), keras.layers.Dropout(0.3),
        keras.layers.Dense(256), keras.layers.LeakyReLU(negative_slope=0.2), keras.layers.Dropout(0.3),
        keras.layers.Dense(1),
    ])
