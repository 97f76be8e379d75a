# cell: value_function
# loses: test_value_function
# why: multiplies 0 * log(0) = NaN where a density vanishes
def value_function(d, p_data, p_g, dx):
    d, p_data, p_g = (np.asarray(a, dtype=float) for a in (d, p_data, p_g))
    return float(np.sum(p_data * np.log(d) + p_g * np.log(1 - d)) * dx)
