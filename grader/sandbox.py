"""Run one grading kernel in a sandbox: limits, no network, a filesystem allow-list.

nbgrader starts every kernel through this launcher (see ``grader/sandbox_kernel.py``)::

    python -m grader.sandbox --report R --read P ... --write D ... [limits] \
        -- python -m ipykernel_launcher -f C

The launcher forks the kernel and stays as its parent (a *watchdog*).  The kernel, before it
executes a single line of student code:

1. joins fresh control groups (``grader/cgroups.py``; Linux, where a cgroup folder is
   writable): ``pids`` capped at ``processes`` tasks and ``memory`` capped at the tree limit
   (``grader/limits.py``, shared memory and ``memfd`` included); else it gets
   ``RLIMIT_NPROC`` (counts threads too; see ``grader/limits.py``) and the watchdog's
   memory poll;
2. enters new namespaces (``grader/namespaces.py``; Linux): user, network (no interface but a
   loopback that is down, so no connection leaves the kernel; the kernel talks to nbgrader
   over Unix sockets, ``transport = "ipc"``), PID and mount: the kernel is PID 1 of a
   namespace whose freshly mounted ``/proc`` shows no other process (no other kernel, not the
   grader); a small *relay* process outside it waits for it and passes its exit status on.
   Where these are unavailable it falls back to weaker combinations (README), then to
   nothing: proxies are cleared and Landlock (below) still refuses TCP and hides ``/proc``;
3. gets ``RLIMIT_DATA`` (memory: heap and anonymous mappings, so an oversized allocation
   raises ``MemoryError`` in the cell instead of killing the kernel; TensorFlow maps about
   2.8 GB of *address space* but uses only ~0.6 GB of data, which is why ``RLIMIT_AS`` is not
   used), ``RLIMIT_CPU`` (per notebook), ``RLIMIT_FSIZE`` (largest file it may write; the
   signal is ignored so the write fails with ``OSError``) and ``RLIMIT_CORE = 0``;
4. is restricted by Landlock (Linux >= 5.13): it may read the Python installation, the system
   libraries, the course library and exactly the files the hidden tests of its assignment load
   (``HIDDEN_TEST_READS``, and ``grader/hidden/``, the only grader code their probes import),
   and write only in its own scratch folder (the notebook's folder in the workspace) and a
   private HOME/TMPDIR.  ``solutions/``, the gradebook, the other
   students' folders and the grader's artifacts are out of reach; with Landlock ABI >= 4 it
   may neither connect nor bind TCP, with ABI >= 6 it may not signal processes outside the
   sandbox (the grader).

The watchdog meanwhile polls the kernel's process tree: it kills everything when the tree's
resident memory exceeds :func:`watchdog_memory_mb` or the memory cgroup's OOM killer killed
any of its processes, the notebook runs past ``wall_seconds``, or the tree
holds more than ``processes`` tasks (a backstop where neither the cgroup nor RLIMIT_NPROC
applies), and when the kernel exits it kills whatever the kernel left behind.  It writes a JSON
report (protections applied, why it killed the kernel, peak memory) that the grader turns into
the student's feedback.

``python -m grader.sandbox --check`` prints which protections work on this machine.  The table
for Linux, macOS and JupyterHub is in README.md ("What the grader protects against").

Standard library (plus ``psutil``, a dependency of ipykernel) only, here and in the modules
it imports (``grader/limits.py``, ``cgroups.py``, ``namespaces.py``, ``landlock.py``,
``assignments.py``): the launcher starts once per kernel and must be quick.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import signal
import sys
import time
from dataclasses import asdict, fields
from pathlib import Path

if not __package__:  # run as a script by the kernel launcher (sandbox_kernel.py): its siblings
    sys.path[0] = str(Path(__file__).resolve().parent.parent)  # are imported as grader.*

from grader import namespaces  # noqa: E402 (after the path above)
from grader.assignments import REGISTRY  # noqa: E402
from grader.cgroups import KernelGroups  # noqa: E402
from grader.landlock import Policy, landlock_abi, landlock_restrict  # noqa: E402
from grader.limits import (  # noqa: E402
    Limits,
    disk_used,
    limit_processes,
    watchdog_memory_mb,
)

REPO = Path(__file__).resolve().parent.parent

#: Files of the repository the kernel part of each assignment's hidden tests reads (read-only
#: inside the kernel; relative to the repository): ``AssignmentSpec.hidden_reads`` of the
#: registry (grader/assignments.py).  Everything else of ``grader/`` and ``solutions/`` is
#: unreadable.
HIDDEN_TEST_READS: dict[str, tuple[str, ...]] = {
    a: s.hidden_reads for a, s in REGISTRY.items() if s.hidden_reads}

#: The grader code a kernel may import (read-only), only where its assignment declares
#: ``hidden_reads``: the package ``grader.hidden`` (and ``grader/__init__.py`` to reach it).
HIDDEN_CODE: tuple[str, ...] = ("grader/__init__.py", "grader/hidden")


# ------------------------------------------------------------------------------------------
# Linux primitives (ctypes; every one reports failure instead of raising)
# ------------------------------------------------------------------------------------------
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36


def _prctl(option: int, arg: int) -> bool:
    return _libc is not None and _libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0) == 0


# ------------------------------------------------------------------------------------------
# The kernel side: set everything up, then exec
# ------------------------------------------------------------------------------------------
_PROXY_VARS = ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
               "FTP_PROXY", "ALL_PROXY")


def _prepare_home(home: Path) -> dict[str, str]:
    """Private HOME/TMPDIR contents and environment: caches the kernel may write."""
    mpl = home / ".config" / "matplotlib"
    mpl.mkdir(parents=True, exist_ok=True)
    # matplotlib rebuilds its font cache (seconds) in an empty config folder: reuse ours
    cache = Path(os.environ.get("MPLCONFIGDIR") or Path.home() / ".cache" / "matplotlib")
    for font_list in cache.glob("fontlist-*.json") if cache.is_dir() else ():
        shutil.copyfile(font_list, mpl / font_list.name)
    return {"HOME": str(home), "MPLCONFIGDIR": str(mpl), "IPYTHONDIR": str(home / ".ipython"),
            "KERAS_HOME": str(home / ".keras")}


def setup_child(limits: Limits, policy: Policy, home: Path, tmp: Path, groups: KernelGroups,
                report_fd: int | None = None) -> dict[str, str]:
    """In the forked kernel process: apply every protection that works here.

    With a new PID namespace this forks once more: the process that called it becomes the
    relay (:func:`grader.namespaces.relay`, never returns; it closes ``report_fd``), and the
    function returns in the new child, PID 1 of the namespace, which becomes the kernel.
    """
    import resource

    done: dict[str, str] = {}
    env_updates = _prepare_home(home)
    env_updates["TMPDIR"] = str(tmp)
    joined = groups.join()  # before the user namespace, while we may still
    done["namespaces"], new_pids = namespaces.enter()
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the watchdog dies -> the kernel dies
    done["processes"] = limit_processes(limits.processes, "pids" in joined, done["namespaces"])
    done["memory"] = (f"memory cgroup (the tree: at most {groups.limits['memory'] // 2**20} MB)"
                      if "memory" in joined else "watchdog only (resident memory, polled)")
    mb = 1024 * 1024
    limits_set = []
    for name, value in (("RLIMIT_DATA", limits.memory_mb * mb),
                        ("RLIMIT_CPU", limits.cpu_seconds),
                        ("RLIMIT_FSIZE", limits.file_mb * mb),
                        ("RLIMIT_CORE", 0)):
        hard = value + 5 if name == "RLIMIT_CPU" else value  # SIGXCPU, then SIGKILL 5 s later
        try:
            resource.setrlimit(getattr(resource, name), (value, hard))
            limits_set.append(name)
        except (ValueError, OSError, AttributeError) as exc:
            limits_set.append(f"{name} failed ({exc})")
    done["rlimits"] = ", ".join(limits_set)
    if new_pids:
        child = os.fork()
        if child:
            if report_fd is not None:
                os.close(report_fd)
            namespaces.relay(child)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the relay dies -> the kernel dies
        done["proc"] = f"own PID namespace, {namespaces.mount_own_proc()}"
    else:
        done["proc"] = "host PID namespace"
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # too large a file: OSError, not death
    for var in _PROXY_VARS:
        os.environ.pop(var, None)
    os.environ["no_proxy"] = os.environ["NO_PROXY"] = "*"
    # without a network ipykernel cannot open its TCP pipe for the output of forked
    # subprocesses and warns on every start; the kernel's own output does not need it
    os.environ["PYTHONWARNINGS"] = ",".join(
        w for w in (os.environ.get("PYTHONWARNINGS"), "ignore:Couldn't bind IOPub Pipe") if w)
    os.environ.update(env_updates)
    abi = landlock_abi()
    done["filesystem"] = landlock_restrict(policy, abi) if abi else "none (no Landlock)"
    return done


# ------------------------------------------------------------------------------------------
# The watchdog
# ------------------------------------------------------------------------------------------
def _tree(psutil) -> list:
    """The kernel and everything it started: our descendants (orphans are re-parented to us,
    a subreaper).  ``_kill_all`` adds the members of the kernel's cgroup."""
    procs = {}
    try:
        procs = {p.pid: p for p in psutil.Process().children(recursive=True)}
    except psutil.Error:
        pass
    return list(procs.values())


