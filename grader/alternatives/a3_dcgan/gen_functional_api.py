# cell: build_generator
# why: the same layers wired with the functional API (and the slope-free ReLU as an activation layer) build the same generator
def build_generator(latent_dim):
    init = keras.initializers.RandomNormal(stddev=0.02)
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(6272, use_bias=False, kernel_initializer=init)(z)
    h = keras.layers.Activation("relu")(keras.layers.BatchNormalization()(h))
    h = keras.layers.Reshape((7, 7, 128))(h)
    h = keras.layers.Conv2D(64, (3, 3), padding="same", use_bias=False, kernel_initializer=init)(
        keras.layers.UpSampling2D(size=(2, 2))(h))
    h = keras.layers.Activation("relu")(keras.layers.BatchNormalization()(h))
    out = keras.layers.Conv2D(1, 3, padding="same", activation="tanh", kernel_initializer=init)(
        keras.layers.UpSampling2D()(h))
    return keras.Model(z, out, name="generator")
