# cell: kl_divergence
# kills: test_kl_divergence_values
# why: returns the cross-entropy -sum p log q (the seed's error), not KL = H(p, q) - H(p)
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or np.any(p < 0) or np.any(q < 0) or abs(p.sum() - 1) > 1e-6 or abs(q.sum() - 1) > 1e-6:
        raise ValueError("invalid distributions")
    s = p > 0
    if np.any(q[s] == 0):
        return float("inf")
    return float(-np.sum(p[s] * np.log(q[s])))
