# cell: classifier_score
# loses: test_classifier_score
# why: checks the row sums with np.allclose's default tolerance (about 1e-5), so rows that sum to 1 within the required 1e-4 are refused with a ValueError
def classifier_score(probs):
    p = np.asarray(probs, dtype=float)
    if p.ndim != 2 or np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0):
        raise ValueError("bad probabilities")
    m = p.mean(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(p > 0, p * np.log(p / m), 0.0)
    return float(np.exp(t.sum(axis=1).mean()))
