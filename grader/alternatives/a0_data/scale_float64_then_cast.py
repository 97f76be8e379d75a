# cell: scale_images
# why: computing in float64 and casting at the end gives the same float32 pixels (to rounding)
def scale_images(images):
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError("scale_images takes uint8 pixels")
    return (images / 127.5 - 1.0).astype(np.float32)
