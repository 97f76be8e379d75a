"""The lint: ``ruff check`` (configured in pyproject.toml) over every Python file and the code of
every notebook passes, and it does fail on a file with a real mistake."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def ruff() -> str:
    """The ruff the course pins (next to this interpreter in the venv)."""
    here = Path(sys.executable).parent / "ruff"
    found = str(here) if here.exists() else shutil.which("ruff")
    assert found, "ruff is not installed: `make venv` installs the pinned version"
    return found


def test_the_repository_passes_the_lint():
    res = subprocess.run([ruff(), "check", "--no-cache", "--output-format", "concise", "."],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]


def test_the_lint_catches_an_undefined_name_and_an_unused_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef f():\n    return undefined_name\n")
    res = subprocess.run([ruff(), "check", "--no-cache", "--config", str(REPO / "pyproject.toml"),
                          "--output-format", "concise", str(bad)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert "F821" in res.stdout and "F401" in res.stdout
