# cell: kl_divergence
# kills: test_kl_divergence_values
# why: measures in bits (log base 2) instead of nats
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or np.any(p < 0) or np.any(q < 0) or abs(p.sum() - 1) > 1e-6 or abs(q.sum() - 1) > 1e-6:
        raise ValueError("invalid distributions")
    s = p > 0
    if np.any(q[s] == 0):
        return float("inf")
    return float(np.sum(p[s] * np.log2(p[s] / q[s])))
