"""nbgrader's side of the sandbox: sandboxed kernels, guarded test cells, capped output.

``grader/nbgrader_config.py`` replaces nbgrader's ``Execute`` preprocessor by
:class:`SandboxedExecute` for ``nbgrader autograde``.  For every notebook it

* starts the kernel through the launcher ``grader/sandbox.py`` (:class:`SandboxKernelManager`): limits,
  no network, a filesystem allow-list; the kernel talks over Unix sockets (``transport="ipc"``)
  kept in a private folder, so it needs no network at all;
* **guards the test cells** against a notebook that tampers with what they call.  Before the
  first cell it imports every module the instructor's cells import and records the functions
  and classes of those modules, the builtins, IPython's execution hooks and the helpers the
  instructor's cells bind (``np``, ``assert_raises``, ...).  After each cell it compares: a
  change made by the student's code is undone at once (and reported in the feedback); a
  change made while a *test* ran (say an answer function that patches ``numpy.isclose`` when
  called) fails that test.  Right before each test the trusted state is put back, tracing is
  switched off and student variables that shadow builtins are hidden.  If the guard cannot
  run (the notebook broke the kernel's execution machinery) every later test fails;
* caps the output a notebook may produce (``GANCOURSE_GRADE_OUTPUT_KB``): the rest is dropped
  with a note, errors and stderr (which decide a test's fate) are always kept;
* flags for the instructor answer cells that reach for the grading machinery
  (``get_ipython``, ``sys.modules``, ``gc``, ``ctypes``, patching a library module, ...);
* writes what it saw (kernel death and why, truncated output, undone tampering, flags) to
  ``<course root>/sandbox_notes/<student>/<assignment>/<notebook>.json``, which
  ``grader/grade.py`` turns into the student's feedback and the ``message`` column.

All this runs in the student's own process, so it stops tampering with the functions tests
use, not a determined attack on the guard itself; that is what the flags are for (and why a
flagged submission deserves a look).  README.md ("What the grader protects against") lists
what holds where.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import CaselessStrEnum

from grader import sandbox, verdict
from grader.kernel_files import (
    course_root,
    make_scratch,
    notes_path,
    read_regular_file,
    remove_scratch,
    rmtree_unlocking,
    sandbox_parent,
)
from grader.limits import Limits
from grader.sandbox import HIDDEN_CODE, HIDDEN_TEST_READS, REPO, default_read_paths
from grader.static_flags import cell_role, flag_source, imported_modules, module_aliases


# ------------------------------------------------------------------------------------------
# Kernel manager
# ------------------------------------------------------------------------------------------
def kernel_policy(cwd: Path) -> dict[str, list[str]]:
    """What a kernel running in ``cwd`` (``<root>/autograded/<student>/<assignment>``) may touch."""
    import importlib.util

    read = default_read_paths()
    spec = importlib.util.find_spec("gancourse")
    if spec and spec.submodule_search_locations:
        read += list(spec.submodule_search_locations)
    assignment = cwd.name
    listing = []
    try:
        from importlib.metadata import PackageNotFoundError, distribution

        distribution("gancourse")  # installed (make venv: editable): found without listing
    except PackageNotFoundError:
        listing.append(str(REPO))  # found through PYTHONPATH: the import system lists REPO
    extra = HIDDEN_TEST_READS.get(assignment, ())
    if extra:
        read += [str(REPO / rel) for rel in HIDDEN_CODE + extra]
        # the import system lists the folders on sys.path: names only, no contents
        listing += [str(REPO), str(REPO / "grader"), str(REPO / "solutions")]
    return {"read": read, "list": listing, "write": [str(cwd)]}


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel through the launcher ``grader/sandbox.py``, over Unix sockets."""

    #: Unix sockets where there is fork (Linux, macOS); elsewhere (Windows) the kernel starts
    #: unsandboxed over TCP, limited only by nbgrader's per-cell timeout
    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc" if hasattr(os, "fork") else "tcp",
                                config=True)

    sandbox_dir: Path | None = None
    sandbox_report: dict | None = None

    async def _async_pre_start_kernel(self, **kw):
        # connection file, report (the kernel may not write either), sockets, HOME and TMPDIR
        # in a private folder
        self.sandbox_dir = Path(tempfile.mkdtemp(prefix="gck-", dir=sandbox_parent()))
        for sub in ("home", "tmp", "ipc"):
            (self.sandbox_dir / sub).mkdir()
        self.connection_file = str(self.sandbox_dir / "kernel.json")
        if self.transport == "ipc":
            self.ip = str(self.sandbox_dir / "ipc" / "kernel")
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if not hasattr(os, "fork"):
            return cmd
        cwd = Path(self._launch_args.get("cwd") or os.getcwd()).resolve()
        policy = kernel_policy(cwd)
        limits = Limits.from_env(self._launch_args.get("env") or os.environ)
        # the launcher runs as a script (it finds its sibling modules itself), so it needs
        # neither the repository on PYTHONPATH nor anything but the standard library and psutil
        wrapper = [sys.executable, str(Path(sandbox.__file__).resolve()), *limits.argv(),
                   "--report", str(self.sandbox_dir / "report.json"),
                   "--home", str(self.sandbox_dir / "home"), "--tmp", str(self.sandbox_dir / "tmp"),
                   "--read", self.connection_file, "--sockets", str(self.sandbox_dir / "ipc")]
        for key, flag in (("read", "--read"), ("list", "--list"), ("write", "--write")):
            for path in policy[key]:
                wrapper += [flag, path]
        return wrapper + ["--"] + cmd

    def load_report(self) -> dict | None:
        if self.sandbox_dir is not None:
            path = self.sandbox_dir / "report.json"
            try:
                self.sandbox_report = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError):
                pass
        return self.sandbox_report

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self.sandbox_dir is not None:
            self.load_report()
            shutil.rmtree(self.sandbox_dir, ignore_errors=True)


