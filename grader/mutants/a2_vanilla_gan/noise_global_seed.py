# cell: sample_noise
# loses: test_sample_noise
# why: seeds TensorFlow's global generator (tf.random.set_seed(seed)) and then draws tf.random.normal: reproducible, standard normal, but not the prescribed stateless call, so the noise differs from tf.random.stateless_normal((n, latent_dim), seed=[seed, 0])
def sample_noise(n, latent_dim, seed):
    tf.random.set_seed(seed)
    return tf.random.normal((n, latent_dim))
