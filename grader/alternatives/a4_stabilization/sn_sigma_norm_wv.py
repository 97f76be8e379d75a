# cell: spectral_norm_step
# why: after the u update u = Wv / |Wv|, so u . W v = |W v|: the same sigma, written as a norm
def spectral_norm_step(w, u, iterations=1):
    w = np.array(w, dtype=float)
    u = np.array(u, dtype=float)
    if w.ndim != 2 or u.ndim != 1 or len(u) != w.shape[0]:
        raise ValueError("w must be (m, n) and u (m,)")
    if type(iterations) is bool or not isinstance(iterations, (int, np.integer)) or iterations <= 0:
        raise ValueError("iterations must be a positive integer")
    norm = np.linalg.norm(u)
    if norm == 0 or not np.isfinite(norm):
        raise ValueError("u must be non-zero")
    u = u / norm
    for _ in range(iterations):
        v = u @ w
        v /= np.linalg.norm(v)
        wv = w @ v
        u = wv / np.linalg.norm(wv)
    sigma = float(np.linalg.norm(w @ v))
    return w / sigma, u, sigma
