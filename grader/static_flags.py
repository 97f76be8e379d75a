"""What the grader reads from a notebook's code without running it: each cell's role, the
modules a cell imports, and the answer cells that reach for the grading machinery (flags for
the instructor: ``get_ipython``, ``sys.modules``, ``gc``, ``ctypes``, patching a library
module, a path outside the notebook's folder, ...).

Read with ``ast`` only; importing a module to classify a name would cost seconds (TensorFlow).
"""
from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["as_python", "cell_role", "flag_source", "imported_modules", "module_aliases"]


def cell_role(cell) -> str | None:
    """``test`` (autograded test), ``instructor`` (locked), ``student`` (answer or added cell)."""
    if cell.cell_type != "code" or not cell.source.strip():
        return None
    meta = cell.metadata.get("nbgrader", {})
    if meta.get("grade") and not meta.get("solution"):
        return "test"
    if meta.get("locked") and not meta.get("solution"):
        return "instructor"
    return "student"


def imported_modules(source: str) -> list[str]:
    """Top-level module names a cell imports (``import a.b`` -> ``a.b``; ``from a import b`` -> ``a``)."""
    try:
        tree = ast.parse(as_python(source))
    except SyntaxError:
        return []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def as_python(source: str) -> str:
    """Cell source with IPython syntax (``%magic``, ``!shell``) turned into Python."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - fall back to the raw source
        return source


#: What an answer cell must not need: the grading machinery, not the assignment.
_FLAG_NAMES = {
    "get_ipython": "IPython's shell (get_ipython)", "gc": "the garbage collector (gc)",
    "ctypes": "ctypes", "ipykernel": "the kernel (ipykernel)", "IPython": "IPython internals",
    "grader": "the grader package", "builtins": "the builtins module",
    "__builtins__": "the builtins module", "__import__": "__import__",
    "subprocess": "subprocess (running programs)", "socket": "network sockets",
    "urllib": "urllib (network)", "requests": "requests (network)", "signal": "signals",
    "multiprocessing": "multiprocessing", "__gancourse_guard__": "the grader's test guard",
}
_FLAG_ATTRS = {
    "modules": ("sys", "sys.modules"), "_getframe": (None, "frame inspection"),
    "f_back": (None, "frame inspection"), "f_globals": (None, "frame inspection"),
    "f_locals": (None, "frame inspection"), "settrace": (None, "tracing (settrace)"),
    "setprofile": (None, "profiling hooks (setprofile)"), "__subclasses__": (None, "__subclasses__"),
    "__globals__": (None, "function globals"), "_exit": ("os", "os._exit"),
    "system": ("os", "os.system"), "fork": ("os", "os.fork"), "kill": ("os", "os.kill"),
    "currentframe": ("inspect", "frame inspection"), "stack": ("inspect", "frame inspection"),
}


_GRADER_PLACES = ("solutions", "gradebook", "submitted", "autograded", "feedback", "release")


def _outside_path(text: str) -> bool:
    """Does a string literal name a file outside the notebook's folder (or the grader's)?"""
    if "\n" in text or len(text) > 300:
        return False
    parts = text.replace("\\", "/").split("/")
    return (text.startswith(("/", "~")) and text not in ("/", "/dev/null")) or ".." in parts \
        or any(part.startswith(_GRADER_PLACES) for part in parts if len(parts) > 1)


def flag_source(source: str, module_aliases: set[str]) -> list[str]:
    """Why an answer cell looks like it tampers with grading (empty for ordinary code)."""
    try:
        tree = ast.parse(as_python(source))
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and _outside_path(node.value):
            found.append(f"refers to a path outside its folder ({node.value[:60]!r})")
        elif isinstance(node, ast.Name) and node.id in _FLAG_NAMES:
            found.append(f"uses {_FLAG_NAMES[node.id]}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for mod in mods:
                if mod == "IPython.display" or (isinstance(node, ast.ImportFrom) and mod == "IPython"
                                                and all(a.name == "display" for a in node.names)):
                    continue  # showing images and plots is fine
                if mod.split(".")[0] in _FLAG_NAMES:
                    found.append(f"imports {_FLAG_NAMES[mod.split('.')[0]]}")
        elif isinstance(node, ast.Attribute):
            owner, label = _FLAG_ATTRS.get(node.attr, (False, ""))
            base = node.value.id if isinstance(node.value, ast.Name) else None
            if owner is not False and (owner is None or owner == base):
                found.append(f"uses {label}")
            if isinstance(node.ctx, (ast.Store, ast.Del)) and _root_name(node) in module_aliases:
                found.append(f"replaces {ast.unparse(node)} (a library function)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("setattr", "delattr") and node.args \
                and _root_name(node.args[0]) in module_aliases:
            found.append(f"calls {node.func.id} on {ast.unparse(node.args[0])} (a library module)")
    return list(dict.fromkeys(found))


def _root_name(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def module_aliases(cells) -> set[str]:
    aliases = {"sys", "os", "builtins"}
    for cell in cells:
        try:
            tree = ast.parse(as_python(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                aliases |= {a.asname or a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                aliases |= {a.asname or a.name for a in node.names
                            if _is_module(f"{node.module}.{a.name}")}
    return aliases


def _is_module(dotted: str) -> bool:
    """Is ``dotted`` a module (``scipy.stats``) rather than a name in one (``math.pi``)?
    Looks at the files only: importing TensorFlow to find out would cost seconds."""
    import importlib.util

    top, *rest = dotted.split(".")
    try:
        spec = importlib.util.find_spec(top)  # a top-level lookup imports nothing
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    for root in spec.submodule_search_locations:
        base = Path(root, *rest)
        if (base / "__init__.py").is_file() or base.with_suffix(".py").is_file() \
                or any(base.parent.glob(base.name + ".*.so")):
            return True
    return False
