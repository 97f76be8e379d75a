# JupyterHub settings of a gancourse class on The Littlest JupyterHub (TLJH).
#
# install.sh copies this file to /opt/tljh/config/jupyterhub_config.d/gancourse.py; TLJH loads
# it after its own config.yaml.  What it adds to a plain TLJH:
#
# * the Formgrader as a hub service "gancourse" at /services/gancourse/, a JupyterLab run as the
#   grader account (not a person: the class's gradebook, submissions and the instructor
#   repository live in its home, which no student can read), opened in the class folder;
# * the group formgrade-gancourse (instructors and TAs), the only ones who may open it.
#
# Students need nothing from the hub: their Assignment List talks to the exchange folder
# (/srv/nbgrader/exchange, see nbgrader_config.py here).  Autograding is not done by the
# Formgrader's button but by the course's sandboxed pipeline, from a terminal of the service:
# `make class-autograde A=a0_data CLASS=~/class` in ~/gancourse (README, "On JupyterHub").
#
# Instructors and TAs: the hub logins in GANCOURSE_INSTRUCTORS (comma-separated), set in
# /opt/tljh/config/gancourse.env by install.sh; edit that file and `tljh-config reload hub`.
import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when JupyterHub loads this file)

COURSE_ID = "gancourse"
GRADER_ACCOUNT = f"grader-{COURSE_ID}"  # a Unix account, made by install.sh
SERVICE_PORT = 9999


def _settings(path: str) -> dict[str, str]:
    """KEY=value lines of install.sh's settings file, overridden by the environment."""
    found = {}
    if Path(path).is_file():
        for line in Path(path).read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                found[key.strip()] = value.strip()
    found.update({k: v for k, v in os.environ.items() if k.startswith("GANCOURSE_")})
    return found


SETTINGS = _settings(os.environ.get("GANCOURSE_HUB_SETTINGS", "/opt/tljh/config/gancourse.env"))
INSTRUCTORS = sorted({name.strip() for name in SETTINGS.get("GANCOURSE_INSTRUCTORS", "").split(",")
                      if name.strip()})
GRADER_HOME = Path(SETTINGS.get("GANCOURSE_GRADER_HOME", f"/home/{GRADER_ACCOUNT}"))
USER_ENV = Path(SETTINGS.get("GANCOURSE_USER_ENV", "/opt/tljh/user"))  # TLJH's users' Python

c.JupyterHub.services = [{
    "name": COURSE_ID,
    "url": f"http://127.0.0.1:{SERVICE_PORT}",
    "command": [str(USER_ENV / "bin" / "jupyterhub-singleuser"),
                f"--ServerApp.root_dir={GRADER_HOME / 'class'}"],
    "user": GRADER_ACCOUNT,
    "cwd": str(GRADER_HOME / "class"),
    "environment": {
        # the course's grading code and its own environment's tools (nbgrader runs alembic)
        "PYTHONPATH": str(GRADER_HOME / COURSE_ID),
        "PATH": f"{USER_ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTERHUB_DEFAULT_URL": "/lab",
        "GANCOURSE_CLASS": str(GRADER_HOME / "class"),
    },
    "oauth_no_confirm": True,
}]

c.JupyterHub.load_groups = {f"formgrade-{COURSE_ID}": INSTRUCTORS}
c.JupyterHub.load_roles = [{
    "name": f"formgrade-{COURSE_ID}",
    "description": "open the course's Formgrader",
    "groups": [f"formgrade-{COURSE_ID}"],
    "scopes": [f"access:services!service={COURSE_ID}", f"read:services!service={COURSE_ID}"],
}]
