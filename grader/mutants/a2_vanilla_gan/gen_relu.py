# cell: build_generator
# kills: test_build_generator_weights
# why: ReLU hidden activations instead of LeakyReLU(0.2)
def build_generator(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(784, activation="tanh"),
        keras.layers.Reshape((28, 28, 1)),
    ])
