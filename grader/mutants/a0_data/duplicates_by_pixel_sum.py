# cell: count_duplicates
# kills: test_count_duplicates
# why: compares a summary (the pixel sum) instead of the images, so different images collide
def count_duplicates(images):
    sums = np.asarray(images).reshape(len(images), -1).sum(axis=1)
    return int(len(sums) - len(np.unique(sums)))
