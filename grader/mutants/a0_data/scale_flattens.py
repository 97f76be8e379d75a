# cell: scale_images
# loses: test_scale_images
# why: flattens every image (ready for an MLP) instead of keeping the shape it was given
def scale_images(images):
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError("expected uint8 pixels")
    return (images.reshape(len(images), -1) / np.float32(127.5) - np.float32(1.0)).astype(np.float32)
