# cell: kernel_mmd2
# why: scikit-learn's polynomial_kernel(degree=3, gamma=1/D, coef0=1) is KID's kernel; zeroing the diagonals leaves the unbiased sums
from sklearn.metrics.pairwise import polynomial_kernel


def kernel_mmd2(real, fake):
    x, y = np.asarray(real, dtype=np.float64), np.asarray(fake, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or min(len(x), len(y)) < 2:
        raise ValueError("need (m, D) and (n, D) arrays, m, n >= 2")
    kernel = lambda a, b: polynomial_kernel(a, b, degree=3, gamma=1.0 / x.shape[1], coef0=1.0)
    kxx, kyy = kernel(x, x), kernel(y, y)
    np.fill_diagonal(kxx, 0.0)
    np.fill_diagonal(kyy, 0.0)
    m, n = len(x), len(y)
    return float(kxx.sum() / (m * (m - 1)) + kyy.sum() / (n * (n - 1)) - 2.0 * kernel(x, y).mean())
