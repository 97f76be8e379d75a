# cell: value_function
# kills: test_value_function
# why: forgets the grid spacing: a sum, not an integral
def value_function(d, p_data, p_g, dx):
    d, p_data, p_g = (np.asarray(a, dtype=float) for a in (d, p_data, p_g))
    with np.errstate(divide="ignore"):
        real = np.where(p_data > 0, p_data * np.log(d), 0.0)
        fake = np.where(p_g > 0, p_g * np.log1p(-d), 0.0)
    return float(np.sum(real + fake))
