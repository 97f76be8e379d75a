# cell: mixed_equilibrium_2x2
# why: solving the two indifference conditions as linear systems gives the same p, q and value
def mixed_equilibrium_2x2(A):
    A = np.asarray(A, dtype=float)
    if A.shape != (2, 2):
        raise ValueError("A must be 2x2")
    if pure_nash_equilibria(A, -A):
        raise ValueError("A has a saddle point (a pure equilibrium)")
    # row player mixes (p, 1-p) so that both columns pay the same: unknowns p and v
    p, v = np.linalg.solve([[A[0, 0] - A[1, 0], -1.0], [A[0, 1] - A[1, 1], -1.0]], [-A[1, 0], -A[1, 1]])
    # column player mixes (q, 1-q) so that both rows pay the same
    q, _ = np.linalg.solve([[A[0, 0] - A[0, 1], -1.0], [A[1, 0] - A[1, 1], -1.0]], [-A[0, 1], -A[1, 1]])
    return float(p), float(q), float(v)
