# cell: kernel_mmd2
# loses: test_kernel_mmd2
# why: accepts sets of one row (dividing by m(m-1) = 0) and mismatched feature dimensions
def kernel_mmd2(real, fake):
    x, y = np.atleast_2d(np.asarray(real, dtype=np.float64)), np.atleast_2d(np.asarray(fake, dtype=np.float64))
    m, n, d = len(x), len(y), x.shape[1]
    k = lambda a, b: (a @ b.T / d + 1.0) ** 3 if a.shape[1] == b.shape[1] else np.zeros((len(a), len(b)))
    kxx, kyy = k(x, x), k(y, y)
    with np.errstate(all="ignore"):
        return float((kxx.sum() - np.trace(kxx)) / max(m * (m - 1), 1)
                     + (kyy.sum() - np.trace(kyy)) / max(n * (n - 1), 1) - 2.0 * k(x, y).mean())
