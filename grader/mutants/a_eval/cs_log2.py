# cell: classifier_score
# loses: test_classifier_score
# why: KL in bits (log base 2) but exponentiated with e
def classifier_score(probs):
    p = np.asarray(probs, dtype=float)
    if p.ndim != 2 or np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("bad probabilities")
    m = p.mean(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(p > 0, p * np.log2(p / m), 0.0)
    return float(np.exp(t.sum(axis=1).mean()))
