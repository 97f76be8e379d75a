"""benchmarks/grading_throughput.py runs end to end (numbers are not asserted: no timed tests)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def test_grading_throughput_benchmark_reports_ratio(tmp_path):
    # a1_theory: the quickest assignment to execute (NumPy only); the committed results use
    # the default, a0_data
    proc = subprocess.run([sys.executable, "benchmarks/grading_throughput.py", "--assignment",
                           "a1_theory", "--n", "2", "--jobs", "1", "2",
                           "--json", str(tmp_path / "r.json")],
                          cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert re.fullmatch(r"ratio: \d+\.\d\d", lines[-1]), lines[-1]
    result = json.loads((tmp_path / "r.json").read_text())
    assert set(result["pipeline_s"]) == {"1", "2"} and result["n"] == 2
    assert result["assignment"] == "a1_theory"
    assert all(v > 0 for v in result["submissions_per_minute"].values())
    assert result["bare_execution_s"] > 0
