# cell: spectral_norm_step
# loses: test_spectral_norm_step
# why: always runs exactly one power-iteration step, whatever iterations asks for
def spectral_norm_step(w, u, iterations=1):
    w, u = np.asarray(w, dtype=np.float64), np.asarray(u, dtype=np.float64)
    if w.ndim != 2 or u.shape != (w.shape[0],) or not np.linalg.norm(u) > 0:
        raise ValueError("bad w or u")
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 1:
        raise ValueError("iterations must be a positive integer")
    u = u / np.linalg.norm(u)
    v = w.T @ u / np.linalg.norm(w.T @ u)
    u = w @ v / np.linalg.norm(w @ v)
    sigma = float(u @ w @ v)
    return w / sigma, u, sigma
