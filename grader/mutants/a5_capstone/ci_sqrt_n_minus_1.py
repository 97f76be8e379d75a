# cell: t_interval
# loses: test_t_interval
# why: divides by sqrt(n - 1) instead of sqrt(n) for the standard error
def t_interval(values, confidence=0.95):
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or len(x) < 2 or not np.all(np.isfinite(x)):
        raise ValueError("need a 1-D sequence of at least two finite numbers")
    n = len(x)
    mean = float(x.mean())
    half = scipy.stats.t.ppf((1.0 + confidence) / 2.0, n - 1) * x.std(ddof=1) / math.sqrt(n - 1)
    return mean, float(mean - half), float(mean + half)
