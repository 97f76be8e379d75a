# cell: frechet_distance
# loses: test_frechet_distance_closed_forms
# why: clips with max(0, d), which returns the int 0 (not a float) when the distance is exactly 0
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, dtype=float)), np.atleast_1d(np.asarray(mu2, dtype=float))
    sigma1, sigma2 = np.atleast_2d(np.asarray(sigma1, dtype=float)), np.atleast_2d(np.asarray(sigma2, dtype=float))
    d = len(mu1)
    if mu2.shape != (d,) or sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise ValueError("shapes do not match")
    root = scipy.linalg.sqrtm(sigma1 @ sigma2)
    if not np.isfinite(root).all():
        eye = 1e-6 * np.eye(d)
        root = scipy.linalg.sqrtm((sigma1 + eye) @ (sigma2 + eye))
    value = np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(np.real(root))
    return max(0, value)
