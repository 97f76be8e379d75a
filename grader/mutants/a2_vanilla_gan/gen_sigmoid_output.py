# cell: build_generator
# kills: test_build_generator_shapes, test_build_generator_weights
# why: a sigmoid output gives pixels in [0, 1], while the real images are scaled to [-1, 1]
def build_generator(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(256), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(512), keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(784, activation="sigmoid"),
        keras.layers.Reshape((28, 28, 1)),
    ])
