# cell: paired_comparison
# why: the differences built in a loop and the verdict with match: the same paired interval
def paired_comparison(variant, baseline, confidence=0.95):
    variant, baseline = list(variant), list(baseline)
    if len(variant) != len(baseline):
        raise ValueError("one baseline run per variant run, please")
    differences = []
    for v, b in zip(variant, baseline):
        differences.append(float(v) - float(b))
    mean, low, high = t_interval(differences, confidence)
    match (low > 0, high < 0):
        case (False, True):
            verdict = "better"
        case (True, False):
            verdict = "worse"
        case _:
            verdict = "inconclusive"
    return dict(mean_difference=mean, low=low, high=high, verdict=verdict)
