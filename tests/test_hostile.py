"""Broken and hostile submissions: the grader finishes, each gets the right score, status and a
message naming the problem, and nobody else's result changes.

The corpus is built from the a1_theory release (NumPy only, so it grades fast) and graded in one
class run (two parallel jobs) together with three copies of an honest full-marks submission,
which must score identically cell by cell (determinism, and proof that the hostile neighbours
changed nothing).  The run uses tight limits (below) so that the memory, process, CPU and output
limits of ``grader/sandbox.py`` are reached in seconds.
"""
from __future__ import annotations

import copy
import csv
import secrets
import socket
import sqlite3
import threading

import nbformat
import pytest

from grader.grade import grade
from grader.submissions import answer_cells, full_submission, graded_cells, manual_cells, read
from grader.workspace import ASSIGNMENTS, REPO, SOLUTIONS

pytestmark = pytest.mark.slow
A = "a1_theory"
NB = f"{A}.ipynb"
TOKEN = secrets.token_hex(6)  # names this run's escape attempts (files in /tmp)
# The CPU limit must leave room for one cell running to the cell timeout on an idle core plus
# the notebook's own work (~3 CPU-s): the infinite loop is cut by the timeout, not the CPU
# limit; the two-thread cpu_spin still reaches it in ~15 s.
LIMITS = {"GANCOURSE_CELL_TIMEOUT": "10", "GANCOURSE_GRADE_MEMORY_MB": "1024",
          "GANCOURSE_GRADE_PROCESSES": "64", "GANCOURSE_GRADE_CPU_SECONDS": "30",
          "GANCOURSE_GRADE_OUTPUT_KB": "256"}
KL_TESTS = ("test_kl_divergence_values,test_kl_divergence_errors,test_js_divergence_values,"
            "test_js_divergence_errors")
# js_divergence checks the shapes itself before it calls kl_divergence, so with kl_divergence
# broken (or gone) its errors test keeps that part: 1 of its 3 shares (partial credit)
JS_OWN_SHAPE_CHECK = "+share:test_js_divergence_errors:1/3"
KL_BROKEN = f"full-minus:{KL_TESTS}{JS_OWN_SHAPE_CHECK}"


def _full():
    return full_submission(A)[NB]


def _solution(cell: str) -> str:
    return answer_cells(_full())[cell].source


def _with_answer(cell: str, source: str):
    nb = _full()
    answer_cells(nb)[cell].source = source
    return nb


def _after_kl(extra: str):
    """The correct kl_divergence answer followed by ``extra`` in the same cell."""
    return _with_answer("kl_divergence", _solution("kl_divergence") + "\n\n" + extra)


def _points(cell: str) -> float:
    return graded_cells(read(SOLUTIONS / A / NB))[cell]


def _without_cell(grade_id: str):
    nb = _full()
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def _edited_tests_on_empty():
    nb = copy.deepcopy(read(ASSIGNMENTS / A / NB))  # every answer raises NotImplementedError
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade"):
            c.source = "pass  # a test I rewrote"
    return nb


def _edited_cell(grade_id: str, source: str, **answers: str):
    nb = _full()
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            c.source = source
    for cell, answer in answers.items():
        answer_cells(nb)[cell].source = answer
    return nb


def _inflated_points():
    nb = _full()
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == "test_gda_step":
            c.metadata["nbgrader"]["points"] = 100
    return nb


def _wrong_kernel():
    nb = _full()
    nb.metadata["kernelspec"] = {"name": "python2", "display_name": "Python 2", "language": "python"}
    return nb


_WRONG_KL = "def kl_divergence(p, q):\n    return 0.0\n"

#: Paths a submission tries to read: the repository's solutions and grader artifacts, the
#: workspace's gradebook and solution copy, and another student's submission.
_SECRETS = [str(REPO / "solutions" / A / NB), str(REPO / "grader" / "quality.py"),
            str(REPO / "grader" / "reference" / "a3_dcgan" / "quality.json"),
            "../../../gradebook.db", f"../../../solutions/{A}/{NB}",
            f"../../../submitted/honest/{A}/{NB}", f"../../honest/{A}/{NB}"]
