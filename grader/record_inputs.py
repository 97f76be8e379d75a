"""What an assignment's mutation record depends on: the files whose change can change a score.

``make test`` trusts ``grader/reference/mutation_record.json`` only while its per-assignment
digest matches this checkout (``grader/mutation.py``).  The digest covers

* the assignment's own sources: solution notebooks, mutants, alternatives, reference artifacts;
* the **grading code a grading run executes**: the ``grader`` modules reached from the entry
  points in :data:`GRADING_ENTRY_POINTS` (the recorder, which grades through ``grade.py``; the
  nbgrader configuration every grading process loads, which names the sandboxed preprocessor by
  a dotted string; the guard the kernel runs; ``grader/hidden/``) and from the assignment's own
  sources, transitively, less the two that cannot change a score (:data:`NOT_SCORING`); of
  ``grader/assignments.py`` only this assignment's entry and the code that reads it.  So a new
  tool beside them (a reference trainer, a class report) leaves every record valid;
* the **course library modules grading can run**: the ``gancourse`` modules that the sources
  above import, transitively (function-level imports and dotted ``"gancourse.x"`` names in
  strings included, which ``gancourse.testing`` resolves), with their packages' ``__init__.py``,
  plus the library's data files (the feature network's weights);
* the pins (``pyproject.toml``, ``requirements.lock``).

So a new variant's library modules, lecture, assignment or grader tool leave the other
assignments' records valid, while an edit to anything one of them can run invalidates it.  Where
a source cannot be read statically (a syntax error), every module of that package counts.
``tests/test_record_inputs.py`` checks the closure against the ``grader`` modules a real grading
run imports.
"""
from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterable
from pathlib import Path

import nbformat

from grader.static_flags import as_python
from grader.workspace import REPO, SOLUTIONS

__all__ = ["GRADING_ENTRY_POINTS", "NOT_SCORING", "closure", "grading_inputs", "grading_modules",
           "library_closure", "library_modules_named", "modules_named"]

LIBRARY = "gancourse"
GRADER = "grader"
#: where grading starts (see the module docstring), besides every file of grader/hidden/
GRADING_ENTRY_POINTS = ("grader/mutation.py", "grader/nbgrader_config.py", "grader/kernel_guard.py")
#: modules a grading run loads that cannot change a score: the progress bar and the feedback
#: pages' rendering (their edits keep the record)
NOT_SCORING = ("grader/progress.py", "grader/feedback.py")


def _dotted(package: str) -> re.Pattern:
    """A dotted name of ``package`` filling a whole string (``"gancourse.viz."`` names a whole
    module, as ``gancourse.testing.COURSE_TOOLS`` does)."""
    return re.compile(rf"{package}(\.[A-Za-z_][A-Za-z0-9_]*)*\.?")


def module_file(dotted: str) -> Path | None:
    """The file of library module ``dotted`` (``gancourse.models.gan``), or None."""
    base = REPO.joinpath(*dotted.split("."))
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules_of(candidate: str) -> set[str]:
    """The library modules a dotted name needs: its longest module prefix and the packages
    above it (importing ``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py``)."""
    parts = candidate.split(".")
    for n in range(len(parts), 0, -1):
        if module_file(".".join(parts[:n])) is not None:
            return {".".join(parts[:k]) for k in range(1, n + 1)}
    return set()


