# cell: classifier_score
# loses: test_classifier_score
# why: computes p * log(p / p(y)) for probabilities of 0 as well (0 * log 0: a warning and NaN) and replaces the NaN afterwards; leave those terms out instead
def classifier_score(probs):
    p = np.asarray(probs, dtype=float)
    if p.ndim != 2 or np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("bad probabilities")
    m = p.mean(axis=0, keepdims=True)
    t = np.nan_to_num(p * np.log(p / m))
    return float(np.exp(t.sum(axis=1).mean()))
