"""Control groups for one grading kernel's process tree: at most N tasks, at most M bytes.

A kernel's limits must hold for everything it starts, not per process: a notebook that forks
ten children, or keeps its data in shared memory or a ``memfd`` (neither counted by
``RLIMIT_DATA`` nor, when never mapped, by resident memory), would escape per-process limits.
The Linux kernel's control groups count the whole tree:

* ``pids`` — tasks (processes and threads); ``fork``/``clone`` fail past ``pids.max``;
* ``memory`` — anonymous memory, page cache, shared memory and ``memfd`` pages charged to the
  group; past the limit the kernel reclaims, then its OOM killer kills inside the group only.
  Swap is capped too (``memsw`` in v1, ``memory.swap.max`` in v2) where the machine has it.

Both cgroup v1 (one hierarchy per controller) and v2 (one unified tree, controllers enabled in
the parent's ``cgroup.subtree_control``) are handled.  Creating a group needs write access to
a cgroup folder (root, or a delegated subtree such as systemd's user slice); where there is
none, :meth:`KernelGroups.create` returns groups without that controller and the sandbox falls
back to ``RLIMIT_NPROC`` and the watchdog's memory poll (README, "What the grader protects
against").

Standard library only (the launcher starts once per kernel).
"""
from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

#: Files that set a controller's limit: (cgroup v1, cgroup v2).
_LIMIT_FILES = {
    "pids": (("pids.max",), ("pids.max",)),
    "memory": (("memory.limit_in_bytes", "memory.memsw.limit_in_bytes"),
               ("memory.max", "memory.swap.max")),
}
_PREFIX = "gancourse-kernel-"


def _own_groups() -> list[tuple[str, str]]:
    """(controllers, path) of this process's cgroups, from /proc/self/cgroup."""
    out = []
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            out.append((parts[1], parts[2]))
    return out


def controller_root(controller: str) -> tuple[Path, int] | None:
    """(folder, cgroup version) where a group with ``controller`` may be created, or None.

    The folder is this process's own cgroup in the hierarchy carrying the controller; it must
    be writable (so a child group can be made) and, in v2, delegate the controller.
    """
    try:
        mounts = Path("/proc/self/mountinfo").read_text().splitlines()
        own = _own_groups()
    except OSError:
        return None
    for line in mounts:
        left, _, right = line.partition(" - ")
        parts, fs = left.split(), right.split()
        if len(fs) < 3 or len(parts) < 5:
            continue
        mount_point, fstype, options = parts[4], fs[0], fs[2].split(",")
        if fstype == "cgroup" and controller in options:
            version = 1
            rel = next((path for names, path in own if controller in names.split(",")), "/")
        elif fstype == "cgroup2":
            version = 2
            rel = next((path for names, path in own if names == ""), "/")
            ctrl = Path(mount_point + rel) / "cgroup.subtree_control"
            try:
                if controller not in ctrl.read_text().split():
                    continue
            except OSError:
                continue
        else:
            continue
        base = Path(mount_point + rel)
        if os.access(base, os.W_OK):
            return base, version
    return None


def remove_stale(root: Path) -> None:
    """Remove the groups of launchers that died before they could (SIGKILL), and whatever
    their kernels left in them."""
    for group in root.glob(_PREFIX + "*"):
        try:
            os.kill(int(group.name.rsplit("-", 1)[1]), 0)
            continue  # its launcher is alive
        except ProcessLookupError:
            pass
        except (ValueError, PermissionError):
            continue
        try:
            for pid in (group / "cgroup.procs").read_text().split():
                os.kill(int(pid), signal.SIGKILL)
            group.rmdir()
        except (OSError, ValueError):
            pass


def _make_group(root: Path, version: int, settings: dict[str, int]) -> Path | None:
    """A new group below ``root`` with each controller's limit; None if it cannot be made."""
    group = root / f"{_PREFIX}{os.getpid()}"
    try:
        group.mkdir(exist_ok=True)
        for controller, value in settings.items():
            files = _LIMIT_FILES[controller][version - 1]
            (group / files[0]).write_text(str(value))
            for extra in files[1:]:  # swap: absent where the machine has none
                path = group / extra
                if path.exists():
                    path.write_text(str(value if version == 1 else 0))
    except OSError:
        try:
            group.rmdir()
        except OSError:
            pass
        return None
    return group


@dataclass
class KernelGroups:
    """The control groups of one kernel: which controller lives in which group folder."""

    folders: dict[str, Path] = field(default_factory=dict)  #: controller -> group folder
    limits: dict[str, int] = field(default_factory=dict)  #: controller -> its limit

    @classmethod
    def create(cls, processes: int, memory_bytes: int) -> "KernelGroups":
        """Groups limiting the tree to ``processes`` tasks and ``memory_bytes`` of memory, for
        every controller this process may use (possibly none)."""
        wanted = {"pids": processes, "memory": memory_bytes}
        by_root: dict[Path, tuple[int, dict[str, int]]] = {}
        for controller, value in wanted.items():
            found = controller_root(controller)
            if found is not None:
                root, version = found
                by_root.setdefault(root, (version, {}))[1][controller] = value
        groups = cls()
        for root, (version, settings) in by_root.items():
            remove_stale(root)
            folder = _make_group(root, version, settings)
            if folder is not None:
                for controller in settings:
                    groups.folders[controller] = folder
                    groups.limits[controller] = settings[controller]
        return groups

    def join(self) -> list[str]:
        """Move the calling process into every group; returns the controllers joined.
        (Children inherit the groups.)"""
        joined = []
        for folder in sorted(set(self.folders.values())):
            try:
                (folder / "cgroup.procs").write_text(str(os.getpid()))
            except OSError:
                continue
            joined += [c for c, f in self.folders.items() if f == folder]
        return sorted(joined)

    def members(self) -> set[int]:
        """Pids of every process in the groups (whoever the tree re-parented them to)."""
        pids: set[int] = set()
        for folder in set(self.folders.values()):
            try:
                pids.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                pass
        return pids

    def oom_kills(self) -> int:
        """How many processes the memory limit's OOM killer killed (0 without the group)."""
        folder = self.folders.get("memory")
        if folder is None:
            return 0
        for name in ("memory.events", "memory.oom_control"):  # v2, v1
            try:
                for line in (folder / name).read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
            except (OSError, ValueError):
                continue
        return 0

    def peak_memory_mb(self) -> float:
        """Largest memory use the memory group recorded (v1 ``max_usage``, v2 ``peak``)."""
        folder = self.folders.get("memory")
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            try:
                return round(int((folder / name).read_text()) / 2**20, 1) if folder else 0.0
            except (OSError, ValueError):
                continue
        return 0.0

    def remove(self) -> None:
        """Remove the (by now empty) groups."""
        for folder in set(self.folders.values()):
            try:
                folder.rmdir()
            except OSError:
                pass