def modules_named(source: str, root: str, package: str | None = None) -> set[str] | None:
    """Modules of package ``root`` (``"gancourse"``, ``"grader"``) that a piece of Python (or
    notebook cell) source imports or names: imports anywhere in it, dotted names in strings,
    ``root.x.y`` attribute chains.  ``package``: the package a module's relative imports start
    from.  None when the source cannot be parsed (the caller must then assume every module)."""
    try:
        tree = ast.parse(as_python(source))
    except SyntaxError:
        return None
    dotted = _dotted(root)
    candidates: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level and package:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            candidates.add(module)
            candidates |= {f"{module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and dotted.fullmatch(node.value):
            candidates.add(node.value.rstrip("."))
        elif isinstance(node, ast.Attribute):
            chain = []
            while isinstance(node, ast.Attribute):
                chain.append(node.attr)
                node = node.value
            if isinstance(node, ast.Name) and node.id == root:
                candidates.add(".".join([root, *reversed(chain)]))
    found: set[str] = set()
    for c in candidates:
        if c == root or c.startswith(root + "."):
            found |= _modules_of(c)
    return found


def library_modules_named(source: str, package: str | None = None) -> set[str] | None:
    """:func:`modules_named` for the course library, ``gancourse``."""
    return modules_named(source, LIBRARY, package)


def _all_files(root: str) -> set[Path]:
    return {p for p in (REPO / root).rglob("*.py") if "__pycache__" not in p.parts}


def closure(sources: Iterable[str], root: str) -> set[Path]:
    """The files of package ``root`` the ``sources`` can run: what they import, and what that
    imports."""
    todo: set[str] = {root}  # every import of a submodule runs the package's __init__
    for source in sources:
        named = modules_named(source, root)
        if named is None:
            return _all_files(root)
        todo |= named
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name)
        if path is None:
            continue
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        named = modules_named(path.read_text(), root, package)
        if named is None:
            return _all_files(root)
        todo |= named - seen
    return {module_file(name) for name in seen if module_file(name) is not None}


def library_closure(sources: Iterable[str]) -> set[Path]:
    """The library files the ``sources`` can run: :func:`closure` of ``gancourse``."""
    return closure(sources, LIBRARY)


def _visible(base: Path) -> list[Path]:
    """Files under ``base`` but lab checkpoints, caches and hidden files."""
    return [p for p in sorted(base.rglob("*")) if p.is_file()
            and not any(part.startswith(".") or part == "__pycache__"
                        for part in p.relative_to(base).parts)]


def grading_modules(sources: Iterable[str] = ()) -> list[Path]:
    """The grading code's files (see the module docstring): the ``grader`` modules reached from
    :data:`GRADING_ENTRY_POINTS`, ``grader/hidden/`` and ``sources`` (an assignment's own), the
    entry points themselves, less :data:`NOT_SCORING`."""
    entry = [REPO / p for p in GRADING_ENTRY_POINTS] + sorted((REPO / GRADER / "hidden").glob("*.py"))
    files = set(entry) | closure([p.read_text() for p in entry] + list(sources), GRADER)
    return sorted(p for p in files if str(p.relative_to(REPO)) not in NOT_SCORING)


def _notebook_sources(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code"]


def grading_inputs(assignment: str) -> list[tuple[str, bytes]]:
    """(name, content) of everything the record of ``assignment`` depends on (see the module
    docstring), in a fixed order."""
    from grader.assignments import REGISTRY, AssignmentSpec, spec

    own = [p for base in (SOLUTIONS / assignment, REPO / "grader" / "mutants" / assignment,
                          REPO / "grader" / "reference" / assignment) for p in _visible(base)]
    own += sorted((REPO / "grader" / "alternatives" / assignment).glob("*.py"))
    sources = [p.read_text() for p in own if p.suffix == ".py"]
    sources += [s for p in own if p.suffix == ".ipynb" for s in _notebook_sources(p)]
    grading = grading_modules(sources)
    sources += [p.read_text() for p in grading]
    library = sorted(library_closure(sources))
    data = [p for p in _visible(REPO / LIBRARY) if p.suffix != ".py"]
    registry = REPO / "grader" / "assignments.py"
    entries = []
    for p in own + [g for g in grading if g != registry] + library + data + [
            REPO / "pyproject.toml", REPO / "requirements.lock"]:
        entries.append((str(p.relative_to(REPO)), p.read_bytes()))
    # of the registry, this assignment's entry and the code that reads it, not the others'
    entries.append(("grader/assignments.py", (repr(REGISTRY[assignment]) + "\n"
                                              + inspect.getsource(AssignmentSpec)
                                              + inspect.getsource(spec)).encode()))
    return entries
