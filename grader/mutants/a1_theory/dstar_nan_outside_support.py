# cell: optimal_discriminator
# loses: test_optimal_discriminator
# why: divides blindly: where both densities are 0 the result is NaN (with a warning)
def optimal_discriminator(p_data, p_g):
    p_data, p_g = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    if p_data.shape != p_g.shape or np.any(p_data < 0) or np.any(p_g < 0):
        raise ValueError("bad densities")
    return p_data / (p_data + p_g)
