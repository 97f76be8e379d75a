# cell: mixed_equilibrium_2x2
# loses: test_mixed_equilibrium_2x2
# why: applies the indifference formulas even when a saddle point exists (nonsense probabilities)
def mixed_equilibrium_2x2(A):
    A = np.asarray(A, dtype=float)
    if A.shape != (2, 2):
        raise ValueError("A must be 2x2")
    (a, b), (c, d) = A
    denom = a - b - c + d
    return float((d - c) / denom), float((d - b) / denom), float((a * d - b * c) / denom)
