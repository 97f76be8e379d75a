# cell: kl_divergence
# kills: test_kl_divergence_errors
# why: no input checks: negative entries or unnormalised vectors give a number instead of an error
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("shape mismatch")
    s = p > 0
    if np.any(q[s] == 0):
        return float("inf")
    return float(np.sum(p[s] * np.log(p[s] / q[s])))
