"""Static checks of every notebook: valid, committed without outputs, course kernel, profile
shown first.  Outputs JupyterLab's autosave writes into the working tree are allowed: git's
clean filter (tools/strip_notebook.py, .gitattributes) keeps them out of commits, and the
checks read what would be committed.

(Execution is checked elsewhere: `make test` runs the lectures with nbval from a fresh student
course build, and the grading tests run solutions/.)
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("strip_notebook", REPO / "tools" / "strip_notebook.py")
strip_notebook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(strip_notebook)
NOTEBOOKS = sorted((REPO / "course").glob("*.ipynb")) + sorted((REPO / "solutions").glob("*/*.ipynb"))


def test_there_are_notebooks():
    assert (REPO / "course" / "00_welcome.ipynb") in NOTEBOOKS
    assert any(p.parent.parent.name == "solutions" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_notebook_is_valid_stripped_and_shows_profile(path):
    nb = nbformat.reads(strip_notebook.strip(path.read_text()), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    for c in code:
        assert c.outputs == [] and c.execution_count is None, "commit notebooks without outputs"
    first = code[0].source
    assert "import gancourse" in first and "show_profile()" in first, \
        "the first code cell must print the active profile (gancourse.show_profile())"


def test_committed_notebooks_have_no_outputs():
    for path in NOTEBOOKS:
        rel = str(path.relative_to(REPO))
        attr = subprocess.run(["git", "check-attr", "filter", rel], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout
        assert attr.strip().endswith("filter: gancourse-strip"), rel
        committed = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=REPO, capture_output=True,
                                   text=True)
        if committed.returncode == 0:  # (a notebook not committed yet is checked above)
            # committed as the filter writes it: else every fresh clone shows it modified, and
            # every `git status` runs the filter on it again
            assert strip_notebook.strip(committed.stdout) == committed.stdout, \
                f"{rel}: not in the clean filter's form (commit it again after `make venv`)"
            nb = nbformat.reads(committed.stdout, as_version=4)
            assert all(c.outputs == [] and c.execution_count is None
                       for c in nb.cells if c.cell_type == "code"), f"{rel}: committed with outputs"


def test_the_clean_filter_strips_outputs_and_keeps_the_rest(tmp_path):
    path = REPO / "course" / "00_welcome.ipynb"
    clean = strip_notebook.strip(path.read_text())  # (the working tree may hold outputs)
    assert strip_notebook.strip(clean) == clean  # nothing to strip: byte for byte
    nb = nbformat.reads(clean, as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="profile: ci\n")]
    code.execution_count = 3
    code.metadata["execution"] = {"iopub.execute_input": "2026-12-02T20:00:00Z"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    ran = nbformat.writes(nb)
    out = subprocess.run([sys.executable, str(REPO / "tools" / "strip_notebook.py")], input=ran,
                         capture_output=True, text=True, check=True).stdout
    assert out == clean
    for raw in ("not json {", "[]", '{"cells": [1]}', '{"cells": "x"}',  # never loses (or
                '{"cells": [], "metadata": []}', '{"cells": [{"metadata": 3}]}'):  # fails on)
        assert strip_notebook.strip(raw) == raw                   # what git gives it


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
