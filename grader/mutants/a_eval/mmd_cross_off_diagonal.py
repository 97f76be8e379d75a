# cell: kernel_mmd2
# loses: test_kernel_mmd2
# why: also drops the "diagonal" of the cross sum k(x_i, y_i): real and fake points are never the same point, so every cross pair counts
def kernel_mmd2(real, fake):
    x, y = np.asarray(real, dtype=np.float64), np.asarray(fake, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError("bad shapes")
    m, n, d = len(x), len(y), x.shape[1]
    k = lambda a, b: (a @ b.T / d + 1.0) ** 3
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    pairs = min(m, n)
    cross = (kxy.sum() - np.trace(kxy[:pairs, :pairs])) / (m * n - pairs)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2.0 * cross)
