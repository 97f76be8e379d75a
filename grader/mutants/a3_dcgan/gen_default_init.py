# cell: build_generator
# kills: test_build_generator_layers
# why: Keras' default Glorot-uniform kernels instead of N(0, 0.02)
def build_generator(latent_dim):
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(7 * 7 * 128, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.Reshape((7, 7, 128)),
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(64, 3, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(1, 3, padding="same", activation="tanh"),
    ], name="generator")
