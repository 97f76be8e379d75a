# cell: slerp
# loses: test_slerp
# why: interpolates the unit vectors: forgets the norms of z0 and z1
def slerp(z0, z1, t):
    z0 = np.asarray(z0, np.float64) / np.linalg.norm(z0)
    z1 = np.asarray(z1, np.float64) / np.linalg.norm(z1)
    t = np.asarray(t, np.float64)[:, None]
    omega = np.arccos(np.clip(np.dot(z0, z1), -1, 1))
    if np.sin(omega) < 1e-8:
        return (1.0 - t) * z0 + t * z1
    return (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
