"""Regenerate the student release (``assignments/``), the example submissions, the reference
code the quality checks load from ``solutions/`` and the inputs a grading kernel may read.

    python -m grader.release           # write assignments/, grader/examples/,
                                       # grader/reference/<a>/reference_generator.py and
                                       # grader/reference/<a>/kernel_inputs/ (make release)
    python -m grader.release --check   # only compare; exit 1 listing stale files (used by tests)
    python -m grader.release --force   # also replace uncommitted edits of assignments/ or
                                       # grader/examples/ (without it, they stop the release)

In a git checkout ``--check`` compares the fresh build with what is *committed* (``HEAD``), so
working in ``assignments/`` in JupyterLab (answers, Validate, autosave) never makes the check
fail; and writing refuses to replace files with uncommitted changes, listing them, so nobody's
answers are overwritten.

``nbgrader generate_assignment`` runs in a temporary workspace (see grader/workspace.py), so no
gradebook or log is left in the repository.  The output is deterministic: running it twice gives
identical files, and a clean checkout stays clean.
"""
from __future__ import annotations

import argparse
import filecmp
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from grader.quality import (
    BUILDER_FILE,
    KERNEL_INPUTS_FILE,
    REFERENCE,
    SETTINGS,
    builder_module_source,
    kernel_inputs_bytes,
)
from grader.submissions import EXAMPLES, write_examples
from grader.workspace import ASSIGNMENTS, REPO, GradingError, Workspace, assignment_ids


def build(dest: Path) -> None:
    """Write the full release to ``dest/assignments`` and the examples to ``dest/examples``."""
    with tempfile.TemporaryDirectory(prefix="gancourse-release-") as tmp:
        ws = Workspace(Path(tmp) / "course")
        ids = assignment_ids()
        for assignment, released in zip(ids, ws.release_all(ids)):
            shutil.copytree(released, dest / "assignments" / assignment)
            write_examples(assignment, released, dest / "examples")
    for assignment in SETTINGS:  # the reference builder, readable inside the grading sandbox
        path = dest / "reference" / assignment / BUILDER_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(builder_module_source(assignment))
        inputs = dest / "reference" / assignment / KERNEL_INPUTS_FILE
        inputs.parent.mkdir(parents=True, exist_ok=True)
        inputs.write_bytes(kernel_inputs_bytes(assignment))


def _tree(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()


def stale_files(built: Path, committed: Path) -> list[str]:
    """Paths (relative) that differ between a fresh build and the committed tree."""
    a, b = _tree(built), _tree(committed)
    differ = {p for p in a & b if not filecmp.cmp(built / p, committed / p, shallow=False)}
    return sorted(str(p) for p in (a ^ b) | differ)


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True)


def committed_copy(folder: Path, dest: Path) -> Path:
    """``folder`` (inside the repository) as committed at HEAD, extracted under ``dest``;
    the working tree itself where this is not a git checkout."""
    rel = folder.relative_to(REPO).as_posix()
    proc = _git("archive", "--format=tar", "HEAD", "--", rel)
    if proc.returncode != 0:
        return folder
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest / rel


def local_edits(folders: list[Path]) -> list[str]:
    """Files under ``folders`` with uncommitted changes (edited, added, deleted)."""
    proc = _git("status", "--porcelain", "--untracked-files=all", "--",
                *[f.relative_to(REPO).as_posix() for f in folders])
    if proc.returncode != 0:
        return []
    return [line[3:] for line in proc.stdout.decode().splitlines() if line[3:]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    parser.add_argument("--force", action="store_true",
                        help="replace uncommitted edits of assignments/ and grader/examples/")
    args = parser.parse_args(argv)
    edits = [] if args.check or args.force else local_edits([ASSIGNMENTS, EXAMPLES])
    if edits:
        print("error: these files have uncommitted changes that a release would replace "
              "(someone's answers?):\n  " + "\n  ".join(edits) + "\ncommit or move them, or "
              "run `python -m grader.release --force` to replace them", file=sys.stderr)
        return 2
    try:
        with tempfile.TemporaryDirectory(prefix="gancourse-build-") as tmp:
            built = Path(tmp)
            build(built)
            pairs = [(built / "assignments", ASSIGNMENTS), (built / "examples", EXAMPLES)]
            if args.check:  # what is committed, not what someone is working on
                pairs = [(fresh, committed_copy(committed, built / "committed"))
                         for fresh, committed in pairs]
            stale = [f"{committed.name}/{p}" for fresh, committed in pairs
                     for p in stale_files(fresh, committed)]
            code = [(built / "reference" / a / name, REFERENCE / a / name)
                    for a in SETTINGS for name in (BUILDER_FILE, KERNEL_INPUTS_FILE)]
            stale += [str(committed.relative_to(REFERENCE.parent)) for fresh, committed in code
                      if not committed.is_file()
                      or not filecmp.cmp(fresh, committed, shallow=False)]
            if args.check:
                if stale:
                    print("stale (run `make release` and commit):\n  " + "\n  ".join(stale))
                    return 1
                print("assignments/, grader/examples/ and the reference code are up to date")
                return 0
            for fresh, committed in pairs:
                if committed.exists():
                    shutil.rmtree(committed)
                shutil.copytree(fresh, committed)
            for fresh, committed in code:
                committed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(fresh, committed)
            print(f"released {', '.join(assignment_ids())}; "
                  f"{len(stale)} file(s) changed" + (":\n  " + "\n  ".join(stale) if stale else ""))
    except GradingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
