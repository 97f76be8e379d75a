# cell: count_duplicates
# kills: test_count_duplicates
# why: counts the distinct duplicated images instead of every extra copy
def count_duplicates(images):
    flat = np.asarray(images).reshape(len(images), -1)
    _, counts = np.unique(flat, axis=0, return_counts=True)
    return int((counts > 1).sum())
