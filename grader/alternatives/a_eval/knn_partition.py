# cell: knn_radii
# why: np.partition finds the same k-th smallest distance (index k: index 0 is the point itself) without sorting each row
def knn_radii(features, k):
    x = np.asarray(features, dtype=float)
    if x.ndim != 2 or isinstance(k, bool) or not 1 <= k <= len(x) - 1:
        raise ValueError("need (N, D) features and 1 <= k < N")
    sq = np.sum(x**2, axis=1)
    dist = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * x @ x.T, 0.0))
    np.fill_diagonal(dist, 0.0)
    return np.partition(dist, k, axis=1)[:, k]
