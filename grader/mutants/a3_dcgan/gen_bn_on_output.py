# cell: build_generator
# kills: test_build_generator_layers, test_build_generator_transplant
# why: batch norm on the output layer (a DCGAN guideline says not to)
def build_generator(latent_dim):
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(7 * 7 * 128, use_bias=False, kernel_initializer=init),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.Reshape((7, 7, 128)),
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(64, 3, padding="same", use_bias=False, kernel_initializer=init),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(1, 3, padding="same", kernel_initializer=init),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("tanh"),
    ], name="generator")
