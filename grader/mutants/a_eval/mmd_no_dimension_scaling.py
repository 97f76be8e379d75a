# cell: kernel_mmd2
# loses: test_kernel_mmd2
# why: the kernel (x.y + 1)^3 without dividing the dot product by the feature dimension D
def kernel_mmd2(real, fake):
    x, y = np.asarray(real, dtype=np.float64), np.asarray(fake, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError("bad shapes")
    m, n = len(x), len(y)
    k = lambda a, b: (a @ b.T + 1.0) ** 3
    kxx, kyy = k(x, x), k(y, y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2.0 * k(x, y).mean())
