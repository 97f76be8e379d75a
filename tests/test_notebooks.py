"""Static checks of every notebook: valid, stripped, course kernel, profile shown first.

(Execution is checked elsewhere: `make test` runs the lectures with nbval from a fresh student
course build, and the grading tests run solutions/.)
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "course").glob("*.ipynb")) + sorted((REPO / "solutions").glob("*/*.ipynb"))


def test_there_are_notebooks():
    assert (REPO / "course" / "00_welcome.ipynb") in NOTEBOOKS
    assert any(p.parent.parent.name == "solutions" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_notebook_is_valid_stripped_and_shows_profile(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    for c in code:
        assert c.outputs == [] and c.execution_count is None, "commit notebooks without outputs"
    first = code[0].source
    assert "import gancourse" in first and "show_profile()" in first, \
        "the first code cell must print the active profile (gancourse.show_profile())"


def test_welcome_course_map_matches_the_repository():
    import re

    nb = nbformat.read(str(REPO / "course" / "00_welcome.ipynb"), as_version=4)
    table = next(c.source for c in nb.cells if c.source.startswith("## The course map"))
    available = set(re.findall(r"`((?:course|assignments)/[^`]+)`[^\n]*\| available \|", table))
    existing = {f"course/{p.name}" for p in (REPO / "course").glob("*.ipynb")}
    existing |= {f"assignments/{p.name}" for p in (REPO / "assignments").iterdir() if p.is_dir()}
    assert available == existing, "update the course map in course/00_welcome.ipynb"
    # every entry is a link JupyterLab opens (relative to course/), lectures in file order
    links = re.findall(r"\[`((?:course|assignments)/[^`]+)`\]\(([^)]+)\)", table)
    assert {name for name, _ in links} == available
    for name, target in links:
        assert (REPO / "course" / target).resolve().is_file(), (name, target)
        assert (REPO / name).resolve() in {(REPO / "course" / target).resolve(),
                                           (REPO / "course" / target).resolve().parent}, name
    lectures = [name for name, _ in links if name.startswith("course/")]
    assert lectures == sorted(lectures), "the course map lists lectures in their numbering"
