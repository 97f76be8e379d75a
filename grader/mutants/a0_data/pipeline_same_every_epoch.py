# cell: make_pipeline
# loses: test_pipeline_shuffle
# why: reshuffle_each_iteration=False: every epoch repeats the first epoch's order
def make_pipeline(images, batch_size, seed=0):
    x = scale_images(images)[..., np.newaxis]
    ds = tf.data.Dataset.from_tensor_slices(x)
    ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=False)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
