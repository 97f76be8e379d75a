# cell: value_function
# kills: test_value_function
# why: uses log D for the generated term too, instead of log(1 - D)
def value_function(d, p_data, p_g, dx):
    d, p_data, p_g = (np.asarray(a, dtype=float) for a in (d, p_data, p_g))
    with np.errstate(divide="ignore"):
        real = np.where(p_data > 0, p_data * np.log(d), 0.0)
        fake = np.where(p_g > 0, p_g * np.log(d), 0.0)
    return float(np.sum(real + fake) * dx)