_READ_ATTEMPT = f"""
import os
_leaked = []
for _path in {_SECRETS!r}:
    try:
        with open(_path, "rb") as _f:
            _leaked.append((_path, len(_f.read())))
    except OSError:
        pass
for _folder in ("../..", "../../../submitted", {str(REPO / "solutions")!r}):
    try:
        _leaked.append((_folder, os.listdir(_folder)))
    except OSError:
        pass
if _leaked:  # anything read costs the points, so a leak shows in the score
    kl_divergence = None
"""

#: Places outside its scratch folder a submission tries to write (and must not create).
_OUTSIDE = [str(REPO / "solutions" / A / f"pwned-{TOKEN}.txt"), str(REPO / f"pwned-{TOKEN}.txt"),
            f"/tmp/gancourse-pwned-{TOKEN}.txt", f"../../../pwned-{TOKEN}.txt",
            f"../../honest/pwned-{TOKEN}.txt"]
_WRITE_ATTEMPT = f"""
import pathlib
_escaped = []
for _path in {_OUTSIDE!r} + ["../../../gradebook.db"]:
    try:
        with open(_path, "ab") as _f:
            _f.write(b"pwned")
        _escaped.append(_path)
    except OSError:
        pass
pathlib.Path("my_scratch_file.txt").write_text("the scratch folder is writable")
assert pathlib.Path("my_scratch_file.txt").read_text().startswith("the scratch")
if _escaped:
    kl_divergence = None
"""

_NETWORK_ATTEMPT = """
import socket
for _host in ("127.0.0.1", "localhost", "1.1.1.1"):
    try:
        _s = socket.create_connection((_host, {port}), timeout=2)
        _s.sendall(b"exfiltrated")
        _s.close()
        kl_divergence = None
    except OSError:
        pass
"""

#: An answer returning a float whose comparisons are all True and which tells NumPy's
#: isclose/allclose "close": forged passes in the kernel, wrong data for the trusted checks.
_FORGED_FLOAT = """
class _Always(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    __hash__ = float.__hash__
    def __array_function__(self, func, types, args, kwargs): return True
def kl_divergence(p, q):
    return _Always(0.0)
"""

#: Rewrites the kernel's messages: errors are never sent, failed replies say "ok".
_REPLY_REWRITE = _WRONG_KL + """
_session = get_ipython().kernel.session
_send = _session.send
def _forged_send(stream, msg_or_type, content=None, *args, **kwargs):
    kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get("msg_type")
    if kind == "error":
        return None
    if kind == "execute_reply" and isinstance(content, dict) and content.get("status") == "error":
        content = {"status": "ok", "execution_count": content.get("execution_count"),
                   "user_expressions": {}, "payload": []}
    return _send(stream, msg_or_type, content, *args, **kwargs)
_session.send = _forged_send
"""

#: Leaves behind, in its working folder, what the grader once followed or copied: links to
#: the solutions, the gradebook and /dev/zero, a FIFO, a link where the notebook was, many
#: files, large files.
_LITTER = f"""
import os
for _name, _target in [("leak.ipynb", "../../../solutions/{A}/{NB}"),
                       ("gradebook.db", "../../../gradebook.db"), ("zero.bin", "/dev/zero"),
                       ("{NB}", {str(REPO / "solutions" / A / NB)!r})]:
    try:
        if os.path.lexists(_name):
            os.remove(_name)
        os.symlink(_target, _name)
    except OSError:
        pass
os.mkfifo("pipe")
os.makedirs("many", exist_ok=True)
for _i in range(5000):
    open(f"many/{{_i}}", "w").close()
for _i in range(3):
    with open(f"big{{_i}}.bin", "wb") as _f:
        _f.write(b"x" * 20_000_000)
"""

