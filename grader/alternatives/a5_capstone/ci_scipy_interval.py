# cell: t_interval
# why: scipy.stats.t.interval with the standard error from scipy.stats.sem is the same Student-t interval
def t_interval(values, confidence=0.95):
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    x = np.array(values, dtype=float)
    if x.ndim != 1 or x.size < 2 or not np.isfinite(x).all():
        raise ValueError("t_interval needs at least two finite numbers in a 1-D sequence")
    low, high = scipy.stats.t.interval(confidence, df=x.size - 1, loc=x.mean(), scale=scipy.stats.sem(x))
    return float(x.mean()), float(low), float(high)
