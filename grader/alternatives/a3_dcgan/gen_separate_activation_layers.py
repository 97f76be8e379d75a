# cell: build_generator
# why: tanh as an Activation layer of its own after the last convolution, explicit nearest-neighbour upsampling and a named target shape build the same network with the same weights
def build_generator(latent_dim):
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    layers = keras.layers
    model = keras.Sequential(name="generator")
    model.add(keras.Input(shape=(latent_dim,)))
    model.add(layers.Dense(7 * 7 * 128, use_bias=False, kernel_initializer=init))
    model.add(layers.BatchNormalization())
    model.add(layers.Activation("relu"))
    model.add(layers.Reshape(target_shape=(7, 7, 128)))
    model.add(layers.UpSampling2D(size=2, interpolation="nearest"))
    model.add(layers.Conv2D(64, kernel_size=3, padding="same", use_bias=False, kernel_initializer=init))
    model.add(layers.BatchNormalization())
    model.add(layers.Activation("relu"))
    model.add(layers.UpSampling2D(size=2, interpolation="nearest"))
    model.add(layers.Conv2D(1, kernel_size=3, padding="same", kernel_initializer=init))
    model.add(layers.Activation("tanh"))
    return model
