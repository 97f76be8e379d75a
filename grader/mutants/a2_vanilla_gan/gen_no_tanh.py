# cell: build_generator
# kills: test_build_generator_shapes, test_build_generator_weights
# why: a linear output layer: fakes are not confined to [-1, 1] like the real images
def build_generator(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(256), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(512), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(784),
        keras.layers.Reshape((28, 28, 1)),
    ])
