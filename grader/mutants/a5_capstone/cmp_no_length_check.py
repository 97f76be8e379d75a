# cell: paired_comparison
# loses: test_paired_comparison
# why: pairs the runs with zip, which silently drops the extra seeds when the two lists differ in length
def paired_comparison(variant, baseline, confidence=0.95):
    pairs = [(float(x), float(y)) for x, y in zip(variant, baseline)]
    d = np.array([x - y for x, y in pairs])
    mean, low, high = t_interval(d, confidence)
    verdict = 'better' if high < 0 else 'worse' if low > 0 else 'inconclusive'
    return {'mean_difference': mean, 'low': low, 'high': high, 'verdict': verdict}
