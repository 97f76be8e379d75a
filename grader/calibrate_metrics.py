"""Calibration table of the course's GAN metrics: what does "FID 7" mean on MNIST?

An FID is only meaningful next to other FIDs measured the same way: same feature network, same
reference set, same sample count.  This script measures the course's metrics (FID, KID,
precision / recall / density / coverage, classifier score; :mod:`gancourse.metrics` through the
feature network of :mod:`gancourse.features`) for a ladder of hand-made "generators" whose
quality we know, against one fixed reference set: the first ``n`` digits of the bundled MNIST
test split (class-balanced; all 1,000 of them by default).

The generators (all return ``uint8`` digits (n, 28, 28); see :data:`GENERATORS`):

* the best case: ``n`` real *training* digits (a generator that copies the training set; its FID
  is the sampling-noise floor at this ``n``);
* degraded quality: digits shifted by a few pixels, blurred (Gaussian, sigma 1 and 2), resized to
  14x14 and back, with salt-and-pepper or additive Gaussian noise;
* lost diversity: one class missing, only one class, one image per class (the classifier score's
  blind spot), a single repeated image;
* the two naive density models of lecture 00 (independent per-pixel Gaussians and a 40-component
  PCA Gaussian), and uniform noise (the worst case).

It also measures **FID's sample-size bias**: FID of two independent sets of real digits for
N = 100 ... 2,000 (two disjoint halves of the 4,000 training digits; N <= 2,000 is what exists
offline), of training digits against the test split and of a one-class-missing generator against
the test split (N <= 1,000, the size of the test split), each over several seeds; and the time
an FID on 10,000 samples takes on this machine (offline there are only 5,000 real digits, so the
10,000 images are training digits with random shifts of up to 2 pixels).

Run (a minute or two on a 2-core CPU)::

    python -m grader.calibrate_metrics [--n 1000] [--seed 0] [--out course/results]

It writes ``metric_calibration.json`` (every number, plus provenance: command, git commit and
dirty flag, the feature network's sha256, hardware, library versions, date, run time) and
``metric_calibration.md`` (the same as tables) into ``build/results/`` unless ``--out`` says
otherwise; the committed copies lecture 04 reads are ``course/results/`` (``--out
course/results``).  ``tests/test_calibration.py``
checks them and reproduces two rows; lecture 04 (``course/04_evaluating_gans.ipynb``) explains
them.  Numbers are comparable only with numbers computed with the same ``n``, reference set and
feature network (weights sha256).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shlex
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gancourse import metrics
from gancourse.provenance import environment, git_record, load_average
from grader.calibration_generators import (
    GENERATORS,
    MIN_N,
    MISSING_DIGIT,
    ONLY_DIGIT,
    PCA_COMPONENTS,
    SOURCE,
    Digits,
    check_n,
    generate,
    get_generator,
    load_digits,
    missing_class_indices,
    noise_rng,
    reference_images,
    shift_images,
    train_indices,
)
from grader.calibration_report import render_markdown

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "build" / "results"  #: never over the committed tables by default
JSON_NAME = "metric_calibration.json"
MD_NAME = "metric_calibration.md"
SCRIPT_COMMAND = "python -m grader.calibrate_metrics"

DEFAULT_N = 1000
KID_SUBSETS = 100  # KID: mean and std over 100 random subsets of n // 2 real and n // 2 fake rows
PR_K = 5  # k of the k-NN balls (precision/recall/density/coverage)
IS_SPLITS = 10  # classifier score splits, as in Salimans et al.
DIGIT_SHARE = 0.01  # a digit counts as "generated" when >= 1% of the samples are classified as it
BIAS_SIZES = (100, 256, 500, 1000, 2000)
BIAS_SEEDS = (0, 1, 2, 3, 4)
TIMING_N = 10_000
TIMING_MAX_SHIFT = 2


# --------------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------------
def kid_subset_size(n: int) -> int:
    return max(2, n // 2)


def fid_with_warnings(real_features: np.ndarray, fake_features: np.ndarray) -> tuple[float, list[str]]:
    """FID and the (deduplicated, shortened) warnings it raised, e.g. a singular covariance."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = metrics.fid_from_features(real_features, fake_features)
    messages = []
    for w in caught:
        text = str(w.message).split(";")[0][:160]
        if text not in messages:
            messages.append(text)
    return value, messages


