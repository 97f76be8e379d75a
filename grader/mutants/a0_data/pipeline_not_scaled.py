# cell: make_pipeline
# kills: test_pipeline_shuffle
# loses: test_pipeline_batches
# why: casts the uint8 pixels to float32 without scaling them to [-1, 1] (the generator's tanh range)
def make_pipeline(images, batch_size, seed=0):
    x = np.asarray(images).astype(np.float32)[..., np.newaxis]
    ds = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=seed)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
