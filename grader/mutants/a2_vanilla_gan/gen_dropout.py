# cell: build_generator
# loses: test_build_generator_weights
# why: adds Dropout(0.3) after the hidden layers: same weights and the same outputs with training=False, but the training-mode outputs (those train_step uses) differ
def build_generator(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(256), keras.layers.LeakyReLU(negative_slope=0.2), keras.layers.Dropout(0.3),
        keras.layers.Dense(512), keras.layers.LeakyReLU(negative_slope=0.2), keras.layers.Dropout(0.3),
        keras.layers.Dense(784, activation="tanh"),
        keras.layers.Reshape((28, 28, 1)),
    ])
