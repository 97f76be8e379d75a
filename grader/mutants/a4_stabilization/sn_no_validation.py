# cell: spectral_norm_step
# loses: test_spectral_norm_step
# why: accepts a zero u (dividing by zero), mismatched shapes and non-integer iterations
def spectral_norm_step(w, u, iterations=1):
    w, u = np.atleast_2d(np.asarray(w, dtype=np.float64)), np.asarray(u, dtype=np.float64)
    with np.errstate(all="ignore"):
        u = u / np.linalg.norm(u)
        for _ in range(max(int(iterations), 1)):
            v = u[: w.shape[0]] @ w
            v = v / np.linalg.norm(v)
            u = w @ v / np.linalg.norm(w @ v)
        sigma = float(u @ w @ v)
    return w / sigma, u, sigma
