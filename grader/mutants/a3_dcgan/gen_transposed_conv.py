# cell: build_generator
# kills: test_build_generator_shapes, test_build_generator_layers, test_build_generator_transplant
# why: transposed convolutions (the lecture's DCGAN) instead of resize + convolution
def build_generator(latent_dim):
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(7 * 7 * 128, use_bias=False, kernel_initializer=init),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.Reshape((7, 7, 128)),
        keras.layers.Conv2DTranspose(64, 4, strides=2, padding="same", use_bias=False, kernel_initializer=init),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh", kernel_initializer=init),
    ], name="generator")
