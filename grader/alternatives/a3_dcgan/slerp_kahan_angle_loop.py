# cell: slerp
# why: the angle from Kahan's formula 2 atan2(|u0 - u1|, |u0 + u1|) (accurate near 0 and pi, where arccos of a dot product is not) and a loop over t give the same path
def slerp(z0, z1, t):
    z0, z1 = np.asarray(z0, dtype=np.float64), np.asarray(z1, dtype=np.float64)
    u0, u1 = z0 / np.linalg.norm(z0), z1 / np.linalg.norm(z1)
    omega = 2.0 * np.arctan2(np.linalg.norm(u0 - u1), np.linalg.norm(u0 + u1))
    rows = []
    for s in np.asarray(t, dtype=np.float64):
        if np.sin(omega) < 1e-8:
            rows.append((1.0 - s) * z0 + s * z1)
        else:
            rows.append((np.sin((1.0 - s) * omega) * z0 + np.sin(s * omega) * z1) / np.sin(omega))
    return np.stack(rows)
