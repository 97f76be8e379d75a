# cell: knn_radii
# loses: test_knn_radii
# why: counts the point itself as its own nearest neighbour (radius to the (k-1)-th other point)
def knn_radii(features, k):
    x = np.asarray(features, dtype=float)
    if x.ndim != 2 or not (1 <= k < len(x)):
        raise ValueError("bad k")
    return np.sort(scipy.spatial.distance.cdist(x, x), axis=1)[:, k - 1]
