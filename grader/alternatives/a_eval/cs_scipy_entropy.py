# cell: classifier_score
# why: scipy.stats.entropy(p(y|x), p(y)) is KL(p(y|x) || p(y)) per image; the score is exp of their mean
import scipy.stats


def classifier_score(probs):
    p = np.asarray(probs, dtype=float)
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] == 0:
        raise ValueError("probs must be a non-empty (N, K) array")
    if (p < 0).any() or np.isnan(p).any() or np.abs(p.sum(axis=1) - 1).max() > 1e-4:
        raise ValueError("rows of probs must be probability vectors")
    marginal = p.mean(axis=0)
    kls = [scipy.stats.entropy(row, marginal) for row in p]
    return float(np.exp(np.mean(kls)))
