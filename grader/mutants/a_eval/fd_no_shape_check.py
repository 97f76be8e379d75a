# cell: frechet_distance
# loses: test_frechet_distance_closed_forms
# why: checks no shapes: means whose size does not match the covariances' give a number instead of raising ValueError
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2 = np.asarray(mu1, dtype=float), np.asarray(mu2, dtype=float)
    sigma1, sigma2 = np.asarray(sigma1, dtype=float), np.asarray(sigma2, dtype=float)
    root = scipy.linalg.sqrtm(sigma1 @ sigma2)
    if not np.isfinite(root).all():
        eye = 1e-6 * np.eye(len(sigma1))
        root = scipy.linalg.sqrtm((sigma1 + eye) @ (sigma2 + eye))
    value = np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(np.real(root))
    return float(max(value, 0.0))
