# cell: frechet_distance
# loses: test_frechet_distance_closed_forms
# why: drops the trace term: compares only the means
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, dtype=float)), np.atleast_1d(np.asarray(mu2, dtype=float))
    sigma1, sigma2 = np.atleast_2d(np.asarray(sigma1, dtype=float)), np.atleast_2d(np.asarray(sigma2, dtype=float))
    d = len(mu1)
    if mu2.shape != (d,) or sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise ValueError("shapes do not match")
    return float(np.sum((mu1 - mu2) ** 2))
