"""Build the student course: everything a student needs, nothing an instructor keeps.

    python -m grader.student_course --out DIR [--zip] [--force]     (make student-course OUT=DIR)

The student course is a self-contained folder (and, with ``--zip``, ``DIR.zip`` beside it):

* ``course/``: the lectures and their committed results (``course/results/``: tables, sample
  grids, provenance of the lectures' reference runs; never trained weights - a DCGAN of a3's
  architecture would be a ready answer to a3's quality part);
* ``assignments/``: the released assignments (``make release``: stubs and visible tests only);
* ``gancourse/``: the library the notebooks import (with the feature network's weights);
* ``pyproject.toml``, ``requirements.lock``, ``environment.yml``, ``tools/bootstrap.sh``: the
  same pinned environment as the instructor's;
* ``Makefile``, ``README.md``, ``.gitignore`` from ``grader/student_template/``: ``make lab``,
  ``make check``, ``make validate``; instructor-only JupyterLab tools (Formgrader, Create
  Assignment, the course list) are disabled in its environment;
* ``COURSE_BUILD.json``: from which commit, when, by which command.

Never included: ``solutions/``, ``grader/`` (hidden tests, reference weights and thresholds,
example submissions, the autograder), ``tests/``, ``benchmarks/``.  Only files git tracks are
copied, so nothing an instructor has lying around (a gradebook, a student's submission opened
for a look) travels.  ``tests/test_student_course.py`` builds it and proves the absence; ``make
test`` runs the lectures from a fresh build.

The build refuses a stale release (``assignments/`` must match ``solutions/``) and an existing
``DIR`` it did not make itself (``--force`` replaces only a previous student-course build).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from pathlib import Path

from gancourse.provenance import git

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "grader" / "student_template"
#: Copied as they are (folders: every tracked file below them).
INCLUDE = ("course", "assignments", "gancourse", "pyproject.toml", "requirements.lock",
           "environment.yml", "tools/bootstrap.sh")
#: Tracked files of ``course/`` that never ship: trained generators' weights.
WITHHELD_SUFFIXES = (".weights.h5", ".npz")
#: Written into every build; ``--force`` replaces a folder only if it holds this file.
MARKER = "COURSE_BUILD.json"


class BuildError(RuntimeError):
    """The student course cannot be built as asked."""


def tracked_files(paths: tuple[str, ...] = INCLUDE) -> list[str]:
    """The files git tracks below ``paths`` (relative to the repository), sorted."""
    listing = git("ls-files", "-z", "--", *paths)
    if listing is None:
        raise BuildError("no git, or not a git checkout: the student course is built from the "
                         "files git tracks")
    files = sorted(f for f in listing.split("\0") if f
                   and not (f.startswith("course/") and f.endswith(WITHHELD_SUFFIXES)))
    missing = [f for f in files if not (REPO / f).is_file()]
    if missing:
        raise BuildError(f"tracked but missing in the working tree: {', '.join(missing[:5])}")
    return files


def _check_release() -> None:
    from grader import release

    if release.main(["--check"]) != 0:
        raise BuildError("assignments/ is stale: run `make release` (and commit) first")


def _prepare(out: Path, force: bool) -> None:
    resolved = out.resolve()
    if (resolved == REPO or REPO in resolved.parents) and (REPO / "build") not in resolved.parents:
        raise BuildError(f"{out} is inside the repository; build outside it or under build/")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        if not force:
            raise BuildError(f"{out} exists and is not empty; choose another OUT or pass --force "
                             "(which replaces only an earlier student-course build)")
        if not (out / MARKER).is_file():
            raise BuildError(f"{out} is not a student-course build (no {MARKER}); "
                             "refusing to replace it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def build(out: Path, force: bool = False, check_release: bool = True) -> list[str]:
    """Write the student course into ``out``; returns the files written (relative, sorted)."""
    if check_release:
        _check_release()
    files = tracked_files()
    _prepare(out, force)
    written = []
    for rel in files:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, out / rel)
        written.append(rel)
    for src in sorted(TEMPLATE.iterdir()):
        name = src.name[len("dot"):] if src.name.startswith("dot.") else src.name
        shutil.copy2(src, out / name)
        written.append(name)
    record = {"built_from_commit": git("rev-parse", "HEAD"),
              "uncommitted_changes_in_sources": bool((git("status", "--porcelain", "--",
                                                          *INCLUDE) or "").strip()),
              "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "command": "python -m grader.student_course " + " ".join(sys.argv[1:]),
              "files": len(written) + 1}
    (out / MARKER).write_text(json.dumps(record, indent=1) + "\n")
    written.append(MARKER)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to create")
    parser.add_argument("--zip", action="store_true", help="also write OUT.zip")
    parser.add_argument("--force", action="store_true",
                        help="replace OUT if it is an earlier student-course build")
    parser.add_argument("--skip-release-check", action="store_true",
                        help="do not compare assignments/ with solutions/ (make test does it)")
    args = parser.parse_args(argv)
    try:
        written = build(args.out, force=args.force, check_release=not args.skip_release_check)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"student course: {len(written)} files in {args.out}")
    if args.zip:
        archive = shutil.make_archive(str(args.out), "zip", root_dir=args.out.parent,
                                      base_dir=args.out.name)
        print(f"archive: {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
