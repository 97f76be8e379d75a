# cell: knn_radii
# loses: test_knn_radii
# why: leaves out the point itself by dropping every distance of 0, which drops a duplicate of the point too (a duplicate is another point, at distance 0)
def knn_radii(features, k):
    x = np.asarray(features, dtype=float)
    if x.ndim != 2 or not (1 <= k < len(x)):
        raise ValueError("bad k")
    d = scipy.spatial.distance.cdist(x, x)
    d = np.where(d > 0, d, np.inf)
    return np.sort(d, axis=1)[:, k - 1]
