# cell: mixed_equilibrium_2x2
# loses: test_mixed_equilibrium_2x2
# why: each player mixes to make *itself* indifferent (p and q formulas exchanged)
def mixed_equilibrium_2x2(A):
    A = np.asarray(A, dtype=float)
    if A.shape != (2, 2):
        raise ValueError("A must be 2x2")
    if pure_nash_equilibria(A, -A):
        raise ValueError("saddle point")
    (a, b), (c, d) = A
    denom = a - b - c + d
    return float((d - b) / denom), float((d - c) / denom), float((a * d - b * c) / denom)
