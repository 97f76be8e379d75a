# cell: kl_gaussian
# loses: test_kl_gaussian
# why: treats the standard deviations as variances in the log term
def kl_gaussian(mu1, sigma1, mu2, sigma2):
    if not (sigma1 > 0 and sigma2 > 0):
        raise ValueError("standard deviations must be positive")
    return float(np.log(sigma2**2 / sigma1**2) + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2) - 0.5)
