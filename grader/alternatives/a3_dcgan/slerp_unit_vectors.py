# cell: slerp
# why: the angle from the unit vectors and the weights computed for every t at once with np.outer give the same path
def slerp(z0, z1, t):
    z0, z1, t = np.asarray(z0, float), np.asarray(z1, float), np.asarray(t, float)
    u0, u1 = z0 / np.linalg.norm(z0), z1 / np.linalg.norm(z1)
    omega = np.arccos(np.clip(u0 @ u1, -1.0, 1.0))
    if np.isclose(np.sin(omega), 0.0, atol=1e-8):
        return np.outer(1.0 - t, z0) + np.outer(t, z1)
    w0, w1 = np.sin((1.0 - t) * omega) / np.sin(omega), np.sin(t * omega) / np.sin(omega)
    return np.outer(w0, z0) + np.outer(w1, z1)
