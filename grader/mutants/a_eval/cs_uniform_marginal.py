# cell: classifier_score
# loses: test_classifier_score
# why: wrong marginal: uses the uniform distribution instead of the average prediction p(y)
def classifier_score(probs):
    p = np.asarray(probs, dtype=float)
    if p.ndim != 2 or np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("bad probabilities")
    m = np.full((1, p.shape[1]), 1.0 / p.shape[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(p > 0, p * np.log(p / m), 0.0)
    return float(np.exp(t.sum(axis=1).mean()))
