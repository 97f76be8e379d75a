# cell: frechet_distance
# why: tr sqrt(S1 S2) is the sum of the square roots of the eigenvalues of S1 S2 (real, non-negative for covariances)
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, float)), np.atleast_1d(np.asarray(mu2, float))
    s1, s2 = np.atleast_2d(np.asarray(sigma1, float)), np.atleast_2d(np.asarray(sigma2, float))
    d = len(mu1)
    if mu2.shape != (d,) or s1.shape != (d, d) or s2.shape != (d, d) or mu1.ndim != 1:
        raise ValueError("mean and covariance shapes do not match")
    eig = np.linalg.eigvals(s1 @ s2)
    tr_sqrt = np.sum(np.sqrt(np.clip(eig.real, 0.0, None)))
    return float(max(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * tr_sqrt, 0.0))
