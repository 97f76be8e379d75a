"""Observations: what a hidden test's probe reports from the student's kernel, as plain data.

A graded test cell is split in two (see ``grader/verdict.py``): the *probe* runs in the student's
kernel, calls the student's functions on hidden inputs and reports what they returned with
:func:`observe`; the *check* runs in the grader's own process, outside the student's reach, and
decides the test from those reports alone.  So the wire format carries data and nothing else:

* ``None``, ``bool``, ``int``, ``float`` (exact, through ``float.hex``), ``complex``, ``str``;
* ``list``, ``tuple`` and ``dict`` (keys ``str`` or ``int``) of those, at most 32 levels deep;
* NumPy arrays and scalars of boolean, integer, floating or complex dtype (never ``object``);
* TensorFlow tensors and variables, as arrays tagged ``tensor`` (decoded as :class:`Tensor`);
* :class:`Raised`: the exception (or warning turned into one) a call ended with, by class name.

Anything else (a subclass of ``float`` with a custom ``__eq__``, a Keras model, a function) is
encoded by its plain value where it has one (``float(x)``, ``np.asarray(x)``) and is otherwise
refused with a :class:`TypeError` in the kernel, so the check sees a missing report and fails.
:func:`decode` trusts nothing: it checks every tag, dtype, shape and size and raises
:class:`ObservationError` on anything malformed.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

#: The MIME type of an observation in a cell's outputs.
MIME = "application/vnd.gancourse.observation+json"
#: Limits on what one test cell may report (the grader enforces them again).
MAX_BYTES = 64 * 2**20
MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
_KINDS = "biufc"  # bool, int, uint, float, complex


class ObservationError(ValueError):
    """A report from the kernel is malformed, too large or of a type the format does not carry."""


@dataclasses.dataclass(frozen=True)
class Raised:
    """A call that ended with an exception: its class name and the names of its base classes
    (``mro``, most derived first) and its message (at most 500 characters)."""

    type: str
    mro: tuple[str, ...]
    message: str = ""

    def is_a(self, exc: type[BaseException] | str) -> bool:
        """Did the call raise ``exc`` (or a subclass of it)?  Compared by class name."""
        return (exc if isinstance(exc, str) else exc.__name__) in self.mro


class Tensor(np.ndarray):
    """A TensorFlow tensor as the check sees it: a NumPy array that remembers it was a tensor
    (``dtype`` is the tensor's dtype)."""


# ------------------------------------------------------------------------------------------
# Kernel side
# ------------------------------------------------------------------------------------------
def outcome(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, or a :class:`Raised` record if it raised an ``Exception``."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - what the student's code raised is the observation
        return raised_record(exc)


def raised_record(exc: BaseException) -> Raised:
    return Raised(type(exc).__name__, tuple(k.__name__ for k in type(exc).__mro__),
                  str(exc)[:500])


def observe(**values: Any) -> None:
    """Report named values to the grader's check (displayed as one :data:`MIME` output).

    Call it in the kernel part of a hidden test; a name reported twice in one cell fails the
    test.  Returns None (a test cell must not display a value).
    """
    from IPython.display import display

    payload = json.dumps({name: encode(value) for name, value in values.items()})
    display({MIME: payload}, raw=True)


def encode(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-able plain data (see the module docstring); TypeError if impossible."""
    if depth > MAX_DEPTH:
        raise TypeError("observation nested too deeply")
    if value is None or type(value) in (bool, str):
        return value
    if type(value) is int:
        return {"$": "int", "v": str(value)}
    if isinstance(value, Raised):
        return {"$": "raised", "type": value.type, "mro": list(value.mro), "message": value.message}
    if isinstance(value, (list, tuple)):
        return {"$": "tuple" if isinstance(value, tuple) else "list",
                "v": [encode(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            if type(k) not in (str, int):
                raise TypeError(f"observation dict keys must be str or int, got {type(k).__name__}")
            items.append([encode(k, depth + 1), encode(v, depth + 1)])
        return {"$": "dict", "v": items}
    if isinstance(value, np.generic) and value.dtype.kind in _KINDS:
        return {"$": "npscalar", **_array(np.asarray(value))}
    if isinstance(value, np.ndarray):
        return {"$": "array", **_array(value)}
    if _is_tensor(value):
        return {"$": "tensor", **_array(np.asarray(value.numpy()))}
    if isinstance(value, int):
        return {"$": "int", "v": str(int(value))}
    if isinstance(value, float):
        return {"$": "float", "v": float(value).hex()}
    if isinstance(value, complex):
        return {"$": "complex", "v": [complex(value).real.hex(), complex(value).imag.hex()]}
    if isinstance(value, str):
        return str(value)
    raise TypeError(f"cannot report a {type(value).__name__} (report plain values or arrays)")


def _is_tensor(value: Any) -> bool:
    import sys

    tf = sys.modules.get("tensorflow")
    return tf is not None and (tf.is_tensor(value) or isinstance(value, tf.Variable)) \
        and hasattr(value, "numpy")


def _array(a: np.ndarray) -> dict:
    if a.dtype.kind not in _KINDS or a.dtype.hasobject:
        raise TypeError(f"cannot report an array of dtype {a.dtype}")
    a = np.array(a, order="C", copy=True)  # (ascontiguousarray would make a 0-d array 1-d)
    return {"dtype": a.dtype.newbyteorder("<").str if a.dtype.itemsize > 1 else a.dtype.str,
            "shape": list(a.shape),
            "data": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode()}


# ------------------------------------------------------------------------------------------
# Grader side
# ------------------------------------------------------------------------------------------
def decode_payload(text: str) -> dict[str, Any]:
    """One :func:`observe` output -> {name: value}; :class:`ObservationError` if malformed."""
    if not isinstance(text, str) or len(text) > MAX_BYTES:
        raise ObservationError("observation missing or larger than the grader accepts")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ObservationError(f"observation is not valid JSON ({exc})") from None
    if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
        raise ObservationError("an observation must map names to values")
    budget = [MAX_ITEMS]
    return {k: decode(v, budget) for k, v in raw.items()}


def decode(raw: Any, budget: list[int] | None = None, depth: int = 0) -> Any:
    """The value an :func:`encode` output stands for, built only from trusted types."""
    budget = [MAX_ITEMS] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise ObservationError("observation too large or nested too deeply")
    if raw is None or type(raw) in (bool, str):
        return raw
    if type(raw) is not dict or not isinstance(raw.get("$"), str):
        raise ObservationError(f"unexpected value in an observation: {type(raw).__name__}")
    tag, v = raw["$"], raw.get("v")
    try:
        if tag == "int":
            if not isinstance(v, str) or len(v) > 400:
                raise ObservationError("malformed int")
            return int(v)
        if tag == "float":
            return float.fromhex(_str(v))
        if tag == "complex":
            if not (isinstance(v, list) and len(v) == 2):
                raise ObservationError("malformed complex")
            return complex(float.fromhex(_str(v[0])), float.fromhex(_str(v[1])))
        if tag in ("list", "tuple"):
            if type(v) is not list:
                raise ObservationError(f"malformed {tag}")
            items = [decode(x, budget, depth + 1) for x in v]
            return tuple(items) if tag == "tuple" else items
        if tag == "dict":
            if type(v) is not list or not all(type(p) is list and len(p) == 2 for p in v):
                raise ObservationError("malformed dict")
            out = {}
            for k, x in v:
                key = decode(k, budget, depth + 1)
                if type(key) not in (str, int):
                    raise ObservationError("dict keys must be str or int")
                out[key] = decode(x, budget, depth + 1)
            return out
        if tag == "raised":
            mro = raw.get("mro")
            if not (type(mro) is list and mro and all(type(m) is str and len(m) < 200 for m in mro)
                    and type(raw.get("type")) is str and type(raw.get("message")) is str):
                raise ObservationError("malformed exception record")
            return Raised(raw["type"][:200], tuple(mro[:64]), raw["message"][:500])
        if tag in ("array", "npscalar", "tensor"):
            a = _decode_array(raw, budget)
            if tag == "npscalar":
                if a.shape != ():
                    raise ObservationError("a NumPy scalar has shape ()")
                return a[()]
            return a.view(Tensor) if tag == "tensor" else a
    except (ValueError, TypeError, OverflowError) as exc:
        if isinstance(exc, ObservationError):
            raise
        raise ObservationError(f"malformed {tag} ({exc})") from None
    raise ObservationError(f"unknown tag {tag!r} in an observation")


def _str(v: Any) -> str:
    if type(v) is not str or len(v) > 64:
        raise ObservationError("malformed number")
    return v


def _decode_array(raw: dict, budget: list[int]) -> np.ndarray:
    dtype, shape, data = raw.get("dtype"), raw.get("shape"), raw.get("data")
    if type(dtype) is not str or type(shape) is not list or type(data) is not str:
        raise ObservationError("malformed array")
    if not all(type(n) is int and n >= 0 for n in shape) or len(shape) > 32:
        raise ObservationError("malformed array shape")
    dt = np.dtype(dtype)
    if dt.kind not in _KINDS or dt.hasobject or dt.fields is not None or dt.subdtype is not None:
        raise ObservationError(f"arrays of dtype {dt} are not accepted")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    budget[0] -= count // 64
    if budget[0] < 0 or count * dt.itemsize > MAX_BYTES:
        raise ObservationError("observation too large")
    buf = base64.b64decode(data, validate=True)
    if len(buf) != count * dt.itemsize:
        raise ObservationError("array data does not match its shape and dtype")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = np.frombuffer(buf, dtype=dt).reshape(shape)
    return a.astype(dt.newbyteorder("="), copy=True)