# ------------------------------------------------------------------------------------------
# The guard, executed inside the kernel
# ------------------------------------------------------------------------------------------
#: The guard's source (grader/kernel_guard.py), read once by the grader (never imported; the
#: kernel runs it).
GUARD_SOURCE = (Path(__file__).resolve().parent / "kernel_guard.py").read_text()


#: What a test cell keeps of the kernel's stdout and displays, at most (characters of JSON).
_TEST_OUTPUT_CHARS = 20_000
_ERROR_CHARS = 4_000


def _capped_error(ename, evalue, tb) -> NotebookNode:
    """An error output whose name, message and traceback are plain strings of bounded size."""
    ename = str(ename)[:200] if isinstance(ename, str) else "Error"
    evalue = str(evalue) if isinstance(evalue, str) else ""
    if len(evalue) > _ERROR_CHARS:
        evalue = evalue[:_ERROR_CHARS] + " [... truncated by the grader]"
    lines, used = [], 0
    for line in tb if isinstance(tb, list) else []:
        line = line if isinstance(line, str) else ""
        used += len(line)
        if used > 4 * _ERROR_CHARS or len(lines) >= 200:
            lines.append("[... traceback truncated by the grader]")
            break
        lines.append(line[:_ERROR_CHARS])
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=lines)


