# cell: make_pipeline
# loses: test_pipeline_shuffle
# why: shuffles whole batches after batching, so every batch holds consecutive images
def make_pipeline(images, batch_size, seed=0):
    x = scale_images(images)[..., np.newaxis]
    ds = tf.data.Dataset.from_tensor_slices(x).batch(batch_size, drop_remainder=True)
    return ds.shuffle(len(x), seed=seed).prefetch(tf.data.AUTOTUNE)
