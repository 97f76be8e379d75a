# cell: js_divergence
# kills: test_js_divergence_values
# why: uses the mixture p + q without the 1/2, which is not a distribution
def js_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("shape mismatch")
    m = p + q
    s, t = p > 0, q > 0
    return float(0.5 * np.sum(p[s] * np.log(p[s] / m[s])) + 0.5 * np.sum(q[t] * np.log(q[t] / m[t])))
