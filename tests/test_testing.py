"""gancourse.testing: the helpers assignment test cells rely on must catch what they claim."""
from __future__ import annotations

import types

import numpy as np
import pytest

import gancourse.data
from gancourse.data import scale_images as library_alias
from gancourse.testing import assert_raises, uses_course_library


def _student_module(source: str) -> types.ModuleType:
    """Run ``source`` as a notebook would (module __main__-like namespace)."""
    mod = types.ModuleType("__main__")
    exec(compile(source, "<cell>", "exec"), mod.__dict__)
    return mod


@pytest.mark.parametrize("source", [
    "import gancourse.data\ndef f(x):\n    return gancourse.data.scale_images(x)",
    "from gancourse.data import scale_images as s\ndef f(x):\n    return s(x)",
    "from gancourse.data import scale_images as f",
    "from gancourse import data\ndef f(x):\n    return [data.scale_images(y) for y in x]",
    "import gancourse.data as g\ndef f(x):\n    h = lambda y: g.scale_images(y)\n    return h(x)",
])
def test_detects_calls_into_the_library(source):
    assert uses_course_library(_student_module(source).f)


@pytest.mark.parametrize("source", [
    "import numpy as np\ndef f(x):\n    return np.asarray(x) / 127.5 - 1",
    "from gancourse.testing import assert_raises\ndef f(x):\n    return x",
    "def f(x):\n    data = 3\n    return x + data",  # a local named like a module is not a call
])
def test_own_code_is_not_flagged(source):
    assert not uses_course_library(_student_module(source).f)


def test_library_functions_themselves_are_flagged():
    assert uses_course_library(library_alias)
    assert uses_course_library(gancourse.data.check_images)
    assert not uses_course_library(np.mean)


def test_assert_raises():
    assert assert_raises(ValueError, int, "x") is None  # nothing for nbgrader to read as credit
    with pytest.raises(AssertionError, match=r"int\('3'\) should raise ValueError"):
        assert_raises(ValueError, int, "3")
    with pytest.raises(TypeError):  # a different exception propagates: it is not swallowed
        assert_raises(ValueError, int, None)


def test_shapes_reports_what_has_a_shape():
    from gancourse.testing import shapes

    assert shapes(np.zeros((2, 3))) == (2, 3) and shapes(np.float32(1)) == ()
    assert shapes([np.zeros(4), (np.ones((1, 1)), 5)]) == [(4,), [(1, 1), None]]
    assert shapes(None) is None
