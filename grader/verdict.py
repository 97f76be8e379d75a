"""Verdicts decided outside the student's reach: a hidden test's trusted check.

Every graded test cell of ``solutions/`` ends its hidden part with a ``#### CHECK`` section
(``tests/test_verdict.py`` checks it)::

    assert np.isclose(kl_divergence(p, q), 0.51)          # visible: runs in the kernel
    ### BEGIN HIDDEN TESTS
    #### SHARED                                           # optional: kernel AND grader
    rng = np.random.default_rng(101)
    cases = [(rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))) for k in (2, 5, 17)]
    #### PROBE                                            # kernel: the student's functions
    observe(kl=[outcome(kl_divergence, a, b) for a, b in cases])
    #### CHECK                                            # grader: data only
    for (a, b), got in zip(cases, obs["kl"]):
        assert np.isclose(got, scipy.stats.entropy(a, b)), "KL differs from scipy"
    ### END HIDDEN TESTS

While autograding (``grader.sandbox_kernel.SandboxedExecute``) the kernel receives the cell
without its ``CHECK`` section: the visible part, the ``SHARED`` inputs and the ``PROBE``, which
reports the student's results with ``gancourse.testing.observe``.  The ``SHARED`` section and
then the ``CHECK`` run here, in the grader's own process, in a namespace of their own per
notebook, with ``obs`` bound to the decoded reports (plain data only, see
``gancourse/observations.py``) and ``submitted_file(name)`` to the files submitted beside the
notebook, as the grader read them.  So the references, the tolerances and the comparison are
computed by code the student's process can neither see nor change: no ``__eq__``, patched
NumPy, rewritten kernel reply or displayed value can make a failing check pass.

**Partial credit.** A check may split a cell into parts, each worth a share of its points::

    with part("the value", 2):                            # 2 of the cell's 3 shares
        assert np.isclose(returned(obs["v"]), want), "the value is wrong"
    with part("the errors it raises", 1):
        assert raised(obs["bad"], ValueError), "a bad input should raise ValueError"

A failed assertion (or any error) inside a part costs that part only; the cell scores its points
times the passed shares (``TrustedChecks.credit``) and its feedback names each failed part.  A
failure outside every part costs the whole cell.

The cell's grade is the conjunction of the kernel's own run (no error) and the check; with
``GANCOURSE_VERDICT=checks`` (``make mutants``) the check alone decides a cell that has one, so
the mutation score measures the trusted checks, not assertions the student's process could skip.
The ``SHARED`` section must be self-contained (it cannot see the visible part's variables); it
runs in both places, so its inputs are identical and the kernel's copy cannot change the check's.
"""
from __future__ import annotations

import ast
import contextlib
import dataclasses
import os
import re
import traceback
from typing import Any

import numpy as np

from gancourse.observations import MIME, ObservationError, Raised, Tensor, decode_payload
from gancourse.testing import is_course_tool, resolve
from grader.mistakes import likely_mistakes, save_fingerprint

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SECTION = re.compile(r"^#### (SHARED|PROBE|CHECK)\s*$", re.M)
#: What the student sees of a failed check's message, at most.
MESSAGE_CHARS = 2000


class TestSourceError(ValueError):
    """A test cell's hidden part is not laid out as this module's docstring says."""


@dataclasses.dataclass(frozen=True)
class SplitTest:
    kernel: str          # what the kernel runs: visible part + SHARED + PROBE
    shared: str          # runs in the kernel and in the grader
    check: str | None    # runs in the grader only (None: a cell without a trusted check)


def split_test(source: str) -> SplitTest:
    """Split a test cell's source into what the kernel runs and what the grader checks."""
    if "#### CHECK" not in source:
        return SplitTest(source, "", None)
    if source.count(BEGIN) != 1 or source.count(END) != 1 or source.index(BEGIN) > source.index(END):
        raise TestSourceError("a cell with a '#### CHECK' section needs exactly one hidden-tests block")
    head, rest = source.split(BEGIN, 1)
    hidden, tail = rest.split(END, 1)
    if tail.strip():
        raise TestSourceError("nothing may follow '### END HIDDEN TESTS' in a checked test cell")
    sections: dict[str, str] = {}
    marks = list(SECTION.finditer(hidden))
    if hidden[:marks[0].start()].strip() if marks else True:
        raise TestSourceError("the hidden part must start with '#### SHARED', '#### PROBE' or '#### CHECK'")
    for i, m in enumerate(marks):
        if m.group(1) in sections:
            raise TestSourceError(f"'#### {m.group(1)}' appears twice")
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(hidden)
        sections[m.group(1)] = hidden[m.end():stop].strip("\n")
    order = [m.group(1) for m in marks]
    if order != sorted(order, key=["SHARED", "PROBE", "CHECK"].index) or "CHECK" not in sections:
        raise TestSourceError("sections must come in the order SHARED, PROBE, CHECK")
    shared, probe = sections.get("SHARED", ""), sections.get("PROBE", "")
    kernel = head + BEGIN + "\n" + shared + "\n" + probe + "\n" + END + "\n"
    return SplitTest(kernel, shared, sections["CHECK"])


