"""An instructor (or a student in the instructor's repository) at work in JupyterLab: a lecture
run and autosaved with its outputs, answers typed into a released assignment and validated.  Afterwards the
repository's checks still pass, commits carry no outputs, and a release refuses to overwrite the
answers."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
LECTURE = "course/00_welcome.ipynb"
ANSWERS = "assignments/a0_data/a0_data.ipynb"


def run(cmd: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, **kw)


def test_working_in_the_lab_breaks_nothing_and_loses_nothing(tmp_path):
    clone = tmp_path / "repo"
    assert run(["git", "clone", "--quiet", str(REPO), str(clone)], tmp_path).returncode == 0
    env = dict(os.environ, VENV=str(Path(sys.executable).parent.parent))
    assert run(["bash", "tools/configure_git.sh"], clone, env=env).returncode == 0

    # run the welcome lecture and save it with its outputs, as autosave does
    nb = nbformat.read(clone / LECTURE, as_version=4)
    kernel_env = dict(os.environ, GANCOURSE_PROFILE="ci", PYTHONPATH=str(clone), MPLBACKEND="Agg")
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(clone / "course")}}).execute(env=kernel_env)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    nbformat.write(nb, clone / LECTURE)
    # a student's answers in the released assignment
    shutil.copyfile(REPO / "grader/examples/example_full/a0_data/a0_data.ipynb", clone / ANSWERS)
    answers = (clone / ANSWERS).read_bytes()
    # ... which the student validates (what the Validate button runs)
    validate = run([sys.executable, "-m", "nbgrader", "validate", ANSWERS], clone,
                   env=dict(os.environ, PYTHONPATH=str(clone), GANCOURSE_PROFILE="ci"))
    assert "Success! Your notebook passes all the tests." in validate.stdout, validate.stdout[-3000:]
    assert (clone / ANSWERS).read_bytes() == answers  # validating never rewrites the answers

    # the repository's static checks read what would be committed
    checks = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                  "tests/test_notebooks.py"], clone, env=dict(os.environ, PYTHONPATH=str(clone)))
    assert checks.returncode == 0, checks.stdout[-3000:]
    # git sees no change in the lecture (the clean filter strips the outputs) ...  (`git diff`
    # compares filtered contents; `git status` would list the lecture until it is added, since
    # git takes a changed file size for a change without running the filter)
    changed = run(["git", "diff", "--name-only"], clone).stdout.split()
    assert LECTURE not in changed and ANSWERS in changed, changed
    run(["git", "add", "-A"], clone)
    status = run(["git", "status", "--porcelain"], clone).stdout
    assert LECTURE not in status and ANSWERS in status, status
    staged = run(["git", "show", f":{LECTURE}"], clone).stdout
    assert staged == (REPO / LECTURE).read_text()  # what would be committed has no outputs
    assert "outputs\": []" in staged and (clone / LECTURE).read_text() != staged
    # ... and a release refuses to replace the answers
    release = run([sys.executable, "-m", "grader.release"], clone,
                  env=dict(os.environ, PYTHONPATH=str(clone)))
    assert release.returncode == 2 and ANSWERS in release.stderr, release.stderr
    assert (clone / ANSWERS).read_bytes() == answers
