# cell: kl_divergence
# loses: test_kl_divergence_values
# why: sums p*log(p/q) over all entries, so p_k = 0 gives 0*log(0) = NaN (and warnings)
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or np.any(p < 0) or np.any(q < 0) or abs(p.sum() - 1) > 1e-6 or abs(q.sum() - 1) > 1e-6:
        raise ValueError("invalid distributions")
    return float(np.sum(p * np.log(p / q)))
