# cell: make_pipeline
# loses: test_pipeline_batches
# why: drops the short last batch with a filter instead of drop_remainder=True, so the batch size is not static (None in the element spec)
def make_pipeline(images, batch_size, seed=0):
    x = scale_images(images)[..., np.newaxis]
    ds = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=seed).batch(batch_size)
    ds = ds.filter(lambda b: tf.shape(b)[0] == batch_size)
    return ds.prefetch(tf.data.AUTOTUNE)
