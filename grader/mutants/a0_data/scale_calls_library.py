# cell: scale_images
# kills: test_scale_images
# why: calls the course library instead of implementing the scaling
from gancourse.data import scale_images as _library_scale


def scale_images(images):
    return _library_scale(images)
