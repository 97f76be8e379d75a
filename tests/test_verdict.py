"""Trusted checks: the observation format carries plain data only, and the split of a test cell
sends the kernel nothing of its check (grader/verdict.py, gancourse/observations.py)."""
from __future__ import annotations

import base64
import json

import nbformat
import numpy as np
import pytest

from gancourse.observations import (
    ObservationError,
    Raised,
    Tensor,
    decode,
    decode_payload,
    encode,
    outcome,
)
from grader.verdict import (
    BEGIN,
    END,
    TestSourceError,
    TrustedChecks,
    collect,
    split_test,
    student_functions,
)
from grader.workspace import SOLUTIONS, assignment_ids


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value))))


@pytest.mark.parametrize("value", [None, True, False, 0, -7, 2**80, 0.1, -0.0, float("inf"),
                                   1e-310, 1 + 2j, "text", [1, 2.5, "a"], (1, (2, 3)),
                                   {"a": [1], 3: (None,)}])
def test_plain_values_roundtrip_exactly(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value)
    if isinstance(value, float):
        assert np.copysign(1, got) == np.copysign(1, value)


def test_nan_and_arrays_roundtrip_bit_for_bit():
    assert np.isnan(roundtrip(float("nan")))
    for a in (np.arange(12, dtype=np.float32).reshape(3, 4), np.array([True, False]),
              np.array([[1 + 1j]], np.complex128), np.zeros((0, 3), np.int16),
              np.array([np.nan, -np.inf, 1e-45], np.float64), np.arange(6, dtype=">f8")):
        got = roundtrip(a)
        assert type(got) is np.ndarray and got.shape == a.shape and got.dtype == a.dtype.newbyteorder("=")
        assert got.tobytes() == a.astype(a.dtype.newbyteorder("=")).tobytes()
    s = roundtrip(np.float32(1.5))
    assert type(s) is np.float32 and s == 1.5


def test_tensors_arrive_as_tagged_arrays():
    tf = pytest.importorskip("tensorflow")
    got = roundtrip(tf.constant([[1.0, 2.0]]))
    assert isinstance(got, Tensor) and got.dtype == np.float32 and got.shape == (1, 2)
    assert np.array_equal(got, [[1.0, 2.0]])
    assert isinstance(roundtrip(tf.Variable([3], dtype=tf.int64)), Tensor)


def test_a_forged_float_arrives_as_its_plain_value():
    class Always(float):
        def __eq__(self, other):
            return True

        __hash__ = float.__hash__

        def __array_function__(self, *args):
            return True

    got = roundtrip(Always(0.25))
    assert type(got) is float and got == 0.25 and not (got == 3.0)


def test_outcome_records_exceptions_as_data():
    def bad(x):
        raise ValueError(f"no {x}")

    r = roundtrip(outcome(bad, 3))
    assert isinstance(r, Raised) and r.type == "ValueError" and r.is_a(ValueError)
    assert r.is_a(Exception) and not r.is_a(TypeError) and r.message == "no 3"
    assert roundtrip(outcome(lambda a, b=1: a + b, 2, b=5)) == 7


@pytest.mark.parametrize("value", [object(), np.array([object()], dtype=object), {1.5: 2},
                                   lambda: 1, {("a",): 1}])
def test_values_the_format_does_not_carry_are_refused_in_the_kernel(value):
    with pytest.raises(TypeError):
        encode(value)


def _arr(dtype, shape, data):
    return {"$": "array", "dtype": dtype, "shape": shape, "data": base64.b64encode(data).decode()}


