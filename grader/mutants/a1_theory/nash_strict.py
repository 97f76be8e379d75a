# cell: pure_nash_equilibria
# loses: test_pure_nash_equilibria
# why: requires strict best responses, so ties (several best responses) are missed
def pure_nash_equilibria(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or A.shape != B.shape:
        raise ValueError("bad shapes")
    out = []
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if all(A[i, j] > A[k, j] for k in range(A.shape[0]) if k != i) and \
               all(B[i, j] > B[i, k] for k in range(A.shape[1]) if k != j):
                out.append((i, j))
    return out
