"""The shape of the code, checked: dependencies inside ``gancourse`` and ``grader`` point one way
(no import cycle, function-level imports included), no module reaches for another module's
private names, the facades that released notebooks import hold no code and nothing in the
library imports them, and no module of either package outgrows ~500 lines.

Read from the source with ``ast`` (nothing is imported), so a violation names file and line.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("gancourse", "grader")
#: modules kept for the names released notebooks import: re-exports only
FACADES = ("gancourse.gan", "gancourse.objectives", "gancourse.stabilize")
MAX_LINES = 520  # "~500": a module past this is two ideas


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "mutants" in path.parts or "alternatives" in path.parts:
                continue  # wrong-on-purpose answers and their kin are data, not code
            found[module_name(path)] = path
    return found


MODULES = project_modules()


def resolve(name: str) -> str | None:
    """The project module ``name`` refers to (a module, or a name inside one), or None."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, imported module, imported name or None) of every import in ``path``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.lineno, node.module, alias.name) for alias in node.names]
    return out


def dependencies(name: str) -> dict[str, int]:
    """{project module ``name`` imports: first line}; ``from pkg import module`` counts as the
    module."""
    deps: dict[str, int] = {}
    for line, module, imported in imports(MODULES[name]):
        target = resolve(f"{module}.{imported}" if imported else module)
        if target is not None and target != name:
            deps.setdefault(target, line)
    return deps


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def graph_of(modules) -> dict[str, dict[str, int]]:
    return {m: {d: line for d, line in dependencies(m).items() if d in modules} for m in modules}


def test_the_scan_sees_the_library():
    assert {"gancourse.models.gan", "gancourse.losses.adversarial", "grader.grade",
            "grader.sandbox"} <= set(MODULES)
    deps = dependencies("gancourse.models.gan")
    assert "gancourse.losses.adversarial" in deps and "gancourse.terms" in deps


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b": 1}, "b": {}}) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package):
    modules = [m for m in MODULES if m.split(".")[0] == package]
    graph = graph_of(modules)
    found = cycles(graph)
    detail = [" -> ".join(c) + "  (" + ", ".join(
        f"{a} imports {b} at line {graph[a][b]}" for a in c for b in c if b in graph[a]) + ")"
        for c in found]
    assert not found, "import cycles:\n" + "\n".join(detail)


