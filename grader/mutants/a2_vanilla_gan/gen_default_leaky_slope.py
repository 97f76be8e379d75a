# cell: build_generator
# kills: test_build_generator_weights
# why: keras.layers.LeakyReLU() uses the Keras default slope 0.3, not the prescribed 0.2
def build_generator(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(256), keras.layers.LeakyReLU(),
        keras.layers.Dense(512), keras.layers.LeakyReLU(),
        keras.layers.Dense(784, activation="tanh"),
        keras.layers.Reshape((28, 28, 1)),
    ])
