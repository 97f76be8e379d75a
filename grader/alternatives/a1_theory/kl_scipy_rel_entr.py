# cell: kl_divergence
# why: scipy.special.rel_entr computes p log(p/q) elementwise with 0 log 0 = 0 and p log(p/0) = inf
import scipy.special


def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.ndim != 1 or p.shape != q.shape or len(p) == 0:
        raise ValueError("p and q must be non-empty 1-D arrays of equal length")
    if np.isnan(p).any() or np.isnan(q).any() or (p < 0).any() or (q < 0).any():
        raise ValueError("probabilities must be non-negative numbers")
    if not (np.isclose(p.sum(), 1.0, rtol=0, atol=1e-6) and np.isclose(q.sum(), 1.0, rtol=0, atol=1e-6)):
        raise ValueError("p and q must each sum to 1")
    return float(np.sum(scipy.special.rel_entr(p, q)))
