"""Wall time until generated digits reach a classifier-FID threshold: the course's laptop recipe
vs the TensorFlow DCGAN tutorial's recipe, on the same 2-core CPU, data and threshold, in one run.

::

    python benchmarks/dcgan_time_to_quality.py [--threshold 25] [--budget-s 600] [--cap-s 1500]
                                               [--eval-every-s 15] [--quick]
                                               [--out benchmarks/results/dcgan_time_to_quality]

A full run trains the course's recipe 10 minutes and the tutorial's up to 25 (until it reaches
the threshold), plus evaluations: 30-45 minutes on a 2-core CPU.  ``--budget-s`` / ``--cap-s``
shorten it; ``--quick`` (seconds of training, a meaningless threshold) is a smoke test.

The two recipes (same data: the 4,000 bundled MNIST training digits in [-1, 1]):

* ``course``: the course's laptop-profile DCGAN recipe, ``gancourse.train.recipe("dcgan",
  laptop)``: ``build_dcgan_generator(100, 64)`` / ``build_dcgan_discriminator(64)``, batch 64,
  two ``Adam(2e-4, beta_1=0.5)``, non-saturating loss, trained by :class:`gancourse.gan.GAN`
  through ``fit`` over :func:`gancourse.data.make_dataset`, with the course's CPU setting
  ``mixed_bfloat16`` (``--course-dtype``; no XLA: slower on this CPU).  The recipe's 3,000
  steps are not a stopping point here: it trains on, unchanged, to fill the budget.
* ``tutorial``: the TF DCGAN tutorial (https://www.tensorflow.org/tutorials/generative/dcgan),
  :mod:`_tutorial_dcgan`: its networks, batch 256, two ``Adam(1e-4)``, its ``@tf.function``
  step and Python loop over ``shuffle(60000).batch(256)``; float32, default threads, no XLA.

Quality: classifier-FID of ``--eval-n`` (1,000) generated digits (fixed noise, seed 1, as in
the reference run) against the first 1,000 bundled *test* digits, through the course's feature
network (:func:`gancourse.gan.evaluate_generator`); the same numbers as
``course/results/dcgan-laptop/metrics.json`` (3,000 steps: FID 14.05; real training digits
vs the same test digits: 0.45, the floor at this n).  The default threshold, 25, is where the
reference run's digits become recognisable (its FID was 41.4 after 500 steps - blobs and
strokes -, 25.2 after 1,000 - most digits readable -, 14.1 after 3,000).

Method.  Each recipe trains in its own process (mixed precision is process-wide).  The parent
alternates them: one slice of training for one recipe (the other idles), then a FID evaluation,
then a slice for the other, and so on - slow phases of a shared machine hit both alike.  Before
each slice the parent waits (up to ``--max-wait-s``) until other processes use fewer than
``--quiet-gate`` cores (``/proc/stat``), and it records the cores they used during the slice.
The training clock of a recipe is the sum of its slices' wall time, *including* its first
call's tracing, every ``fit`` call's overhead and the tutorial's epoch boundaries (a new
``tf.data`` iterator per epoch, as the tutorial loops), *excluding* process start-up, model
building and the evaluations (timed separately and reported).  Evaluations come every
``--eval-every-early-s`` (5) seconds of training during the first ``--early-s`` (60), then every
``--eval-every-s`` (15; twice that past the budget), and at the marks ``--marks-s`` (180 and
600: the FID "after 3 and 10 minutes" is the evaluation at the first step boundary past the
mark).  A recipe stops once its clock passes ``--budget-s`` (600) and it has reached the
threshold, or passes ``--cap-s`` (1500).  Time to threshold = training clock at the first
evaluation with FID <= threshold (an upper bound, late by at most one evaluation interval).
The ratio is tutorial time / course time; when the tutorial never reached the threshold within
the cap, the ratio uses its whole training time and is a *lower bound* (said in the report and
in the JSON as ``ratio_is_lower_bound``).  The same ratio is also given in CPU-seconds of each
recipe's process: other processes' load stretches wall time but hardly CPU time, so where the
two disagree the machine was not the recipes' alone (the report gives the cores other processes
used during each recipe's training).  Times to other FID levels (100 ... 15) are reported too,
so the conclusion can be checked against the choice of threshold.

Output: a report on stdout (also ``<out>.txt``), ``<out>.json`` (every evaluation: clock, steps,
images seen, FID, precision, recall; provenance: command, git commit, CPU, threads, TensorFlow
version, date, load average) and ``<out>_samples.png`` (digits of both recipes at the threshold
and the marks).  The last line is ``ratio: X.XX``.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _p in (str(HERE), str(REPO)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from dcgan_throughput import TAG, MachineLoad, Worker, _cpu_s, provenance  # noqa: E402

EVAL_SEED = 1  # gancourse.train.EVAL_SEED: the reference run's evaluation noise
GRID_SEED = 0
GRID_N = 36
RECIPES = ("course", "tutorial")
LEVELS = (100, 50, 40, 30, 25, 20, 15)  # FID levels whose first crossing is also reported


# --------------------------------------------------------------------------------------------
# the worker: one recipe, one process
# --------------------------------------------------------------------------------------------
def _say(**msg) -> None:
    sys.stdout.write(TAG + json.dumps(msg) + "\n")
    sys.stdout.flush()


def worker(spec: dict) -> int:
    """Build one recipe, then serve ``train SECONDS`` / ``eval`` / ``quit`` lines from stdin."""
    import keras
    import numpy as np
    import tensorflow as tf

    from gancourse import gan as G
    from gancourse.data import load_mnist, make_dataset, prepare_mnist
    from gancourse.features import load_feature_net

    seed = int(spec["seed"])
    keras.utils.set_random_seed(seed)
    # The feature network first, under the float32 policy (a global mixed policy would make it
    # compute in bfloat16 and shift every FID).
    net = load_feature_net()
    x_test = load_mnist("test", limit=int(spec["eval_n"]), source="bundled")[0]
    real_features = net.features(x_test)
    x = prepare_mnist(load_mnist("train", limit=int(spec["train_images"]), source="bundled")[0])
    info = {"tensorflow": tf.__version__, "keras": keras.__version__, "pid": os.getpid(),
            "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
            "train_images": int(len(x)), "test_images": int(len(x_test))}

    if spec["recipe"] == "course":
        from gancourse.profiles import get_profile
        from gancourse.train import LATENT_DIM, recipe

        rec = recipe("dcgan", get_profile("laptop"))
        batch = int(spec.get("batch") or rec.batch_size)
        policy = {"bf16": "mixed_bfloat16", "f32": "float32"}[spec["dtype"]]
        keras.mixed_precision.set_global_policy(policy)
        try:
            generator = G.build_dcgan_generator(LATENT_DIM, rec.base)
            discriminator = G.build_dcgan_discriminator(rec.base)
            gan = G.GAN(generator, discriminator, LATENT_DIM, seed=seed)
            gan.compile(d_optimizer=keras.optimizers.Adam(rec.d_lr, beta_1=rec.beta_1),
                        g_optimizer=keras.optimizers.Adam(rec.g_lr, beta_1=rec.beta_1),
                        g_loss_kind=rec.g_loss_kind, d_steps=rec.d_steps,
                        real_label=rec.real_label, jit_compile=False)
        finally:
            keras.mixed_precision.set_global_policy("float32")
        ds = make_dataset(x, batch, shuffle=True, seed=seed).repeat()

        class StopAt(keras.callbacks.Callback):
            deadline = 0.0

            def on_train_batch_end(self, batch_index, logs=None):
                if time.perf_counter() >= self.deadline:
                    self.model.stop_training = True

        stop = StopAt()

        def train(seconds: float) -> int:
            before = int(gan.d_optimizer.iterations.numpy())
            stop.deadline = time.perf_counter() + seconds
            gan.fit(ds, epochs=1, steps_per_epoch=10 ** 8, callbacks=[stop], verbose=0,
                    shuffle=False)
            return int(gan.d_optimizer.iterations.numpy()) - before

        info["recipe"] = {"model": "gancourse DCGAN (base 64)", "batch": batch, "d_lr": rec.d_lr,
                          "g_lr": rec.g_lr, "beta_1": rec.beta_1, "recipe_steps": rec.steps,
                          "g_loss_kind": rec.g_loss_kind, "dtype_policy": policy, "xla": False,
                          "loop": "gancourse.gan.GAN.fit", "profile": "laptop"}
    else:
        import _tutorial_dcgan as T

        batch = int(spec.get("batch") or T.BATCH_SIZE)
        tut = T.TutorialGAN(batch_size=batch)
        generator = tut.generator
        batches = tut.batches(T.make_dataset(x, batch))

        def train(seconds: float) -> int:
            deadline = time.perf_counter() + seconds
            steps = 0
            while steps == 0 or time.perf_counter() < deadline:
                tut.train_step(next(batches))  # returns when the step is done (eager call)
                steps += 1
            tut.generator_optimizer.iterations.numpy()
            return steps

        info["recipe"] = {"model": "TF tutorial DCGAN", "batch": batch, "lr": T.LEARNING_RATE,
                          "beta_1": 0.9, "dtype_policy": "float32", "xla": False,
                          "loop": "tutorial @tf.function step + Python loop",
                          "url": T.TUTORIAL_URL}
    info["params"] = int(generator.count_params())
    grid_noise = G.sample_noise(GRID_N, int(generator.input_shape[-1]), seed=GRID_SEED)
    _say(event="ready", info=info)

    steps_total = 0
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        if cmd[0] == "train":
            la = os.getloadavg()[0]
            c0, t0 = _cpu_s(), time.perf_counter()
            steps = train(float(cmd[1]))
            dt = time.perf_counter() - t0
            steps_total += steps
            _say(event="train", seconds=dt, cpu_s=_cpu_s() - c0, steps=steps,
                 steps_total=steps_total, load1=la)
        elif cmd[0] == "eval":
            t0 = time.perf_counter()
            res = G.evaluate_generator(generator, int(spec["eval_n"]), None, seed=EVAL_SEED,
                                       feature_net=net, real_features=real_features)
            res = {k: float(v) for k, v in res.items()}
            grid = None  # the digits too, when asked ("eval THRESHOLD FORCE") and due
            if len(cmd) > 2 and (cmd[2] == "1" or res["fid"] <= float(cmd[1])):
                grid = np.round(G.generate(generator, grid_noise)[..., 0], 3).tolist()
            _say(event="eval", eval_s=time.perf_counter() - t0, grid=grid, **res)
    return 0


# --------------------------------------------------------------------------------------------
# the parent
# --------------------------------------------------------------------------------------------
def schedule_next(clock: float, args) -> float:
    """The training clock of the next evaluation after ``clock``."""
    early = args.eval_every_early_s
    if clock < args.early_s:
        nxt = (math.floor(clock / early) + 1) * early
    else:  # every --eval-every-s, twice that past the budget (only the threshold is left)
        every = args.eval_every_s * (2 if clock >= args.budget_s else 1)
        nxt = (math.floor(clock / every) + 1) * every
    for mark in args.marks:
        if clock < mark < nxt:
            nxt = mark
    return nxt


def run_benchmark(args, argv: list[str]) -> dict:
    load_start = os.getloadavg()
    log_dir = Path(tempfile.mkdtemp(prefix="dcgan_ttq_"))
    workers = {}
    for r in RECIPES:
        spec = {"recipe": r, "seed": args.seed, "eval_n": args.eval_n,
                "train_images": args.train_images, "dtype": args.course_dtype,
                "batch": (args.batch_course if r == "course" else args.batch_tutorial)}
        workers[r] = Worker(r, spec, log_dir, script=Path(__file__).resolve())
    t_start = time.perf_counter()
    state = {r: {"clock": 0.0, "cpu": 0.0, "steps": 0, "evals": [], "slices": [],
                 "reached_s": None,
                 "done": False, "eval_s": 0.0, "grids": {}} for r in RECIPES}
    grid_at = {f"{m:g}s": m for m in args.marks}
    machine = MachineLoad()
    try:
        for w in workers.values():
            w.ready = w.read(timeout=600)
        while not all(s["done"] for s in state.values()):
            for r in RECIPES:
                s = state[r]
                if s["done"]:
                    continue
                target = schedule_next(s["clock"], args)
                gate = (machine.wait_quiet(args.quiet_gate, args.max_wait_s)
                        if args.quiet_gate > 0 else {"waited_s": 0.0})
                b0 = machine.busy_s()
                tr = workers[r].ask(f"train {max(target - s['clock'], 0.01):.3f}")
                foreign = machine.foreign_cores(b0, machine.busy_s(), tr["seconds"],
                                                tr["cpu_s"])
                s["clock"] += tr["seconds"]
                s["cpu"] += tr["cpu_s"]
                s["steps"] = tr["steps_total"]
                s["slices"].append({"seconds": tr["seconds"], "steps": tr["steps"],
                                    "cpu_s": tr["cpu_s"], "foreign_cores": foreign,
                                    "waited_s": gate["waited_s"], "load1": tr["load1"]})
                at_mark = any(s["clock"] >= m and f"{m:g}s" not in s["grids"]
                              for m in args.marks)
                ev = workers[r].ask(f"eval {args.threshold if s['reached_s'] is None else -1} "
                                    f"{int(at_mark)}")
                s["eval_s"] += ev["eval_s"]
                s["evals"].append({"clock_s": s["clock"], "cpu_s": s["cpu"], "steps": s["steps"],
                                   **{k: ev[k] for k in ("fid", "precision", "recall",
                                                         "density", "coverage", "eval_s")}})
                newly = s["reached_s"] is None and ev["fid"] <= args.threshold
                if newly:
                    s["reached_s"] = s["clock"]
                    s["grids"]["threshold"] = {"clock_s": s["clock"], "fid": ev["fid"],
                                               "images": ev["grid"]}
                for label, m in grid_at.items():
                    if s["clock"] >= m and label not in s["grids"] and ev["grid"] is not None:
                        s["grids"][label] = {"clock_s": s["clock"], "fid": ev["fid"],
                                             "images": ev["grid"]}
                if not args.quiet:
                    others = "?" if foreign is None else f"{foreign:.2f}"
                    print(f"  {r:9} {s['clock']:7.1f} s  {s['steps']:6d} steps  FID "
                          f"{ev['fid']:7.2f}{'  <- threshold' if newly else ''}  "
                          f"(others {others} cores, load {tr['load1']:.2f})", file=sys.stderr,
                          flush=True)
                if s["clock"] >= args.budget_s and (s["reached_s"] is not None
                                                     or s["clock"] >= args.cap_s):
                    s["done"] = True
                elif s["clock"] >= args.cap_s:
                    s["done"] = True
    finally:
        for w in workers.values():
            w.close()
    shutil.rmtree(log_dir, ignore_errors=True)
    load_end = os.getloadavg()
    info = {r: w.ready["info"] for r, w in workers.items() if w.ready}
    return summarise(args, argv, state, info, load_start, load_end,
                     time.perf_counter() - t_start)


def _mean_foreign(slices: list[dict]) -> float | None:
    """Time-weighted mean of the cores other processes used during a recipe's training."""
    known = [(sl["foreign_cores"], sl["seconds"]) for sl in slices
             if sl.get("foreign_cores") is not None]
    total = sum(t for _, t in known)
    return sum(f * t for f, t in known) / total if total else None


