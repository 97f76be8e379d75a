# cell: make_pipeline
# kills: test_pipeline_batches
# why: keeps the last, smaller batch (drop_remainder missing)
def make_pipeline(images, batch_size, seed=0):
    x = scale_images(images)[..., np.newaxis]
    ds = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=seed)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
