# cell: js_divergence
# why: the definition summed outcome by outcome (skipping zero-probability terms) is the same number as two KLs to the mixture
import math


def js_divergence(p, q):
    if np.shape(p) != np.shape(q):
        raise ValueError("p and q must have the same shape")
    kl_divergence(p, p)  # validates p as kl_divergence does
    kl_divergence(q, q)
    total = 0.0
    for pi, qi in zip(np.asarray(p, float), np.asarray(q, float)):
        m = (pi + qi) / 2
        if pi > 0:
            total += 0.5 * pi * math.log(pi / m)
        if qi > 0:
            total += 0.5 * qi * math.log(qi / m)
    return total
