# cell: build_generator
# kills: test_build_generator_shapes, test_build_generator_weights
# why: hard-codes a 100-dimensional input and ignores latent_dim
def build_generator(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(100,)),
        keras.layers.Dense(256), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(512), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(784, activation="tanh"),
        keras.layers.Reshape((28, 28, 1)),
    ])