#: Looks for the other kernels of the class run: their /proc entries name their connection
#: files and sockets.  Anything read of another process costs the points (shows in the score).
_PEEK = """
import os
_others = []
try:
    _others += [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
except OSError:
    pass
for _pid in list(range(1, 200)) + list(range(max(1, os.getpid() - 3000), os.getpid() + 3000)):
    if _pid != os.getpid():
        try:
            with open(f"/proc/{_pid}/cmdline", "rb") as _f:
                _others.append(_f.read())
        except OSError:
            pass
if _others:
    kl_divergence = None
"""

#: student -> (make, expected score, status, words the message must contain)
#: make() returns a notebook, raw bytes, None ("no notebook") or (notebook, {extra files}).
#: Scores: a number, "full" or "full-minus:<cells>" (full marks less those test cells' points).
CORPUS = {
    "honest": (_full, "full", "graded", ()),
    "honest_2": (_full, "full", "graded", ()),
    "honest_3": (_full, "full", "graded", ()),
    # --- broken files --------------------------------------------------------------------
    "corrupt_json": (lambda: b'{"cells": [', 0.0, "error", ("corrupted",)),
    "not_utf8": (lambda: b'\xff\xfe\x00{ "cells": \x81 }', 0.0, "error", ("not",)),
    "no_notebook": (lambda: None, 0.0, "error", (f"no {NB}",)),
    "wrong_kernel": (_wrong_kernel, "full", "graded", ()),
    # --- code that ends, stalls or floods ---------------------------------------------------
    "os_exit": (lambda: _with_answer("kl_divergence", "import os\nos._exit(3)"), 0.0, "error",
                ("kernel",)),
    "infinite_loop": (lambda: _with_answer("kl_divergence", "while True:\n    pass"),
                      KL_BROKEN, "graded", ()),
    "system_exit": (lambda: _after_kl("raise SystemExit(0)"), "full", "graded", ()),
    "keyboard_interrupt": (lambda: _with_answer(
        "kl_divergence", "def kl_divergence(p, q):\n    raise KeyboardInterrupt"),
        f"full-minus:{KL_TESTS}", "graded", ()),
    "memory_bomb": (lambda: _after_kl(
        "huge = bytearray(64 * 2**30)  # 64 GB at once\n"), "full", "graded", ()),
    "memory_creep": (lambda: _after_kl(
        "def _grow():\n    blocks = []\n    while True:\n        blocks.append(bytearray(2**26))\n"
        "_grow()\n"), "full", "graded", ()),
    # forks until the process limit refuses, then reaps its children (they would hold the
    # kernel's share of the limit); the kernel survives and is graded
    "fork_storm": (lambda: _after_kl(
        "import os, time\nchildren = []\nfor _ in range(100_000):\n    try:\n"
        "        pid = os.fork()\n    except OSError:\n        break\n    if pid == 0:\n"
        "        time.sleep(2)\n        os._exit(0)\n    children.append(pid)\n"
        "assert len(children) < 100, len(children)\nfor pid in children:\n    os.waitpid(pid, 0)\n"),
        "full", "graded", ()),
    # burns CPU in two threads (hashing releases the GIL) and ignores the per-cell timeout's
    # interrupt: the CPU limit or the unanswered interrupt ends it, whichever comes first on
    # this machine (tests/test_sandbox.py checks the CPU limit alone)
    "cpu_spin": (lambda: _after_kl(
        "import hashlib, threading, time\ndef _spin():\n    block = b'x' * 2**24\n"
        "    while True:\n        hashlib.sha256(block).digest()\n"
        "for _ in range(2):\n    threading.Thread(target=_spin, daemon=True).start()\n"
        "while True:\n    try:\n        time.sleep(0.1)\n    except KeyboardInterrupt:\n"
        "        pass\n"),
        0.0, "error", ("time",)),
    # 2.4 GB in memfds: neither RLIMIT_DATA nor resident memory (never mapped); the memory
    # cgroup counts it, its OOM kill stops the kernel
    "memfd_hoard": (lambda: _after_kl(
        "import os\n_fds = [os.memfd_create(f'hoard{i}') for i in range(12)]\n"
        "for _fd in _fds:\n    for _ in range(200):\n        os.write(_fd, b'x' * 2**20)\n"),
        0.0, "error", ("memory",)),
    "huge_output": (lambda: _after_kl(
        "print('x' * 3_000_000)\nfor i in range(100_000):\n    print(i)\n"),
        "full", "graded", ("output too large",)),
    # --- tampering with the tests -------------------------------------------------------------
    "edited_tests": (_edited_tests_on_empty, 0.0, "graded", ()),
    "deleted_test_cell": (lambda: _without_cell("test_gda_step_dynamics"),
                          "full-minus:test_gda_step_dynamics", "graded", ()),
    # the locked set-up cell rewritten to import fake helpers: nbgrader restores it from the
    # gradebook, so the real uses_course_library catches the library answer
    "edited_locked_cell": (lambda: _edited_cell("setup", (
        "import numpy as np\ndef uses_course_library(fn):\n    return False\n"
        "def assert_raises(*args, **kwargs):\n    return None\n"),
        kl_gaussian="from gancourse.divergences import kl_gaussian"),
        "full-minus:test_kl_gaussian", "graded", ()),
    # a test cell's points raised to 100: the gradebook's metadata wins
    "inflated_points": (_inflated_points, "full", "graded", ()),
    "monkeypatch_numpy": (lambda: _with_answer("kl_divergence", _WRONG_KL + (
        "np.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True\n"
        "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n")),
        KL_BROKEN, "graded", ("numpy.isclose", "flagged")),
    "redefine_helpers": (lambda: _with_answer("kl_gaussian", (
        "from gancourse.divergences import kl_gaussian  # the library's, not my own\n"
        "uses_course_library = lambda fn: False\nassert_raises = lambda *a, **k: None\n")),
        "full-minus:test_kl_gaussian", "graded", ("uses_course_library",)),
    "patch_when_called": (lambda: _with_answer("kl_divergence", (
        "def kl_divergence(p, q):\n    np.isclose = lambda *a, **k: True\n    return 0.0\n")),
        f"full-minus:{KL_TESTS}", "graded", ("does not count",)),
    # returns a 0-d array where the test wants a float, and shadows isinstance to hide it
    "shadow_builtin": (lambda: _after_kl(
        "_kl_float = kl_divergence\ndef kl_divergence(p, q):\n    return np.asarray(_kl_float(p, q))\n"
        "def isinstance(obj, cls):\n    return True\n"),
        "full-minus:test_kl_divergence_values", "graded", ("isinstance (shadows a builtin)",)),
    "hook_ipython": (lambda: _with_answer("kl_divergence", _WRONG_KL + (
        "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n")),
        0.0, "graded", ("disabled the grader's checks", "get_ipython")),
    # modules beside the notebook would come first on the kernel's sys.path and replace the
    # course library (and its test helpers): the grader copies only notebooks and declared files
    "shadow_package": (lambda: (_full(), {
        "gancourse/__init__.py": "raise ImportError('a shadow of the course library')\n",
        "numpy.py": "raise ImportError('a shadow of numpy')\n"}), "full", "graded", ()),
    # nbgrader reads a value a test cell displays as partial credit (full for a non-number):
    # the grader drops every value a test cell displays
    "displayhook": (lambda: _with_answer("kl_divergence", (
        "import sys\ndef kl_divergence(p, q):\n    sys.displayhook('ok')\n    return 0.0\n")),
        KL_BROKEN, "graded", ()),
    "forged_float": (lambda: _with_answer("kl_divergence", _FORGED_FLOAT),
                     KL_BROKEN, "graded", ()),
    "reply_rewrite": (lambda: _with_answer("kl_divergence", _REPLY_REWRITE),
                      KL_BROKEN, "graded", ("get_ipython",)),
    # an error message of 20 MB: capped like every other output
    "huge_exception": (lambda: _after_kl("raise ValueError('x' * 20_000_000)"),
                       "full", "graded", ()),
    # a background thread that keeps NumPy's comparisons patched (so also while tests run):
    # which tests the guard catches is a race, but the trusted checks never count it as a pass
    "thread_patcher": (lambda: _with_answer("kl_divergence", _WRONG_KL + (
        "import threading, time\ndef _patch():\n    while True:\n"
        "        np.isclose = lambda *a, **k: True\n        np.allclose = lambda *a, **k: True\n"
        "        time.sleep(0.001)\nthreading.Thread(target=_patch, daemon=True).start()\n")),
        f"at-most:full-minus:{KL_TESTS}", "graded", ()),
    # raises ValueError whenever assert_raises is on the call stack, never validates: the
    # probes call every answer the same way (outcome), so the errors tests fail
    "stack_sniffing": (lambda: _with_answer("kl_divergence", (
        "import inspect\ndef kl_divergence(p, q):\n"
        "    if any(f.function == 'assert_raises' for f in inspect.stack()):\n"
        "        raise ValueError('sniffed')\n"
        "    p, q = np.asarray(p, float), np.asarray(q, float)\n    s = p > 0\n"
        "    return float(np.sum(p[s] * np.log(p[s] / q[s]))) if np.all(q[s] > 0) else float('inf')\n")),
        "full-minus:test_kl_divergence_errors,test_js_divergence_errors" + JS_OWN_SHAPE_CHECK, "graded",
        ("frame inspection",)),
    # the library's answer, with the kernel-side originality check rewritten in place (the
    # function object keeps its identity): the grader reads the submitted source instead
    "patch_helper_code": (lambda: _with_answer("kl_gaussian", (
        "from gancourse.divergences import kl_gaussian\n"
        "uses_course_library.__code__ = (lambda fn: False).__code__\n")),
        "full-minus:test_kl_gaussian", "graded", ()),
    # the library's function returned by a closure: no definition of the student's own
    "closure_library": (lambda: _with_answer("kl_gaussian", (
        "def _make():\n    from gancourse import divergences\n"
        "    def inner(*args):\n        return divergences.kl_gaussian(*args)\n    return inner\n"
        "kl_gaussian = _make()\n")),
        "full-minus:test_kl_gaussian", "graded", ()),
    # --- isolation ------------------------------------------------------------------------------
    "litter_scratch": (lambda: _after_kl(_LITTER), "full", "graded", ("path outside its folder",)),
    "peek_other_kernels": (lambda: _after_kl(_PEEK), "full", "graded", ()),
    "read_hidden_artifacts": (lambda: _after_kl(_READ_ATTEMPT), "full", "graded",
                              ("path outside its folder",)),
    "write_outside_scratch": (lambda: _after_kl(_WRITE_ATTEMPT), "full", "graded",
                              ("path outside its folder",)),
}


