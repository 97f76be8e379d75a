# cell: kl_gaussian
# why: the closed form written with variances, (log(v2/v1) + (v1 + (mu1-mu2)^2)/v2 - 1) / 2, is the same formula
import math


def kl_gaussian(mu1, sigma1, mu2, sigma2):
    if sigma1 <= 0 or sigma2 <= 0 or math.isnan(sigma1) or math.isnan(sigma2):
        raise ValueError("sigma1 and sigma2 must be positive")
    v1, v2 = sigma1 * sigma1, sigma2 * sigma2
    return 0.5 * (math.log(v2 / v1) + (v1 + (mu1 - mu2) ** 2) / v2 - 1.0)
