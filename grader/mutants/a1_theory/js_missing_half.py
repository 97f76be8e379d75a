# cell: js_divergence
# kills: test_js_divergence_values
# why: forgets the factor 1/2: KL(p||m) + KL(q||m) is twice the JS divergence
def js_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("shape mismatch")
    m = 0.5 * (p + q)
    return kl_divergence(p, m) + kl_divergence(q, m)
