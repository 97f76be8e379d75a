# cell: kernel_mmd2
# loses: test_kernel_mmd2
# why: normalises both within-set sums by m(m-1) and the cross sum by m^2, as if the two sets had the same size (the library's subsets do; these need not)
def kernel_mmd2(real, fake):
    x, y = np.asarray(real, dtype=np.float64), np.asarray(fake, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError("bad shapes")
    m, d = len(x), x.shape[1]
    k = lambda a, b: (a @ b.T / d + 1.0) ** 3
    kxx, kyy = k(x, x), k(y, y)
    return float((kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (m * (m - 1))
                 - 2.0 * k(x, y).sum() / (m * m))