def _fid_at(evals: list[dict], mark: float) -> dict | None:
    for e in evals:
        if e["clock_s"] >= mark:
            return e
    return None


def summarise(args, argv, state, info, load_start, load_end, wall_s) -> dict:
    recipes = {}
    for r in RECIPES:
        s = state[r]
        evals = s["evals"]
        best = min(evals, key=lambda e: e["fid"])
        recipes[r] = {
            "recipe": info[r]["recipe"],
            "params_generator": info[r]["params"],
            "time_to_threshold_s": s["reached_s"],
            "reached": s["reached_s"] is not None,
            "steps_at_threshold": next((e["steps"] for e in evals
                                        if e["fid"] <= args.threshold), None),
            "cpu_s_to_threshold": next((e["cpu_s"] for e in evals
                                        if e["fid"] <= args.threshold), None),
            "cpu_s": s["cpu"],
            "trained_s": s["clock"],
            "steps": s["steps"],
            "steps_per_s": s["steps"] / s["clock"] if s["clock"] else None,
            "eval_s_total": s["eval_s"],
            "evaluations": len(evals),
            "fid_at_marks": {f"{m:g}s": _fid_at(evals, m) for m in args.marks},
            "time_to_fid_s": {f"{lvl:g}": next((e["clock_s"] for e in evals if e["fid"] <= lvl),
                                               None) for lvl in LEVELS},
            "best": best,
            "final": evals[-1],
            "history": evals,
            "slices": s["slices"],
            "cpu_cores_used": (sum(sl["cpu_s"] for sl in s["slices"]) / s["clock"]
                               if s["clock"] else None),
            "foreign_cores_mean": _mean_foreign(s["slices"]),
            "waited_s_total": sum(sl["waited_s"] for sl in s["slices"]),
        }
    c, t = recipes["course"], recipes["tutorial"]
    if c["reached"] and t["reached"]:
        ratio, kind = t["time_to_threshold_s"] / c["time_to_threshold_s"], "exact"
    elif c["reached"]:
        ratio, kind = t["trained_s"] / c["time_to_threshold_s"], "lower_bound"
    elif t["reached"]:
        ratio, kind = t["time_to_threshold_s"] / c["trained_s"], "upper_bound"
    else:
        ratio, kind = None, "undefined"
    # The same in CPU-seconds of each recipe's worker: insensitive to other processes' load
    # (which only stretches wall time), so a check on a shared machine.
    cc, ct = c["cpu_s_to_threshold"], t["cpu_s_to_threshold"]
    ratio_cpu = (ct / cc if cc and ct else t["cpu_s"] / cc if cc else None)
    res = {
        "benchmark": "dcgan_time_to_quality",
        "config": {"threshold_fid": args.threshold, "eval_n": args.eval_n, "budget_s":
                   args.budget_s, "cap_s": args.cap_s, "marks_s": args.marks,
                   "eval_every_s": args.eval_every_s, "eval_every_early_s":
                   args.eval_every_early_s, "early_s": args.early_s,
                   "train_images": args.train_images, "seed": args.seed, "quick": args.quick,
                   "course_dtype": args.course_dtype, "quiet_gate_cores": args.quiet_gate,
                   "max_wait_s": args.max_wait_s,
                   "reference": {"run": "course/results/dcgan-laptop/metrics.json",
                                 "fid_3000_steps": 14.05, "real_digit_floor": 0.45},
                   "fid": "classifier-FID, gancourse.gan.evaluate_generator, n generated "
                          "(noise seed 1) vs the first n bundled test digits"},
        "recipes": recipes,
        "ratio": ratio,
        "ratio_kind": kind,
        "ratio_is_lower_bound": kind == "lower_bound",
        "ratio_cpu_seconds": ratio_cpu,
        "wall_s": wall_s,
        "provenance": provenance(argv, load_start, load_end, info, script=Path(__file__).name),
        "_grids": {r: state[r]["grids"] for r in RECIPES},  # for the PNG; not in the JSON
    }
    return res


