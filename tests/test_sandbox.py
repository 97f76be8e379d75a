"""The kernel sandbox (grader/sandbox.py) and the test guard (grader/sandbox_kernel.py).

Launcher tests run small Python programs under ``python -m grader.sandbox`` with tight limits
and read the watchdog's report; guard tests execute small nbgrader-style notebooks with
:class:`SandboxedExecute` (a real, sandboxed kernel, no gradebook).  Where this machine lacks a
protection (no Landlock, no namespaces) the tests assert the documented fallback instead.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from grader.kernel_files import read_notes
from grader.landlock import landlock_abi
from grader.limits import Limits, SandboxError, watchdog_memory_mb
from grader.sandbox import HIDDEN_TEST_READS, REPO, default_read_paths
from grader.sandbox_kernel import SandboxedExecute, kernel_policy
from grader.static_flags import cell_role, flag_source, module_aliases
from grader.verdict import split_test

LINUX = sys.platform.startswith("linux")


def sandboxed(tmp_path: Path, code: str, limits: Limits | None = None, *, read=(),
              write=None, timeout: float = 120) -> tuple[subprocess.CompletedProcess, dict]:
    """Run ``python -c code`` in the sandbox; returns the process and the watchdog's report."""
    scratch = write if write is not None else tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    report = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "grader.sandbox", *(limits or Limits()).argv(),
           "--report", str(report), "--home", str(tmp_path / "home"), "--tmp", str(tmp_path / "tmp"),
           "--write", str(scratch)]
    for path in [*default_read_paths(), *read]:
        cmd += ["--read", str(path)]
    cmd += ["--", sys.executable, "-c", textwrap.dedent(code)]
    proc = subprocess.run(cmd, cwd=scratch, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    return proc, json.loads(report.read_text())


# --------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------
def test_limits_come_from_the_environment_and_are_validated():
    limits = Limits.from_env({"GANCOURSE_GRADE_MEMORY_MB": "512", "GANCOURSE_NOTEBOOK_TIMEOUT": "60"})
    assert (limits.memory_mb, limits.wall_seconds, limits.cpu_seconds) == (512, 60, Limits().cpu_seconds)
    with pytest.raises(SandboxError, match="GANCOURSE_GRADE_CPU_SECONDS"):
        Limits.from_env({"GANCOURSE_GRADE_CPU_SECONDS": "ten"})
    for bad in (0, -1, 1.5, True):
        with pytest.raises(SandboxError, match="positive int"):
            Limits(processes=bad)
    assert watchdog_memory_mb(Limits(memory_mb=1000)) == 1756


def test_check_reports_every_protection(protections, network_isolated):
    assert {"namespaces", "processes", "memory", "rlimits", "proc", "filesystem",
            "grader in /proc", "read outside allow-list", "tcp connect"} <= set(protections)
    # another process's /proc entry (here: the grader's) is absent in a PID namespace of the
    # kernel's own, unreadable under Landlock; readable only where neither applies
    if protections["proc"].endswith("own /proc"):
        assert protections["grader in /proc"] == "absent"
    elif landlock_abi():
        assert protections["grader in /proc"] == "denied"
    assert "RLIMIT_DATA" in protections["rlimits"] and "failed" not in protections["rlimits"]
    if landlock_abi():
        assert protections["filesystem"].startswith("landlock")
        assert protections["read outside allow-list"] == "denied"
    assert protections["tcp connect"].startswith("fails" if network_isolated else "allowed")


def test_a_normal_program_runs_and_reports_its_usage(tmp_path):
    proc, report = sandboxed(tmp_path, "import numpy; print(numpy.arange(4).sum())")
    assert proc.returncode == 0 and proc.stdout.strip() == "6", proc.stderr
    assert report["reason"] is None and report["exit"] == 0
    assert report["protections"]["rlimits"].startswith("RLIMIT_DATA")
    assert 0 < report["cpu_seconds"] < 60


def test_memory_limit_raises_memoryerror_in_the_program(tmp_path):
    proc, report = sandboxed(tmp_path, """
        try:
            block = bytearray(8 * 2**30)
        except MemoryError:
            print("MemoryError")
        small = bytearray(2**20)  # and it goes on
        print("alive")
    """, Limits(memory_mb=256))
    assert proc.stdout.split() == ["MemoryError", "alive"] and report["reason"] is None


def test_memory_spread_over_processes_is_stopped_by_the_watchdog(tmp_path):
    # each child stays under RLIMIT_DATA (200 of 256 MB), together they exceed the watchdog's
    # 640 MB; the watchdog counts shared (forked) pages once
    proc, report = sandboxed(tmp_path, """
        import os, time
        for _ in range(5):
            if os.fork() == 0:
                block = bytearray(b"x") * (200 * 2**20)
                time.sleep(60)
                os._exit(0)
        time.sleep(60)
    """, Limits(memory_mb=256), timeout=120)
    assert report["reason"] == "memory", report
    assert "256 MB" in report["detail"] and report["seconds"] < 50


def test_cpu_limit_counts_the_whole_tree(tmp_path):
    # three children, each below the per-process limit (RLIMIT_CPU): together above it
    code = """
    import os, time
    for _ in range(3):
        if os.fork() == 0:
            end = time.process_time() + 4.5
            while time.process_time() < end:
                pass
            os._exit(0)
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    """
    proc, report = sandboxed(tmp_path, code, Limits(cpu_seconds=5))  # tree limit: 5 + 5 s
    assert report["reason"] == "cpu" and "all its processes together" in report["detail"], report
    assert report["cpu_seconds"] < 3 * 4.5 - 1, report  # stopped before the children finished


@pytest.mark.parametrize("code, limits", [
    ("import os\nfor i in range(100_000):\n    open(f'f{i}', 'w').close()\n"
     "import time\ntime.sleep(30)", Limits(disk_files=500)),
    ("for i in range(20):\n    open(f'big{i}', 'wb').write(b'x' * 2**20)\n"
     "import time\ntime.sleep(30)", Limits(disk_mb=8)),
])
def test_disk_budget_of_the_writable_folders(tmp_path, code, limits):
    proc, report = sandboxed(tmp_path, code, limits)
    assert report["reason"] == "disk" and "in its folders" in report["detail"], report
    assert report["seconds"] < 25, report


def test_cpu_limit_kills_a_spinning_program(tmp_path):
    proc, report = sandboxed(tmp_path, "while True:\n    pass", Limits(cpu_seconds=2))
    assert report["reason"] == "cpu" and "2 s of CPU" in report["detail"], report
    assert proc.returncode == 128 + signal.SIGXCPU or report["exit"] == -signal.SIGKILL


def test_wall_limit_stops_a_sleeping_program(tmp_path):
    start = time.monotonic()
    proc, report = sandboxed(tmp_path, "import time; time.sleep(600)", Limits(wall_seconds=2))
    assert report["reason"] == "wall" and "2 s" in report["detail"]
    assert time.monotonic() - start < 60


def test_process_limit_bounds_a_fork_storm(tmp_path, protections):
    proc, report = sandboxed(tmp_path, """
        import os, time
        children = []
        while len(children) < 1000:
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                time.sleep(5)
                os._exit(0)
            children.append(pid)
        print(len(children))
    """, Limits(processes=32), timeout=120)
    if "cgroup" in protections["processes"] or "NPROC" in protections["processes"]:
        assert proc.returncode == 0 and int(proc.stdout) < 32, (proc.stdout, proc.stderr)
        assert report["peak_tasks"] <= 32 + 1
    else:  # root without a pids cgroup: the watchdog stops the tree
        assert report["reason"] == "processes"


def test_file_size_limit_fails_the_write_not_the_program(tmp_path):
    proc, report = sandboxed(tmp_path, """
        try:
            with open("big.bin", "wb") as f:
                f.write(b"x" * (3 * 2**20))
        except OSError as exc:
            print("refused", exc.errno)
        print("alive")
    """, Limits(file_mb=1))
    assert proc.stdout.split() == ["refused", "27", "alive"], proc.stderr  # EFBIG
    assert report["reason"] is None


def test_leftover_processes_die_with_the_program(tmp_path):
    marker = f"time.sleep(600.{os.getpid()})"  # its pid inside a PID namespace is not ours
    proc, report = sandboxed(tmp_path, f"""
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; {marker}"],
                                 start_new_session=True)
        print(child.pid)
    """)
    assert proc.returncode == 0 and int(proc.stdout) > 0, proc.stderr
    time.sleep(0.5)
    left = [p for p in psutil.process_iter(["cmdline", "status"])
            if marker in " ".join(p.info["cmdline"] or ()) and p.info["status"] != "zombie"]
    assert not left


def test_the_kernel_sees_no_other_process(tmp_path, protections):
    # the grader (this test's process) and every other kernel: absent from /proc in a PID
    # namespace of the kernel's own, unreadable under Landlock
    proc, report = sandboxed(tmp_path, f"""
        import os
        try:
            open("/proc/{os.getpid()}/cmdline", "rb").read()
            print("readable")
        except FileNotFoundError:
            print("absent")
        except OSError:
            print("denied")
        print(os.getpid(), os.getppid())
    """)
    seen, pids = proc.stdout.split("\n", 1)
    if report["protections"]["proc"].endswith("own /proc"):
        assert seen == "absent" and pids.split() == ["1", "0"]  # PID 1, parent outside
    elif landlock_abi():
        assert seen == "denied"
    else:  # documented fallback (README): other processes are visible
        assert seen == "readable"
    assert report["protections"]["proc"] == protections["proc"]


def test_exit_status_reaches_the_watchdog(tmp_path):
    proc, report = sandboxed(tmp_path, "import sys; sys.exit(3)")
    assert proc.returncode == 3 and report["exit"] == 3 and report["reason"] is None
    # a crash (as PID 1 of its namespace the kernel ignores signals it has no handler for,
    # but not a fault)
    proc, report = sandboxed(tmp_path, "import ctypes; ctypes.string_at(0)")
    assert report["exit"] == -signal.SIGSEGV and report["reason"] == "signal", report
    assert "SIGSEGV" in report["detail"]


def test_memory_outside_the_heap_is_limited_for_the_tree(tmp_path, protections):
    # memfd pages (and shared memory) are neither RLIMIT_DATA nor, unmapped, resident memory:
    # only the memory cgroup counts them
    proc, report = sandboxed(tmp_path, """
        import os, time
        fds = [os.memfd_create(f"m{i}") for i in range(8)]
        chunk = b"x" * 2**20
        for fd in fds:
            for _ in range(200):
                os.write(fd, chunk)
        print("wrote 1600 MB")
        time.sleep(30)
    """, Limits(memory_mb=256), timeout=120)
    if protections["memory"].startswith("memory cgroup"):
        assert report["reason"] == "memory" and "256 MB" in report["detail"], report
        assert "wrote 1600 MB" not in proc.stdout and report["seconds"] < 25
        assert report["oom_kills"] >= 1
    else:  # documented fallback (README): the watchdog sees resident memory only
        assert protections["memory"].startswith("watchdog")


def test_no_network(tmp_path, network_isolated):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(3)
    port = server.getsockname()[1]
    try:
        proc, report = sandboxed(tmp_path, f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"leak")
                print("connected")
            except OSError as exc:
                print("refused")
        """)
        assert report["protections"]["namespaces"]
        if network_isolated:
            assert proc.stdout.strip() == "refused", proc.stderr
            with pytest.raises(socket.timeout):
                server.accept()
        else:  # documented fallback (README): neither namespaces nor Landlock's TCP rules
            assert proc.stdout.strip() == "connected", proc.stderr
    finally:
        server.close()


def test_filesystem_allow_list(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the hidden tests")
    allowed = tmp_path / "allowed.txt"
    allowed.write_text("an artifact the tests load")
    proc, report = sandboxed(tmp_path, f"""
        import os
        def attempt(fn):
            try:
                fn()
                return "ok"
            except OSError:
                return "denied"
        print(attempt(lambda: open({str(secret)!r}).read()))
        print(attempt(lambda: open({str(allowed)!r}).read()))
        print(attempt(lambda: open({str(REPO / "solutions" / "a1_theory" / "a1_theory.ipynb")!r}).read()))
        print(attempt(lambda: open({str(tmp_path / "outside.txt")!r}, "w").write("x")))
        print(attempt(lambda: open("inside.txt", "w").write("x")))
        print(attempt(lambda: open(os.path.join(os.environ["TMPDIR"], "t.txt"), "w").write("x")))
    """, read=[allowed])
    lines = proc.stdout.split()
    if landlock_abi():
        assert report["protections"]["filesystem"].startswith("landlock")
        assert lines == ["denied", "ok", "denied", "denied", "ok", "ok"], proc.stderr
        assert not (tmp_path / "outside.txt").exists()
    else:  # documented fallback: no filesystem isolation
        assert report["protections"]["filesystem"].startswith("none")
        assert lines[1] == lines[4] == "ok"


def test_the_sandbox_cannot_signal_the_grader(tmp_path):
    proc, report = sandboxed(tmp_path, f"""
        import os
        try:
            os.kill({os.getpid()}, 0)
            print("reachable")
        except PermissionError:
            print("refused")
        except ProcessLookupError:
            print("absent")
    """)
    # in a PID namespace of its own the grader's pid names no process; Landlock ABI >= 6
    # scopes signals to the sandbox; without either the grader is reachable (README)
    if report["protections"]["proc"].startswith("own PID namespace"):
        assert proc.stdout.strip() == "absent"
    else:
        assert proc.stdout.strip() == ("refused" if landlock_abi() >= 6 else "reachable")


def test_hidden_test_reads_exist_and_policy_excludes_the_rest():
    for paths in HIDDEN_TEST_READS.values():
        for rel in paths:
            assert (REPO / rel).exists(), rel
    policy = kernel_policy(Path("/tmp/course/autograded/alice/a1_theory"))
    assert not any(p.startswith(str(REPO / "solutions")) or p.startswith(str(REPO / "grader"))
                   for p in policy["read"])
    assert str(REPO) not in policy["read"]
    assert policy["write"] == ["/tmp/course/autograded/alice/a1_theory"]
    a3 = kernel_policy(Path("/tmp/course/autograded/alice/a3_dcgan"))
    ref = REPO / "grader" / "reference" / "a3_dcgan"
    assert {str(ref / "submission"), str(ref / "kernel_inputs")} <= set(a3["read"])
    # of the grader's code, only grader/hidden/ (what the probes import)
    grader_code = {p for p in a3["read"] if p.startswith(str(REPO / "grader"))
                   and not p.startswith(str(REPO / "grader" / "reference"))}
    assert grader_code == {str(REPO / "grader" / "__init__.py"), str(REPO / "grader" / "hidden")}
    # what the checks compare with, and the reference builder, stay with the grader
    for secret in (ref, ref / "transplant.npz", ref / "reference_generator.py", ref / "quality.json",
                   REPO / "course" / "results" / "dcgan-laptop"):
        assert not any(Path(p) == secret or secret.is_relative_to(p) for p in a3["read"]), secret
    assert not any(p.startswith(str(REPO / "solutions")) for p in a3["read"])


def test_every_assignment_whose_tests_import_grader_declares_its_reads():
    for nb_path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        nb = nbformat.read(str(nb_path), as_version=4)
        # (the kernel's part only: the CHECK sections run in the grader)
        if any("grader." in split_test(c.source).kernel for c in nb.cells if cell_role(c) == "test"):
            assert nb_path.parent.name in HIDDEN_TEST_READS, nb_path


# --------------------------------------------------------------------------------------------
# Static flags
# --------------------------------------------------------------------------------------------
def test_flags_name_tampering_and_leave_ordinary_code_alone():
    aliases = {"np", "scipy", "os", "sys", "builtins"}
    assert flag_source("def f(x):\n    return np.sum(x) / len(x)\n", aliases) == []
    assert flag_source("import os\nos.path.exists('a.npz')\n", aliases) == []
    assert flag_source("np.allclose = lambda *a, **k: True", aliases) == [
        "replaces np.allclose (a library function)"]
    assert "uses IPython's shell (get_ipython)" in flag_source("!ls ..", aliases)
    assert "uses sys.modules" in flag_source("import sys\nsys.modules['numpy'] = None", aliases)
    assert "calls setattr on np (a library module)" in flag_source("setattr(np, 'isclose', 1)", aliases)
    assert "imports the garbage collector (gc)" in flag_source("import gc", aliases)
    assert flag_source("def broken(:", aliases) == []
    assert flag_source("open('../../../gradebook.db')", aliases) == [
        "refers to a path outside its folder ('../../../gradebook.db')"]
    assert flag_source("np.load('/work/course/solutions/a.npz')", aliases)
    assert flag_source("np.savez('a3_generator.npz', w=1)\nprint('done/ok')", aliases) == []


def test_no_solution_is_flagged():
    from grader.submissions import full_submission
    from grader.workspace import assignment_ids

    for assignment in assignment_ids():
        for name, nb in full_submission(assignment).items():
            if name.endswith(".ipynb"):
                aliases = module_aliases(nb.cells)
                flags = [flag_source(c.source, aliases) for c in nb.cells if cell_role(c) == "student"]
                assert not any(flags), (assignment, flags)


def test_module_aliases_come_from_the_notebooks_imports():
    cells = [nbformat.v4.new_code_cell("import numpy as np\nfrom scipy import stats\nfrom math import pi")]
    aliases = module_aliases(cells)
    assert {"np", "stats", "sys"} <= aliases and "pi" not in aliases


# --------------------------------------------------------------------------------------------
# The guard, in a real sandboxed kernel
# --------------------------------------------------------------------------------------------
def _cell(source: str, role: str, grade_id: str):
    meta = {"grade_id": grade_id, "locked": role != "student", "grade": role == "test",
            "solution": role == "student", "schema_version": 3}
    if role == "test":
        meta["points"] = 1
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": meta})


def run_guarded(tmp_path, monkeypatch, cells, assignment: str = "a",
                files: dict[str, bytes] | None = None) -> tuple[object, dict]:
    monkeypatch.setenv("GANCOURSE_COURSE_ROOT", str(tmp_path))
    work = tmp_path / "autograded" / "s" / assignment
    work.mkdir(parents=True)
    for name, content in (files or {}).items():
        (work / name).write_bytes(content)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    ep = SandboxedExecute(timeout=60, kernel_name="python3")
    ep.preprocess(nb, {"metadata": {"path": str(work)},
                       "nbgrader": {"student": "s", "assignment": assignment, "notebook": "n"}})
    (notes,) = read_notes(tmp_path, "s", assignment)
    return nb, notes


def _failed(cell) -> bool:
    return any(o.output_type == "error" for o in cell.outputs)


def test_guard_undoes_patches_and_fails_tests_patched_while_running(tmp_path, monkeypatch):
    nb, notes = run_guarded(tmp_path, monkeypatch, [
        _cell("import numpy as np\nfrom gancourse.testing import assert_raises", "instructor", "setup"),
        _cell("def answer():\n    return 1.0\n"
              "np.isclose = lambda *a, **k: True\nassert_raises = lambda *a, **k: None\n"
              "def len(x):\n    return 3\n", "student", "answer"),
        _cell("assert not np.isclose(answer(), 2.0)\nassert len([1]) == 1\n"
              "assert_raises(ValueError, int, 'x')", "test", "test_restored"),
        _cell("def sneaky():\n    np.allclose = lambda *a, **k: True\n    return 0.0\n",
              "student", "sneaky"),
        _cell("assert np.allclose(sneaky(), 1.0)", "test", "test_patched_while_running"),
        _cell("assert not np.allclose(0.0, 1.0)", "test", "test_after"),
    ])
    assert not _failed(nb.cells[2]), nb.cells[2].outputs
    assert _failed(nb.cells[4]) and any(o.get("ename") == "GradingIntegrityError"
                                        for o in nb.cells[4].outputs)
    assert not _failed(nb.cells[5])
    changed = {c for t in notes["tampering"] for c in t["changed"]}
    assert {"numpy.isclose", "assert_raises", "numpy.allclose"} <= changed
    assert "len (shadows a builtin)" in changed
    assert [t["cell"] for t in notes["failed_tests"]] == ["test_patched_while_running"]
    assert notes["guard"] == "ok" and notes["sandbox"]["rlimits"].startswith("RLIMIT_DATA")
    assert any("replaces np.isclose" in f for f in notes["flags"])


def test_tests_grade_the_submitted_files_not_what_the_notebook_wrote(tmp_path, monkeypatch):
    # a3_dcgan grades a3_generator.npz as submitted; the notebook may not swap it (say for the
    # reference weights it can read) before or while a test runs
    name = "a3_generator.npz"
    nb, notes = run_guarded(tmp_path, monkeypatch, [
        _cell("from pathlib import Path", "instructor", "setup"),
        _cell(f"p = Path({name!r})\np.unlink()\np.symlink_to('/etc/hostname')", "student", "swap"),
        _cell(f"assert Path({name!r}).read_bytes() == b'submitted'", "test", "t_restored"),
        _cell(f"def build():\n    Path({name!r}).write_bytes(b'forged')\n    return 1",
              "student", "build"),
        _cell("assert build() == 1", "test", "t_swapped_while_running"),
        _cell(f"assert Path({name!r}).read_bytes() == b'submitted'", "test", "t_after"),
        _cell(f"Path({name!r}).write_bytes(b'forged at the end')", "student", "last"),
    ], assignment="a3_dcgan", files={name: b"submitted"})
    assert [_failed(nb.cells[i]) for i in (2, 4, 5)] == [False, True, False]
    assert [t["cell"] for t in notes["failed_tests"]] == ["t_swapped_while_running"]
    assert f"{name} (a submitted file)" in {c for t in notes["tampering"] for c in t["changed"]}
    # the kernel worked in a scratch folder of its own: its writes never reach the graded folder
    assert (tmp_path / "autograded" / "s" / "a3_dcgan" / name).read_bytes() == b"submitted"


def test_the_grader_decides_test_cells_from_its_checks(tmp_path, monkeypatch):
    # f is wrong for x = 3; its answer cell forges passes the ways nbgrader's outputs allow
    checked = ("assert f(1) == 2\n### BEGIN HIDDEN TESTS\n#### SHARED\nxs = [1, 2, 3]\n#### PROBE\n"
               "from gancourse.testing import observe, outcome\n"
               "observe(ys=[outcome(f, x) for x in xs])\n#### CHECK\n"
               "assert [returned(y) for y in obs['ys']] == [x + 1 for x in xs], 'f(x) = x + 1'\n"
               "### END HIDDEN TESTS")
    nb, notes = run_guarded(tmp_path, monkeypatch, [
        _cell("import numpy as np", "instructor", "setup"),
        _cell("import sys\nclass Yes(int):\n    def __eq__(self, other):\n        return True\n"
              "    __hash__ = int.__hash__\n"
              "def f(x):\n    sys.displayhook(1)  # nbgrader would read it as full partial credit\n"
              "    return Yes(x + 1 if x < 3 else 0)\n", "student", "answer"),
        _cell(checked, "test", "t_checked"),
        _cell("print('visible')\n1", "test", "t_plain"),
    ])
    checked_cell, plain = nb.cells[2], nb.cells[3]
    assert [o.output_type for o in checked_cell.outputs] == ["error"]
    assert "f(x) = x + 1" in checked_cell.outputs[0].evalue
    assert checked_cell.source == checked  # restored: the kernel got it without the CHECK
    # the grader keeps stdout, drops displayed values and observations, adds no error
    assert [(o.output_type, o.get("text")) for o in plain.outputs] == [("stream", "visible\n")]
    for cell in (checked_cell, plain):
        assert not any(o.output_type in ("execute_result", "display_data") for o in cell.outputs)


def test_guard_survives_systemexit_and_keyboardinterrupt(tmp_path, monkeypatch):
    nb, notes = run_guarded(tmp_path, monkeypatch, [
        _cell("import numpy as np", "instructor", "setup"),
        _cell("def answer():\n    return 2.0\nraise SystemExit(0)", "student", "a1"),
        _cell("assert answer() == 2.0", "test", "t1"),
        _cell("def boom():\n    raise KeyboardInterrupt\n", "student", "a2"),
        _cell("boom()", "test", "t2"),
        _cell("assert answer() == 2.0", "test", "t3"),
    ])
    assert [_failed(nb.cells[i]) for i in (2, 4, 5)] == [False, True, False]
    assert notes["guard"] == "ok" and notes["kernel"] is None


def test_disabling_the_guard_fails_every_later_test(tmp_path, monkeypatch):
    nb, notes = run_guarded(tmp_path, monkeypatch, [
        _cell("import numpy as np", "instructor", "setup"),
        _cell("x = 1", "test", "t_before"),
        _cell("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])",
              "student", "hook"),
        _cell("assert False, 'a failing test the hook turns into pass'", "test", "t_after"),
    ])
    assert not _failed(nb.cells[1]) and _failed(nb.cells[3])
    assert notes["guard"].startswith("broken")


def test_output_cap_keeps_errors_and_notes_the_truncation(tmp_path, monkeypatch):
    monkeypatch.setenv("GANCOURSE_GRADE_OUTPUT_KB", "64")
    nb, notes = run_guarded(tmp_path, monkeypatch, [
        _cell("import sys", "instructor", "setup"),
        _cell("print('x' * 200_000)\nfor i in range(5000):\n    print(i)", "student", "flood"),
        _cell("print('y' * 100_000)\nraise ValueError('kept')", "test", "t"),
    ])
    text = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert len(text) < 80 * 1024 and "output truncated by the grader" in text
    assert any(o.get("ename") == "ValueError" for o in nb.cells[2].outputs)
    assert notes["truncated"] is True
