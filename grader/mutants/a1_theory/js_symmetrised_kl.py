# cell: js_divergence
# kills: test_js_divergence_values
# why: no mixture: averages KL(p||q) and KL(q||p) (infinite for disjoint supports)
def js_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("shape mismatch")
    return 0.5 * kl_divergence(p, q) + 0.5 * kl_divergence(q, p)
