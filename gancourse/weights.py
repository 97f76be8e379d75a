"""Weights as plain arrays (what assignments submit): an ``.npz`` of floats, no pickled objects,
loaded strictly (every variable, every shape) or not at all."""
from __future__ import annotations

import os
from pathlib import Path

import keras
import numpy as np

__all__ = ["WeightsFileError", "save_weights_npz", "read_weights_npz", "load_weights_npz"]


class WeightsFileError(ValueError):
    """A weights file is missing, unreadable, or does not fit the model it is loaded into."""


def save_weights_npz(model: keras.Model, path: str | os.PathLike, *,
                     overwrite: bool = False) -> Path:
    """Save ``model.get_weights()`` (all variables, trainable or not, in layer order) to ``path``.

    An ``.npz`` of plain float arrays ``w000, w001, ...``: no pickled objects, readable with
    NumPy alone, and loaded *strictly* by :func:`load_weights_npz` (Keras' own
    ``load_weights`` skips layers it cannot match with only a warning).  An existing file is
    never replaced unless ``overwrite=True``.

    Returns:
        The path written (``.npz`` appended when missing).
    """
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it (or move it "
                              "away first)")
    arrays = [np.asarray(w) for w in model.get_weights()]
    if not arrays:
        raise ValueError(f"model {model.name!r} has no weights to save (is it built?)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial.npz")
    np.savez(tmp, **{f"w{i:03d}": w for i, w in enumerate(arrays)})
    os.replace(tmp, path)  # never leaves a half-written file under the real name
    return path


def read_weights_npz(path: str | os.PathLike) -> list[np.ndarray]:
    """The arrays of a file written by :func:`save_weights_npz`, in order; clear errors for a
    missing, corrupt or foreign file."""
    path = Path(path)
    if not path.is_file():
        raise WeightsFileError(f"weights file {path} not found")
    try:
        with np.load(path, allow_pickle=False) as f:
            names = sorted(f.files)
            arrays = [f[name] for name in names]
    except Exception as exc:  # noqa: BLE001 - zipfile/ValueError/OSError: not an npz we wrote
        raise WeightsFileError(f"{path} is not a readable .npz weights file "
                               f"({type(exc).__name__}: {exc})") from None
    expected = [f"w{i:03d}" for i in range(len(names))]
    if not names or names != expected:
        raise WeightsFileError(f"{path} does not hold weights saved by save_weights_npz "
                               f"(arrays {names[:5]}...)")
    for name, w in zip(names, arrays):
        if w.dtype.kind != "f":
            raise WeightsFileError(f"{path}: array {name} has dtype {w.dtype}, expected floats")
        if not np.all(np.isfinite(w)):
            raise WeightsFileError(f"{path}: array {name} holds NaN or infinite values "
                                   "(the training diverged?)")
    return arrays


def load_weights_npz(model: keras.Model, path: str | os.PathLike) -> keras.Model:
    """Load a :func:`save_weights_npz` file into ``model``, checking every variable.

    Raises :class:`WeightsFileError` unless the file holds exactly one array per variable of
    ``model``, with the same shapes in the same order (i.e. the model has the architecture
    that saved the file).  Returns ``model``.
    """
    arrays = read_weights_npz(path)
    want = [tuple(w.shape) for w in model.get_weights()]
    got = [tuple(w.shape) for w in arrays]
    if len(got) != len(want):
        raise WeightsFileError(f"{path} holds {len(got)} arrays but model {model.name!r} has "
                               f"{len(want)} variables: a different architecture")
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            raise WeightsFileError(f"{path}: array {i} has shape {g} but the model's variable "
                                   f"{i} has shape {w}: a different architecture")
    model.set_weights([a.astype(np.asarray(v).dtype) for a, v in zip(arrays, model.get_weights())])
    return model