def _kill_all(psutil, groups: KernelGroups) -> None:
    for _ in range(20):
        procs = _tree(psutil)
        known = {p.pid for p in procs}
        for pid in groups.members() - known:
            try:
                procs.append(psutil.Process(pid))
            except psutil.Error:
                pass
        if not procs:
            return
        for p in procs:
            try:
                p.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(procs, timeout=0.5)


def _write_report(path: Path | None, report: dict) -> None:
    if path is None:
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=1, sort_keys=True))
    os.replace(tmp, path)


def run(cmd: list[str], limits: Limits, policy: Policy, home: Path, tmp: Path,
        report_path: Path | None, poll: float = 0.2) -> int:
    """Start ``cmd`` sandboxed and watch it; returns its exit status (128 + signal if killed)."""
    import psutil

    home.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    groups = (KernelGroups.create(limits.processes, watchdog_memory_mb(limits) * 2**20)
              if sys.platform.startswith("linux") else KernelGroups())
    pid, protections = _start_kernel(cmd, limits, policy, home, tmp, groups)
    report: dict = {"limits": asdict(limits), "reason": None, "detail": "", "kernel_pid": pid,
                    "peak_rss_mb": 0.0, "peak_tasks": 0, "protections": protections}
    _write_report(report_path, report)

    stop = {"signal": None}

    def on_term(signum, _frame):
        stop["signal"] = signum

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # interrupts reach the kernel via its group
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    watch = _Watch(psutil, pid, limits, policy, groups, report)
    while (status := _reap(pid)) is None:
        reason = watch.over_limit() or (
            ("stopped", "stopped by the grader") if stop["signal"] is not None else None)
        if reason:
            report["reason"], report["detail"] = reason
            _kill_all(psutil, groups)
            continue
        time.sleep(poll)
    _kill_all(psutil, groups)  # whatever the kernel left behind
    for folder in (home, tmp):  # the kernel's files; the grader removes the rest
        shutil.rmtree(folder, ignore_errors=True)
    report["oom_kills"] = groups.oom_kills()
    report["peak_group_memory_mb"] = groups.peak_memory_mb()
    groups.remove()
    code = os.waitstatus_to_exitcode(status)
    report["exit"] = code
    if code < 0 and report["reason"] is None:
        report["reason"], report["detail"] = _killed_by(-code, report, limits)
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    report["cpu_seconds"] = round(used.ru_utime + used.ru_stime, 1)
    report["seconds"] = round(time.monotonic() - watch.start, 1)
    _write_report(report_path, report)
    return code if code >= 0 else 128 - code