def checks_only() -> bool:
    """Does the trusted check alone decide a checked cell (``GANCOURSE_VERDICT=checks``)?"""
    mode = os.environ.get("GANCOURSE_VERDICT", "both")
    if mode not in ("both", "checks"):
        raise ValueError(f"GANCOURSE_VERDICT must be 'both' or 'checks', got {mode!r}")
    return mode == "checks"


def collect(payloads: list[str]) -> dict[str, Any]:
    """Merge a cell's observation outputs; a name reported twice is an error."""
    obs: dict[str, Any] = {}
    for text in payloads:
        for name, value in decode_payload(text).items():
            if name in obs:
                raise ObservationError(f"{name!r} was reported more than once")
            obs[name] = value
    return obs


def student_functions(cells: list[tuple[str, str]]) -> dict[str, str]:
    """{function or class name: source of its definition} for the student's cells
    (``cells``: (grade_id, source) pairs); the last definition of a name wins, as in Python."""
    found: dict[str, str] = {}
    for _, source in cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[node.name] = ast.get_source_segment(source, node) or ""
    return found


def _library_names(cells: list[tuple[str, str]]) -> dict[str, str]:
    """{name: the dotted library path it is bound to} for the names bound to gancourse (modules,
    functions) anywhere in the student's cells; ``gancourse`` itself is always one."""
    names = {"gancourse": "gancourse"}
    for _, source in cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "gancourse":
                        names[a.asname or "gancourse"] = a.name if a.asname else "gancourse"
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "gancourse":
                names.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
            elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Name, ast.Attribute)):
                path = _dotted(node.value, names)
                if path is not None:
                    names.update({t.id: path for t in node.targets if isinstance(t, ast.Name)})
    return names


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    """The library path an expression ``a.b.c`` spells when ``a`` is bound to the library."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not (isinstance(node, ast.Name) and node.id in names):
        return None
    return ".".join([names[node.id], *reversed(attrs)])


def _only_course_tools(tree: ast.AST, names: dict[str, str]) -> bool:
    """Does every use in ``tree`` of a name bound to the library reach one of the course's tools
    (``gancourse.seed_everything(0)``, ``gancourse.viz.image_grid(...)``), resolved in the
    grader's own copy of the library, and nothing else of it?"""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id in names):
            continue
        top = node
        while isinstance(parents.get(top), ast.Attribute) and parents[top].value is top:
            top = parents[top]
        target = resolve(_dotted(top, names) or "")
        if target is None or not is_course_tool(target):
            return False
    return True


