"""Smoke tests of the benchmark scripts (benchmarks/): each runs in ``--quick`` mode as users run
it (a subprocess), and its output format is checked: the last line ``ratio: X.XX``, the JSON's
keys, finite positive numbers.  Nothing here times anything or asserts on speed - the numbers of
a quick run on a shared machine mean nothing.

The scripts start in a module fixture, together, so that they overlap (each takes well under a
minute alone on a 2-core CPU).
"""
from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
RATIO_LINE = re.compile(r"^ratio: \d+\.\d\d$")
TIMEOUT = 300


def _finite_positive(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0


@pytest.fixture(scope="module")
def quick_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    procs = {}
    for name in ("dcgan_throughput", "dcgan_time_to_quality", "capstone_variant_cost"):
        procs[name] = subprocess.Popen(
            [sys.executable, str(BENCH / f"{name}.py"), "--quick", "--out", str(out / name)],
            cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = {}
    for name, proc in procs.items():
        try:
            stdout, stderr = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
        results[name] = (proc.returncode, stdout, stderr, out / name)
    return results


def _check_run(result):
    rc, stdout, stderr, out = result
    assert rc == 0, f"exit code {rc}\nstdout:\n{stdout[-2000:]}\nstderr:\n{stderr[-3000:]}"
    lines = stdout.strip().splitlines()
    assert lines and RATIO_LINE.match(lines[-1]), f"last line {lines[-1:]!r}"
    ratio = float(lines[-1].split()[1])
    data = json.loads(out.with_suffix(".json").read_text())
    txt = out.with_suffix(".txt").read_text().strip().splitlines()
    assert txt[-1] == lines[-1]
    prov = data["provenance"]
    for key in ("command", "git", "cpu", "threads", "tensorflow", "keras", "date_utc",
                "load_avg_start", "load_avg_end", "cpus_usable"):
        assert key in prov, key
    assert "--quick" in prov["command"]
    assert len(prov["load_avg_start"]) == 3 and len(prov["load_avg_end"]) == 3
    return ratio, data


def test_throughput_quick(quick_runs):
    ratio, data = _check_run(quick_runs["dcgan_throughput"])
    assert data["benchmark"] == "dcgan_throughput"
    assert set(data) >= {"config", "variants", "sgemm", "ratios", "headline", "provenance"}
    assert data["config"]["quick"] is True
    assert {"tutorial", data["headline"]["variant"]} <= set(data["variants"])
    assert data["headline"]["baseline"] == "tutorial"
    assert f"{data['headline']['ratio']:.2f}" == f"{ratio:.2f}"
    assert _finite_positive(data["headline"]["ratio"])
    for key, v in data["variants"].items():
        for field in ("gflop_per_step", "fraction_of_f32_peak"):
            assert _finite_positive(v[field]), (key, field, v[field])
        for field in ("images_per_s", "steps_per_s", "gflops"):
            assert _finite_positive(v[field]["median"]), (key, field)
            assert all(_finite_positive(x) for x in v[field]["per_round"]), (key, field)
        assert len(v["images_per_s"]["per_round"]) == data["config"]["rounds"]
    assert _finite_positive(data["variants"]["course-tut-bf16"]["fraction_of_bf16_peak"])
    # the tutorial's step does less arithmetic than the course's alternating step
    assert (data["variants"]["tutorial"]["gflop_per_step"]
            < data["variants"]["course-tut-bf16"]["gflop_per_step"])
    for key in ("float32_peak_gflops", "bfloat16_peak_gflops"):
        assert _finite_positive(data["sgemm"][key])
    for r in data["ratios"].values():
        assert _finite_positive(r["median_of_per_round"])


def test_time_to_quality_quick(quick_runs):
    ratio, data = _check_run(quick_runs["dcgan_time_to_quality"])
    assert data["benchmark"] == "dcgan_time_to_quality"
    assert set(data) >= {"config", "recipes", "ratio", "ratio_kind", "ratio_is_lower_bound",
                         "provenance"}
    assert data["config"]["quick"] is True
    assert set(data["recipes"]) == {"course", "tutorial"}
    assert _finite_positive(data["ratio"]) and f"{data['ratio']:.2f}" == f"{ratio:.2f}"
    assert data["ratio_kind"] in ("exact", "lower_bound", "upper_bound")
    assert _finite_positive(data["ratio_cpu_seconds"])
    for name, r in data["recipes"].items():
        assert r["reached"], name  # the quick threshold is reached at the first evaluation
        for field in ("time_to_threshold_s", "cpu_s_to_threshold", "trained_s", "cpu_s",
                      "steps", "steps_per_s", "eval_s_total"):
            assert _finite_positive(r[field]), (name, field)
        assert r["history"], name
        for e in r["history"]:
            assert _finite_positive(e["fid"]) and _finite_positive(e["clock_s"]), (name, e)
        marks = r["fid_at_marks"]
        assert set(marks) == {f"{m:g}s" for m in data["config"]["marks_s"]}
        for m in marks.values():
            assert m is not None and _finite_positive(m["fid"])
    out = quick_runs["dcgan_time_to_quality"][3]
    assert out.with_name(out.name + "_samples.png").stat().st_size > 0


def test_capstone_variant_cost_quick(quick_runs):
    ratio, data = _check_run(quick_runs["capstone_variant_cost"])
    assert data["benchmark"] == "capstone_variant_cost" and data["config"]["quick"] is True
    assert set(data["variants"]) == {"baseline", "wgan_gp"}
    assert data["headline"] == {"variant": "wgan_gp", "baseline": "baseline",
                                "ratio": data["variants"]["wgan_gp"]["ratio_to_baseline"]}
    assert f"{data['headline']['ratio']:.2f}" == f"{ratio:.2f}"
    for v in data["variants"].values():
        assert len(v["wall"]) == len(v["fit"]) == data["config"]["rounds"]
        assert all(0 < f < w for f, w in zip(v["fit"], v["wall"]))  # set-up is timed too
        for field in ("median_wall_seconds", "ratio_to_baseline", "laptop_run_seconds",
                      "study_seconds"):
            assert _finite_positive(v[field]), field
    assert data["variants"]["baseline"]["ratio_to_baseline"] == 1.0


def test_help():
    for name in ("dcgan_throughput", "dcgan_time_to_quality", "capstone_variant_cost"):
        res = subprocess.run([sys.executable, str(BENCH / f"{name}.py"), "--help"], cwd=REPO,
                             env=ENV, capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr
        assert "--quick" in res.stdout and "--out" in res.stdout


def test_flop_accounting():
    """The analytic FLOP counts of the tutorial's networks match a hand count."""
    sys.path.insert(0, str(BENCH))
    try:
        import _tutorial_dcgan as T
        from dcgan_throughput import layer_macs, step_flops
    finally:
        sys.path.remove(str(BENCH))
    g = [m for _, m in layer_macs(T.build_generator())]
    d = [m for _, m in layer_macs(T.build_discriminator())]
    # Dense 100 -> 12544; ConvT 7x7x256 -> 128 (5x5); 7x7x128 -> 64 (5x5, stride 2);
    # 14x14x64 -> 1 (5x5, stride 2)
    assert g == [100 * 12544, 49 * 25 * 256 * 128, 49 * 25 * 128 * 64, 196 * 25 * 64]
    # Conv 28x28x1 -> 14x14x64; 14x14x64 -> 7x7x128; Dense 6272 -> 1
    assert d == [196 * 25 * 64, 49 * 25 * 64 * 128, 6272]
    gf, df = sum(g), sum(d)
    tut = step_flops("tutorial", g, d, 256, 256)
    assert tut == 2 * 256 * (3 * gf - g[0] + 7 * df - 2 * d[0])
    course = step_flops("course", g, d, 256, 256)
    assert course - tut == 2 * 256 * (gf + df)  # one more G and D forward pass per example
