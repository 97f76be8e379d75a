"""gancourse.quiet_import: no block of TensorFlow's C++ import-time log lines, in a script or in
a notebook kernel; Python's own warnings and errors still shown."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

NOISE = ("absl::InitializeLog", "cudart_stub", "oneDNN custom operations")


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "GANCOURSE_TF_IMPORT_LOGS"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**base, **env}, timeout=300)


def test_tensorflow_imports_quietly_after_gancourse_and_warnings_still_show():
    code = ("import gancourse, sys, warnings\nimport tensorflow as tf\n"
            "warnings.warn('still shown')\nprint(tf.constant(2).numpy() * 21)")
    res = _run(code)
    assert res.returncode == 0 and res.stdout.strip() == "42", res.stderr
    assert not any(word in res.stderr for word in NOISE), res.stderr
    assert "UserWarning: still shown" in res.stderr
    loud = _run(code, GANCOURSE_TF_IMPORT_LOGS="1")  # the lines are there to be silenced
    assert any(word in loud.stderr for word in NOISE), loud.stderr


def test_import_errors_are_not_swallowed():
    res = _run("import gancourse.quiet_import as q, sys\nq.MODULE = 'no_such_module_xyz'\n"
               "q.remove(); q.install()\nimport no_such_module_xyz")
    assert res.returncode == 1 and "ModuleNotFoundError" in res.stderr


def _kernel_stderr(code: str) -> str:
    from jupyter_client.manager import start_new_kernel

    streams: list = []
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        kc.execute_interactive(code,
                               timeout=240, output_hook=lambda msg: streams.append(msg))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return "".join(m["content"]["text"] for m in streams
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")


@pytest.mark.slow
def test_a_notebook_kernel_shows_no_log_block():
    errors = _kernel_stderr("import gancourse\nimport tensorflow as tf\nx = tf.ones(3)")
    assert not any(word in errors for word in NOISE), errors
