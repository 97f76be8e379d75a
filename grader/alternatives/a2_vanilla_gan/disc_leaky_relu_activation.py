# cell: build_discriminator
# why: Dense layers with a leaky-ReLU activation function (slope 0.2) are the same network as separate LeakyReLU layers
def build_discriminator():
    lrelu = lambda x: keras.activations.leaky_relu(x, negative_slope=0.2)
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Reshape((784,)),
        keras.layers.Dense(512, activation=lrelu),
        keras.layers.Dense(256, activation=lrelu),
        keras.layers.Dense(1),
    ])
