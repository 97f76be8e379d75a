"""The student course (grader/student_course.py): what it holds, and the proof of what it lacks.

``make test`` also runs every lecture from a fresh build (the Makefile's ``test`` target), so
these tests check the contents only.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader import student_course
from grader.student_course import MARKER, REPO, BuildError, build, tracked_files

REGIONS = (("### BEGIN SOLUTION", "### END SOLUTION"),
           ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student") / "gan-course"
    build(out, check_release=False)  # tests/test_release.py checks the release is current
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _normalise(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _texts(root: Path) -> str:
    """Every text in the build, notebooks as their cells' sources (not JSON-escaped)."""
    parts = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            parts += [_normalise(c.source) for c in nb.cells]
            parts += [_normalise(o.get("text", "")) for c in nb.cells for o in c.get("outputs", [])]
        else:
            try:
                parts.append(_normalise(path.read_text()))
            except UnicodeDecodeError:
                pass
    return "\n".join(parts)


def _secret_regions() -> list[tuple[str, str]]:
    """(notebook, region) for every solution and hidden-test region of every source notebook."""
    out = []
    for path in sorted((REPO / "solutions").rglob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for begin, end in REGIONS:
                for m in re.finditer(re.escape(begin) + r"(.*?)" + re.escape(end), cell.source, re.S):
                    out.append((path.name, _normalise(m.group(1))))
    return out


def test_it_holds_the_course_and_nothing_an_instructor_keeps(course):
    top = {p.name for p in course.iterdir()}
    assert top == {"course", "assignments", "gancourse", "tools", "pyproject.toml",
                   "requirements.lock", "environment.yml", "Makefile", "README.md", ".gitignore",
                   MARKER}
    assert not any((course / name).exists() for name in ("solutions", "grader", "tests",
                                                         "benchmarks", ".ci"))
    assert sorted(p.name for p in (course / "course").glob("*.ipynb")) == \
        sorted(p.name for p in (REPO / "course").glob("*.ipynb"))
    assert sorted(p.name for p in (course / "assignments").iterdir()) == \
        sorted(p.name for p in (REPO / "assignments").iterdir())
    for rel in tracked_files():  # byte for byte what git tracks
        assert (course / rel).read_bytes() == (REPO / rel).read_bytes(), rel
    record = json.loads((course / MARKER).read_text())
    assert record["built_from_commit"] and record["command"].startswith("python -m grader")


def test_no_solution_or_hidden_test_region_of_any_source_notebook_is_in_it(course):
    corpus = _texts(course)
    regions = _secret_regions()
    assert {nb for nb, _ in regions} == {p.name for p in (REPO / "solutions").rglob("*.ipynb")}
    for notebook, region in regions:
        if len(region) >= 20:  # a one-word answer ("pass") proves nothing either way
            assert region not in corpus, (notebook, region[:200])
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "#### CHECK", "#### PROBE"):
        assert marker not in corpus, marker


def test_no_grader_artifact_is_in_it(course):
    """No file of ``grader/`` or ``solutions/`` (reference weights, thresholds, transplant
    data, example submissions, mutants) is in the build under any name, except those that are
    public by design: the lecture references, the student template and copies of public files
    (the untouched example submission is the release itself)."""
    public = {_sha(p) for p in student_course.TEMPLATE.iterdir()}
    public |= {_sha(REPO / rel) for rel in tracked_files()}
    secret = {}
    for folder in ("grader", "solutions"):
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and path.stat().st_size > 200 and "__pycache__" not in path.parts:
                secret.setdefault(_sha(path), path.relative_to(REPO))
    assert any(str(p).endswith("a3_generator.npz") for p in secret.values())
    assert any(str(p).endswith("quality.json") for p in secret.values())
    built = {_sha(p): p.relative_to(course) for p in course.rglob("*") if p.is_file()}
    leaked = {str(built[h]): str(secret[h]) for h in set(built) & set(secret) - public}
    assert not leaked
    assert (course / "course" / "results" / "dcgan-laptop" / "metrics.json").is_file()
    assert (REPO / "course" / "results" / "dcgan-laptop" / "generator.weights.h5").is_file()
    # the only weights: the feature network the metrics use (gancourse/assets); the lectures'
    # trained DCGAN stays in the repository
    assert [str(p.relative_to(course)) for p in course.rglob("*.h5")] == \
        ["gancourse/assets/mnist_classifier.weights.h5"]


def test_the_lectures_find_their_reference_results_in_it(course, tmp_path):
    code = ("from gancourse.provenance import reference_result; "
            "print(reference_result('dcgan-laptop/metrics.json'))")
    res = subprocess.run([sys.executable, "-c", code], cwd=course / "course",
                         capture_output=True, text=True,
                         env={"PYTHONPATH": str(course), "HOME": str(tmp_path),
                              "PYTHONDONTWRITEBYTECODE": "1"})
    assert res.returncode == 0, res.stderr
    assert Path(res.stdout.strip()) == course / "course" / "results" / "dcgan-laptop" / \
        "metrics.json"


def test_its_makefile_offers_the_student_commands(course):
    for target in ("lab", "check", "validate"):
        res = subprocess.run(["make", "-n", target, "A=a0_data", "STAMP=COURSE_BUILD.json"], cwd=course,
                             capture_output=True, text=True)
        assert res.returncode == 0, (target, res.stderr)
    dry = subprocess.run(["make", "-n", "check", "STAMP=COURSE_BUILD.json"], cwd=course,
                         capture_output=True, text=True).stdout
    assert "GANCOURSE_PROFILE=ci" in dry and "course/00_welcome.ipynb" in dry
    assert "ROLE=student" in (course / "Makefile").read_text()
    assert "ROLE:-instructor}\" = student" in (course / "tools" / "bootstrap.sh").read_text()
    assert "make lab" in (course / "README.md").read_text()


def test_it_never_replaces_what_it_did_not_build(tmp_path):
    mine = tmp_path / "my-notes"
    mine.mkdir()
    (mine / "notes.txt").write_text("a student's work")
    with pytest.raises(BuildError, match="not empty"):
        build(mine, check_release=False)
    with pytest.raises(BuildError, match="not a student-course build"):
        build(mine, force=True, check_release=False)
    assert (mine / "notes.txt").read_text() == "a student's work"
    with pytest.raises(BuildError, match="inside the repository"):
        build(REPO / "course" / "copy", check_release=False)


def test_a_stale_release_is_refused(tmp_path, monkeypatch):
    from grader import release

    monkeypatch.setattr(release, "main", lambda argv=None: 1)
    with pytest.raises(BuildError, match="make release"):
        build(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_only_tracked_files_travel(course):
    assert not list(course.rglob("__pycache__")) and not list(course.rglob(".ipynb_checkpoints"))
