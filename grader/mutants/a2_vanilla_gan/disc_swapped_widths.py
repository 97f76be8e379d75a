# cell: build_discriminator
# kills: test_build_discriminator_shapes, test_build_discriminator_weights
# why: hidden layers in the wrong order (256 then 512)
def build_discriminator():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(256), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(512), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(1),
    ])
