# cell: slerp
# loses: test_slerp
# why: linear interpolation: the midpoint of two latent vectors is too short
def slerp(z0, z1, t):
    t = np.asarray(t, np.float64)[:, None]
    return (1.0 - t) * np.asarray(z0, np.float64) + t * np.asarray(z1, np.float64)
