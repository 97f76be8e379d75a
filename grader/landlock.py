"""Landlock: which files a grading kernel may read and write, and what else it may reach.

Landlock (Linux >= 5.13) lets an unprivileged process restrict itself and its future children,
irrevocably, to an allow-list of paths (:class:`Policy`); newer ABIs add TCP (ABI 4: no
``connect``/``bind``) and scopes (ABI 6: no signals to, no abstract Unix sockets of, processes
outside the sandbox).  A restricted process can no longer change mounts.  ``grader/sandbox.py``
applies it last, just before the kernel starts.  See ``include/uapi/linux/landlock.h`` and the
kernel's Documentation/userspace-api/landlock.rst for the constants.

Standard library only (the launcher starts once per kernel).
"""
from __future__ import annotations

import ctypes
import os
import sys
from dataclasses import dataclass

from grader import namespaces

_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
PR_SET_NO_NEW_PRIVS = 38
_SYS_LANDLOCK_CREATE_RULESET, _SYS_LANDLOCK_ADD_RULE, _SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446

# Landlock access rights (include/uapi/linux/landlock.h)
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_MAKE_SOCK = 1 << 9
FS_TRUNCATE, FS_IOCTL_DEV = 1 << 14, 1 << 15
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1,
              5: (1 << 16) - 1}
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
_READ = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The kernel's Landlock ABI version (0: unavailable, e.g. macOS, old kernel, seccomp)."""
    if _libc is None:
        return 0
    abi = _libc.syscall(ctypes.c_long(_SYS_LANDLOCK_CREATE_RULESET), None, ctypes.c_size_t(0),
                        ctypes.c_uint32(1))  # LANDLOCK_CREATE_RULESET_VERSION
    return max(int(abi), 0)


@dataclass
class Policy:
    """What the kernel may touch.  Paths that do not exist are ignored."""

    read: list[str]  #: files and folders it may read (folders: everything beneath)
    write: list[str]  #: folders it may read and write (create, remove, truncate)
    list_only: list[str]  #: folders whose entries it may list (names only, not contents)
    sockets: list[str]  #: folders where it may create Unix sockets (the kernel's ipc files)


#: What of /proc a kernel reads besides its own /proc/<pid>: machine facts, never another
#: process (their command lines name other kernels' connection files and sockets).
PROC_SHARED = ("/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/sys", "/proc/filesystems",
               "/proc/loadavg", "/proc/uptime", "/proc/version", "/proc/pressure", "/proc/mounts",
               "/proc/swaps", "/proc/zoneinfo", "/proc/vmstat")


def proc_paths() -> list[str]:
    """The parts of /proc a policy's "/proc" stands for: this process's own folder (threads
    included; the kernel keeps its pid across exec) and :data:`PROC_SHARED`."""
    return [f"/proc/{namespaces.proc_pid()}", *PROC_SHARED]


def landlock_restrict(policy: Policy, abi: int) -> str:
    """Restrict this process (and its future children) to ``policy``; returns what applied."""
    fs = _FS_BY_ABI[min(abi, 5)]
    attr = _RulesetAttr(fs, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _libc.syscall(ctypes.c_long(_SYS_LANDLOCK_CREATE_RULESET), ctypes.byref(attr),
                            ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        return f"none (landlock_create_ruleset: {namespaces.errno_text()})"
    try:
        def allow(path: str, access: int) -> None:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                return  # a path that does not exist needs no rule
            try:
                if not os.path.isdir(path):
                    access &= _FILE_RIGHTS
                rule = _PathBeneathAttr(access & fs, fd)
                if _libc.syscall(ctypes.c_long(_SYS_LANDLOCK_ADD_RULE), ctypes.c_int(ruleset),
                                 ctypes.c_int(1), ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                    raise OSError(f"landlock_add_rule({path}): {namespaces.errno_text()}")
            finally:
                os.close(fd)

        for path in policy.read:
            for sub in proc_paths() if path == "/proc" else [path]:
                allow(sub, _READ)
        for path in policy.list_only:
            allow(path, FS_READ_DIR)
        for path in policy.sockets:
            allow(path, FS_MAKE_SOCK)
        for path in policy.write:
            allow(path, fs)
        for path in ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                     "/dev/tty", "/dev/ptmx", "/dev/pts"):
            allow(path, FS_READ_FILE | FS_WRITE_FILE | FS_READ_DIR | FS_IOCTL_DEV | FS_TRUNCATE)
        if _libc.prctl(PR_SET_NO_NEW_PRIVS, ctypes.c_ulong(1), 0, 0, 0) != 0:
            return f"none (no_new_privs: {namespaces.errno_text()})"
        if _libc.syscall(ctypes.c_long(_SYS_LANDLOCK_RESTRICT_SELF), ctypes.c_int(ruleset),
                         ctypes.c_uint32(0)) != 0:
            return f"none (landlock_restrict_self: {namespaces.errno_text()})"
    finally:
        os.close(ruleset)
    return f"landlock ABI {abi}"
