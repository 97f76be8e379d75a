# cell: kl_gaussian
# loses: test_kl_gaussian
# why: computes KL(q || p): the two Gaussians are swapped
def kl_gaussian(mu1, sigma1, mu2, sigma2):
    if not (sigma1 > 0 and sigma2 > 0):
        raise ValueError("standard deviations must be positive")
    return float(np.log(sigma1 / sigma2) + (sigma2**2 + (mu1 - mu2) ** 2) / (2 * sigma1**2) - 0.5)
