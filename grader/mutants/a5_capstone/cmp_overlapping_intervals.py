# cell: paired_comparison
# loses: test_paired_comparison
# why: decides the verdict by whether the two separate intervals overlap, not from the interval of the paired differences: misses consistent small improvements
def paired_comparison(variant, baseline, confidence=0.95):
    v, b = np.asarray(variant, dtype=np.float64), np.asarray(baseline, dtype=np.float64)
    if v.shape != b.shape:
        raise ValueError("variant and baseline need one value per seed each")
    mean, low, high = t_interval(v - b, confidence)
    _, v_low, v_high = t_interval(v, confidence)
    _, b_low, b_high = t_interval(b, confidence)
    verdict = "better" if v_high < b_low else "worse" if v_low > b_high else "inconclusive"
    return {"mean_difference": mean, "low": low, "high": high, "verdict": verdict}
