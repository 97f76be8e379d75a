"""The environment is defined once: pyproject.toml's exact pins, mirrored by environment.yml and
constrained by requirements.lock.  These tests fail when the three disagree."""
from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def pins(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{line!r} is not an exact pin"
        out[canonicalize_name(req.name)] = specs[0].version
    return out


def pyproject_pins() -> dict[str, str]:
    return pins(pyproject()["project"]["dependencies"])


def conda_env() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text())


def test_environment_yml_matches_pyproject():
    deps = conda_env()["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert "python=3.11" in conda and "pip" in conda
    assert pins([p for p in pip_section if not p.startswith("-")]) == pyproject_pins()
    assert "-e ." in pip_section  # installs gancourse itself


def test_lock_agrees_with_pins():
    lock = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            lock[canonicalize_name(name)] = version
    for name, version in pyproject_pins().items():
        assert lock.get(name) == version, \
            f"requirements.lock has {name}=={lock.get(name)}, pyproject {version}"


def test_installed_environment_matches_pins():
    for name, version in pyproject_pins().items():
        assert metadata.version(name) == version, \
            f"{name}: installed {metadata.version(name)}, pinned {version}"
    assert sys.version_info[:2] == (3, 11)


def test_required_pins_and_gpu_extra():
    p = pyproject_pins()
    assert p["tensorflow"].startswith("2.21.")
    assert p["jupyterlab"].startswith("4.") and p["nbgrader"].startswith("0.9.")
    assert p["ipywidgets"].startswith("8.")
    for needed in ("numpy", "scipy", "matplotlib", "pytest", "tqdm", "nbval", "keras", "mlxtend"):
        assert needed in p
    gpu = [Requirement(r) for r in pyproject()["project"]["optional-dependencies"]["gpu"]]
    assert gpu[0].name == "tensorflow" and "and-cuda" in gpu[0].extras
    assert str(gpu[0].specifier) == f"=={p['tensorflow']}"
    assert pyproject()["project"]["requires-python"].startswith(">=3.11")


def test_make_targets_and_ci_entry_point():
    makefile = (REPO / "Makefile").read_text()
    for target in ("lab", "test", "release", "grade", "venv", "lock"):
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile lacks target {target}"
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^exec make test$", ci, re.M)
    readme = (REPO / "README.md").read_text()
    for cmd in ("make lab", "make test", "make release", "make grade"):
        assert cmd in readme, f"README does not document `{cmd}`"


def test_bootstrap_explains_a_missing_or_wrong_python(tmp_path):
    import subprocess

    def run(python: str):
        return subprocess.run(["bash", str(REPO / "tools" / "bootstrap.sh")], cwd=REPO,
                              env={"PATH": "/usr/bin:/bin", "PYTHON": python,
                                   "VENV": str(tmp_path / "venv")},
                              capture_output=True, text=True, timeout=60)

    missing = run(str(tmp_path / "no-such-python"))
    assert missing.returncode == 1 and "not found" in missing.stderr
    fake = tmp_path / "python-3.9"
    fake.write_text("#!/bin/sh\nexec " + sys.executable
                    + " -c 'import sys; sys.exit(\"error: Python 3.9 found\")'\n")
    fake.chmod(0o755)
    old = run(str(fake))
    assert old.returncode != 0 and "Python 3.9" in old.stderr
    assert not (tmp_path / "venv").exists(), "no environment is created with a wrong Python"
