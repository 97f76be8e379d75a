"""Git's clean filter for the course's notebooks: what is committed has no outputs.

    python tools/strip_notebook.py < notebook.ipynb > stripped.ipynb

Configured by ``tools/bootstrap.sh`` (``git config filter.gancourse-strip.clean``) for the paths
``.gitattributes`` names, so running lectures or solutions in JupyterLab (autosave writes their
outputs into the working tree) never puts outputs into a commit and never makes ``make test``
fail: the tests check what is committed.  The working-tree file keeps its outputs.  A notebook
with nothing to strip, or one that does not parse, passes through byte for byte.

Only the standard library: git runs this once per notebook whose stat data changed (every
``git status`` after a lab session), so it must start fast (~0.03 s; importing nbformat takes
~1 s).  What it writes is what ``nbformat.writes`` writes (sorted keys, indent 1), plus a newline.
"""
from __future__ import annotations

import json
import sys

#: per-cell metadata JupyterLab adds while running (timings, scroll state, trust)
RUN_METADATA = ("execution", "collapsed", "scrolled", "trusted")


def strip(raw: str) -> str:
    """``raw`` notebook JSON without outputs, execution counts, run metadata, widget state and
    the kernel's version details (``language_info`` keeps only its name)."""
    try:
        nb = json.loads(raw)
    except ValueError:
        nb = None
    if not (isinstance(nb, dict) and isinstance(nb.get("cells"), list)
            and isinstance(nb.setdefault("metadata", {}), dict)
            and all(isinstance(c, dict) and isinstance(c.setdefault("metadata", {}), dict)
                    for c in nb["cells"])):
        return raw  # not a notebook git should touch: keep it as it is
    cells, meta = nb["cells"], nb["metadata"]
    changed = meta.pop("widgets", None) is not None
    info = meta.get("language_info")
    if isinstance(info, dict) and set(info) - {"name"}:  # the kernel fills in its versions
        meta["language_info"] = {"name": info.get("name", "python")}
        changed = True
    for cell in cells:
        for key in RUN_METADATA:
            changed |= cell["metadata"].pop(key, None) is not None
        if cell.get("cell_type") == "code":
            changed |= bool(cell.get("outputs")) or cell.get("execution_count") is not None
            cell["outputs"], cell["execution_count"] = [], None
    if not changed:
        return raw
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False,
                      separators=(",", ": ")) + "\n"


if __name__ == "__main__":
    sys.stdout.write(strip(sys.stdin.read()))
