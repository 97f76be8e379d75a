"""Helpers for the test cells of assignments (visible and hidden).

They check *how* an answer behaves, never compute the answer itself, so importing them gives a
student nothing to copy.
"""
from __future__ import annotations

import dis
import importlib
import inspect
from collections.abc import Callable
from typing import Any

from gancourse.observations import Raised, observe, outcome  # noqa: F401  (for the probes)

#: The course's tools an answer may use: they compute nothing any assignment asks for (seeding,
#: loading the bundled digits, the test helpers, plots).  A dotted path names one object; a path
#: ending in "." every function and class *defined* in that module.  ``grader.verdict`` reads it too.
COURSE_TOOLS = ("gancourse.seeding.seed_everything", "gancourse.data.load_mnist",
                "gancourse.testing.", "gancourse.viz.")


def _in_library(obj: Any) -> bool:
    module = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", "") or ""
    return module == "gancourse" or module.startswith("gancourse.")


def is_course_tool(obj: Any) -> bool:
    """Is ``obj`` one of :data:`COURSE_TOOLS` (the object itself, not a name for it)?"""
    if inspect.ismodule(obj):
        return False  # a module used as a value can reach anything in it
    for tool in COURSE_TOOLS:
        module, _, name = tool.rpartition(".")
        if not name and getattr(obj, "__module__", None) == module \
                and (inspect.isfunction(obj) or inspect.isclass(obj)):
            return True
        if name and getattr(importlib.import_module(module), name, None) is obj:
            return True
    return False


def resolve(path: str) -> Any:
    """The library object a dotted path (``"gancourse.data.load_mnist"``) names, or None."""
    parts = path.split(".")
    try:
        obj = importlib.import_module(parts[0])
        for part in parts[1:]:
            obj = getattr(obj, part) if hasattr(obj, part) else importlib.import_module(
                f"{obj.__name__}.{part}")
    except (ImportError, AttributeError, TypeError):
        return None
    return obj


def uses_course_library(fn: Callable) -> bool:
    """True when ``fn`` refers by a global name to a gancourse function, class or module.

    Assignments ask students to write functions that the course library also provides (so later
    lectures can use them); the hidden tests use this to check that an answer is the student's
    own and does not simply call the library.  It inspects the names ``fn``'s code looks up in
    its module's globals (``gancourse.x.f(...)``, ``f(...)`` after ``from gancourse.x import f``,
    aliases included), following attribute chains (``gancourse.data.f``) to what they reach.
    The course's tools (:data:`COURSE_TOOLS`: ``gancourse.seed_everything`` and the like) are
    allowed; a library module used as a value (passed, stored, ``getattr``) is not.
    """
    if _in_library(fn):
        return not is_course_tool(fn)  # the answer *is* a library function
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    for obj in _global_references(code, getattr(fn, "__globals__", {})):
        if inspect.ismodule(obj) and obj.__name__ == "gancourse.testing":
            continue  # the test helpers' module (``gancourse.testing.assert_raises``)
        if _in_library(obj) and not is_course_tool(obj):
            return True  # a library function, class, attribute, or a module used as a value
    return False


def _global_references(code, globals_: dict) -> list[Any]:
    """What every global lookup in ``code`` (and the code nested in it) reaches, with attribute
    chains on modules followed: ``gancourse.data.f`` gives ``f``.  An attribute of a non-module
    (``f.__globals__``) stands as :class:`_AttributeOf` its owner, never a tool."""
    found = []
    instructions = list(dis.get_instructions(code))
    for i, ins in enumerate(instructions):
        if ins.opname not in ("LOAD_GLOBAL", "LOAD_NAME") or ins.argval not in globals_:
            continue
        obj = globals_[ins.argval]
        j = i + 1
        while j < len(instructions) and instructions[j].opname in ("LOAD_ATTR", "LOAD_METHOD"):
            attr = instructions[j].argval
            obj = getattr(obj, attr) if inspect.ismodule(obj) and hasattr(obj, attr) else _AttributeOf(obj)
            j += 1
        found.append(obj)
    for const in code.co_consts:
        if inspect.iscode(const):
            found += _global_references(const, globals_)
    return found


class _AttributeOf:
    """Stands for an attribute of ``obj`` (a function, class or unknown module member)."""

    def __init__(self, obj: Any):
        self.__module__ = (obj.__name__ if inspect.ismodule(obj)
                           else getattr(obj, "__module__", "") or "")


def assert_raises(exc: type[BaseException], fn: Callable, *args: Any, **kwargs: Any) -> None:
    """Call ``fn(*args, **kwargs)`` and fail unless it raises ``exc``.

    Returns None on purpose: a test cell's last expression must not display a value, because
    nbgrader reads a number shown by a test cell as partial credit.
    """
    try:
        fn(*args, **kwargs)
    except exc:
        return None
    shown = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
    name = getattr(fn, "__name__", repr(fn))
    raise AssertionError(f"{name}({shown}) should raise {exc.__name__}")


def shapes(value: Any) -> Any:
    """The shapes of a result, for a probe to report: ``tuple(x.shape)`` for anything with a
    shape (array, tensor), None for what has none, and a list of those for a tuple or list."""
    if isinstance(value, (tuple, list)):
        return [shapes(v) for v in value]
    shape = getattr(value, "shape", None)
    return None if shape is None else tuple(shape)
