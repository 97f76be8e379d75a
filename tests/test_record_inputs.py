"""What a mutation record depends on (grader/record_inputs.py): an edit to anything grading an
assignment can run invalidates its record; a new variant's library modules, or an edit to a
module grading never runs, do not."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader import record_inputs
from grader.assignments import REGISTRY
from grader.mutation import inputs_digest
from grader.record_inputs import grading_inputs, library_closure, library_modules_named
from grader.workspace import REPO


def test_library_modules_named_finds_every_way_a_source_reaches_the_library():
    assert library_modules_named("import numpy as np\nx = np.ones(3)\n") == set()
    assert library_modules_named("from gancourse.models import gan\n") == {
        "gancourse", "gancourse.models", "gancourse.models.gan"}
    assert library_modules_named("def f():\n    import gancourse\n    return gancourse.divergences.kl\n") \
        == {"gancourse", "gancourse.divergences"}
    # dotted names in strings (gancourse.testing.COURSE_TOOLS resolves them by import)
    assert library_modules_named('TOOLS = ("gancourse.viz.", "gancourse.data.load_mnist")') == {
        "gancourse", "gancourse.viz", "gancourse.data"}
    assert library_modules_named("from .reduction import mean_over_batch", "gancourse.losses") == {
        "gancourse", "gancourse.losses", "gancourse.losses.reduction"}
    assert library_modules_named("%matplotlib inline\nimport gancourse.viz\n") == {
        "gancourse", "gancourse.viz"}
    assert library_modules_named("def broken(:\n") is None  # unreadable: the caller takes all


def test_the_closure_follows_imports_inside_the_library():
    files = {str(p.relative_to(REPO)) for p in library_closure(["from gancourse.models.gan import GAN"])}
    assert {"gancourse/__init__.py", "gancourse/models/gan.py", "gancourse/models/base.py"} <= files
    assert "gancourse/train.py" not in files and "gancourse/ablation.py" not in files
    everything = library_closure(["def broken(:"])
    assert {p for p in everything if p.name == "train.py"}


def test_every_assignment_depends_on_what_its_grading_runs_and_its_own_registry_entry():
    for a in REGISTRY:
        names = dict(grading_inputs(a))
        assert "gancourse/testing.py" in names and "gancourse/__init__.py" in names, a
        assert "gancourse/assets/mnist_classifier.weights.h5" in names, a
        assert "grader/verdict.py" in names and "grader/hidden/reference.py" in names, a
        assert "grader/classroom.py" not in names, a  # not grading code
        entry = names["grader/assignments.py"].decode()
        assert repr(REGISTRY[a]) in entry
        assert not any(repr(REGISTRY[b]) in entry for b in REGISTRY if b != a)


@pytest.fixture()
def course_copy(tmp_path, monkeypatch):
    """The parts of the repository a1's record depends on, copied; record_inputs reads them."""
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for folder in ("gancourse", "grader/hidden", "solutions/a1_theory", "grader/mutants/a1_theory",
                   "grader/alternatives/a1_theory"):
        if (REPO / folder).exists():
            shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    for path in (REPO / "grader").glob("*.py"):
        shutil.copy2(path, root / "grader" / path.name)
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy2(REPO / name, root / name)
    monkeypatch.setattr(record_inputs, "REPO", root)
    monkeypatch.setattr(record_inputs, "SOLUTIONS", root / "solutions")
    return root


def test_a_new_variant_keeps_the_record_an_edit_it_can_run_does_not(course_copy: Path):
    a = "a1_theory"
    before = inputs_digest(a)
    (course_copy / "gancourse" / "cgan.py").write_text("import gancourse.models.base\n")
    (course_copy / "gancourse" / "train.py").write_text("# rewritten: grading never runs it\n")
    assert inputs_digest(a) == before
    testing = course_copy / "gancourse" / "testing.py"
    testing.write_text(testing.read_text() + "\n# an edit\n")
    assert inputs_digest(a) != before
    testing.write_text(testing.read_text().removesuffix("\n# an edit\n"))
    assert inputs_digest(a) == before
    base = course_copy / "gancourse" / "models" / "base.py"  # reached through the grader's imports
    base.write_text(base.read_text() + "\n")
    assert inputs_digest(a) != before


def test_an_unreadable_mutant_makes_every_library_module_count(course_copy: Path):
    a = "a1_theory"
    before = inputs_digest(a)
    (course_copy / "gancourse" / "train.py").write_text("# grading never runs it\n")
    assert inputs_digest(a) == before
    (course_copy / "grader" / "mutants" / a / "zz_broken.py").write_text(
        "# cell: kl_divergence\n# kills: test_kl\n# why: -\ndef kl_divergence(:\n")
    changed = inputs_digest(a)
    (course_copy / "gancourse" / "train.py").write_text("# and now it counts\n")
    assert inputs_digest(a) != changed
