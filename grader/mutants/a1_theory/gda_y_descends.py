# cell: gda_step
# kills: test_gda_step
# why: y descends instead of ascends (both players minimise x*y)
def gda_step(x, y, lr, method):
    if method == "simultaneous":
        return float(x - lr * y), float(y - lr * x)
    if method == "alternating":
        xn = x - lr * y
        return float(xn), float(y - lr * xn)
    if method == "extragradient":
        xl, yl = x - lr * y, y - lr * x
        return float(x - lr * yl), float(y - lr * xl)
    raise ValueError(method)
