"""Merge grading results produced separately (e.g. one job per shard of a large class) into one.

    python -m grader.merge RESULTS_DIR [RESULTS_DIR ...] --out DIR

Each ``RESULTS_DIR`` is the output of ``python -m grader.grade`` (``make grade``) on a disjoint
set of students, typically one task of a cluster array job (Slurm ``--array``, a Kubernetes
Indexed Job, a Dask bag of shards): every task grades its shard in its own workspace, and this
command builds the class's single gradebook (nbgrader's ``gradebook.db``, released fresh from
``solutions/``) plus the merged ``grades.csv``, ``cells.csv``, ``nbgrader_export.csv``,
``feedback/`` and ``autograded/``.  A student graded in two shards for the same assignment is
an error (the shards must be disjoint), and ``--out`` must be new, as for grading.
"""
from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from pathlib import Path

from grader.gradebook import copy_tree_into, merge_gradebook
from grader.workspace import GradingError, Workspace


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def merge(results: list[Path], out: Path) -> list[dict[str, str]]:
    """Merge ``results`` folders into ``out``; returns the merged grades.csv rows."""
    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()):
        raise GradingError(f"output folder {out} already holds results; choose a new --out")
    grades: list[dict[str, str]] = []
    cells: list[dict[str, str]] = []
    seen: dict[tuple[str, str], Path] = {}
    for r in results:
        for name in ("grades.csv", "cells.csv", "gradebook.db"):
            if not (r / name).is_file():
                raise GradingError(f"{r} is not a grading result (no {name})")
        for row in _rows(r / "grades.csv"):
            key = (row["student_id"], row["assignment"])
            if key in seen:
                raise GradingError(f"{key[0]} / {key[1]} is graded in both {seen[key]} and {r}: "
                                   "shards must not overlap")
            seen[key] = r
            grades.append(row)
        cells += _rows(r / "cells.csv")
    assignments = sorted({row["assignment"] for row in grades})
    with tempfile.TemporaryDirectory(prefix="gancourse-merge-") as tmp:
        ws = Workspace(Path(tmp) / "course")
        ws.release_all(assignments)
        for r in results:
            merge_gradebook(r / "gradebook.db", ws.root / "gradebook.db", assignments)
        out.mkdir(parents=True, exist_ok=True)
        ws.nbgrader("export", "--to", str(out / "nbgrader_export.csv"))
        shutil.copyfile(ws.root / "gradebook.db", out / "gradebook.db")
    for r in results:
        for sub in ("feedback", "autograded"):
            copy_tree_into(r / sub, out / sub)
    for name, rows in (("grades.csv", grades), ("cells.csv", cells)):
        rows = sorted(rows, key=lambda row: (row["student_id"], row["assignment"], row.get("cell", "")))
        with open(out / name, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    return grades


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        rows = merge(args.results, args.out)
    except GradingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"merged {len(rows)} graded submission(s) from {len(args.results)} result folder(s) "
          f"into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
