# cell: spectral_norm_step
# loses: test_spectral_norm_step
# why: returns the u it was given instead of the updated one, so the next training step starts the power iteration over
def spectral_norm_step(w, u, iterations=1):
    w, u = np.asarray(w, dtype=np.float64), np.asarray(u, dtype=np.float64)
    if w.ndim != 2 or u.shape != (w.shape[0],) or not np.linalg.norm(u) > 0:
        raise ValueError("bad w or u")
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 1:
        raise ValueError("iterations must be a positive integer")
    u0 = u
    u = u / np.linalg.norm(u)
    for _ in range(iterations):
        v = w.T @ u / np.linalg.norm(w.T @ u)
        u = w @ v / np.linalg.norm(w @ v)
    sigma = float(u @ w @ v)
    return w / sigma, u0, sigma
