# cell: scale_images
# kills: test_scale_images
# why: divides by 255, so pixels land in [0, 1] instead of the tanh range [-1, 1]
def scale_images(images):
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError("expected uint8")
    return images.astype(np.float32) / 255.0
