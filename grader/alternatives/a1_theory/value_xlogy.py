# cell: value_function
# why: scipy.special.xlogy(p, d) is p log d with 0 log 0 = 0, exactly the convention of the integral
import scipy.special


def value_function(d, p_data, p_g, dx):
    d, p_data, p_g = np.asarray(d, float), np.asarray(p_data, float), np.asarray(p_g, float)
    integrand = scipy.special.xlogy(p_data, d) + scipy.special.xlogy(p_g, 1.0 - d)
    return float(integrand.sum() * dx)
