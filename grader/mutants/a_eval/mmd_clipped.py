# cell: kernel_mmd2
# loses: test_kernel_mmd2
# why: clips the estimate at 0, which biases it upwards (an unbiased estimate of a quantity that can be 0 must be allowed below 0)
def kernel_mmd2(real, fake):
    x, y = np.asarray(real, dtype=np.float64), np.asarray(fake, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError("bad shapes")
    m, n, d = len(x), len(y), x.shape[1]
    k = lambda a, b: (a @ b.T / d + 1.0) ** 3
    kxx, kyy = k(x, x), k(y, y)
    value = (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) \
        - 2.0 * k(x, y).mean()
    return float(max(value, 0.0))
