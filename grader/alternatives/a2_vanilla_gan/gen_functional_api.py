# cell: build_generator
# why: the functional API with tanh as its own layer builds the same network as Sequential
def build_generator(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(256)(z))
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(512)(h))
    x = keras.layers.Activation("tanh")(keras.layers.Dense(784)(h))
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(x), name="generator")