@pytest.mark.parametrize("raw", [
    {"$": "pickle", "v": "gASVAAAAAAAAAA=="},            # an unknown tag
    {"$": "int", "v": "1" * 5000},                        # an absurd integer
    {"$": "float", "v": "not a number"},
    _arr("|O", [1], b"\x00" * 8),                         # object arrays
    _arr("V8", [1], b"\x00" * 8),                         # raw void
    _arr("f4,f4", [1], b"\x00" * 8),                      # structured
    _arr("<f8", [2], b"\x00" * 8),                        # data shorter than the shape says
    _arr("<f8", [-1], b""),
    _arr("<f8", [2**40, 2**20], b""),                     # huge
    {"$": "raised", "type": "ValueError", "mro": "ValueError", "message": ""},
    {"$": "dict", "v": [[{"$": "list", "v": []}, 1]]},   # an unhashable key
    [1, 2],                                               # a bare JSON list
    3,                                                    # a bare JSON number
])
def test_malformed_reports_are_rejected(raw):
    with pytest.raises(ObservationError):
        decode(raw)


def test_payload_limits_and_duplicates():
    with pytest.raises(ObservationError):
        decode_payload("[1]")
    with pytest.raises(ObservationError):
        decode_payload('{"a": ' + "[" * 100 + "]" * 100 + "}")
    nested = {"$": "list", "v": []}
    for _ in range(40):
        nested = {"$": "list", "v": [nested]}
    with pytest.raises(ObservationError):
        decode_payload(json.dumps({"a": nested}))
    one = json.dumps({"x": encode(1.0)})
    assert collect([one]) == {"x": 1.0}
    with pytest.raises(ObservationError, match="more than once"):
        collect([one, one])


CELL = """assert f(1) == 2
### BEGIN HIDDEN TESTS
#### SHARED
xs = [1, 2, 3]
#### PROBE
observe(ys=[outcome(f, x) for x in xs])
#### CHECK
assert [returned(y) for y in obs["ys"]] == [x + 1 for x in xs], "f(x) = x + 1"
### END HIDDEN TESTS"""


def test_split_sends_the_kernel_nothing_of_the_check():
    split = split_test(CELL)
    assert "returned" not in split.kernel and "x + 1" not in split.kernel
    assert split.kernel.startswith("assert f(1) == 2\n" + BEGIN) and split.kernel.rstrip().endswith(END)
    assert "observe(ys=" in split.kernel and "xs = [1, 2, 3]" in split.kernel
    assert split.shared == "xs = [1, 2, 3]" and "x + 1" in split.check
    plain = "assert f(1) == 2"
    assert split_test(plain).check is None and split_test(plain).kernel == plain


@pytest.mark.parametrize("bad", [
    CELL.replace("#### SHARED", "#### CHECK", 1),                     # CHECK twice
    CELL.replace("### END HIDDEN TESTS", "### END HIDDEN TESTS\nprint(1)"),
    CELL.replace("#### SHARED\n", "x = 1\n#### SHARED\n"),             # code before a section
    CELL.replace("#### PROBE", "#### CHECKS").replace("#### CHECK\n", "#### PROBE\n"),
])
def test_malformed_test_cells_are_refused(bad):
    with pytest.raises(TestSourceError):
        split_test(bad)


def test_checks_decide_from_data_and_say_why():
    checks = TrustedChecks([("f", "def f(x):\n    return x + 1\n")])
    split = split_test(CELL)
    good = json.dumps({"ys": encode([2, 3, 4])})
    assert checks.run(split, [good]) is None
    wrong = json.dumps({"ys": encode([2, 3, 5])})
    assert checks.run(split, [wrong]) == "f(x) = x + 1"
    raised = json.dumps({"ys": encode([outcome(lambda: 1 / 0)] * 3)})
    assert "ZeroDivisionError" in checks.run(split, [raised])
    assert "did not receive the result 'ys'" in checks.run(split, [])
    assert "could not be read" in checks.run(split, ["{not json"])
    assert "could not be read" in checks.run(split, [good, good])


def test_written_by_student_reads_the_submitted_source():
    cells = [("a", "import gancourse.divergences as gd\nfrom gancourse.games import gda as g2\n"),
             ("b", "def own(p):\n    return p + 1\n"),
             ("c", "def wrapped(p):\n    return gd.kl_divergence(p, p)\n"),
             ("d", "def aliased(p):\n    return g2(p)\n"),
             ("e", "def hidden(p):\n    return __import__('gan' 'course').x\n"),
             ("f", "class Layer:\n    def call(self, x):\n        return gancourse.f(x)\n")]
    checks = TrustedChecks(cells)
    assert checks.written_by_student("own")
    for name in ("wrapped", "aliased", "hidden", "Layer", "missing"):
        assert not checks.written_by_student(name), name
    assert set(student_functions(cells)) == {"own", "wrapped", "aliased", "hidden", "Layer"}


