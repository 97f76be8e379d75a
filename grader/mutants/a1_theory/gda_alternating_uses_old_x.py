# cell: gda_step
# kills: test_gda_step
# why: the "alternating" update uses the old x for y, i.e. it is simultaneous
def gda_step(x, y, lr, method):
    if method not in ("simultaneous", "alternating", "extragradient"):
        raise ValueError(method)
    if method == "extragradient":
        xl, yl = x - lr * y, y + lr * x
        return float(x - lr * yl), float(y + lr * xl)
    return float(x - lr * y), float(y + lr * x)
