# cell: gda_step
# loses: test_gda_step_dynamics
# why: extragradient computes the look-ahead point but then steps with the old gradients
def gda_step(x, y, lr, method):
    if method == "simultaneous":
        return float(x - lr * y), float(y + lr * x)
    if method == "alternating":
        xn = x - lr * y
        return float(xn), float(y + lr * xn)
    if method == "extragradient":
        xl, yl = x - lr * y, y + lr * x
        return float(x - lr * y), float(y + lr * x)
    raise ValueError(method)
