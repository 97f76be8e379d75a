"""What a mutation record depends on (grader/record_inputs.py): an edit to anything grading an
assignment can run invalidates its record; a new variant's library modules, or an edit to a
module grading never runs, do not."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import record_inputs
from grader.assignments import REGISTRY
from grader.mutation import inputs_digest
from grader.record_inputs import (
    NOT_SCORING,
    grading_inputs,
    library_closure,
    library_modules_named,
    modules_named,
)
from grader.submissions import EXAMPLES
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


def test_modules_named_reads_the_grader_too():
    assert modules_named('PRE = ["grader.sandbox_kernel.SandboxedExecute"]', "grader") == {
        "grader", "grader.sandbox_kernel"}
    assert modules_named("from grader.quality import evaluate_weights\n", "grader") == {
        "grader", "grader.quality"}
    assert modules_named("import gancourse.viz\n", "grader") == set()


def test_every_assignment_depends_on_what_its_grading_runs_and_its_own_registry_entry():
    pipeline = ("grade", "sandbox", "sandbox_kernel", "verdict", "kernel_guard", "landlock",
                "cgroups", "namespaces", "limits", "kernel_files", "static_flags", "submissions",
                "workspace", "mistakes", "gradebook", "mutation", "record_inputs",
                "nbgrader_config")
    for a in REGISTRY:
        names = dict(grading_inputs(a))
        assert "gancourse/testing.py" in names and "gancourse/__init__.py" in names, a
        assert "gancourse/assets/mnist_classifier.weights.h5" in names, a
        assert "grader/hidden/reference.py" in names and "grader/__init__.py" in names, a
        assert all(f"grader/{m}.py" in names for m in pipeline), a
        # not grading code: a class's tools, reference trainers, what cannot change a score
        for tool in ("classroom", "release", "student_course", "merge", "reference_a3",
                     "reference_capstone", "calibrate_metrics", "progress", "feedback"):
            assert f"grader/{tool}.py" not in names, (a, tool)
        # a3's hidden tests measure the submitted generator with grader/quality.py
        assert ("grader/quality.py" in names) == (a == "a3_dcgan"), a
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
    # the grader: a new tool beside the pipeline keeps the record, an edit to the pipeline not
    (course_copy / "grader" / "reference_a9.py").write_text("import grader.quality\n")
    calibrate = course_copy / "grader" / "calibrate_metrics.py"
    calibrate.write_text(calibrate.read_text() + "\n# a tool grading never runs\n")
    assert inputs_digest(a) == before
    sandbox = course_copy / "grader" / "sandbox.py"
    sandbox.write_text(sandbox.read_text() + "\n")
    assert inputs_digest(a) != before
    sandbox.write_text(sandbox.read_text().removesuffix("\n"))
    assert inputs_digest(a) == before
    # a library module the grading code imports counts like the assignment's own imports
    limits = course_copy / "grader" / "limits.py"
    limits.write_text(limits.read_text() + "\nimport gancourse.models.base\n")
    with_base = inputs_digest(a)
    assert with_base != before
    base = course_copy / "gancourse" / "models" / "base.py"
    base.write_text(base.read_text() + "\n")
    assert inputs_digest(a) != with_base


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


#: runs the real pipeline on one submission, every nbgrader process started with ``-X importtime``;
#: prints the grader modules the grading process and the nbgrader processes imported
_IMPORTS_OF_A_GRADING_RUN = """
import json, re, subprocess, sys
from pathlib import Path
from grader import workspace
from grader.grade import grade

logs = []
run = subprocess.run
def run_timing_imports(cmd, *args, **kwargs):
    if list(cmd[1:3]) == ["-m", "nbgrader"]:
        cmd = [cmd[0], "-X", "importtime", *cmd[1:]]
        proc = run(cmd, *args, **kwargs)
        logs.append(proc.stdout or "")
        return proc
    return run(cmd, *args, **kwargs)
workspace.subprocess.run = run_timing_imports
report = grade(Path(sys.argv[1]), Path(sys.argv[2]), [sys.argv[3]], verbose=False)
assert report.totals and not report.problems, (report.totals, report.problems)
names = {m for m in sys.modules if m.split(".")[0] == "grader"}
for log in logs:
    names |= set(re.findall(r"^import time:.*\\|\\s*(grader(?:\\.\\w+)*)\\s*$", log, re.M))
print(json.dumps(sorted(names)))
"""


def test_the_digest_covers_every_grader_module_a_real_grading_run_imports(tmp_path):
    """The closure is static; here the pipeline grades a1's solution for real and every grader
    module it imported, in its own process and in the nbgrader processes, must be an input of
    the record (or one that cannot change a score).  The kernel may import only grader/hidden/
    (the sandbox's allow-list), which is always an input."""
    a = "a1_theory"
    shutil.copytree(EXAMPLES / "example_full" / a, tmp_path / "subs" / "alice" / a)
    proc = subprocess.run([sys.executable, "-c", _IMPORTS_OF_A_GRADING_RUN, str(tmp_path / "subs"),
                           str(tmp_path / "out"), a], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    imported = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert {"grader.sandbox_kernel", "grader.verdict", "grader.grade"} <= imported  # it did look
    names = dict(grading_inputs(a))
    for module in imported:
        path = REPO.joinpath(*module.split("."))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        rel = str(path.relative_to(REPO))
        assert rel in names or rel in NOT_SCORING, f"{rel} runs when grading but is not hashed"
