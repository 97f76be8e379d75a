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


@pytest.mark.parametrize("source", [
    "import gancourse\ndef f(x):\n    gancourse.seed_everything(0)\n    return x",
    "from gancourse import seed_everything as s\ndef f(x):\n    s(1)\n    return x",
    "import gancourse.data\ndef f(x):\n    return gancourse.data.load_mnist",
    "import gancourse.viz as v\ndef f(x):\n    v.image_grid(x)\n    return x",
    "from gancourse.testing import assert_raises\n"
    "def f(x):\n    assert_raises(ValueError, int, 'x')\n    return x",
])
def test_the_course_tools_are_allowed(source):
    """Seeding, loading the bundled digits, plots and the test helpers compute no answer: an
    answer that uses them (what the notebook itself gives) is still the student's own."""
    assert not uses_course_library(_student_module(source).f)


@pytest.mark.parametrize("source", [
    "import gancourse\ndef f(x):\n    return getattr(gancourse, 'data').scale_images(x)",
    "import gancourse\ndef f(x):\n    m = gancourse.viz\n    return m.check_images(x)",
    "import gancourse.viz\ndef f(x):\n    return gancourse.viz.check_images(x)",  # viz imports it
    "import gancourse\ndef f(x):\n    return gancourse.seed_everything.__globals__['np']",
    "import gancourse\n"
    "def f(x):\n    gancourse.seed_everything(0)\n    return gancourse.data.scale_images(x)",
])
def test_a_tool_opens_no_door(source):
    assert uses_course_library(_student_module(source).f)


def test_library_functions_themselves_are_flagged():
    assert uses_course_library(library_alias)
    assert uses_course_library(gancourse.data.check_images)
    assert not uses_course_library(np.mean)
    assert not uses_course_library(gancourse.seed_everything)  # a tool, not an answer


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
