# cell: t_interval
# why: plain Python sums with math.sqrt and a lower-tail quantile whose sign is flipped: the same numbers (low and high come out as NumPy float64, a subclass of float, which the spec allows)
def t_interval(values, confidence=0.95):
    if type(confidence) not in (int, float) or not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError("values must be one-dimensional")
    xs = [float(v) for v in values]
    if len(xs) < 2 or not all(math.isfinite(v) for v in xs):
        raise ValueError("need at least two finite values")
    n = len(xs)
    mean = sum(xs) / n
    var = sum((v - mean) ** 2 for v in xs) / (n - 1)
    q = -scipy.stats.t.ppf((1 - confidence) / 2, n - 1)
    half = q * math.sqrt(var / n)
    return mean, mean - half, mean + half
