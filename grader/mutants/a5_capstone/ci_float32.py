# cell: t_interval
# loses: test_t_interval
# why: computes in float32 (np.asarray(values, np.float32)): the mean and the interval lose digits, and float32 results are not Python floats
def t_interval(values, confidence=0.95):
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be strictly between 0 and 1")
    x = np.asarray(values, dtype=np.float32)
    if x.ndim != 1 or len(x) < 2 or not np.all(np.isfinite(x)):
        raise ValueError("need a 1-D sequence of at least two finite numbers")
    mean = x.mean()
    half = np.float32(scipy.stats.t.ppf((1.0 + confidence) / 2.0, len(x) - 1)) * x.std(ddof=1) / np.float32(np.sqrt(len(x)))
    return mean, mean - half, mean + half