class TrustedChecks:
    """The grader-side state of one notebook: the student's cells as submitted, and one
    namespace in which the notebook's SHARED and CHECK sections run, in order."""

    def __init__(self, student_cells: list[tuple[str, str]],
                 files: dict[str, bytes | None] | None = None,
                 student: str = "?", assignment: str = "?"):
        self.student_cells = student_cells
        self.student, self.assignment = student, assignment
        self.files = dict(files or {})
        self.functions = student_functions(student_cells)
        self.library = _library_names(student_cells)
        self.ns: dict[str, Any] = {"__name__": "gancourse_check", "np": np, "Raised": Raised,
                                   "Tensor": Tensor, "written_by_student": self.written_by_student,
                                   "raised": raised, "returned": returned,
                                   "submitted_file": self.submitted_file, "part": self.part}
        #: the share of its points the last checked cell earned (1: passed, 0: failed)
        self.credit = 1.0
        self._parts: dict[str, list] = {}  # part name -> [weight, why it failed or None]

    @contextlib.contextmanager
    def part(self, name: str, weight: float = 1.0):
        """A part of a check worth ``weight`` shares (see the module docstring)."""
        if not (isinstance(weight, (int, float)) and weight > 0) or name in self._parts:
            raise TestSourceError(f"part {name!r}: a new name and a positive weight, please")
        entry = self._parts[name] = [float(weight), None]
        try:
            yield
        except AssertionError as exc:
            entry[1] = (str(exc) or "a hidden check failed")[:MESSAGE_CHARS]
        except Exception as exc:  # noqa: BLE001 - a result of the wrong kind or shape
            entry[1] = f"a hidden check failed on your results ({_last_line(exc)})"

    def submitted_file(self, name: str) -> bytes | None:
        """The bytes of a file submitted beside the notebook (``EXTRA_FILES``), as the grader
        read it from the submission (None if it was not submitted): never what the kernel
        reports or leaves in its folder."""
        return self.files.get(name)

    def written_by_student(self, name: str) -> bool:
        """Is ``name`` defined in the student's cells, without naming the course library?

        Decided from the submitted source, in the grader: the definition must exist and its
        body may not mention ``gancourse`` or a name the student's cells bound to it, except to
        reach one of the course's tools (``gancourse.testing.COURSE_TOOLS``:
        ``gancourse.seed_everything`` and the like, which compute no answer).
        """
        source = self.functions.get(name)
        if source is None:
            return False
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return False
        strings = " ".join(n.value for n in ast.walk(tree)
                           if isinstance(n, ast.Constant) and isinstance(n.value, str))
        return _only_course_tools(tree, self.library) and "gancourse" not in strings

    def run(self, split: SplitTest, payloads: list[str], cell: str = "?") -> str | None:
        """Run a cell's SHARED + CHECK; None if it passed, else why it failed (for the student),
        with the known mistakes the observations match (grader/mistakes.py)."""
        try:
            obs = collect(payloads)
        except ObservationError as exc:
            self.credit = 0.0
            return f"the test's results could not be read: {exc}"
        save_fingerprint(self.student, self.assignment, cell, obs)
        self._parts = {}
        why = self._check(split, obs)
        failed = {name: w for name, w in self._parts.items() if w[1] is not None}
        total = sum(w for w, _ in self._parts.values())
        self.credit = 0.0 if why is not None else (
            1.0 - sum(w for w, _ in failed.values()) / total if failed else 1.0)
        if why is None and failed:
            why = "\n".join(f"{name} (part worth {w / total:.0%} of the points): {msg}"
                            for name, (w, msg) in failed.items())
        if why is not None:
            hints = likely_mistakes(self.assignment, cell, obs)
            if hints:
                why = why[:MESSAGE_CHARS] + "\n" + "\n".join(
                    f"This looks like a known mistake: {h}." for h in hints[:3])
        return why

    def _check(self, split: SplitTest, obs: dict[str, Any]) -> str | None:
        self.ns["obs"] = obs
        try:
            if split.shared.strip():
                exec(compile(split.shared, "<shared>", "exec"), self.ns)
            exec(compile(split.check or "", "<check>", "exec"), self.ns)
        except AssertionError as exc:
            text = str(exc) or "a hidden check failed"
            return text[:MESSAGE_CHARS]
        except KeyError as exc:
            key = exc.args[0] if exc.args else None
            if isinstance(key, str) and key not in obs:
                return (f"the test did not receive the result {key!r} from your notebook "
                        "(did the code under test raise an error or stop the cell?)")
            return f"a hidden check failed ({_last_line(exc)})"
        except Exception as exc:  # noqa: BLE001 - a result of the wrong kind or shape
            return f"a hidden check failed on your results ({_last_line(exc)})"
        finally:
            self.ns.pop("obs", None)
        return None


def raised(value: Any, exc: type[BaseException] | str) -> bool:
    """Is an observed outcome a :class:`Raised` of ``exc`` (or a subclass)?"""
    return isinstance(value, Raised) and value.is_a(exc)


def returned(value: Any) -> Any:
    """``value`` itself, unless the observed call raised: then fail the check saying so."""
    if isinstance(value, Raised):
        raise AssertionError(f"the call raised {value.type}: {value.message[:300]}")
    return value


def _last_line(exc: BaseException) -> str:
    line = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return line[:MESSAGE_CHARS]


__all__ = ["MIME", "SplitTest", "TestSourceError", "TrustedChecks", "checks_only", "collect",
           "raised", "returned", "split_test", "student_functions"]