def private_uses(name: str) -> list[str]:
    """Private names of *other* project modules that module ``name`` imports or reads."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(), str(path))
    found = []
    aliases: dict[str, str] = {}  # local name -> project module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            source = resolve(node.module)
            for alias in node.names:
                module = resolve(f"{node.module}.{alias.name}")
                if module is not None and module != source:
                    aliases[alias.asname or alias.name] = module
                elif (source is not None and source != name and alias.name.startswith("_")
                      and not alias.name.startswith("__")):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno} imports "
                                 f"{alias.name} from {source}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if resolve(alias.name) and alias.asname:
                    aliases[alias.asname] = resolve(alias.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and aliases[node.value.id] != name
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{path.relative_to(REPO)}:{node.lineno} reads "
                         f"{aliases[node.value.id]}.{node.attr}")
    return found


def test_the_private_name_check_sees_both_forms(tmp_path, monkeypatch):
    fake = tmp_path / "probe.py"
    fake.write_text("from gancourse.checks import _is_int\nfrom gancourse import checks as c\n"
                    "c._is_real(1)\n")
    monkeypatch.setitem(MODULES, "probe", fake)
    monkeypatch.setattr("test_architecture.REPO", tmp_path)
    found = private_uses("probe")
    assert len(found) == 2 and "_is_int" in found[0] and "_is_real" in found[1]


def test_no_private_name_crosses_a_module():
    found = [use for m in sorted(MODULES) for use in private_uses(m)]
    assert not found, "private names used across modules (make them public or move them):\n" \
        + "\n".join(found)


@pytest.mark.parametrize("facade", FACADES)
def test_facades_only_re_export(facade):
    tree = ast.parse(MODULES[facade].read_text())
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        all_ = (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) == "__all__")
        assert docstring or all_ or isinstance(node, (ast.Import, ast.ImportFrom)), \
            f"{facade} line {node.lineno}: a facade holds no code (move it to its home)"
    importers = [m for m in MODULES if m not in FACADES and facade in dependencies(m)]
    assert not importers, f"{facade} is for notebooks; library modules import the homes: " \
                          f"{importers}"


def test_facades_export_what_they_name():
    import importlib

    for facade in FACADES:
        module = importlib.import_module(facade)
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert not missing, f"{facade}.__all__ names {missing}, which it does not define"


def test_library_and_grader_modules_stay_small():
    big = {str(p.relative_to(REPO)): n for m, p in MODULES.items()
           if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines (split them by idea): {big}"


def test_one_assignment_registry_covers_every_assignment():
    from grader.assignments import REGISTRY, spec

    assert sorted(REGISTRY) == sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())
    for a, s in REGISTRY.items():
        assert s.id == a and spec(a) is s
        missing = [p for p in s.hidden_reads if not (REPO / p).exists()]
        assert not missing, f"{a}: hidden tests read paths that do not exist: {missing}"
        # data only: the code probes import lives in grader/hidden/ (the sandbox adds it)
        code = [p for p in s.hidden_reads if p.endswith(".py") or not p.startswith("grader/reference/")]
        assert not code, f"{a}: hidden_reads may list reference data only, not {code}"
    with pytest.raises(ValueError, match="unknown assignment"):
        spec("a9_nope")


def test_no_other_grader_module_keeps_a_per_assignment_table():
    """The four old tables are views of the registry, not tables of their own."""
    for name, module in (("EXTRA_FILES", "grader.submissions"), ("PARTIAL_ANSWERS",
                         "grader.submissions"), ("HIDDEN_TEST_READS", "grader.sandbox"),
                         ("SETTINGS", "grader.quality")):
        tree = ast.parse(MODULES[module].read_text())
        assigned = [n for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                    and name in [getattr(t, "id", None) for t in
                                 (n.targets if isinstance(n, ast.Assign) else [n.target])]]
        assert len(assigned) == 1 and isinstance(assigned[0].value, ast.DictComp), \
            f"{module}.{name} must be derived from grader.assignments.REGISTRY"


def test_the_kernel_guard_is_a_real_module_loaded_from_its_source():
    """The guard runs inside the student's kernel; the grader reads its file (never imports
    it), so the lint and this test see the code that runs."""
    from grader import sandbox_kernel

    path = REPO / "grader" / "kernel_guard.py"
    assert sandbox_kernel.GUARD_SOURCE == path.read_text()
    tree = ast.parse(sandbox_kernel.GUARD_SOURCE)
    defs = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert defs == ["__gancourse_guard_factory"]
    assert all(isinstance(n, (ast.Expr, ast.FunctionDef)) for n in tree.body), \
        "nothing but the factory runs when the guard is loaded"
    assert "grader.kernel_guard" not in {d for m in MODULES for d in dependencies(m)}


def test_the_code_a_grading_kernel_may_read_is_closed():
    """``grader/hidden/`` is the sandbox's read allow-list of grader code: it imports nothing
    else of the grader (nor anything outside the standard library), and the kernel part of every
    hidden test imports nothing else of the grader."""
    import sys

    from grader.sandbox import HIDDEN_CODE
    from grader.static_flags import cell_role
    from grader.verdict import split_test

    assert HIDDEN_CODE == ("grader/__init__.py", "grader/hidden")
    for name, path in MODULES.items():
        if name == "grader.hidden" or name.startswith("grader.hidden."):
            for line, module, _ in imports(path):
                top = module.split(".")[0]
                assert module.startswith("grader.hidden") or (
                    top != "grader" and top in sys.stdlib_module_names), \
                    f"{path.name}:{line} imports {module}: grader/hidden holds stdlib code only"
    assert imports(REPO / "grader" / "__init__.py") == []
    import nbformat

    probes = 0
    for nb_path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(str(nb_path), as_version=4).cells:
            if cell_role(cell) != "test":
                continue
            kernel = split_test(cell.source).kernel
            for node in ast.walk(ast.parse(kernel)):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                for module in names:
                    if module.split(".")[0] == "grader":
                        probes += 1
                        assert module.startswith("grader.hidden"), \
                            f"{nb_path.name}: a probe imports {module}; only grader.hidden is readable"
    assert probes >= 2  # a3's transplant probes
