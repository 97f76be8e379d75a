# cell: knn_radii
# loses: test_knn_radii
# why: never checks k: k = 0 returns the distance of each point to itself and k = N fails with an IndexError instead of a ValueError
def knn_radii(features, k):
    x = np.asarray(features, dtype=float)
    return np.sort(scipy.spatial.distance.cdist(x, x), axis=1)[:, k]
