# cell: pure_nash_equilibria
# kills: test_pure_nash_equilibria
# why: compares the row player's payoff along its own row (over the opponent's choices)
def pure_nash_equilibria(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or A.shape != B.shape:
        raise ValueError("bad shapes")
    row_best = A >= A.max(axis=1, keepdims=True)
    col_best = B >= B.max(axis=0, keepdims=True)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(row_best & col_best))]