def test_written_by_student_allows_the_course_tools():
    """An answer may seed with ``gancourse.seed_everything`` or plot with ``gancourse.viz``
    (what the notebook gives); reaching anything else of the library through them is still
    caught."""
    cells = [("a", "import gancourse\nimport gancourse.viz as v\nfrom gancourse import seed_everything as s\n"
                   "sneaky = gancourse.data\n"),
             ("b", "def seeded(x):\n    gancourse.seed_everything(0)\n    s(1)\n"
                   "    v.image_grid(x)\n    return x\n"),
             ("c", "def loads():\n    return gancourse.data.load_mnist()\n"),
             ("d", "def through_viz(x):\n    return v.check_images(x)\n"),
             ("e", "def module_value(x):\n    return getattr(v, 'check_images')(x)\n"),
             ("f", "def attribute_of_tool(x):\n    return gancourse.seed_everything.__globals__\n"),
             ("g", "def alias(x):\n    return sneaky.scale_images(x)\n"),
             ("h", "def both(x):\n    s(0)\n    return gancourse.data.scale_images(x)\n")]
    checks = TrustedChecks(cells)
    assert checks.written_by_student("seeded") and checks.written_by_student("loads")
    for name in ("through_viz", "module_value", "attribute_of_tool", "alias", "both"):
        assert not checks.written_by_student(name), name


@pytest.mark.parametrize("assignment", assignment_ids())
def test_every_hidden_test_of_the_solutions_is_laid_out_for_the_grader(assignment):
    """Every graded test cell has a trusted check and splits cleanly (no syntax errors in what
    the kernel or the grader runs); the kernel's part reports with observe()."""
    for path in sorted((SOLUTIONS / assignment).glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
                split = split_test(cell.source)
                assert split.check is not None, f"{path.name}: {meta['grade_id']} has no #### CHECK"
                assert "observe(" in split.kernel and "#### CHECK" not in split.kernel
                compile(split.kernel, meta["grade_id"], "exec")
                compile(split.shared + "\n" + split.check, meta["grade_id"], "exec")


PARTS_CELL = """assert True
### BEGIN HIDDEN TESTS
#### PROBE
observe(v=f(1), bad=outcome(f, None))
#### CHECK
assert obs["v"] is not None, "report a value"
with part("the value", 3):
    assert obs["v"] == 2, "f(1) = 2"
with part("the errors", 1):
    assert raised(obs["bad"], TypeError), "f(None) raises TypeError"
### END HIDDEN TESTS"""


def test_parts_of_a_check_earn_their_share_and_are_named():
    checks = TrustedChecks([("f", "def f(x):\n    return x + 1\n")])
    split = split_test(PARTS_CELL)
    raised_type = outcome(lambda: None + 1)
    payload = lambda v, bad: [json.dumps({"v": encode(v), "bad": encode(bad)})]  # noqa: E731
    assert checks.run(split, payload(2, raised_type)) is None and checks.credit == 1.0
    why = checks.run(split, payload(2, 5))
    assert checks.credit == 0.75
    assert why == "the errors (part worth 25% of the points): f(None) raises TypeError"
    why = checks.run(split, payload(3, 5))
    assert checks.credit == 0.0 and "the value (part worth 75%" in why and "the errors" in why
    # a failure outside every part costs the whole cell
    assert checks.run(split, payload(None, raised_type)) == "report a value"
    assert checks.credit == 0.0
    # a part named twice or weighted 0 is a mistake of the test's author
    twice = PARTS_CELL.replace('part("the errors", 1)', 'part("the value", 1)')
    assert "part 'the value'" in checks.run(split_test(twice), payload(2, raised_type))
