# cell: classifier_score
# loses: test_classifier_score
# why: KL(p(y) || p(y|x)) instead of KL(p(y|x) || p(y))
def classifier_score(probs):
    p = np.asarray(probs, dtype=float)
    if p.ndim != 2 or np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("bad probabilities")
    m = np.broadcast_to(p.mean(axis=0, keepdims=True), p.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(m > 0, m * np.log(m / p), 0.0)
    return float(np.exp(t.sum(axis=1).mean()))
