# cell: gda_step
# why: the bilinear game's vector field F(x, y) = (-y, x) applied as a function gives the same three updates
def gda_step(x, y, lr, method):
    field = lambda u, v: (-v, u)  # (descent direction for x, ascent direction for y)
    if method == "simultaneous":
        dx, dy = field(x, y)
        return float(x + lr * dx), float(y + lr * dy)
    if method == "alternating":
        x_new = x + lr * field(x, y)[0]
        return float(x_new), float(y + lr * field(x_new, y)[1])
    if method == "extragradient":
        dx, dy = field(x, y)
        dx2, dy2 = field(x + lr * dx, y + lr * dy)
        return float(x + lr * dx2), float(y + lr * dy2)
    raise ValueError(f"unknown method {method!r}")
