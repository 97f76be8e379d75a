"""The JupyterHub deployment's files (grader/hub/): each is loaded the way its reader loads it
(JupyterHub and nbgrader read traitlets config files, TLJH's settings go through
``tljh-config set``, install.sh through bash) and checked against the course and against each
other: one course id, one exchange, one grader account, one class folder."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from grader.gradebook import COURSE_ID

HUB = Path(__file__).resolve().parent.parent / "grader" / "hub"
INSTALL = (HUB / "install.sh").read_text()


def install_var(name: str) -> str:
    m = re.search(rf"^{name}=(\S+)$", INSTALL, re.M)
    assert m, f"install.sh sets no {name}"
    return m.group(1).replace("$COURSE_ID", COURSE_ID)


def hub_config(tmp_path: Path, monkeypatch, instructors: str | None):
    """jupyterhub_config.py as JupyterHub loads it, with the settings file install.sh writes."""
    settings = tmp_path / "gancourse.env"
    if instructors is not None:
        settings.write_text(f"GANCOURSE_INSTRUCTORS={instructors}\n"
                            "GANCOURSE_GRADER_HOME=/home/grader-gancourse\n"
                            "GANCOURSE_USER_ENV=/opt/tljh/user\n")
    for key in ("GANCOURSE_INSTRUCTORS", "GANCOURSE_GRADER_HOME", "GANCOURSE_USER_ENV"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("GANCOURSE_HUB_SETTINGS", str(settings))
    return PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config().JupyterHub


def test_formgrader_service_runs_as_the_grader_in_the_class_folder(tmp_path, monkeypatch):
    hub = hub_config(tmp_path, monkeypatch, "prof, ta1,prof")
    (service,) = hub.services
    documented = {"name", "url", "command", "user", "cwd", "environment", "oauth_no_confirm",
                  "api_token", "admin", "info", "display", "oauth_client_id",
                  "oauth_redirect_uri", "oauth_roles", "oauth_client_allowed_scopes"}
    assert set(service) <= documented, set(service) - documented
    grader = install_var("GRADER")
    assert service["name"] == COURSE_ID and service["user"] == grader
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", service["url"])  # loopback only
    home = Path(f"/home/{grader}")
    assert service["cwd"] == str(home / "class")
    assert service["command"] == ["/opt/tljh/user/bin/jupyterhub-singleuser",
                                  f"--ServerApp.root_dir={home / 'class'}"]
    env = service["environment"]
    assert env["PYTHONPATH"] == str(home / COURSE_ID)  # where install.sh clones the repository
    assert env["PATH"].startswith("/opt/tljh/user/bin:")  # alembic and nbgrader for the server
    assert env["GANCOURSE_CLASS"] == service["cwd"]
    # only the instructors' group may open it
    assert hub.load_groups == {f"formgrade-{COURSE_ID}": ["prof", "ta1"]}
    (role,) = hub.load_roles
    assert role["groups"] == [f"formgrade-{COURSE_ID}"]
    assert f"access:services!service={COURSE_ID}" in role["scopes"]
    assert all(s.endswith(f"!service={COURSE_ID}") for s in role["scopes"])


def test_without_settings_nobody_opens_the_formgrader(tmp_path, monkeypatch):
    hub = hub_config(tmp_path, monkeypatch, None)
    assert hub.load_groups == {f"formgrade-{COURSE_ID}": []}
    monkeypatch.setenv("GANCOURSE_INSTRUCTORS", "dean")  # the environment overrides the file
    hub = PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config().JupyterHub
    assert hub.load_groups == {f"formgrade-{COURSE_ID}": ["dean"]}


def test_shared_nbgrader_settings_agree_with_install_and_classroom():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(HUB)).load_config()
    assert config.CourseDirectory.course_id == COURSE_ID
    assert config.Exchange.root == install_var("EXCHANGE") == "/srv/nbgrader/exchange"
    assert "student_id" not in config.CourseDirectory  # students are their hub logins
    # the class folder install.sh creates uses the same exchange
    assert re.search(r'grader\.classroom init \\\n\s+--class "\$GRADER_HOME/class" '
                     r'--exchange "\$EXCHANGE"', INSTALL)


def test_tljh_settings_are_single_values_tljh_knows():
    from grader.hub.tljh_settings import settings

    pairs = dict(settings(HUB / "tljh-config.yaml"))
    assert pairs["user_environment.default_app"] == "jupyterlab"  # the Assignment List's lab
    known = re.compile(r"(user_environment\.default_app|limits\.(memory|cpu)|"
                       r"services\.cull\.(enabled|timeout|every|concurrency|users|max_age))$")
    assert all(known.match(k) for k in pairs), pairs
    assert re.fullmatch(r"\d+[KMGT]", pairs["limits.memory"]) and int(pairs["limits.cpu"]) >= 1
    out = subprocess.run([sys.executable, str(HUB / "tljh_settings.py"), str(HUB / "tljh-config.yaml")],
                         capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [f"{k} {v}" for k, v in pairs.items()]


def test_tljh_settings_refuse_what_tljh_config_set_cannot_take(tmp_path):
    from grader.hub.tljh_settings import settings

    for bad in ("limits:\n  memory:\n", "users:\n  admin: [a, b]\n", "- a list\n"):
        (tmp_path / "bad.yaml").write_text(bad)
        with pytest.raises(ValueError):
            settings(tmp_path / "bad.yaml")


def test_install_script_parses_and_keeps_solutions_private():
    assert subprocess.run(["bash", "-n", str(HUB / "install.sh")]).returncode == 0
    for name in re.findall(r'"\$HERE/([\w.-]+)"', INSTALL):  # every file it installs exists
        assert (HUB / name).is_file(), name
    assert 'chmod 700 "$GRADER_HOME"' in INSTALL  # the repository (solutions/) is the grader's
    assert "make -C \"$GRADER_HOME/$COURSE_ID\" student-course" in INSTALL  # students: no grader
    assert 'install -d -m 1777 "$EXCHANGE"' in INSTALL
    # the hub file goes where TLJH reads extra config, under the course's name
    assert '"$TLJH/config/jupyterhub_config.d/$COURSE_ID.py"' in INSTALL
    refused = subprocess.run(["bash", str(HUB / "install.sh")], capture_output=True, text=True)
    assert refused.returncode == 2 and "usage" in refused.stderr  # no instructors given
