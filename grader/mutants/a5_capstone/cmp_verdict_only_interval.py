# cell: paired_comparison
# loses: test_paired_comparison
# why: returns the interval of the variant's own runs instead of the interval of the differences variant minus baseline
def paired_comparison(variant, baseline, confidence=0.95):
    v, b = np.asarray(variant, dtype=np.float64), np.asarray(baseline, dtype=np.float64)
    if v.shape != b.shape:
        raise ValueError("variant and baseline need one value per seed each")
    mean, low, high = t_interval(v - b, confidence)
    verdict = "better" if high < 0 else "worse" if low > 0 else "inconclusive"
    own_mean, own_low, own_high = t_interval(v, confidence)
    return {"mean_difference": own_mean, "low": own_low, "high": own_high, "verdict": verdict}
