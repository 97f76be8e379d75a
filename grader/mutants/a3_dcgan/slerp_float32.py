# cell: slerp
# loses: test_slerp
# why: computes in float32 (the spec asks for float64; 1e-7 round-off)
def slerp(z0, z1, t):
    z0, z1 = np.asarray(z0, np.float32), np.asarray(z1, np.float32)
    t = np.asarray(t, np.float32)[:, None]
    omega = np.arccos(np.clip(np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1)), -1, 1))
    if np.sin(omega) < 1e-8:
        return (1.0 - t) * z0 + t * z1
    return (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
