"""What one capstone run costs per variant, relative to the baseline (side by side, one run).

::

    python benchmarks/capstone_variant_cost.py [--steps 1000] [--rounds 3] [--variants a,b,...]
                                               [--quick] [--out benchmarks/results/capstone_variant_cost]

The capstone (``solutions/a5_capstone``) trains a variant and the baseline for three seeds each
at the laptop budget (:data:`gancourse.capstone.BUDGETS`).  Its introduction tells students how
long a study takes; this script measures it.  Each round trains every variant once with
:func:`gancourse.capstone.train_run` (seed 0, the laptop budget's data, batch and optimiser,
``--steps`` generator updates instead of 5,000), in an order rotated every round so that a
slow phase of a shared machine hits all variants alike; the wall time includes what a student
waits for (building the networks, tracing the step).  Reported per variant: the median over
rounds of the seconds, of the *per-round* ratio of the training loops to the baseline's
(paired: robust to load that drifts between rounds), and the seconds of one 5,000-step run (its
set-up once, the training loop scaled) and of a study (three variant runs and three baseline
runs).  The last line is ``ratio: X.XX``: ``wgan_gp`` (five
critic updates per generator update) over the baseline.

A full run (7 variants, 1,000 steps, 3 rounds) takes about 4 minutes on 2 cores; ``--quick``
(the baseline and ``wgan_gp``, 100 steps, one round) some seconds - a smoke test, its numbers
mean little.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HEADLINE = "wgan_gp"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from gancourse.capstone import VARIANTS

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=1000, help="generator updates per timed run")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--variants", default=",".join(VARIANTS),
                   help="comma-separated names of gancourse.capstone.VARIANTS (baseline included)")
    p.add_argument("--quick", action="store_true", help="smoke test: baseline and wgan_gp, "
                   "100 steps, one round")
    p.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" /
                   "capstone_variant_cost", help="writes OUT.txt and OUT.json")
    args = p.parse_args(argv)
    if args.quick:
        args.steps, args.rounds, args.variants = 100, 1, f"baseline,{HEADLINE}"
    args.variants = [v for v in args.variants.split(",") if v]
    unknown = [v for v in args.variants if v not in VARIANTS]
    if unknown:
        p.error(f"unknown variants {unknown}; known: {sorted(VARIANTS)}")
    for needed in ("baseline", HEADLINE):
        if needed not in args.variants:
            p.error(f"--variants must include {needed!r} (the ratio's two sides)")
    if args.steps < 100 or args.steps % 100 or args.rounds < 1:
        p.error("--steps must be a positive multiple of 100 and --rounds positive")
    return args


def measure(args: argparse.Namespace) -> dict[str, dict[str, list[float]]]:
    """Per variant and round: ``wall`` (the whole call: data, networks, tracing, training) and
    ``fit`` (the training loop alone, ``history["seconds"]``) in seconds."""
    from gancourse.capstone import train_run

    seconds = {v: {"wall": [], "fit": []} for v in args.variants}
    for r in range(args.rounds):
        order = args.variants[r % len(args.variants):] + args.variants[:r % len(args.variants)]
        for variant in order:
            start = time.perf_counter()
            _, history = train_run(variant, 0, profile_name="laptop", steps=args.steps)
            seconds[variant]["wall"].append(time.perf_counter() - start)
            seconds[variant]["fit"].append(history["seconds"])
            print(f"round {r}: {variant:<17} {seconds[variant]['wall'][-1]:6.1f} s", flush=True)
    return seconds


def summarise(args: argparse.Namespace, seconds: dict[str, dict[str, list[float]]]) -> dict:
    """Medians, paired ratios of the training loops, and the laptop budget's run and study
    (set-up once, the loop scaled from ``--steps`` to 5,000 updates)."""
    from gancourse.capstone import BUDGETS, SEEDS

    scale = BUDGETS["laptop"].steps / args.steps
    base = seconds["baseline"]["fit"]
    runs = {v: statistics.median(w - f + f * scale for w, f in zip(s["wall"], s["fit"]))
            for v, s in seconds.items()}
    return {v: {**s, "median_wall_seconds": statistics.median(s["wall"]),
                "ratio_to_baseline": statistics.median(f / b for f, b in zip(s["fit"], base)),
                "laptop_run_seconds": runs[v],
                "study_seconds": len(SEEDS) * (runs[v] + runs["baseline"])}
            for v, s in seconds.items()}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import tensorflow as tf

    from gancourse.provenance import environment, git_record

    commit = git_record()
    started = dt.datetime.now(dt.UTC)
    load_start = os.getloadavg()
    variants = summarise(args, measure(args))
    lines = [f"capstone run cost: {args.steps} generator updates per run, {args.rounds} round(s), "
             f"extrapolated to the laptop budget's 5,000",
             f"{'variant':<17} {'run (s)':>8} {'x baseline':>11} {'5,000 steps (s)':>16} {'study (min)':>12}",
             "(run: one timed run, set-up included; x baseline: its training loop over the baseline's)"]
    for v, r in variants.items():
        lines.append(f"{v:<17} {r['median_wall_seconds']:8.1f} {r['ratio_to_baseline']:11.2f} "
                     f"{r['laptop_run_seconds']:16.0f} {r['study_seconds'] / 60:12.1f}")
    lines.append(f"ratio: {variants[HEADLINE]['ratio_to_baseline']:.2f}")
    print("\n".join(lines))
    record = {
        "benchmark": "capstone_variant_cost",
        "config": {"steps": args.steps, "rounds": args.rounds, "variants": args.variants,
                   "quick": args.quick},
        "variants": variants,
        "headline": {"variant": HEADLINE, "baseline": "baseline",
                     "ratio": variants[HEADLINE]["ratio_to_baseline"]},
        "provenance": {
            "command": "python benchmarks/capstone_variant_cost.py "
                       + " ".join(sys.argv[1:] if argv is None else argv),
            "git": commit, "date_utc": started.isoformat(timespec="seconds"),
            "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
            "load_avg_start": list(load_start), "load_avg_end": list(os.getloadavg()),
            "threads": {"intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
                        "inter_op": tf.config.threading.get_inter_op_parallelism_threads()},
            "threads_note": "0 = TensorFlow's default (one thread per usable core)",
            **environment(),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
    args.out.with_suffix(".txt").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
