"""`make lab` starts a JupyterLab server in the class folder that shows the course and a
Formgrader listing every assignment (checked over their REST APIs)."""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from servers import free_port, stop_group

from grader.workspace import assignment_ids

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=60) as r:  # Formgrader creates its gradebook first
        return json.load(r)


def test_make_lab_serves_the_course(tmp_path):
    port, token = free_port(), "course-test-token"
    env = dict(os.environ,
               JUPYTER_DATA_DIR=str(tmp_path / "data"),  # kernelspec goes here, not ~
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token}"
    log = open(tmp_path / "lab.log", "w")
    room = tmp_path / "class"
    proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}",
                             f"CLASS={room}"], cwd=REPO,
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                course = get_json(f"{base}/api/contents/course?token={token}")
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "lab.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "JupyterLab did not answer within 120 s"
                time.sleep(1)
        names = {item["name"] for item in course["content"]}
        assert "00_welcome.ipynb" in names
        root = {item["name"] for item in get_json(f"{base}/api/contents?token={token}")["content"]}
        assert {"course", "solutions", "README.md", "nbgrader_config.py"} <= root
        # Formgrader: every assignment of the course; its gradebook in the class folder
        listed = {a["name"] for a in get_json(f"{base}/formgrader/api/assignments?token={token}")}
        assert listed == set(assignment_ids())
        assert get_json(f"{base}/formgrader/api/students?token={token}") == []  # alembic ran
        assert (room / "gradebook.db").is_file() and not (REPO / "gradebook.db").exists()
        kernels = get_json(f"{base}/api/kernelspecs?token={token}")["kernelspecs"]
        assert {"python3", "gancourse"} <= set(kernels)
        assert (tmp_path / "data" / "kernels" / "gancourse" / "kernel.json").is_file()
        extensions = get_json(f"{base}/lab/api/extensions?token={token}")
        nbgrader = [e for e in extensions if e["name"] == "jupyter-nbgrader"]  # @jupyter/nbgrader
        assert nbgrader and nbgrader[0]["enabled"], "the nbgrader lab extension is not enabled"
        opened = (tmp_path / "lab.log").read_text()
        assert "nbgrader.server_extensions.validate_assignment | extension was successfully loaded" in opened
    finally:
        stop_group(proc)
        log.close()
