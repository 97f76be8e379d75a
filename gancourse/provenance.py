"""Provenance of artifacts (trained weights, calibration tables, reference runs): which code,
which machine, which libraries produced them.  Shared by every script that writes an artifact."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def git(*args: str) -> str | None:
    """Output of ``git ARGS`` in the course repository, or None (no git, not a checkout)."""
    try:
        res = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.rstrip("\n") if res.returncode == 0 else None  # keep porcelain's leading blanks


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cpu_model() -> str:
    """The CPU's model name (Linux), else whatever ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment() -> dict:
    """Library versions and hardware of this machine (imports TensorFlow)."""
    import keras
    import numpy as np
    import scipy
    import tensorflow as tf

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        usable = os.cpu_count()
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
    }


#: Where the lectures' reference results live (trained demo runs, calibration tables), relative
#: to the course: the same folder in the instructor repository and in the student course.
REFERENCE_FOLDERS = ("course/results",)
#: Where the artifact producers (``gancourse.train``, ``gancourse.ablation``,
#: ``grader.calibrate_metrics``) write unless told ``--out``: never over committed files.
PRODUCER_OUT = REPO / "build" / "results"


def reference_result(relative: str) -> Path | None:
    """A committed reference result (``"dcgan-laptop/metrics.json"``) shown by a lecture, or
    None when this copy of the course has none.

    Searched in :data:`REFERENCE_FOLDERS` of the course this library belongs to, then upwards
    from the working directory (a lecture opened from a copy of the course).
    """
    roots = [REPO, Path.cwd(), *Path.cwd().parents]
    for root in dict.fromkeys(roots):
        for folder in REFERENCE_FOLDERS:
            if (root / folder / relative).is_file():
                return root / folder / relative
    return None


def hardware() -> dict:
    """:func:`environment` plus the GPUs and logical devices TensorFlow sees and matplotlib's
    version: the hardware record of a training run."""
    import tensorflow as tf  # only runs that train call this (the module stays light)

    env = environment()
    gpus = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            details = tf.config.experimental.get_device_details(gpu)
        except Exception:  # noqa: BLE001 - details are best effort
            details = {}
        gpus.append({"device": gpu.name, "name": details.get("device_name"),
                     "compute_capability": details.get("compute_capability")})
    env["gpus"] = gpus
    env["logical_devices"] = [d.name for d in tf.config.list_logical_devices()]
    import matplotlib

    env["matplotlib"] = matplotlib.__version__
    return env


def git_record(script: str | os.PathLike | None = None) -> dict:
    """Commit and dirty state of the checkout (take it when the run starts, before it writes);
    with ``script``, also the sha256 of that file (the code that runs, not a later edit)."""
    commit = (git("rev-parse", "HEAD") or "").strip() or None
    status = git("status", "--porcelain")  # untracked files count: the script may be one
    record = {
        "commit": commit,
        "dirty": None if status is None else bool(status.strip()),
        "dirty_paths": None if status is None else sorted(
            line[3:] for line in status.splitlines() if line.strip())[:100],
    }
    if script is not None:
        record["script_sha256"] = file_sha256(script)
    return record


def load_average() -> float | None:
    """The 1-minute load average (None where the system has none): a timing's context."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # Windows
        return None


def reference_record(command: str, started: dt.datetime, git_state: dict, how: str) -> dict:
    """The provenance block of a grader reference artifact (``grader/reference/*/quality.json``):
    the command, start and end (UTC), the commit and dirty flag of :func:`git_record` taken when
    the run started, the CPU and :func:`environment`, and ``how`` the numbers were made."""
    return {
        "command": command,
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git_state.get("commit"),
        "git_dirty": git_state.get("dirty"),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "environment": environment(),
        "how": how,
    }
