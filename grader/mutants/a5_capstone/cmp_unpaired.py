# cell: paired_comparison
# loses: test_paired_comparison
# why: compares the two means as if the runs were independent (Welch's interval), throwing away the pairing by seed: wider, often inconclusive
def paired_comparison(variant, baseline, confidence=0.95):
    v, b = np.asarray(variant, dtype=np.float64), np.asarray(baseline, dtype=np.float64)
    if v.shape != b.shape:
        raise ValueError("variant and baseline need one value per seed each")
    t_interval(v, confidence), t_interval(b, confidence)  # the same checks of the input
    se = math.sqrt(v.var(ddof=1) / len(v) + b.var(ddof=1) / len(b))
    df = se ** 4 / ((v.var(ddof=1) / len(v)) ** 2 / (len(v) - 1) + (b.var(ddof=1) / len(b)) ** 2 / (len(b) - 1))
    mean = float(v.mean() - b.mean())
    half = scipy.stats.t.ppf((1.0 + confidence) / 2.0, df) * se
    low, high = mean - half, mean + half
    verdict = 'better' if high < 0 else 'worse' if low > 0 else 'inconclusive'
    return {'mean_difference': mean, 'low': float(low), 'high': float(high), 'verdict': verdict}
