# cell: count_duplicates
# loses: test_count_duplicates
# why: hard-codes 28 x 28 MNIST images (reshape to 784 columns), so images of another size or with colour channels fail
def count_duplicates(images):
    flat = np.asarray(images).reshape(len(images), 784)
    return int(len(flat) - len(np.unique(flat, axis=0)))
