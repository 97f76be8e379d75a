"""The files around one grading kernel: its private scratch folder, the files a student
submitted beside a notebook (read without following links), and the notes the sandbox writes
for every notebook (``<course root>/sandbox_notes/<student>/<assignment>/<notebook>.json``),
which ``grader/grade.py`` turns into feedback.

Nothing a kernel writes is trusted: what is read back is bounded and checked here.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["NOTES_DIR", "SUBMITTED_FILE_BYTES", "course_root", "make_scratch", "notes_path",
           "read_notes", "read_regular_file", "remove_scratch", "rmtree_unlocking",
           "sandbox_parent"]

NOTES_DIR = "sandbox_notes"


#: The largest file a student may submit beside a notebook (a3's generator is ~1 MB).
SUBMITTED_FILE_BYTES = 64 * 2**20


def read_regular_file(path: Path, limit: int = SUBMITTED_FILE_BYTES) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link, FIFO or device) of at most
    ``limit`` bytes, else None.  Opens without following a link and reads at most the limit."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks) if size <= limit else None
    finally:
        os.close(fd)


def make_scratch(assignment: str) -> Path:
    """A fresh, private working folder for one notebook's kernel, ``<tmp>/<assignment>``.

    The kernel may write only there (and in its private HOME/TMPDIR).  Nothing in it is ever
    read back: the graded notebook comes from the kernel's messages, the submitted files from
    the submission, so links, FIFOs, devices or huge files a notebook leaves behind reach
    neither the grader's outputs nor the feedback; the folder is removed after the notebook.
    """
    parent = Path(tempfile.mkdtemp(prefix="gcs-", dir=sandbox_parent()))
    folder = parent / (assignment if assignment and "/" not in assignment and assignment not in (".", "..")
                       else "notebook")
    folder.mkdir()
    return folder


def remove_scratch(folder: Path) -> None:
    """Remove a scratch folder made by :func:`make_scratch` (links are removed, not followed)."""
    rmtree_unlocking(folder.parent)


def rmtree_unlocking(path: Path) -> None:
    """``shutil.rmtree`` that also removes what a notebook made unwritable (chmod 0 folders)."""
    def unlock(func, p, _exc):
        try:
            os.chmod(os.path.dirname(p), 0o700)
            if os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass

    shutil.rmtree(path, onerror=unlock)


def course_root() -> Path:
    """The nbgrader course directory being graded (the grading workspace)."""
    return Path(os.environ.get("GANCOURSE_COURSE_ROOT") or os.getcwd()).resolve()


def notes_path(root: Path, student: str, assignment: str, notebook: str) -> Path:
    return root / NOTES_DIR / student / assignment / f"{notebook}.json"


def read_notes(root: Path, student: str, assignment: str) -> list[dict]:
    """Every notebook's notes for one submission (empty when there are none)."""
    folder = root / NOTES_DIR / student / assignment
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def sandbox_parent() -> str | None:
    """Where kernels' private folders go: inside the grading workspace (removed with it, even
    if a grader process is killed), unless its path is too long for a Unix socket's name."""
    root = os.environ.get("GANCOURSE_COURSE_ROOT")
    if root and len(root) < 60 and Path(root).is_dir():
        parent = Path(root) / ".sandbox"
        parent.mkdir(exist_ok=True)
        return str(parent)
    return None  # the system's temporary folder
