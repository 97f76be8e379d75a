# cell: make_pipeline
# loses: test_pipeline_shuffle
# why: shuffles without passing the seed, so the order is not reproducible
def make_pipeline(images, batch_size, seed=0):
    x = scale_images(images)[..., np.newaxis]
    ds = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x))
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
