"""Git's clean filter for the course's notebooks: what is committed has no outputs.

    python tools/strip_notebook.py < notebook.ipynb > stripped.ipynb

Configured by ``tools/bootstrap.sh`` (``git config filter.gancourse-strip.clean``) for the paths
``.gitattributes`` names, so running lectures or solutions in JupyterLab (autosave writes their
outputs into the working tree) never puts outputs into a commit and never makes ``make test``
fail: the tests check what is committed.  The working-tree file keeps its outputs.  A notebook
with nothing to strip, or one that does not parse, passes through byte for byte.
"""
from __future__ import annotations

import sys

import nbformat

#: per-cell metadata JupyterLab adds while running (timings, scroll state)
RUN_METADATA = ("execution", "collapsed", "scrolled")


def strip(raw: str) -> str:
    """``raw`` notebook JSON without outputs, execution counts, run metadata, widget state and
    the kernel's version details."""
    try:
        nb = nbformat.reads(raw, as_version=4)
    except Exception:  # not a notebook git should touch: keep it as it is
        return raw
    changed = nb.metadata.pop("widgets", None) is not None
    info = nb.metadata.get("language_info")
    if info and set(info) - {"name"}:  # the kernel fills in its versions: keep the name only
        nb.metadata["language_info"] = {"name": info.get("name", "python")}
        changed = True
    for cell in nb.cells:
        for key in RUN_METADATA:
            changed |= cell.metadata.pop(key, None) is not None
        if cell.cell_type == "code":
            changed |= bool(cell.outputs) or cell.execution_count is not None
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(nb) + "\n" if changed else raw


if __name__ == "__main__":
    sys.stdout.write(strip(sys.stdin.read()))
