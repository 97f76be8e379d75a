# cell: t_interval
# loses: test_t_interval
# why: accepts a single value, values that are not finite, a 2-D array or a confidence outside (0, 1) without raising ValueError
def t_interval(values, confidence=0.95):
    x = np.asarray(values, dtype=np.float64).ravel()
    n = len(x)
    mean = float(x.mean()) if n else float("nan")
    half = scipy.stats.t.ppf((1.0 + confidence) / 2.0, max(n - 1, 1)) * (x.std(ddof=1) if n > 1 else 0.0) / math.sqrt(max(n, 1))
    return mean, float(mean - half), float(mean + half)
