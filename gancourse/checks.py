"""Argument checks shared by the whole library: each returns the value in a plain Python type or
raises ``ValueError`` with a message that names the argument and shows what it got.

Every public function of :mod:`gancourse` validates what a student or instructor passes it with
these (bad input gets a clear error, never a silent wrong result).  ``bool`` is refused wherever
a number is expected (``True`` is an ``int`` to Python, never a sensible step count).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import numpy as np

__all__ = ["positive_int", "int_at_least", "positive_float", "non_negative_float",
           "positive_sizes", "one_of", "finite_floats",
           "as_array", "check_numeric", "check_finite"]

T = TypeVar("T")


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return (isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, bool))


def positive_int(value: Any, name: str) -> int:
    """``value`` as an int > 0 (Python or NumPy integer, not a bool)."""
    if not _is_int(value) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def int_at_least(value: Any, name: str, minimum: int) -> int:
    """``value`` as an int >= ``minimum``."""
    if not _is_int(value) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def positive_float(value: Any, name: str) -> float:
    """``value`` as a finite float > 0 (ints accepted)."""
    if not _is_real(value) or not math.isfinite(float(value)) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def non_negative_float(value: Any, name: str) -> float:
    """``value`` as a finite float >= 0: a loss weight, where 0 switches a term off."""
    if not _is_real(value) or not math.isfinite(float(value)) or float(value) < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def positive_sizes(values: Sequence[Any], name: str) -> tuple[int, ...]:
    """A non-empty sequence of ints > 0 (layer widths, shapes) as a tuple."""
    out = tuple(values)
    if not out or not all(_is_int(v) and v > 0 for v in out):
        raise ValueError(f"{name} must be a non-empty sequence of positive ints, got {values!r}")
    return tuple(int(v) for v in out)


def one_of(value: T, choices: Iterable[T], name: str) -> T:
    """``value`` unchanged when it is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def finite_floats(x: Any, name: str) -> np.ndarray:
    """``x`` as a non-empty float64 array of finite numbers."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of numbers ({exc})") from None
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or infinite values")
    return arr


def as_array(x: Any) -> np.ndarray:
    """``x`` as a NumPy array (tensors converted)."""
    if hasattr(x, "numpy") and callable(x.numpy):  # tf.Tensor and friends
        x = x.numpy()
    return np.asarray(x)


def check_numeric(arr: np.ndarray, name: str) -> None:
    """TypeError unless ``arr`` holds integers or floats (not bools)."""
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                 or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be a numeric (integer or float) array, got dtype {arr.dtype}")


def check_finite(arr: np.ndarray, name: str) -> None:
    """ValueError naming how many entries of ``arr`` are NaN or infinite, if any."""
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} contains {int(bad.sum())} NaN or infinite value(s)")