class SandboxedExecute(Execute):
    """nbgrader's ``Execute`` with the sandboxed kernel, the test guard and an output cap."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)

    # -- set-up and the notes ---------------------------------------------------------------
    def preprocess(self, nb, resources=None, km=None):
        info = (resources or {}).get("nbgrader", {})
        self._notes = {"student": info.get("student", "?"), "assignment": info.get("assignment", "?"),
                       "notebook": info.get("notebook", "?"), "kernel": None, "truncated": False,
                       "tampering": [], "failed_tests": [], "flags": [], "guard": "ok"}
        self._limits = Limits.from_env()
        self._output_used = 0
        self._guard = None
        self._guard_broken = False
        self._in_guard = False
        self._truncated_cells: set[int] = set()
        self._km_ref = None
        resources = resources if resources is not None else {}
        meta = resources.setdefault("metadata", {})
        graded_folder = Path(meta.get("path") or os.getcwd())
        self._scratch = make_scratch(self._notes["assignment"])
        self._snapshot_submitted(graded_folder)
        self._restore_submitted()  # the declared files, copied into the scratch folder
        meta["path"] = str(self._scratch)  # the kernel's working directory
        aliases = module_aliases(nb.cells)
        for index, cell in enumerate(nb.cells):
            if cell_role(cell) == "student":
                name = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {index}")
                for why in flag_source(cell.source, aliases):
                    self._notes["flags"].append(f"{name}: {why}")
        self._trusted_imports = sorted({m for c in nb.cells if cell_role(c) in ("test", "instructor")
                                        for m in imported_modules(c.source)})
        self._checks = verdict.TrustedChecks(
            [(c.metadata.get("nbgrader", {}).get("grade_id", f"cell {i}"), c.source)
             for i, c in enumerate(nb.cells) if cell_role(c) == "student"],
            files={path.name: content for path, content in self._submitted.items()},
            student=self._notes["student"], assignment=self._notes["assignment"])
        self._observations: list[str] | None = None
        try:
            return super().preprocess(nb, resources, km)
        except DeadKernelError as exc:
            self._notes["failure"] = "DeadKernelError"
            report = self._report() or {}
            if not report.get("reason"):
                raise  # it died on its own (os._exit, a crash): nbgrader's message says so
            self._notes["kernel"] = {"reason": report["reason"], "detail": report["detail"]}
            self.log.error("sandbox: the kernel %s", report["detail"])
            raise DeadKernelError(f"Kernel died: the notebook {report['detail']}") from exc
        except BaseException as exc:
            self._notes["failure"] = type(exc).__name__
            raise
        finally:
            meta["path"] = str(graded_folder)
            remove_scratch(self._scratch)
            report = self._report() or {}
            km = self._km_ref
            if isinstance(km, SandboxKernelManager) and km.sandbox_dir is not None:
                # nbclient skips the manager's clean-up when the kernel died
                shutil.rmtree(km.sandbox_dir, ignore_errors=True)
            self._notes["sandbox"] = report.get("protections")
            self._notes["usage"] = {k: report.get(k) for k in
                                    ("peak_rss_mb", "peak_tasks", "cpu_seconds", "seconds")}
            self._notes["limits"] = report.get("limits")
            self._write_notes()

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        self._km_ref = km
        return km

    def _report(self) -> dict | None:
        km = self._km_ref
        return km.load_report() if isinstance(km, SandboxKernelManager) else None

    def _write_notes(self) -> None:
        n = self._notes
        path = notes_path(course_root(), n["student"], n["assignment"], n["notebook"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(n, indent=1, sort_keys=True))

    # -- the submitted files ----------------------------------------------------------------
    def _snapshot_submitted(self, folder: Path) -> None:
        """Remember the files submitted beside the notebook (``EXTRA_FILES``), as submitted
        (regular files only, links not followed, at most ``SUBMITTED_FILE_BYTES`` each); they
        are restored into the kernel's scratch folder before every cell."""
        from grader.submissions import EXTRA_FILES

        self._submitted: dict[Path, bytes | None] = {}
        for name in EXTRA_FILES.get(self._notes["assignment"], ()):
            self._submitted[self._scratch / name] = read_regular_file(folder / name)

    def _restore_submitted(self) -> list[str]:
        """Put every submitted file back into the scratch folder as it was submitted (the tests
        grade those bytes, not what the notebook wrote over them); the names of the files that
        had changed.  Whatever stands in a file's place (a link, a FIFO, a folder) is removed
        without being followed or opened."""
        changed = []
        for path, content in self._submitted.items():
            try:
                os.lstat(path)
                exists = True
            except OSError:
                exists = False
            now = read_regular_file(path) if exists else None
            if exists == (content is not None) and now == content:
                continue
            changed.append(f"{path.name} (a submitted file)")
            if exists:
                if path.is_dir() and not path.is_symlink():
                    rmtree_unlocking(path)
                else:
                    path.unlink()
            if content is not None:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
                with os.fdopen(fd, "wb") as f:
                    f.write(content)
        return changed

    # -- the guard --------------------------------------------------------------------------
    def _run_guard(self, code: str, index: int) -> dict | None:
        """Run guard code in the kernel; its JSON reply, or None when it did not answer."""
        cell = NotebookNode(cell_type="code", source=code, metadata={}, outputs=[])
        real = self.nb.cells[index]
        self._in_guard = True
        try:
            self.execute_cell(cell, index, store_history=False)
        finally:
            self._in_guard = False
            self.nb.cells[index] = real
        for out in cell.outputs:
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                for line in out.get("text", "").splitlines():
                    try:
                        reply = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    if isinstance(reply, dict) and reply.get("token") == self._token:
                        return reply
        return None

    def _guard_call(self, call: str, index: int) -> dict | None:
        if self._guard_broken:
            return None
        reply = self._run_guard(f"__gancourse_guard__.{call}", index)
        if reply is None:  # once more: a late interrupt may have hit the first try
            reply = self._run_guard(f"__gancourse_guard__.{call}", index)
        if reply is None:
            self._guard_broken = True
            self._notes["guard"] = "broken: the notebook stopped the grader's checks from running"
        return reply

    def _install_guard(self, index: int) -> None:
        self._token = secrets.token_hex(16)
        # the guard's functions get their own globals and a copy of the builtins taken now,
        # so a notebook that shadows or patches a builtin later cannot bend the guard itself
        code = ("_gancourse_g = {'__builtins__': dict(vars(__import__('builtins'))), "
                "'get_ipython': get_ipython}\n"
                f"exec(compile({GUARD_SOURCE!r}, '<gancourse-guard>', 'exec'), _gancourse_g)\n"
                "__gancourse_guard__ = _gancourse_g['__gancourse_guard_factory']("
                f"{self._trusted_imports!r}, {self._token!r})\n"
                "del _gancourse_g\n__gancourse_guard__.report(installed=True)\n")
        cell_timeout = self.timeout
        self.timeout = max(cell_timeout or 0, 600)  # importing TensorFlow on a busy machine
        try:
            self._guard = self._run_guard(code, index)
        finally:
            self.timeout = cell_timeout
        if self._guard is None:
            self._guard_broken = True
            self._notes["guard"] = "could not be installed"

    def preprocess_cell(self, cell, resources, index):
        role = cell_role(cell)
        if role is None:
            return super().preprocess_cell(cell, resources, index)
        if self._guard is None and not self._guard_broken:
            self._install_guard(index)
        name = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {index}")
        files = self._restore_submitted()  # changed by an earlier cell: put back
        if files:
            self._notes["tampering"].append({"cell": name, "changed": files,
                                             "when": "before this cell"})
        split = None
        if role == "test":
            reply = self._guard_call("before_test()", index)
            if reply and reply["changed"]:
                self._notes["tampering"].append({"cell": name, "changed": reply["changed"],
                                                 "when": "before the test"})
            split = verdict.split_test(cell.source)
        else:
            self._guard_call("begin()", index)
        if split is not None:
            # the kernel gets the cell without its trusted check; observations are collected
            source, cell.source = cell.source, split.kernel
            self._observations = []
            try:
                cell, resources = super().preprocess_cell(cell, resources, index)
            finally:
                cell.source = source
                payloads, self._observations = self._observations, None
        else:
            cell, resources = super().preprocess_cell(cell, resources, index)
        reply = self._guard_call(f"after({role!r})", index)
        changed = (reply["changed"] if reply else []) + (
            self._restore_submitted() if role == "test" else [])
        failed = None
        if changed:
            self._notes["tampering"].append({"cell": name, "changed": changed,
                                             "when": "while it ran" if role == "test" else "by this cell"})
            if role == "test":
                failed = ("the code under test replaced " + ", ".join(changed[:5])
                          + " while this test ran; the test does not count")
        if role == "test" and self._guard_broken:
            failed = "the notebook disabled the grader's checks, so this test cannot be trusted"
        if failed:
            self._notes["failed_tests"].append({"cell": name, "why": failed})
            cell.outputs.append(NotebookNode(output_type="error", ename="GradingIntegrityError",
                                             evalue=failed,
                                             traceback=[f"GradingIntegrityError: {failed}"]))
        if role == "test":
            self._decide(cell, split, payloads if split is not None else [], bool(failed))
        return cell, resources

    # -- the verdict --------------------------------------------------------------------------
    def _decide(self, cell, split, payloads: list[str], integrity_failed: bool) -> None:
        """Replace a test cell's outputs by the grader's verdict.

        nbgrader grades a test cell from its outputs (an error or stderr: 0; a displayed number:
        partial credit; else full marks), and every output came from the student's process.  So
        none of them is kept as it came: the kernel's stdout and displays stay (capped, for the
        student to read), a displayed value is dropped, and the cell fails through exactly one
        error output written here when the kernel's run failed (unless the trusted check alone
        decides, ``GANCOURSE_VERDICT=checks``), the guard saw tampering, or the check failed.
        """
        kernel_errors = [o for o in cell.outputs if o.get("output_type") == "error"
                         or (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        kept, used = [], 0
        for o in cell.outputs:
            if o.get("output_type") == "stream" and o.get("name") == "stdout" or \
                    o.get("output_type") == "display_data":
                used += len(json.dumps(o.get("text", o.get("data", "")), default=str))
                if used <= _TEST_OUTPUT_CHARS:
                    kept.append(o)
        why = None
        if split is not None and split.check is not None:
            why = self._checks.run(split, payloads,
                                   cell.metadata.get("nbgrader", {}).get("grade_id", "?"))
        kernel_counts = not (split is not None and split.check is not None and verdict.checks_only())
        error = None
        if integrity_failed:
            error = next(o for o in kernel_errors if o.get("ename") == "GradingIntegrityError")
        elif kernel_errors and kernel_counts:
            first = kernel_errors[0]
            if first.get("output_type") == "error":
                # no traceback: its frames quote the cell's code, hidden probe included
                ename, evalue = first.get("ename", "Error"), first.get("evalue", "")
                error = _capped_error(ename, evalue, [f"{ename}: {evalue}"[:_ERROR_CHARS]])
            else:
                error = _capped_error("StderrOutput", "the test wrote to stderr: "
                                      + first.get("text", "")[:500], [])
        elif why is not None and 0.0 < self._checks.credit < 1.0:
            # partial credit (verdict.py's parts): nbgrader scores a test cell whose outputs
            # hold no error and an execute_result by the number it shows
            points = float(cell.metadata.get("nbgrader", {}).get("points", 0))
            earned = round(points * self._checks.credit, 2)
            note = NotebookNode(output_type="stream", name="stdout",
                                text=f"Partial credit: {earned:g} of {points:g} points. "
                                     f"Parts that failed:\n{why}\n")
            result = NotebookNode(output_type="execute_result", execution_count=None,
                                  metadata={}, data={"text/plain": repr(earned)})
            cell.outputs = kept + [note, result]
            return
        elif why is not None:
            error = _capped_error("AssertionError", why, [])
        if why is not None and error is not None and error.get("evalue") != why:
            error.evalue = f"{error.get('evalue', '')}\n(hidden check: {why})"[:verdict.MESSAGE_CHARS * 2]
        cell.outputs = kept + ([error] if error is not None else [])

    # -- the output cap ---------------------------------------------------------------------
    def output(self, outs, msg, display_id, cell_index):
        if self._in_guard:
            return super().output(outs, msg, display_id, cell_index)
        content = msg.get("content", {})
        data = content.get("data") if isinstance(content.get("data"), dict) else {}
        if verdict.MIME in data:  # an observation: for the check, never an output
            if self._observations is not None and msg["msg_type"] == "display_data":
                self._observations.append(data[verdict.MIME])
            return None
        if msg["msg_type"] == "error":  # student-controlled text too: bounded like the rest
            capped = _capped_error(content.get("ename", ""), content.get("evalue", ""),
                                   content.get("traceback", []))
            content.update(ename=capped.ename, evalue=capped.evalue, traceback=capped.traceback)
        keep_always = msg["msg_type"] == "error" or (msg["msg_type"] == "stream"
                                                     and content.get("name") == "stderr")
        size = len(json.dumps(content.get("data", content.get("text", "")), default=str))
        self._output_used += size
        cap = self._limits.output_kb * 1024
        if self._output_used <= cap:
            return super().output(outs, msg, display_id, cell_index)
        self._notes["truncated"] = True
        if keep_always:
            if msg["msg_type"] == "stream" and len(content.get("text", "")) > 4096:
                content["text"] = content["text"][:4096] + "\n[... truncated by the grader]\n"
            return super().output(outs, msg, display_id, cell_index)
        if cell_index not in self._truncated_cells:
            self._truncated_cells.add(cell_index)
            note = NotebookNode(output_type="stream", name="stdout",
                                text=f"\n[output truncated by the grader: the notebook printed more "
                                     f"than {self._limits.output_kb} kB]\n")
            outs.append(note)
            return note
        return None
