"""The resource limits of one grading kernel, and the counts the sandbox enforces them by.

``Limits`` holds memory, CPU, wall time, tasks, file size, output and disk limits (defaults
for the ``ci`` profile, each overridable by a ``GANCOURSE_GRADE_*`` variable); the launcher
(``grader/sandbox.py``) applies them.  Standard library only (``psutil`` where ``/proc`` is
missing): the launcher starts once per kernel and must be quick.
"""
from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, fields

__all__ = ["Limits", "SandboxError", "count_tasks", "disk_used", "limit_processes",
           "watchdog_memory_mb"]


class SandboxError(RuntimeError):
    """The sandbox cannot be set up as asked (bad limits, missing paths)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one kernel (one notebook of one student).

    The defaults fit the ``ci`` profile of every assignment with a wide margin (measured with
    the solutions: a3, the largest, peaks at ~1.3 GB resident, 24 tasks and ~21 CPU seconds;
    a1 at ~140 MB, 14 tasks, ~2 CPU seconds); each can be changed with the environment
    variable in ``ENV``.
    """

    memory_mb: int = 4096  #: RLIMIT_DATA per process; the tree's resident memory: watchdog_memory_mb
    cpu_seconds: int = 900  #: CPU time of the kernel process (all its threads), per notebook
    wall_seconds: int = 1800  #: lifetime of the kernel: the whole notebook
    processes: int = 512  #: tasks (processes and threads) of the kernel's tree
    file_mb: int = 512  #: largest file the kernel may write
    output_kb: int = 2048  #: cell outputs kept per notebook (enforced by the grader's client)
    disk_mb: int = 2048  #: bytes in the kernel's writable folders (scratch, HOME, TMPDIR)
    disk_files: int = 20000  #: files and folders in them

    ENV = {
        "memory_mb": "GANCOURSE_GRADE_MEMORY_MB",
        "cpu_seconds": "GANCOURSE_GRADE_CPU_SECONDS",
        "wall_seconds": "GANCOURSE_NOTEBOOK_TIMEOUT",
        "processes": "GANCOURSE_GRADE_PROCESSES",
        "file_mb": "GANCOURSE_GRADE_FILE_MB",
        "output_kb": "GANCOURSE_GRADE_OUTPUT_KB",
        "disk_mb": "GANCOURSE_GRADE_DISK_MB",
        "disk_files": "GANCOURSE_GRADE_DISK_FILES",
    }

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SandboxError(f"limit {f.name} must be a positive int, got {value!r}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Limits":
        """Defaults, overridden by the ``GANCOURSE_GRADE_*`` environment variables."""
        environ = os.environ if environ is None else environ
        values = {}
        for name, var in cls.ENV.items():
            raw = environ.get(var, "").strip()
            if raw:
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise SandboxError(f"{var} must be a positive integer, got {raw!r}") from None
        return cls(**values)

    def argv(self) -> list[str]:
        out = []
        for name, value in asdict(self).items():
            out += [f"--{name.replace('_', '-')}", str(value)]
        return out


def disk_used(folders: list[str], max_files: int, max_bytes: int) -> tuple[int, int]:
    """(entries, bytes) below ``folders``, links not followed; stops counting past a limit."""
    entries = used = 0
    stack = list(folders)
    while stack and entries <= max_files and used <= max_bytes:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    entries += 1
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif entry.is_file(follow_symlinks=False):
                            used += entry.stat(follow_symlinks=False).st_blocks * 512
                    except OSError:
                        pass
        except OSError:
            pass
    return entries, used


def watchdog_memory_mb(limits: Limits) -> int:
    """Resident memory of the whole tree at which the watchdog stops the kernel.

    Higher than the per-process ``RLIMIT_DATA`` (``memory_mb``): resident memory also counts
    the mapped libraries (~0.2 GB for NumPy/SciPy, ~0.7 GB with TensorFlow), and a single
    process that allocates too much should get its ``MemoryError`` first.  The watchdog is for
    memory spread over several processes.
    """
    return limits.memory_mb * 3 // 2 + 256


def count_tasks(uid: int) -> int:
    """What RLIMIT_NPROC counts for ``uid``: its threads on Linux, its processes elsewhere."""
    if not sys.platform.startswith("linux"):
        import psutil

        return sum(1 for p in psutil.process_iter(["uids"])
                   if p.info["uids"] is not None and p.info["uids"].real == uid)
    n = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    n += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                pass
    return n


def limit_processes(limit: int, in_cgroup: bool, entered: str) -> str:
    import resource

    if in_cgroup:
        return f"pids cgroup (max {limit} tasks)"
    if os.getuid() == 0:
        return "watchdog only (RLIMIT_NPROC does not bind root)"
    if entered.startswith("user"):
        # in a fresh user namespace the count is of this sandbox's tasks only
        resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))
        return f"RLIMIT_NPROC {limit} (own user namespace)"
    # RLIMIT_NPROC counts every task of this user: allow what runs now plus the limit
    cap = count_tasks(os.getuid()) + limit
    resource.setrlimit(resource.RLIMIT_NPROC, (cap, cap))
    return f"RLIMIT_NPROC {cap} (shared with the user's other processes)"
