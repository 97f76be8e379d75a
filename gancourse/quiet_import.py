"""Silence the C++ log lines TensorFlow writes to stderr while it is imported.

TensorFlow 2.21 prints, on every import, ``WARNING: All log messages before
absl::InitializeLog() is called are written to STDERR`` followed by oneDNN and CUDA-stub notes
("Could not find cuda drivers on your machine"); ``TF_CPP_MIN_LOG_LEVEL`` no longer reaches
them (they are logged before TensorFlow reads it).  In a notebook they appear as a red block
under the first cell that imports TensorFlow, on every CPU machine, and they bury what matters.

:func:`install` (called by ``import gancourse``) adds an import hook that, the first time
``tensorflow`` is imported, points the process's file descriptor 2 at ``/dev/null`` while the
module executes, then restores it and removes itself.  Python's own warnings and exceptions are
unaffected (they are written through ``sys.stderr`` after the descriptor is restored, or, in a
Jupyter kernel, never through descriptor 2 at all).  ``GANCOURSE_TF_IMPORT_LOGS=1`` keeps the
lines (to debug a broken TensorFlow installation).
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys

#: The module whose import is silenced.
MODULE = "tensorflow"


class _QuietLoader(importlib.abc.Loader):
    """Executes the real loader's module with descriptor 2 pointing at /dev/null."""

    def __init__(self, loader: importlib.abc.Loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        try:
            sys.stderr.flush()
        except (AttributeError, ValueError, OSError):
            pass
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            self.loader.exec_module(module)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)


class _QuietFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` the normal way and wraps its loader, once."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != MODULE:
            return None
        remove()  # one import only; the lookup below must not find this finder again
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _QuietLoader(spec.loader)
        return spec


def install() -> bool:
    """Silence the next import of TensorFlow; returns whether the hook is (now) in place."""
    if MODULE in sys.modules or os.environ.get("GANCOURSE_TF_IMPORT_LOGS") == "1":
        return False
    if not any(isinstance(f, _QuietFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietFinder())
    return True


def remove() -> None:
    """Take the hook out again (nothing happens if it is not there)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _QuietFinder)]
