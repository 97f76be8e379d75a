"""Train the a3_dcgan reference by executing the solution notebook; derive the grading artifacts.

    python -m grader.reference_a3 [--seeds 0 1 2] [--early-steps 300 600] [--force]

Every number the a3_dcgan hidden tests compare against comes from here, never from a keyboard:

1. The full solution notebook (the release with the instructor's answers) is executed with
   nbclient in the **laptop** profile, exactly as a student runs it, once per seed (the
   ``SEED = 0`` line of the training cell is set to the seed) and once per early stopping
   point (``profile.train_steps`` lowered), each in a scratch folder; each run leaves the
   ``a3_generator.npz`` that its save cell writes.  (The notebook's own hidden tests fail in
   these runs - the artifacts they read do not exist yet - which is expected and ignored.)
2. Each generator is measured with :func:`grader.quality.evaluate_weights` - the function the
   hidden quality tests call - and the thresholds follow from the worst seed:
   ``tight = ceil(1.5 * worst)`` ("reference quality"), ``loose = ceil(3 * worst)``
   ("recognisable").
3. Written to ``grader/reference/a3_dcgan/``: ``submission/a3_generator.npz`` (seed 0: the
   solution's submitted file), ``mutant_files/untrained/`` (a freshly initialised generator) and
   ``mutant_files/early/`` (the early stop whose FID lies between the two thresholds, if any),
   ``transplant.npz`` (inputs and outputs of the reference networks for the weight-transplant
   tests), ``quality.json`` (settings, thresholds, every measurement, provenance) and
   ``samples.png``.

Outputs are computed with ``TF_ENABLE_ONEDNN_OPTS=0``, like grading (see grader/workspace.py).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # same kernels as the grading environment

import argparse  # noqa: E402
import copy  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402

from grader.quality import REFERENCE, SETTINGS, evaluate_weights, reference_builder  # noqa: E402
from grader.submissions import full_submission  # noqa: E402
from grader.workspace import REPO  # noqa: E402

ASSIGNMENT = "a3_dcgan"
OUT = REFERENCE / ASSIGNMENT
WEIGHTS = "a3_generator.npz"
TIGHT_FACTOR, LOOSE_FACTOR = 1.5, 3.0


def _notebook(seed: int, steps: int | None):
    """The full solution notebook with the training seed (and optionally the budget) set."""
    (name, nb), = [(k, v) for k, v in full_submission(ASSIGNMENT).items() if k.endswith(".ipynb")]
    nb = copy.deepcopy(nb)
    train = [c for c in nb.cells if c.cell_type == "code" and "\nSEED = 0\n" in f"\n{c.source}\n"]
    if len(train) != 1:
        raise SystemExit(f"expected one training cell with the line 'SEED = 0' in {name}")
    train[0].source = train[0].source.replace("SEED = 0\n", f"SEED = {seed}\n", 1)
    if steps is not None:
        setup = next(i for i, c in enumerate(nb.cells) if "show_profile()" in c.source)
        nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(
            f"import dataclasses\nprofile = dataclasses.replace(profile, train_steps={steps})"))
    return name, nb


def run_notebook(seed: int, steps: int | None, dest: Path, profile: str = "laptop") -> dict:
    """Execute the solution notebook (laptop profile) in a scratch folder; copy its weights."""
    from nbclient import NotebookClient

    name, nb = _notebook(seed, steps)
    env_before = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="a3-reference-") as tmp:
        os.environ.update(GANCOURSE_PROFILE=profile, PYTHONPATH=str(REPO))
        os.environ.pop("TF_ENABLE_ONEDNN_OPTS", None)  # train as a student does
        start = time.monotonic()
        try:
            NotebookClient(nb, timeout=3600, kernel_name="python3", allow_errors=True,
                           resources={"metadata": {"path": tmp}}).execute()
        finally:
            os.environ.clear()
            os.environ.update(env_before)
        seconds = time.monotonic() - start
        weights = Path(tmp) / WEIGHTS
        if not weights.is_file():
            errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
            raise SystemExit(f"the notebook wrote no {WEIGHTS} (seed {seed}); first error: "
                             f"{errors[0]['ename'] if errors else 'none'}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(weights, dest)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
                      if o.get("output_type") == "stream")
    return {"seed": seed, "steps": steps, "notebook_seconds": round(seconds, 1),
            "training_log": [line for line in printed.splitlines() if " steps in " in line]}


def transplant_arrays(generator_weights: Path) -> dict:
    """Inputs and outputs of the reference networks for the weight-transplant tests."""
    import numpy as np

    import gancourse
    from gancourse.data import load_mnist, prepare_mnist
    from gancourse.weights import load_weights_npz

    s = SETTINGS[ASSIGNMENT]
    rng = np.random.default_rng(2026)
    out = {}
    g = load_weights_npz(reference_builder(ASSIGNMENT)(*s["builder_args"]), generator_weights)
    out["g_noise"] = rng.standard_normal((16, s["builder_args"][0])).astype(np.float32)
    out["g_inference"] = g(out["g_noise"], training=False).numpy()
    out["g_training"] = g(out["g_noise"], training=True).numpy()

    ns = {}
    import keras
    import tensorflow as tf

    from grader.submissions import read, solution_answers
    exec(solution_answers(read(REPO / "solutions" / ASSIGNMENT / s["notebook"]))["build_discriminator"],
         {"keras": keras, "np": np, "tf": tf}, ns)
    gancourse.seed_everything(5)
    d = ns["build_discriminator"]()
    weights = []
    for w in d.get_weights():  # kernel/bias, BN gamma, beta, moving mean, moving variance
        weights.append(w)
    # Make every parameter matter: BN statistics away from (0, 1), a larger output layer.
    weights[3] = rng.uniform(0.5, 1.5, weights[3].shape).astype(np.float32)   # gamma
    weights[4] = rng.normal(0.0, 0.2, weights[4].shape).astype(np.float32)    # beta
    weights[5] = rng.normal(0.0, 0.1, weights[5].shape).astype(np.float32)    # moving mean
    weights[6] = rng.uniform(0.02, 0.2, weights[6].shape).astype(np.float32)  # moving variance
    weights[1] = rng.normal(0.0, 0.1, weights[1].shape).astype(np.float32)    # first bias
    real = prepare_mnist(load_mnist("test", n=8, source="bundled")[0])
    noise = rng.uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32)
    out["d_images"] = np.concatenate([real, noise, out["g_inference"][:8]]).astype(np.float32)
    # Scale and centre the output layer so that the logits spread well beyond [0, 1]: a model
    # with a sigmoid at the end cannot match them.
    for _ in range(16):
        weights[8] = np.zeros(1, np.float32)
        d.set_weights(weights)
        raw = d(out["d_images"], training=False).numpy()
        weights[8] = np.array([-np.median(raw)], np.float32)
        if raw.max() - raw.min() > 4.0:
            break
        weights[7] = weights[7] * 2.0
    d.set_weights(weights)
    out["d_inference"] = d(out["d_images"], training=False).numpy()
    if not (out["d_inference"].min() < -1.0 and out["d_inference"].max() > 1.5):
        raise SystemExit("reference logits do not leave [0, 1]; adjust the transplant weights")
    out["d_training"] = d(out["d_images"], training=True).numpy()
    for i, w in enumerate(weights):
        out[f"d_w{i:03d}"] = w
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--early-steps", type=int, nargs="*", default=[300, 600])
    parser.add_argument("--force", action="store_true", help="replace existing artifacts")
    parser.add_argument("--steps", type=int, default=None,
                        help="override the seeds' training steps (a smoke test of this script, "
                             "with --out elsewhere; the graded budget is the laptop profile's)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    out = args.out
    if args.seeds[0] != 0:
        raise SystemExit("the first seed must be 0 (the notebook's seed: the solution's file)")
    if out.exists() and any(out.iterdir()) and not args.force:
        raise SystemExit(f"{out} holds artifacts; pass --force to retrain and replace them")
    import numpy as np

    import gancourse
    from gancourse.provenance import git_record, reference_record
    from gancourse.viz import image_grid
    from gancourse.weights import save_weights_npz

    started, git_state = dt.datetime.now(dt.UTC), git_record()
    with tempfile.TemporaryDirectory(prefix="a3-artifacts-") as tmp:
        stage = Path(tmp) / ASSIGNMENT
        runs = []
        for seed in args.seeds:
            dest = stage / "runs" / f"seed{seed}" / WEIGHTS
            run = run_notebook(seed, args.steps, dest)
            run.update(evaluate_weights(ASSIGNMENT, dest))
            runs.append(run)
            print(f"seed {seed}: FID {run['fid']:.2f} ({run['notebook_seconds']:.0f} s)", flush=True)
        worst = max(r["fid"] for r in runs)
        tight, loose = math.ceil(TIGHT_FACTOR * worst), math.ceil(LOOSE_FACTOR * worst)
        early = []
        for steps in args.early_steps:
            dest = stage / "runs" / f"early{steps}" / WEIGHTS
            run = run_notebook(0, steps, dest)
            run.update(evaluate_weights(ASSIGNMENT, dest))
            early.append(run)
            print(f"early stop at {steps} steps: FID {run['fid']:.2f}", flush=True)
        s = SETTINGS[ASSIGNMENT]
        gancourse.seed_everything(0)
        untrained = stage / "mutant_files" / "untrained" / WEIGHTS
        save_weights_npz(reference_builder(ASSIGNMENT)(*s["builder_args"]), untrained)
        untrained_quality = evaluate_weights(ASSIGNMENT, untrained)

        (stage / "submission").mkdir(parents=True)
        shutil.copyfile(stage / "runs" / "seed0" / WEIGHTS, stage / "submission" / WEIGHTS)
        between = [r for r in early if tight < r["fid"] <= loose]
        if between:
            src = stage / "runs" / f"early{between[0]['steps']}" / WEIGHTS
            (stage / "mutant_files" / "early").mkdir(parents=True)
            shutil.copyfile(src, stage / "mutant_files" / "early" / WEIGHTS)
        np.savez(stage / "transplant.npz", **transplant_arrays(stage / "submission" / WEIGHTS))

        from gancourse.evaluation import generate
        from gancourse.weights import load_weights_npz

        g = load_weights_npz(reference_builder(ASSIGNMENT)(*s["builder_args"]),
                             stage / "submission" / WEIGHTS)
        fig = image_grid(generate(g, 64, seed=s["noise_seed"]),
                         title=f"a3_dcgan reference (seed 0), FID {runs[0]['fid']:.1f}")
        fig.savefig(stage / "samples.png", dpi=100)

        record = {
            "assignment": ASSIGNMENT,
            "settings": s,
            "thresholds": {"tight": tight, "loose": loose},
            "rule": f"tight = ceil({TIGHT_FACTOR} * worst seed FID), "
                    f"loose = ceil({LOOSE_FACTOR} * worst seed FID)",
            "runs": runs,
            "early_stops": early,
            "early_mutant_steps": between[0]["steps"] if between else None,
            "untrained": untrained_quality,
            "provenance": reference_record(
                "python -m grader.reference_a3 " + " ".join(argv or sys.argv[1:]), started, git_state,
                how="solution notebook executed with nbclient, GANCOURSE_PROFILE=laptop"
                    + (f" with train_steps={args.steps}" if args.steps else "") + "; "
                    "measured with grader.quality.evaluate_weights (TF_ENABLE_ONEDNN_OPTS=0)"),
        }
        (stage / "quality.json").write_text(json.dumps(record, indent=1, default=str) + "\n")
        shutil.rmtree(stage / "runs")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(stage, out)
    print(json.dumps({"thresholds": record["thresholds"], "seeds": [r["fid"] for r in runs],
                      "early": [(r["steps"], r["fid"]) for r in early],
                      "untrained": untrained_quality["fid"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
