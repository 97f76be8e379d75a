# cell: js_divergence
# loses: test_js_divergence_errors
# why: its own KL without checks: an unnormalised or negative input gives a number, not an error
def js_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("shape mismatch")
    m = 0.5 * (p + q)
    with np.errstate(all="ignore"):
        a = np.where(p > 0, p * np.log(p / m), 0.0)
        b = np.where(q > 0, q * np.log(q / m), 0.0)
    return float(0.5 * np.nansum(a) + 0.5 * np.nansum(b))
