"""A throw-away nbgrader course directory, so nbgrader never writes into the repository.

A workspace is a fresh directory holding a copy of ``solutions/`` and a ``nbgrader_config.py``
that loads ``grader/nbgrader_config.py`` with ``CourseDirectory.root`` pointing at the workspace.
Every nbgrader command of the course runs there.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
ASSIGNMENTS = REPO / "assignments"
MUTATION_RECORD = REPO / "grader" / "reference" / "mutation_record.json"  # grader/mutation.py
CONFIG = REPO / "grader" / "nbgrader_config.py"


class GradingError(RuntimeError):
    """The grading pipeline cannot go on; the message says why and what to do."""


def assignment_ids(solutions: Path = SOLUTIONS) -> list[str]:
    """Assignments defined in ``solutions/`` (folders holding at least one notebook), sorted."""
    if not solutions.is_dir():
        raise GradingError(f"no solutions directory at {solutions}")
    return sorted(p.name for p in solutions.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb")))


def grading_env(root: Path) -> dict[str, str]:
    """Environment for nbgrader and the kernels it starts: ci profile, deterministic, quiet."""
    env = dict(os.environ)
    env.update(
        GANCOURSE_COURSE_ROOT=str(root),
        GANCOURSE_PROFILE="ci",
        PYTHONHASHSEED="0",
        TF_CPP_MIN_LOG_LEVEL="3",  # also hides C++ log lines, which nbgrader would count as a failing stderr
        TF_ENABLE_ONEDNN_OPTS="0",  # oneDNN's reordered float sums would vary scores across CPUs
        TF_DETERMINISTIC_OPS="1",
        CUDA_VISIBLE_DEVICES="",  # grading never needs (or waits for) a GPU
        MPLBACKEND="Agg",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    # nbgrader shells out to `alembic` and the kernel to this interpreter's tools: put the
    # environment's bin/ first, as an activated venv would.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # The kernel must import this checkout's gancourse even when it is not installed.
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


class Workspace:
    """A course directory at ``root`` (which must not exist yet or be empty)."""

    def __init__(self, root: Path, solutions: Path = SOLUTIONS, verdict: str = "both"):
        self.root = Path(root).resolve()
        if self.root.exists() and any(self.root.iterdir()):
            raise GradingError(f"workspace {self.root} is not empty")
        self.root.mkdir(parents=True, exist_ok=True)
        self.solutions = solutions
        shutil.copytree(solutions, self.root / "solutions",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        (self.root / "nbgrader_config.py").write_text(
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(CONFIG)!r})  # noqa: F821\n"
            f"c.CourseDirectory.root = {str(self.root)!r}\n"
        )
        self.env = grading_env(self.root)
        self.env["GANCOURSE_VERDICT"] = verdict  # grader/verdict.py: who decides a test cell

    def nbgrader(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run ``nbgrader ARGS`` in the workspace; raise GradingError with its log on failure."""
        cmd = [sys.executable, "-m", "nbgrader", *args]
        proc = subprocess.run(cmd, cwd=self.root, env=self.env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if check and proc.returncode != 0:
            raise GradingError(f"`nbgrader {' '.join(args)}` failed (exit {proc.returncode}):\n"
                               + proc.stdout[-4000:])
        return proc

    def release(self, assignment: str) -> Path:
        """``nbgrader generate_assignment``: writes the student version and fills the gradebook."""
        self.nbgrader("generate_assignment", assignment, "--force")
        return self.released(assignment)

    def release_all(self, assignments: list[str]) -> list[Path]:
        """:meth:`release` for each of ``assignments``; one ``generate_assignment "*"`` (one
        nbgrader start, ~3.5 s each saved on 2 cores) when they are all the workspace's
        assignments.  The released folders, in the order given."""
        if len(assignments) > 1 and sorted(assignments) == assignment_ids(self.root / "solutions"):
            self.nbgrader("generate_assignment", "*", "--force")
        else:
            for assignment in assignments:
                self.release(assignment)
        return [self.released(a) for a in assignments]

    def released(self, assignment: str) -> Path:
        """The folder of ``assignment``'s student version (written by :meth:`release`)."""
        return self.root / "assignments" / assignment

    def copy_releases(self, root: Path) -> Workspace:
        """A new workspace at ``root`` holding this one's released assignments and gradebook
        (nbgrader's record of the hidden tests and their checksums), as if it had run the same
        ``generate_assignment`` commands; same solutions and verdict mode."""
        other = Workspace(root, self.solutions, verdict=self.env["GANCOURSE_VERDICT"])
        shutil.copyfile(self.root / "gradebook.db", other.root / "gradebook.db")
        shutil.copytree(self.root / "assignments", other.root / "assignments")
        return other
