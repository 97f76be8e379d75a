# cell: optimal_discriminator
# why: np.where with a safe denominator gives the same D* = p_data / (p_data + p_g), 1/2 where both vanish
def optimal_discriminator(p_data, p_g):
    p_data, p_g = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    if p_data.shape != p_g.shape:
        raise ValueError("p_data and p_g must have the same shape")
    if np.any(~(p_data >= 0)) or np.any(~(p_g >= 0)):
        raise ValueError("densities must be non-negative")
    total = p_data + p_g
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, p_data / safe, 0.5)
