"""Run the a5_capstone reference study by executing the solution notebook; derive its artifacts.

    python -m grader.reference_capstone [--force] [--out DIR]

Every number the capstone's hidden tests compare against comes from here, never from a keyboard:

1. The full solution notebook (the release with the instructor's answers) is executed with
   nbclient in the **laptop** profile, as a student runs it, in a scratch folder: its study
   trains the variant and the baseline for the seeds 0, 1, 2 at the graded budget and writes the
   six generators and ``capstone_report.json`` - the solution's submitted files.
2. Each generator is measured again with :func:`gancourse.capstone.evaluate_generator_file` (the
   function the hidden tests call) with ``TF_ENABLE_ONEDNN_OPTS=0``, as grading measures; the
   bars follow from the worst baseline seed: ``baseline = ceil(1.5 * worst)``, ``variant =
   ceil(3 * worst)``.  The report's numbers, computed in the notebook with the default oneDNN
   kernels, must agree with these within the tests' tolerance (checked here: the script fails
   otherwise).
3. Written to ``grader/reference/a5_capstone/``: ``submission/`` (the seven files),
   ``mutant_files/`` (``untrained``: an untrained baseline generator for seed 0;
   ``typed_report``: a report whose variant FIDs were lowered by hand; ``swapped``: the seed-0
   generators of variant and baseline exchanged), ``quality.json`` (settings, bars, every
   measurement, provenance) and ``samples.png``.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # measure with the grading environment's kernels

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from grader.quality import REFERENCE  # noqa: E402
from grader.submissions import full_submission  # noqa: E402
from grader.workspace import REPO  # noqa: E402

ASSIGNMENT = "a5_capstone"
OUT = REFERENCE / ASSIGNMENT
BASELINE_FACTOR, VARIANT_FACTOR = 1.5, 3.0
#: the tests' tolerance for a reported number (relative, absolute FID, absolute KID)
RTOL, FID_ATOL, KID_ATOL = 0.01, 0.05, 0.005


def run_study(folder: Path, profile: str = "laptop") -> dict:
    """Execute the full solution notebook in ``folder`` (its files stay there)."""
    from nbclient import NotebookClient

    (name, nb), = [(k, v) for k, v in full_submission(ASSIGNMENT).items() if k.endswith(".ipynb")]
    env_before = dict(os.environ)
    os.environ.update(GANCOURSE_PROFILE=profile, PYTHONPATH=str(REPO))
    os.environ.pop("TF_ENABLE_ONEDNN_OPTS", None)  # train as a student does
    start = time.monotonic()
    try:
        NotebookClient(nb, timeout=3600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    errors = [(c.metadata.get("nbgrader", {}).get("grade_id", c.get("id")), o["ename"])
              for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    return {"notebook": name, "notebook_seconds": round(time.monotonic() - start, 1),
            "errors": errors}


def class_counts(folder: Path, names: list[str]) -> dict[str, list[int]]:
    """How many of each generator's evaluation digits the course's classifier puts in each class
    (the notebook's class histogram; the model answer quotes it)."""
    import numpy as np

    from gancourse import capstone
    from gancourse.evaluation import generate
    from gancourse.features import load_feature_net
    from gancourse.weights import load_weights_npz

    net = load_feature_net()
    out = {}
    for name in names:
        g = load_weights_npz(capstone.build_generator(), folder / name)
        fakes = generate(g, capstone.EVAL_SAMPLES, seed=capstone.EVAL_NOISE_SEED)
        out[name] = np.bincount(net.probabilities(fakes).argmax(axis=1), minlength=10).tolist()
    return out


def summary(runs: dict, confidence: float) -> dict:
    """The report's ``summary`` of ``runs``, from scipy (independent of the notebook)."""
    import numpy as np
    import scipy.stats

    def interval(x):
        x = np.asarray(x, dtype=np.float64)
        low, high = scipy.stats.t.interval(confidence, len(x) - 1, loc=x.mean(),
                                           scale=scipy.stats.sem(x))
        return [float(x.mean()), float(low), float(high)]

    out = {}
    for metric in ("fid", "kid"):
        v = [r[metric] for r in runs["variant"]]
        b = [r[metric] for r in runs["baseline"]]
        d = interval(np.subtract(v, b))
        verdict = "better" if d[2] < 0 else "worse" if d[1] > 0 else "inconclusive"
        out[metric] = {"variant": interval(v), "baseline": interval(b),
                       "comparison": {"mean_difference": d[0], "low": d[1], "high": d[2],
                                      "verdict": verdict}}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="replace existing artifacts")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    out = args.out
    if out.exists() and any(out.iterdir()) and not args.force:
        raise SystemExit(f"{out} holds artifacts; pass --force to rerun the study and replace them")

    from gancourse import capstone
    from gancourse.evaluation import generate
    from gancourse.provenance import git_record, reference_record
    from gancourse.seeding import seed_everything
    from gancourse.viz import image_grid
    from gancourse.weights import load_weights_npz, save_weights_npz

    started, git_state = dt.datetime.now(dt.UTC), git_record()
    names = [capstone.weights_file(role, s) for role in ("variant", "baseline")
             for s in capstone.SEEDS]
    with tempfile.TemporaryDirectory(prefix="capstone-reference-") as tmp:
        stage = Path(tmp) / ASSIGNMENT
        work = Path(tmp) / "study"
        work.mkdir()
        execution = run_study(work)
        missing = [n for n in names + [capstone.REPORT_FILE] if not (work / n).is_file()]
        if missing:
            raise SystemExit(f"the notebook did not write {missing}; errors: {execution['errors']}")
        report = json.loads((work / capstone.REPORT_FILE).read_text())
        measured = {n: capstone.evaluate_generator_file(work / n) for n in names}
        classes = class_counts(work, names)
        for role in ("variant", "baseline"):
            for run in report["runs"][role]:
                got = measured[capstone.weights_file(role, run["seed"])]
                run_ok = (math.isclose(run["fid"], got["fid"], rel_tol=RTOL, abs_tol=FID_ATOL)
                          and math.isclose(run["kid"], got["kid"], rel_tol=RTOL, abs_tol=KID_ATOL))
                if not run_ok:
                    raise SystemExit(f"{role} seed {run['seed']}: reported {run}, measured {got}: "
                                     "outside the tests' tolerance")
        worst = max(measured[capstone.weights_file("baseline", s)]["fid"] for s in capstone.SEEDS)
        bars = {"baseline": math.ceil(BASELINE_FACTOR * worst),
                "variant": math.ceil(VARIANT_FACTOR * worst)}

        (stage / "submission").mkdir(parents=True)
        for n in names + [capstone.REPORT_FILE]:
            shutil.copyfile(work / n, stage / "submission" / n)
        # mutant files: each folder holds only what it changes (grader/submissions.py)
        untrained = stage / "mutant_files" / "untrained"
        seed_everything(0)
        save_weights_npz(capstone.build_generator(), untrained / capstone.weights_file("baseline", 0))
        untrained_fid = capstone.evaluate_generator_file(untrained / capstone.weights_file("baseline", 0))
        typed = json.loads(json.dumps(report))
        for run in typed["runs"]["variant"]:
            run["fid"] = round(0.8 * run["fid"], 2)  # "rounded in my favour"
        typed["summary"] = summary(typed["runs"], typed["confidence"])
        (stage / "mutant_files" / "typed_report").mkdir(parents=True)
        (stage / "mutant_files" / "typed_report" / capstone.REPORT_FILE).write_text(
            json.dumps(typed, indent=1) + "\n")
        swapped = stage / "mutant_files" / "swapped"
        swapped.mkdir(parents=True)
        a, b = capstone.weights_file("variant", 0), capstone.weights_file("baseline", 0)
        shutil.copyfile(work / a, swapped / b)
        shutil.copyfile(work / b, swapped / a)

        g = load_weights_npz(capstone.build_generator(), work / capstone.weights_file("variant", 0))
        fig = image_grid(generate(g, 64, seed=capstone.EVAL_NOISE_SEED),
                         title=f"a5_capstone reference variant ({report['variant_name']}, seed 0), "
                               f"FID {measured[capstone.weights_file('variant', 0)]['fid']:.1f}")
        fig.savefig(stage / "samples.png", dpi=100)

        record = {
            "assignment": ASSIGNMENT,
            "settings": {"budget": dataclasses.asdict(capstone.budget("laptop")),
                         "seeds": list(capstone.SEEDS), "eval_samples": capstone.EVAL_SAMPLES,
                         "eval_noise_seed": capstone.EVAL_NOISE_SEED,
                         "kid_subsets": capstone.KID_SUBSETS,
                         "kid_subset_size": capstone.KID_SUBSET_SIZE,
                         "tolerance": {"rtol": RTOL, "fid_atol": FID_ATOL, "kid_atol": KID_ATOL}},
            "thresholds": bars,
            "rule": f"baseline = ceil({BASELINE_FACTOR} * worst baseline seed FID), "
                    f"variant = ceil({VARIANT_FACTOR} * worst baseline seed FID)",
            "variant": {"name": report["variant_name"], "settings": report["variant"]},
            "reported": report["runs"],
            "summary": report["summary"],
            "measured": measured,
            "class_counts": classes,
            "untrained_baseline_seed0": untrained_fid,
            "execution": execution,
            "provenance": reference_record(
                "python -m grader.reference_capstone " + " ".join(argv or sys.argv[1:]), started,
                git_state, how="solution notebook executed with nbclient, GANCOURSE_PROFILE=laptop, "
                "default oneDNN (as a student trains); every file measured again with "
                "gancourse.capstone.evaluate_generator_file, TF_ENABLE_ONEDNN_OPTS=0 "
                "(as grading measures)"),
        }
        (stage / "quality.json").write_text(json.dumps(record, indent=1, default=str) + "\n")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(stage, out)
    print(json.dumps({"thresholds": bars, "measured": {k: round(v["fid"], 2)
                                                       for k, v in measured.items()},
                      "notebook_seconds": execution["notebook_seconds"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