def evaluate_features(real_features: np.ndarray, fake_features: np.ndarray,
                      fake_probabilities: np.ndarray, seed: int) -> dict:
    """Every metric of one generator from features/probabilities (real: the reference set)."""
    n = min(len(real_features), len(fake_features))
    fid, fid_warnings = fid_with_warnings(real_features, fake_features)
    kid_mean, kid_std = metrics.kid(real_features, fake_features, subsets=KID_SUBSETS,
                                    subset_size=kid_subset_size(n), seed=seed)
    pr = metrics.precision_recall(real_features, fake_features, k=PR_K)
    score, score_std = metrics.classifier_score(fake_probabilities, splits=IS_SPLITS)
    share = np.bincount(fake_probabilities.argmax(axis=1), minlength=10) / len(fake_probabilities)
    return {
        "fid": fid,
        "kid": kid_mean,
        "kid_std": kid_std,
        **pr,
        "classifier_score": score,
        "classifier_score_std": score_std,
        "digits_generated": int((share >= DIGIT_SHARE).sum()),
        "fid_warnings": fid_warnings,
    }


def evaluate_images(net, reference_features: np.ndarray, images: np.ndarray, seed: int) -> dict:
    feats, probs = net.features_and_probabilities(images)
    return evaluate_features(reference_features, feats, probs, seed)


def calibration_row(key: str, digits: Digits, net, n: int, seed: int,
                    reference_features: np.ndarray | None = None) -> dict:
    """One row of the table: generator ``key`` against the first ``n`` test digits."""
    if reference_features is None:
        reference_features = net.features(reference_images(digits, n))
    g = get_generator(key)
    row = {"key": g.key, "label": g.label, "group": g.group, "description": g.description}
    row.update(evaluate_images(net, reference_features, generate(key, digits, n, seed), seed))
    return row


# --------------------------------------------------------------------------------------------
# the studies
# --------------------------------------------------------------------------------------------
def calibration_table(digits: Digits, net, n: int, seed: int) -> tuple[dict, list[dict], dict]:
    """(reference summary, one row per generator, FID of "one class missing" for every digit)."""
    ref_feats, ref_probs = net.features_and_probabilities(reference_images(digits, n))
    score, score_std = metrics.classifier_score(ref_probs, splits=IS_SPLITS)
    share = np.bincount(ref_probs.argmax(axis=1), minlength=10) / n
    reference = {"name": f"the first {n} bundled MNIST test digits", "n": n,
                 "classifier_score": score, "classifier_score_std": score_std,
                 "digits_generated": int((share >= DIGIT_SHARE).sum())}
    rows = []
    for g in GENERATORS:
        t0 = time.perf_counter()
        rows.append(calibration_row(g.key, digits, net, n, seed, ref_feats))
        print(f"  {g.label:<44} FID {rows[-1]['fid']:9.3f}   ({time.perf_counter() - t0:.1f} s)",
              flush=True)
    by_digit = {}
    for missing in range(10):
        feats = net.features(digits.train_x[missing_class_indices(digits, n, seed, missing)])
        by_digit[str(missing)] = fid_with_warnings(ref_feats, feats)[0]
    return reference, rows, by_digit


def _summary(values: list[float]) -> dict:
    v = np.asarray(values, dtype=np.float64)
    return {"values": [float(x) for x in v], "mean": float(v.mean()), "std": float(v.std(ddof=1))}


def fid_infinity(sizes: Sequence[int], means: Sequence[float]) -> dict:
    """Least-squares line FID_N = FID_inf + slope / N (Chong & Forsyth 2020's extrapolation)."""
    slope, intercept = np.polyfit(1.0 / np.asarray(sizes, float), np.asarray(means, float), 1)
    return {"fid_infinity": float(intercept), "slope": float(slope), "sizes": [int(s) for s in sizes]}


