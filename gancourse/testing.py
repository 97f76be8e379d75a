"""Helpers for the test cells of assignments (visible and hidden).

They check *how* an answer behaves, never compute the answer itself, so importing them gives a
student nothing to copy.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from gancourse.observations import Raised, observe, outcome  # noqa: F401  (for the probes)


def uses_course_library(fn: Callable) -> bool:
    """True when ``fn`` refers by a global name to a gancourse function, class or module.

    Assignments ask students to write functions that the course library also provides (so later
    lectures can use them); the hidden tests use this to check that an answer is the student's
    own and does not simply call the library.  It inspects the names ``fn``'s code looks up in
    its module's globals (``gancourse.x.f(...)``, ``f(...)`` after ``from gancourse.x import f``,
    aliases included).
    """
    own_module = getattr(fn, "__module__", "") or ""
    if own_module == "gancourse" or own_module.startswith("gancourse."):
        return True  # the answer *is* a library function (`from gancourse.x import f`)
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    for name in _global_names(code):
        obj = fn.__globals__.get(name)
        module = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", "") or ""
        if module == "gancourse" or module.startswith("gancourse."):
            if not (inspect.ismodule(obj) and obj.__name__ == "gancourse.testing"):
                return True
    return False


def _global_names(code) -> set[str]:
    """Global names used by a code object and the functions/lambdas/comprehensions nested in it."""
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _global_names(const)
    return names


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
