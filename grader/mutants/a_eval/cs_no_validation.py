# cell: classifier_score
# loses: test_classifier_score
# why: never checks its input: rows that do not sum to 1 or negative entries get a score instead of a ValueError
def classifier_score(probs):
    p = np.asarray(probs, dtype=float)
    m = p.mean(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(p > 0, p * np.log(p / m), 0.0)
    return float(np.exp(t.sum(axis=1).mean()))
