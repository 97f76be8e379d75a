# cell: spectral_norm_step
# loses: test_spectral_norm_step
# why: normalises the caller's u and divides the caller's w in place, changing the layer's weights behind its back
def spectral_norm_step(w, u, iterations=1):
    if np.ndim(w) != 2 or np.shape(u) != (np.shape(w)[0],) or not np.linalg.norm(u) > 0:
        raise ValueError("bad w or u")
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 1:
        raise ValueError("iterations must be a positive integer")
    u /= np.linalg.norm(u)
    for _ in range(iterations):
        v = w.T @ u / np.linalg.norm(w.T @ u)
        u[:] = w @ v / np.linalg.norm(w @ v)
    sigma = float(u @ w @ v)
    w /= sigma
    return w, u.copy(), sigma
