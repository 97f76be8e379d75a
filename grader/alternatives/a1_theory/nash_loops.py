# cell: pure_nash_equilibria
# why: checking every cell for a profitable deviation with loops finds the same equilibria, in row-major order
def pure_nash_equilibria(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or A.shape != B.shape:
        raise ValueError("A and B must be 2-D and of the same shape")
    rows, cols = A.shape
    found = []
    for i in range(rows):
        for j in range(cols):
            row_ok = all(A[i, j] >= A[k, j] for k in range(rows))
            col_ok = all(B[i, j] >= B[i, k] for k in range(cols))
            if row_ok and col_ok:
                found.append((i, j))
    return found
