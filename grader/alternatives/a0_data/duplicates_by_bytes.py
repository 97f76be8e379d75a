# cell: count_duplicates
# why: a set of each image's raw bytes finds the same exact duplicates as np.unique over rows
def count_duplicates(images):
    images = np.ascontiguousarray(images)
    seen = set()
    for image in images:
        seen.add(image.tobytes())
    return len(images) - len(seen)