def _fmt_cores(x: float | None) -> str:
    return "?" if x is None else f"{x:.2f}"


def _fmt_mark(e: dict | None) -> str:
    return "-" if e is None else f"{e['fid']:.1f} (at {e['clock_s']:.0f} s, {e['steps']} steps)"


def report(res: dict) -> str:
    p, c = res["provenance"], res["config"]
    lines = [
        "DCGAN time to quality on this CPU: the course's laptop recipe vs the TF DCGAN tutorial's",
        f"machine: {p['cpu']}, {p['cpus_usable']} usable CPUs; TensorFlow {p['tensorflow']}, "
        f"Keras {p['keras']}; {p['date_utc']}; git {str(p['git']['commit'])[:10]}"
        f"{' (dirty)' if p['git']['dirty'] else ''}",
        f"load average (1/5/15 min): start {'/'.join(f'{x:.2f}' for x in p['load_avg_start'])},"
        f" end {'/'.join(f'{x:.2f}' for x in p['load_avg_end'])}",
        f"threshold: classifier-FID <= {c['threshold_fid']:g} at n = {c['eval_n']} "
        f"(reference laptop run after 3000 steps: 14.05; real digits: 0.45)",
        f"data: {c['train_images']} bundled MNIST training digits; training clock excludes "
        "evaluations and process start-up, includes tracing",
        "",
    ]
    for r, v in res["recipes"].items():
        rec = v["recipe"]
        desc = (f"course DCGAN, batch {rec['batch']}, Adam({rec.get('d_lr')}, beta_1 "
                f"{rec['beta_1']}), GAN.fit, {rec['dtype_policy']}" if r == "course" else
                f"tutorial DCGAN, batch {rec['batch']}, Adam({rec['lr']}), its loop, float32")
        tt = (f"{v['time_to_threshold_s']:.1f} s ({v['steps_at_threshold']} steps, "
              f"{v['cpu_s_to_threshold']:.0f} CPU-s)"
              if v["reached"] else f"not reached in {v['trained_s']:.0f} s "
                                   f"({v['steps']} steps, {v['cpu_s']:.0f} CPU-s)")
        lines += [
            f"{r}: {desc}",
            f"  time to FID <= {c['threshold_fid']:g}: {tt}",
            *(f"  FID after {k}: {_fmt_mark(e)}" for k, e in v["fid_at_marks"].items()),
            f"  best FID {v['best']['fid']:.1f} (at {v['best']['clock_s']:.0f} s); trained "
            f"{v['trained_s']:.0f} s, {v['steps']} steps ({v['steps_per_s']:.2f} steps/s); "
            f"{v['evaluations']} evaluations took {v['eval_s_total']:.0f} s (not counted)",
            f"  CPU: it kept {v['cpu_cores_used']:.2f} cores busy; other processes "
            f"{_fmt_cores(v['foreign_cores_mean'])} cores meanwhile (mean); waited "
            f"{v['waited_s_total']:.0f} s for quiet",
        ]
    rc, rt = res["recipes"]["course"], res["recipes"]["tutorial"]
    lines += ["", "first evaluation at or below each FID level (training clock, s):",
              f"  {'FID <=':>8}" + "".join(f"{lvl:>8g}" for lvl in LEVELS)]
    for name, v in (("course", rc), ("tutorial", rt)):
        lines.append(f"  {name:>8}" + "".join(
            f"{v['time_to_fid_s'][f'{lvl:g}']:8.0f}" if v["time_to_fid_s"][f"{lvl:g}"] is not None
            else f"{'-':>8}" for lvl in LEVELS))
    ratios = []
    for lvl in LEVELS:
        a, b = rt["time_to_fid_s"][f"{lvl:g}"], rc["time_to_fid_s"][f"{lvl:g}"]
        ratios.append(f"{a / b:8.1f}" if a is not None and b else f"{'-':>8}")
    lines.append(f"  {'ratio':>8}" + "".join(ratios))
    kind = res["ratio_kind"]
    tc = rc["time_to_threshold_s"]
    lines += ["", f"targets: course under 3 minutes to FID <= {c['threshold_fid']:g}: "
              + ("yes" if tc is not None and tc < 180 else "no")
              + "; ratio >= 3: " + ("yes" if (res["ratio"] or 0) >= 3 and kind in
                                      ("exact", "lower_bound") else "no")]
    lines += ["", {
        "exact": "ratio = tutorial time to threshold / course time to threshold",
        "lower_bound": "the tutorial recipe did not reach the threshold: ratio = its whole "
                       "training time / course time to threshold, a LOWER BOUND",
        "upper_bound": "the course recipe did not reach the threshold: ratio = tutorial time / "
                       "course's whole training time, an UPPER BOUND",
        "undefined": "neither recipe reached the threshold: no ratio (printed as 0.00)",
    }[kind]]
    if res["ratio_cpu_seconds"] is not None:
        lines.append(f"the same ratio in CPU-seconds of each recipe's process (insensitive to "
                     f"other processes' load): {res['ratio_cpu_seconds']:.2f}"
                     + (" (lower bound)" if kind == "lower_bound" else ""))
    ratio = res["ratio"] if res["ratio"] is not None else 0.0
    lines.append(f"ratio: {ratio:.2f}")
    return "\n".join(lines)


