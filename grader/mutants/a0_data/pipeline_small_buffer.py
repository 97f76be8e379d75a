# cell: make_pipeline
# loses: test_pipeline_shuffle
# why: a shuffle buffer of 10 only shuffles locally (the first batch comes from the first ~70 images)
def make_pipeline(images, batch_size, seed=0):
    x = scale_images(images)[..., np.newaxis]
    ds = tf.data.Dataset.from_tensor_slices(x).shuffle(10, seed=seed)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
