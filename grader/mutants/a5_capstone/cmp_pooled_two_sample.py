# cell: paired_comparison
# loses: test_paired_comparison
# why: uses the pooled two-sample t interval (independent samples, equal variances) instead of the paired one
def paired_comparison(variant, baseline, confidence=0.95):
    v, b = np.asarray(variant, dtype=np.float64), np.asarray(baseline, dtype=np.float64)
    if v.shape != b.shape:
        raise ValueError("variant and baseline need one value per seed each")
    t_interval(v, confidence), t_interval(b, confidence)
    n = len(v)
    pooled = math.sqrt(((n - 1) * v.var(ddof=1) + (n - 1) * b.var(ddof=1)) / (2 * n - 2))
    mean = float(v.mean() - b.mean())
    half = scipy.stats.t.ppf((1.0 + confidence) / 2.0, 2 * n - 2) * pooled * math.sqrt(2.0 / n)
    low, high = mean - half, mean + half
    verdict = 'better' if high < 0 else 'worse' if low > 0 else 'inconclusive'
    return {'mean_difference': mean, 'low': float(low), 'high': float(high), 'verdict': verdict}
