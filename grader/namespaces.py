"""Linux namespaces for one grading kernel: its own users, network, processes and mounts.

:func:`enter` is called by the sandbox's forked child before any student code exists:

* **user** namespace (identity uid/gid map): makes the others possible without root;
* **network** namespace: only a loopback interface that is down, so nothing leaves the kernel;
* **PID** namespace: the kernel's tree sees only itself; ``/proc`` (re-mounted in the kernel's
  own **mount** namespace by :func:`mount_own_proc`) lists no other process, so another
  student's kernel, its command line (which names its connection file) and the grader are not
  even visible.  A new PID namespace applies to the *children* of the process that creates it,
  so the sandbox forks once more: its child becomes the relay (:func:`relay`), the grandchild
  is PID 1 of the namespace and becomes the kernel.

Where a namespace cannot be created (no unprivileged user namespaces, seccomp, macOS) the
next weaker combination is tried and the result says what applied; Landlock (in
``grader/sandbox.py``) still limits what the kernel may read of ``/proc``.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 1 << 18

_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None

#: What to try, strongest first: (flags, description).
_ATTEMPTS = (
    (CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS, "user+network+pid+mount"),
    (CLONE_NEWUSER | CLONE_NEWNET, "user+network"),
    (CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS, "network+pid+mount"),  # root, no user namespaces
    (CLONE_NEWNET, "network"),
)


def errno_text() -> str:
    """The message of the last failed libc call (ctypes' saved errno)."""
    return os.strerror(ctypes.get_errno())


def enter() -> tuple[str, bool]:
    """Enter the strongest set of new namespaces allowed here.

    Returns (what applied, whether a new PID namespace awaits the next child).
    """
    if _libc is None:
        return "none (not Linux)", False
    uid, gid = os.getuid(), os.getgid()
    why = ""
    for flags, name in _ATTEMPTS:
        if _libc.unshare(ctypes.c_int(flags)) != 0:
            why = why or errno_text()
            continue
        text = f"{name} namespace"
        if flags & CLONE_NEWUSER:
            try:
                Path("/proc/self/setgroups").write_text("deny")
                Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
                Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
            except OSError as exc:
                text += f" (id map failed: {exc})"
        return text, bool(flags & CLONE_NEWPID)
    return f"none (unshare: {why})", False


def mount_own_proc() -> str:
    """In the first process of a new PID + mount namespace: mount a ``/proc`` of this
    namespace (mounts made here stay here); returns what applied."""
    if _libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None) != 0:
        return f"host /proc (making mounts private: {errno_text()})"
    if _libc.mount(b"proc", b"/proc", b"proc", ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC),
                   None) != 0:
        return f"host /proc (mount: {errno_text()})"
    return "own /proc"


def proc_pid() -> str:
    """This process's folder name in the mounted ``/proc`` (its pid as that /proc counts)."""
    try:
        return os.readlink("/proc/self")
    except OSError:
        return str(os.getpid())


def relay(child: int) -> NoReturn:
    """Wait for ``child`` (the kernel, PID 1 of its namespace) and end the same way it did,
    so the sandbox's watchdog sees the kernel's exit status as if it were its own child."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # the kernel's, not ours
        signal.signal(sig, signal.SIG_IGN)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            os._exit(0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig != signal.SIGKILL:  # SIGKILL's action cannot (and need not) be set
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.waitstatus_to_exitcode(status))
