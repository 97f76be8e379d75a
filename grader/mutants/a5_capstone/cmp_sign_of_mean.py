# cell: paired_comparison
# loses: test_paired_comparison
# why: decides the verdict from the sign of the mean difference alone, ignoring the interval: never inconclusive
def paired_comparison(variant, baseline, confidence=0.95):
    v, b = np.asarray(variant, dtype=np.float64), np.asarray(baseline, dtype=np.float64)
    if v.shape != b.shape:
        raise ValueError("variant and baseline need one value per seed each")
    mean, low, high = t_interval(v - b, confidence)
    verdict = 'better' if mean < 0 else 'worse'
    return {'mean_difference': mean, 'low': low, 'high': high, 'verdict': verdict}