def _start_kernel(cmd: list[str], limits: Limits, policy: Policy, home: Path, tmp: Path,
                  groups: KernelGroups) -> tuple[int, dict]:
    """Fork; the child sets up the sandbox (:func:`setup_child`) and execs ``cmd``.  The child's
    pid and the protections it reported (or the error that stopped it)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the kernel
        os.close(read_fd)
        try:
            done = setup_child(limits, policy, home, tmp, groups, write_fd)
            os.write(write_fd, json.dumps(done).encode())
            os.close(write_fd)
            os.execvp(cmd[0], cmd)
        except BaseException as exc:  # noqa: BLE001 - report anything, then leave
            try:
                os.write(write_fd, json.dumps({"error": repr(exc)}).encode())
            finally:
                os._exit(127)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:  # EOF when the kernel execs
        raw = pipe.read()
    try:
        return pid, json.loads(raw or b"{}")
    except json.JSONDecodeError:
        return pid, {"error": raw.decode(errors="replace")}


def _reap(pid: int) -> int | None:
    """The kernel's wait status once it has ended, else None; reaps the orphans re-parented to
    this watchdog on the way."""
    try:
        done_pid, raw_status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return 0
    if done_pid == pid:
        return raw_status
    while True:
        try:
            other, other_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return None
        if other == pid:  # the kernel itself ended just now: keep its status
            return other_status
        if other == 0:
            return None


class _Watch:
    """One poll of the kernel's process tree against the limits (memory, disk, CPU of the
    whole tree, tasks, wall time); keeps the peaks in the report."""

    def __init__(self, psutil, pid: int, limits: Limits, policy: Policy, groups: KernelGroups,
                 report: dict):
        self.psutil, self.pid, self.limits, self.policy = psutil, pid, limits, policy
        self.groups, self.report = groups, report
        self.start = time.monotonic()
        self.cpu_seen: dict[tuple[int, float], float] = {}  # (pid, start time) -> CPU seconds
        self.next_disk_check = 0.0

    def over_limit(self) -> tuple[str, str] | None:
        """(reason, detail) of the first limit the tree is past, else None."""
        psutil, limits, groups, report = self.psutil, self.limits, self.groups, self.report
        procs = _tree(psutil)
        rss = tasks = 0
        # forked processes share pages: with several (the relay aside), count each page once
        # (PSS, from smaps: costly for a TensorFlow process, so only where no memory cgroup
        # counts the tree exactly)
        precise = "memory" not in groups.folders and len([p for p in procs if p.pid != self.pid]) > 1
        for p in procs:
            try:
                info = p.memory_full_info() if precise else p.memory_info()
                rss += getattr(info, "pss", info.rss)
                tasks += p.num_threads()
                times = p.cpu_times()
                self.cpu_seen[(p.pid, p.create_time())] = times.user + times.system
            except psutil.Error:
                pass
        # CPU time of the whole tree: every process seen, alive or gone (RLIMIT_CPU is per
        # process, so a notebook that spreads its work over children would escape it)
        tree_cpu = sum(self.cpu_seen.values())
        over_disk = False
        if time.monotonic() >= self.next_disk_check:  # a walk of its folders every 2 s
            self.next_disk_check = time.monotonic() + 2.0
            files, used = disk_used(self.policy.write, limits.disk_files, limits.disk_mb * 2**20)
            over_disk = files > limits.disk_files or used > limits.disk_mb * 2**20
        report["peak_rss_mb"] = max(report["peak_rss_mb"], round(rss / 2**20, 1))
        report["peak_tasks"] = max(report["peak_tasks"], tasks)
        # with a memory cgroup its limit decides (RSS counts shared pages twice); else the poll
        over_memory = groups.oom_kills() if "memory" in groups.folders \
            else rss > watchdog_memory_mb(limits) * 2**20
        if over_memory:
            return "memory", f"used more than {limits.memory_mb} MB of memory"
        if over_disk:
            return "disk", (f"wrote more than {limits.disk_mb} MB or "
                            f"{limits.disk_files} files in its folders")
        if tree_cpu > limits.cpu_seconds + 5:
            return "cpu", (f"used more than {limits.cpu_seconds} s of CPU time "
                           "(all its processes together)")
        if tasks > limits.processes + 16:
            return "processes", f"started more than {limits.processes} processes/threads"
        if time.monotonic() - self.start > limits.wall_seconds:
            return "wall", f"ran longer than {limits.wall_seconds} s in total"
        return None


def _killed_by(sig: int, report: dict, limits: Limits) -> tuple[str, str]:
    """Why a kernel the watchdog did not stop died of signal ``sig``: (reason, detail)."""
    if sig == signal.SIGKILL and report["oom_kills"]:
        return "memory", f"used more than {limits.memory_mb} MB of memory"
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and _cpu_exhausted(report, limits)):
        return "cpu", f"used more than {limits.cpu_seconds} s of CPU time"
    return "signal", f"was killed by signal {signal.Signals(sig).name}"


def _cpu_exhausted(report: dict, limits: Limits) -> bool:
    """Did the kernel die from RLIMIT_CPU's hard limit? (its children's CPU time says so)"""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime >= limits.cpu_seconds


# ------------------------------------------------------------------------------------------
# What works here
# ------------------------------------------------------------------------------------------
def check() -> dict[str, str]:
    """Apply every protection in a throw-away child and report what held."""
    import socket
    import tempfile

    with tempfile.TemporaryDirectory(prefix="gancourse-sandbox-check-") as tmp:
        scratch = Path(tmp) / "scratch"
        scratch.mkdir()
        secret = Path(tmp) / "secret.txt"
        secret.write_text("hidden")
        read_fd, write_fd = os.pipe()
        grader = os.getpid()
        groups = (KernelGroups.create(64, 2**30) if sys.platform.startswith("linux")
                  else KernelGroups())
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            result: dict[str, str] = {}
            try:
                policy = Policy(read=default_read_paths(), write=[str(scratch)], list_only=[],
                                sockets=[])
                result = setup_child(Limits(processes=64), policy, scratch / "home",
                                     scratch / "tmp", groups, write_fd)
                try:
                    Path(f"/proc/{grader}/cmdline").read_bytes()
                    result["grader in /proc"] = "readable"
                except FileNotFoundError:
                    result["grader in /proc"] = "absent"
                except OSError:
                    result["grader in /proc"] = "denied"
                try:
                    secret.read_text()
                    result["read outside allow-list"] = "allowed"
                except OSError:
                    result["read outside allow-list"] = "denied"
                try:
                    socket.create_connection(("127.0.0.1", 9), timeout=1).close()
                    result["tcp connect"] = "allowed"
                except OSError as exc:
                    result["tcp connect"] = f"fails ({exc.strerror or exc})"
            except BaseException as exc:  # noqa: BLE001
                result["error"] = repr(exc)
            os.write(write_fd, json.dumps(result).encode())
            os._exit(0)
        os.close(write_fd)
        with os.fdopen(read_fd, "rb") as pipe:
            raw = pipe.read()
        os.waitpid(pid, 0)
        groups.remove()
    return json.loads(raw or b"{}")


def default_read_paths() -> list[str]:
    """System folders and the Python installation (never the course repository)."""
    paths = ["/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/opt", "/proc", "/sys",
             "/dev", "/System", "/Library", "/private/etc", "/private/var/db/timezone"]
    # a virtual environment inside the repository is readable, the rest of the repository not
    paths += sorted({sys.prefix, sys.base_prefix, sys.exec_prefix,
                     str(Path(sys.executable).resolve().parent.parent)})
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--check"]:
        for key, value in check().items():
            print(f"{key:<26}{value}")
        return 0
    if "--" not in argv:
        print("usage: python -m grader.sandbox [options] -- COMMAND ...  |  --check",
              file=sys.stderr)
        return 2
    split = argv.index("--")
    own, cmd = argv[:split], argv[split + 1:]
    parser = argparse.ArgumentParser(prog="python -m grader.sandbox")
    for f in fields(Limits):
        parser.add_argument(f"--{f.name.replace('_', '-')}", type=int, default=f.default)
    parser.add_argument("--report", type=Path)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--tmp", type=Path, required=True)
    for name in ("read", "write", "list", "sockets"):
        parser.add_argument(f"--{name}", action="append", default=[])
    args = parser.parse_args(own)
    if not cmd:
        parser.error("no command after --")
    limits = Limits(**{f.name: getattr(args, f.name) for f in fields(Limits)})
    policy = Policy(read=args.read, write=args.write + [str(args.home), str(args.tmp)],
                    list_only=args.list, sockets=args.sockets)
    return run(cmd, limits, policy, args.home, args.tmp, args.report)


if __name__ == "__main__":
    sys.exit(main())
