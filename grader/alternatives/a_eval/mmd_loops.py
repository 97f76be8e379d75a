# cell: kernel_mmd2
# why: the three sums written as loops over pairs (i != i' within a set) are the same estimate
def kernel_mmd2(real, fake):
    x, y = np.asarray(real, dtype=float), np.asarray(fake, dtype=float)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ValueError("real and fake must be (m, D) and (n, D)")
    if len(x) < 2 or len(y) < 2:
        raise ValueError("each set needs at least two rows")
    d = x.shape[1]
    k = lambda a, b: (np.dot(a, b) / d + 1.0) ** 3
    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(a, b) for a in x for b in y) / (m * n)
    return float(xx + yy - 2.0 * xy)
