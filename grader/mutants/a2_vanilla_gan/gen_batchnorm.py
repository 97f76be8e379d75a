# cell: build_generator
# kills: test_build_generator_shapes, test_build_generator_weights
# why: adds batch normalisation after the hidden layers (the seed books' DCGAN habit), not the prescribed model
def build_generator(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(256), keras.layers.BatchNormalization(), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(512), keras.layers.BatchNormalization(), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(784, activation="tanh"),
        keras.layers.Reshape((28, 28, 1)),
    ])