def bias_study(digits: Digits, net, sizes: Sequence[int] = BIAS_SIZES,
               seeds: Sequence[int] = BIAS_SEEDS) -> dict:
    """FID (and KID) against the sample count N, mean and std over ``seeds``.

    * ``real_vs_real``: two disjoint random halves of the training digits (N <= 2,000);
    * ``train_vs_test``: the "training digits" row at n = N (first N test digits as reference);
    * ``one_class_missing``: the "one class missing" row at n = N.
    The last two exist for N <= 1,000 (the test split).  Features are computed once.
    """
    train_f = net.features(digits.train_x)
    test_f = net.features(digits.test_x)
    feature_dim = train_f.shape[1]
    curves = {
        "real_vs_real": {"label": "training digits vs other training digits (disjoint halves)",
                         "max_n": len(train_f) // 2, "points": []},
        "train_vs_test": {"label": "training digits vs test digits (the 'training digits' row)",
                          "max_n": len(test_f), "points": []},
        "one_class_missing": {"label": f"one class missing (no {MISSING_DIGIT}s) vs test digits",
                              "max_n": len(test_f), "points": []},
    }
    for size in sizes:
        for name, curve in curves.items():
            if size > curve["max_n"]:
                continue
            fids, kids, warned = [], [], False
            for seed in seeds:
                if name == "real_vs_real":
                    perm = np.random.default_rng(seed).permutation(len(train_f))
                    real, fake = train_f[perm[:size]], train_f[perm[size:2 * size]]
                elif name == "train_vs_test":
                    real, fake = test_f[:size], train_f[train_indices(digits, size, seed)]
                else:
                    real, fake = test_f[:size], train_f[missing_class_indices(digits, size, seed)]
                value, msgs = fid_with_warnings(real, fake)
                warned |= bool(msgs)
                fids.append(value)
                kids.append(metrics.kid(real, fake, subsets=KID_SUBSETS,
                                        subset_size=kid_subset_size(size), seed=seed)[0])
            curve["points"].append({"n": int(size), "fid": _summary(fids), "kid": _summary(kids),
                                    "singular_covariance": warned})
        print(f"  N = {size:5d}: " + "   ".join(
            f"{name} {c['points'][-1]['fid']['mean']:.3f}" for name, c in curves.items()
            if c["points"] and c["points"][-1]["n"] == size), flush=True)
    class_balance = class_balance_kid_bias(digits, train_f, test_f, sizes)
    for curve in curves.values():
        fit = [(p["n"], p["fid"]["mean"]) for p in curve["points"] if p["n"] > feature_dim]
        curve["fit"] = fid_infinity(*zip(*fit)) if len(fit) >= 2 else None
    return {"sizes": [int(s) for s in sizes], "seeds": [int(s) for s in seeds],
            "feature_dim": int(feature_dim), "curves": curves, "kid_class_balance": class_balance,
            "note": (f"The bundled split has {len(digits.train_x)} training and {len(digits.test_x)} "
                     f"test digits: curves against the test split stop at N = {len(digits.test_x)}, "
                     f"two disjoint sets of training digits at N = {len(digits.train_x) // 2}. "
                     f"For N <= {feature_dim} (the feature dimension) the covariances are singular "
                     f"and the FID is computed with eps * I added (gancourse.metrics). The fit "
                     f"FID_N = FID_inf + slope / N uses the sizes N > {feature_dim}.")}


def kernel_class_gap(features: np.ndarray, labels: np.ndarray) -> float:
    """KID kernel ``(x.y / D + 1)^3``: mean over same-class pairs (i != j) minus different-class pairs."""
    g = features @ features.T / features.shape[1] + 1.0
    k = g * g * g
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    different = labels[:, None] != labels[None, :]
    return float(k[same].mean() - k[different].mean())


def pair_same_class(labels: np.ndarray) -> float:
    """Probability that two distinct members of a set (drawn without replacement) share a class."""
    counts = np.bincount(labels).astype(np.float64)
    n = counts.sum()
    return float((counts * (counts - 1)).sum() / (n * (n - 1)))


def class_balance_kid_bias(digits: Digits, train_features: np.ndarray, test_features: np.ndarray,
                           sizes: Sequence[int]) -> dict:
    """Why KID of training vs test digits comes out slightly negative.

    KID is unbiased for i.i.d. samples.  The bundled split is *exactly* class-balanced (the first
    N test digits too), so two distinct images of a set share a class with probability
    ``sum_c n_c (n_c - 1) / (N (N - 1))`` = (N/10 - 1) / (N - 1) < 1/10, the i.i.d. value.
    Same-class pairs have larger kernel values (by ``gap``), so each within-set mean of the
    U-statistic is low by (1/10 - that probability) * gap: about -0.9 gap / (N - 1).
    """
    gap_test = kernel_class_gap(test_features, digits.test_y)
    gap_train = kernel_class_gap(train_features, digits.train_y)
    train_term = (pair_same_class(digits.train_y) - 0.1) * gap_train
    predicted = {str(int(n)): (pair_same_class(digits.test_y[:n]) - 0.1) * gap_test + train_term
                 for n in sizes if n <= len(digits.test_y)}
    return {"gap_test": gap_test, "gap_train": gap_train, "predicted_train_vs_test": predicted,
            "note": ("the bundled split is exactly class-balanced (so is every prefix of 10k test "
                     "digits): two distinct images of such a set share a class with probability "
                     "(N/10 - 1) / (N - 1) < 1/10, the i.i.d. value. Same-class pairs have larger "
                     "kernel values (by gap, the same-class minus different-class mean), so the "
                     "within-set means of the U-statistic are low by about 0.9 gap / (N - 1): "
                     "KID comes out slightly negative.")}


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def time_fid_10k(digits: Digits, net, seed: int, n: int = TIMING_N, repeats: int = 3) -> dict:
    """Wall time of an FID on ``n`` images: features, statistics, Frechet distance.

    Offline there are only 5,000 real digits, so both sets of ``n`` images are the training
    digits (cycled) with independent random shifts of up to ``TIMING_MAX_SHIFT`` pixels.
    """
    def shifted(key: str) -> np.ndarray:
        base = np.resize(digits.train_x, (n, 28, 28))
        rng = noise_rng(seed, key)
        d = rng.integers(-TIMING_MAX_SHIFT, TIMING_MAX_SHIFT + 1, size=(2, n))
        return shift_images(base, d[0], d[1])

    def best_of(fn, *args):  # the minimum of `repeats` runs: the least disturbed by other load
        runs = [_timed(fn, *args) for _ in range(repeats)]
        return runs[0][0], min(t for _, t in runs), [round(t, 3) for _, t in runs]

    set_a, set_b = shifted("timing_a"), shifted("timing_b")
    load_before = load_average()
    net.features(set_a[:500])  # warm-up: graph tracing is not part of the timing
    feats_a, t_feat_a, feat_runs = best_of(net.features, set_a)
    feats_b, t_feat_b, _ = best_of(net.features, set_b)
    (mu_a, sig_a), t_stat_a, _ = best_of(metrics.feature_statistics, feats_a)
    (mu_b, sig_b), t_stat_b, _ = best_of(metrics.feature_statistics, feats_b)
    value, t_frechet, frechet_runs = best_of(metrics.frechet_distance, mu_a, sig_a, mu_b, sig_b)
    return {
        "n": n,
        "images": (f"{n} training digits (the 4,000 cycled) with random shifts of up to "
                   f"{TIMING_MAX_SHIFT} px per axis, two independently shifted sets; offline there "
                   f"are only {len(digits.train_x) + len(digits.test_x)} real digits"),
        "features_s": round(t_feat_a, 3),
        "features_second_set_s": round(t_feat_b, 3),
        "images_per_s": round(n / t_feat_a),
        "statistics_s": round(t_stat_a, 4),
        "frechet_distance_s": round(t_frechet, 4),
        "fid_s": round(t_feat_a + t_stat_a + t_frechet, 3),
        "fid_both_sets_s": round(t_feat_a + t_feat_b + t_stat_a + t_stat_b + t_frechet, 3),
        "fid_value": value,
        "repeats": repeats,
        "features_runs_s": feat_runs,
        "frechet_distance_runs_s": frechet_runs,
        "load_average_1min": [load_before, load_average()],
        "note": ("every time is the best of `repeats` runs (the machine may be shared); fid_s: "
                 "features and statistics of the generated set plus the Frechet distance, with the "
                 "reference statistics precomputed (the usual setting); fid_both_sets_s: both sets "
                 "from scratch; load_average_1min: before and after the timing"),
    }


# --------------------------------------------------------------------------------------------
# provenance
# --------------------------------------------------------------------------------------------
def provenance(net, argv: Sequence[str], wall_time_s: float, load_at_start: float | None = None,
               git_state: dict | None = None) -> dict:
    """The provenance block of a calibration record; ``git_state`` as taken when the run
    started (:func:`gancourse.provenance.git_record` with this script's sha256)."""
    git_state = git_state if git_state is not None else git_record(Path(__file__).resolve())
    record_path = net.path.with_name(net.path.name.replace(".weights.h5", ".json"))
    return {
        "command": shlex.join([*SCRIPT_COMMAND.split(), *argv]),
        "created_utc": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "wall_time_s": round(wall_time_s, 1),
        "load_average_1min": {"start": load_at_start, "end": load_average()},
        "git": git_state,
        "feature_net": {
            "weights": str(net.path.relative_to(REPO)) if net.path.is_relative_to(REPO) else str(net.path),
            "weights_sha256": net.sha256,
            "record": (str(record_path.relative_to(REPO)) if record_path.is_relative_to(REPO)
                       else str(record_path)),
            "record_weights_sha256": (net.provenance or {}).get("weights_sha256"),
            "test_accuracy": (net.provenance or {}).get("test_accuracy"),
        },
        "environment": environment(),
    }


def run(n: int = DEFAULT_N, seed: int = 0, out: str | os.PathLike | None = None,
        argv: Sequence[str] = ()) -> dict:
    """Compute everything, write the JSON and the Markdown into ``out``, return the record."""
    t_start, load_at_start = time.perf_counter(), load_average()
    git_state = git_record(Path(__file__).resolve())  # before anything is written
    from gancourse.features import load_feature_net

    out_dir = Path(out) if out is not None else DEFAULT_OUT
    digits = load_digits()
    n = check_n(n, digits)
    net = load_feature_net()

    print(f"calibration table: n = {n}, seed = {seed}", flush=True)
    (reference, rows, by_digit), t_table = _timed(calibration_table, digits, net, n, seed)
    print("FID against the sample count:", flush=True)
    bias, t_bias = _timed(bias_study, digits, net)
    print(f"FID on {TIMING_N} images:", flush=True)
    timing = time_fid_10k(digits, net, seed)
    print(f"  {timing['fid_s']:.2f} s ({timing['images_per_s']} images/s)", flush=True)

    record = {
        "description": ("Calibration of the course's GAN metrics: hand-made generators of known "
                        "quality against a fixed reference set; FID's sample-size bias; FID timing. "
                        "Produced by grader/calibrate_metrics.py; see its docstring."),
        "settings": {
            "n": n, "seed": int(seed), "source": SOURCE,
            "reference": "the first n digits of the bundled test split",
            "kid_subsets": KID_SUBSETS, "kid_subset_size": kid_subset_size(n), "pr_k": PR_K,
            "is_splits": IS_SPLITS, "digit_share": DIGIT_SHARE, "missing_digit": MISSING_DIGIT,
            "only_digit": ONLY_DIGIT, "pca_components": PCA_COMPONENTS,
        },
        "reference": reference,
        "rows": rows,
        "one_class_missing_by_digit": by_digit,
        "bias": bias,
        "timings": {"table_s": round(t_table, 1), "bias_s": round(t_bias, 1), "fid_10k": timing},
    }
    record["provenance"] = provenance(net, argv, time.perf_counter() - t_start, load_at_start,
                                      git_state)

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in ((JSON_NAME, json.dumps(record, indent=2) + "\n"),
                       (MD_NAME, render_markdown(record))):
        tmp = out_dir / f".tmp-{os.getpid()}-{name}"
        tmp.write_text(text)
        os.replace(tmp, out_dir / name)
    print(f"wrote {out_dir / JSON_NAME} and {out_dir / MD_NAME} "
          f"({record['provenance']['wall_time_s']:.0f} s)")
    return record


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog=SCRIPT_COMMAND, description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N,
                        help=f"images per generator and in the reference set ({MIN_N}..1000; "
                             f"default {DEFAULT_N}, the whole bundled test split)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every draw (default 0)")
    parser.add_argument("--out", default=None,
                        help=f"output folder (default {DEFAULT_OUT.relative_to(REPO)})")
    args = parser.parse_args(argv)
    run(n=args.n, seed=args.seed, out=args.out, argv=argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
