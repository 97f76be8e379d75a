"""Replace the source of one cell of a solutions notebook, keeping everything else byte-stable.

    python tools/set_test_cell.py NOTEBOOK GRADE_ID FILE     (FILE: the new source, '-' for stdin)

For maintainers translating hidden tests; the notebook is written with nbformat's own writer
(the format solutions/ is stored in), so the diff is the cell's source only.
"""
import sys

import nbformat

path, grade_id, src = sys.argv[1:4]
text = sys.stdin.read() if src == "-" else open(src).read()
nb = nbformat.read(path, as_version=4)
cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
if len(cells) != 1:
    sys.exit(f"{path}: {len(cells)} cells with grade_id {grade_id!r}")
cells[0].source = text.rstrip("\n")
nbformat.write(nb, path)
