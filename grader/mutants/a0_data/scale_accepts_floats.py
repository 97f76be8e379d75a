# cell: scale_images
# loses: test_scale_images
# why: scales any dtype, so already-scaled float images are silently scaled twice
def scale_images(images):
    return np.asarray(images).astype(np.float32) / np.float32(127.5) - np.float32(1.0)