def save_samples(res_state: dict, path: Path, threshold: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    panels = [(r, label, g) for r, grids in res_state.items() for label, g in grids.items()]
    if not panels:
        return
    cols = max(sum(1 for p in panels if p[0] == r) for r in res_state)
    fig, axes = plt.subplots(len(res_state), cols, figsize=(3 * cols, 3.3 * len(res_state)),
                             squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for i, r in enumerate(res_state):
        for j, (label, g) in enumerate(res_state[r].items()):
            imgs = np.asarray(g["images"], dtype=np.float32)
            side = int(math.ceil(math.sqrt(len(imgs))))
            mosaic = np.full((side * 29 + 1, side * 29 + 1), -1.0, np.float32)
            for k, im in enumerate(imgs):
                y, x = divmod(k, side)
                mosaic[1 + 29 * y:29 + 29 * y, 1 + 29 * x:29 + 29 * x] = im
            ax = axes[i, j]
            ax.imshow(mosaic, cmap="gray", vmin=-1, vmax=1)
            name = f"FID <= {threshold:g}" if label == "threshold" else f"after {label}"
            ax.set_title(f"{r}: {name}\n{g['clock_s']:.0f} s, FID {g['fid']:.1f}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--_worker"]:
        return worker(json.loads(argv[1]))
    ap = argparse.ArgumentParser(
        prog="python benchmarks/dcgan_time_to_quality.py",
        description=__doc__.split("\n\n")[0].strip(),
        epilog="Read the module docstring (head -60 benchmarks/dcgan_time_to_quality.py) for "
               "the method; the last line printed is 'ratio: X.XX'.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threshold", type=float, default=25.0,
                    help="classifier-FID threshold (25: recognisable digits)")
    ap.add_argument("--budget-s", type=float, default=600.0,
                    help="train each recipe at least this long (s of training clock; 600)")
    ap.add_argument("--cap-s", type=float, default=1500.0,
                    help="stop a recipe that has not reached the threshold here (1500)")
    ap.add_argument("--marks-s", default="180,600",
                    help="training times (s) whose FID is reported (180,600)")
    ap.add_argument("--eval-every-s", type=float, default=15.0,
                    help="seconds of training between evaluations after the first minute (15)")
    ap.add_argument("--eval-every-early-s", type=float, default=5.0,
                    help="seconds between evaluations during --early-s (5)")
    ap.add_argument("--early-s", type=float, default=60.0, help="the early phase (60)")
    ap.add_argument("--eval-n", type=int, default=1000, help="generated and real digits (1000)")
    ap.add_argument("--train-images", type=int, default=4000,
                    help="bundled MNIST training digits (4000)")
    ap.add_argument("--course-dtype", choices=("bf16", "f32"), default="bf16",
                    help="the course recipe's policy: mixed_bfloat16 (default) or float32")
    ap.add_argument("--batch-course", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--batch-tutorial", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quiet-gate", type=float, default=0.3,
                    help="before each training slice wait until other processes use fewer than "
                         "this many cores (0.3; 0 disables; Linux /proc/stat)")
    ap.add_argument("--max-wait-s", type=float, default=30.0,
                    help="longest wait for --quiet-gate per slice (30 s)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke test (<1 min): 512 digits, n = 256, 6 s per recipe, marks at 3 "
                         "and 6 s, threshold 5000")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    ap.add_argument("--out", default=None,
                    help="write <out>.txt, <out>.json, <out>_samples.png (default benchmarks/"
                         "results/dcgan_time_to_quality, or ..._quick with --quick)")
    args = ap.parse_args(argv)
    if args.quick:
        args.train_images, args.eval_n = 512, 256
        args.budget_s, args.cap_s, args.marks_s = 6.0, 8.0, "3,6"
        args.eval_every_s, args.eval_every_early_s, args.early_s = 3.0, 3.0, 0.0
        args.threshold, args.quiet_gate = 5000.0, 0.0
        args.batch_tutorial = args.batch_tutorial or 64
    try:
        args.marks = sorted(float(m) for m in args.marks_s.split(",") if m.strip())
    except ValueError:
        ap.error("--marks-s must be comma-separated seconds")
    for name in ("threshold", "budget_s", "cap_s", "eval_every_s", "eval_every_early_s"):
        if not getattr(args, name) > 0:
            ap.error(f"--{name.replace('_', '-')} must be positive")
    if args.cap_s < args.budget_s:
        ap.error("--cap-s must be at least --budget-s")
    if args.eval_n < 2 or args.train_images < 64:
        ap.error("--eval-n must be >= 2 and --train-images >= 64")
    if args.out is None:
        args.out = str(HERE / "results" / ("dcgan_time_to_quality_quick" if args.quick
                                           else "dcgan_time_to_quality"))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    res = run_benchmark(args, argv)
    grids = res.pop("_grids", {})
    text = report(res)
    out.with_suffix(".json").write_text(json.dumps(res, indent=2) + "\n")
    out.with_suffix(".txt").write_text(text + "\n")
    if any(grids.values()):
        save_samples(grids, out.with_name(out.name + "_samples.png"), args.threshold)
    print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
