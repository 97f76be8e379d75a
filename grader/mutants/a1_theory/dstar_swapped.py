# cell: optimal_discriminator
# kills: test_optimal_discriminator
# why: p_g / (p_data + p_g): the probability of "fake", not of "real"
def optimal_discriminator(p_data, p_g):
    p_data, p_g = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    if p_data.shape != p_g.shape or np.any(p_data < 0) or np.any(p_g < 0):
        raise ValueError("bad densities")
    total = p_data + p_g
    return np.divide(p_g, total, out=np.full_like(total, 0.5), where=total > 0)
