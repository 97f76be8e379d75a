# cell: paired_comparison
# why: scipy's paired t-test (ttest_rel) reports the same interval of the mean difference
def paired_comparison(variant, baseline, confidence=0.95):
    v, b = np.asarray(variant, dtype=float), np.asarray(baseline, dtype=float)
    if v.ndim != 1 or v.shape != b.shape or len(v) < 2:
        raise ValueError("need two 1-D sequences of equal length, at least two values each")
    if not (np.isfinite(v).all() and np.isfinite(b).all()):
        raise ValueError("values must be finite")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    ci = scipy.stats.ttest_rel(v, b).confidence_interval(confidence_level=confidence)
    low, high = float(ci.low), float(ci.high)
    verdict = "better" if high < 0 else ("worse" if low > 0 else "inconclusive")
    return {"mean_difference": float(np.mean(v - b)), "low": low, "high": high, "verdict": verdict}