def _expected(spec, full: float):
    """The score a spec names: "full", a number, or "full-minus:CELL,CELL" (those cells score 0),
    optionally followed by "+share:CELL:N/D" (that cell keeps N of its D equal parts)."""
    if spec == "full":
        return full
    if isinstance(spec, str) and spec.startswith("full-minus:"):
        spec, _, share = spec.partition("+share:")
        kept = 0.0
        if share:
            cell, fraction = share.split(":")
            num, den = fraction.split("/")
            kept = _points(cell) * int(num) / int(den)
        return full - sum(_points(c) for c in spec.split(":", 1)[1].split(",")) + kept
    return spec


# An honest a1 kernel uses ~2 s of CPU, ~140 MB and ~14 tasks (measured): the limits above
# leave it a wide margin.


class _Listener:
    """A TCP server on 127.0.0.1 that records every connection (none may arrive)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received.append(conn.recv(100) or b"<connected>")
                except OSError:
                    self.received.append(b"<connected>")

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    listener = _Listener()
    corpus = dict(CORPUS)
    corpus["network"] = (lambda: _after_kl(_NETWORK_ATTEMPT.format(port=listener.port)),
                         "full", "graded", ("network sockets",))
    subs = tmp_path_factory.mktemp("hostile")
    for student, (make, *_rest) in corpus.items():
        folder = subs / student / A
        folder.mkdir(parents=True)
        content = make()
        if isinstance(content, tuple):
            content, extra = content
            for rel, text in extra.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text(text)
        if content is None:
            (folder / "notes.txt").write_text("I forgot the notebook")
        elif isinstance(content, bytes):
            (folder / NB).write_bytes(content)
        else:
            nbformat.write(content, str(folder / NB))
    before = {p: p.read_bytes() for p in subs.rglob("*") if p.is_file()}
    repo_before = sorted(p.name for p in (REPO / "solutions" / A).iterdir())
    solution_bytes = (REPO / "solutions" / A / NB).read_bytes()
    solution_mode = (REPO / "solutions" / A / NB).stat().st_mode
    mp = pytest.MonkeyPatch()
    for var, value in LIMITS.items():
        mp.setenv(var, value)
    try:
        out = tmp_path_factory.mktemp("hostile_out") / "results"
        report = grade(subs, out, [A], verbose=False, jobs=2)
    finally:
        mp.undo()
        listener.close()
    after = {p: p.read_bytes() for p in subs.rglob("*") if p.is_file()}
    return {"report": report, "out": out, "corpus": corpus, "unchanged": before == after,
            "received": listener.received, "repo_before": repo_before,
            "solution_bytes": solution_bytes, "solution_mode": solution_mode}


def _row(out, student):
    with open(out / "grades.csv") as f:
        return next(r for r in csv.DictReader(f) if r["student_id"] == student)


@pytest.mark.parametrize("student", list(CORPUS) + ["network"])
def test_each_submission_gets_the_right_score_status_and_message(hostile_run, protections,
                                                                 network_isolated, student):
    report, out = hostile_run["report"], hostile_run["out"]
    full = sum(graded_cells(read(SOLUTIONS / A / NB)).values())
    _, spec, status, words = hostile_run["corpus"][student]
    if student == "fork_storm" and "cgroup" not in protections["processes"] \
            and "RLIMIT_NPROC" not in protections["processes"]:
        # no kernel-enforced process limit here (root without a pids cgroup): the watchdog
        # stops the kernel instead, which fails the submission
        spec, status, words = 0.0, "error", ("processes",)
    score, max_score = report.totals[(student, A)]
    assert max_score == full + sum(manual_cells(read(SOLUTIONS / A / NB)).values())
    if student == "memfd_hoard" and not protections["memory"].startswith("memory cgroup"):
        spec, status, words = "full", "graded", ()  # documented fallback (README): not counted
    if student == "peek_other_kernels" and not protections["filesystem"].startswith("landlock"):
        spec = KL_BROKEN  # documented fallback (README): no Landlock, /proc open
    if student == "network" and not network_isolated:
        # documented fallback: the connection succeeds, and the notebook's own code then sets
        # kl_divergence = None, which its tests fail
        assert score < full, (student, score)
    else:
        if isinstance(spec, str) and spec.startswith("at-most:"):  # racy attacks: never a gain
            assert score <= _expected(spec[len("at-most:"):], full) + 0.005, (student, score)
        else:  # the report rounds scores to 0.01
            assert score == pytest.approx(_expected(spec, full), abs=0.005), (
                student, score, report.notes.get((student, A)))
    row = _row(out, student)
    assert row["status"] == status and float(row["score"]) == score
    for word in words:
        assert word in row["message"], (student, row["message"])
    feedback = out / "feedback" / student / A
    if status == "error":
        message = (feedback / "grading_error.txt").read_text()
        assert "could not be graded" in message and row["message"] and row["message"] in message
    else:
        assert (feedback / f"{A}.html").is_file()
        if row["message"]:
            notes = (feedback / "grading_notes.txt").read_text()
            assert all(line in notes for line in row["message"].split(" | "))


def test_messages_name_the_problem(hostile_run):
    report = hostile_run["report"]
    assert "corrupted" in report.problems[("corrupt_json", A)]
    assert "kernel died" in report.problems[("os_exit", A)]
    assert f"no {NB}" in report.problems[("no_notebook", A)]
    assert "UTF-8" in report.problems[("not_utf8", A)]
    assert any(why in report.problems[("cpu_spin", A)]
               for why in ("CPU time", "did not stop when interrupted"))
    assert "the grader put the originals back" in " ".join(report.notes[("monkeypatch_numpy", A)])


def test_honest_copies_score_identically_cell_by_cell(hostile_run):
    report = hostile_run["report"]
    cells = {s: {k[2]: v for k, v in report.cells.items() if k[:2] == (s, A)}
             for s in ("honest", "honest_2", "honest_3")}
    assert cells["honest"] and cells["honest"] == cells["honest_2"] == cells["honest_3"]
    assert all(score == max_score for score, max_score in cells["honest"].values())
    for s in ("honest", "honest_2", "honest_3"):
        assert _row(hostile_run["out"], s)["message"] == ""  # nothing flagged for honest work


def test_gradebook_holds_exactly_the_corpus(hostile_run):
    out, report = hostile_run["out"], hostile_run["report"]
    with sqlite3.connect(out / "gradebook.db") as db:
        students = {r[0] for r in db.execute("select id from student")}
    assert students >= {s for s in hostile_run["corpus"] if s != "no_notebook"}
    for (student, assignment), (score, _) in report.totals.items():
        if (student, assignment) not in report.problems:
            cells = [v[0] for k, v in report.cells.items() if k[:2] == (student, assignment)]
            assert score == pytest.approx(sum(cells))


def test_nothing_escaped_the_sandbox(hostile_run, network_isolated):
    if network_isolated:
        assert hostile_run["received"] == [], "a kernel reached a TCP server on the grading machine"
    else:  # documented fallback (README): no network isolation on this machine
        assert hostile_run["received"], "no isolation here, yet the kernel could not connect"
    for path in _OUTSIDE:
        if path.startswith("/"):
            assert not (REPO / path).exists() and not __import__("os").path.exists(path), path
    assert sorted(p.name for p in (REPO / "solutions" / A).iterdir()) == hostile_run["repo_before"]
    autograded = hostile_run["out"] / "autograded"
    assert not list(autograded.rglob(f"pwned-{TOKEN}.txt"))


def test_nothing_a_kernel_leaves_behind_is_kept(hostile_run):
    """Kernels work in scratch folders the grader never reads back: the results hold exactly
    the notebooks (and the feedback pages), regular files, small, and the solutions intact."""
    out = hostile_run["out"]
    for student in ("write_outside_scratch", "litter_scratch", "honest"):
        for sub, allowed in (("autograded", {NB}), ("feedback", {f"{A}.html", "grading_notes.txt"})):
            folder = out / sub / student / A
            names = {p.name for p in folder.iterdir()}
            assert names <= allowed and names & allowed, (student, sub, names)
    for p in out.rglob("*"):
        assert not p.is_symlink() and (p.is_dir() or p.is_file()), p
        assert p.is_dir() or p.stat().st_size < 5_000_000, p
    assert (REPO / "solutions" / A / NB).read_bytes() == hostile_run["solution_bytes"]
    assert hostile_run["solution_mode"] == (REPO / "solutions" / A / NB).stat().st_mode
    assert (out / "autograded" / "huge_exception" / A / NB).stat().st_size < 1_000_000


def test_submissions_are_never_modified(hostile_run):
    assert hostile_run["unchanged"]
