# cell: kernel_mmd2
# loses: test_kernel_mmd2
# why: keeps the diagonal (a point compared with itself) in the within-set sums: the biased V-statistic, not the unbiased estimate
def kernel_mmd2(real, fake):
    x, y = np.asarray(real, dtype=np.float64), np.asarray(fake, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError("bad shapes")
    d = x.shape[1]
    k = lambda a, b: (a @ b.T / d + 1.0) ** 3
    return float(k(x, x).mean() + k(y, y).mean() - 2.0 * k(x, y).mean())
