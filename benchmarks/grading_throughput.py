"""Grading throughput: submissions per minute with 1 job and with one job per core, and the
pipeline's overhead per submission beyond executing the notebook itself.

    python benchmarks/grading_throughput.py [--assignment a0_data] [--n 8] [--jobs 1 2]

Method (one run, side by side):

1. ``n`` copies of the full-marks solution of ``--assignment`` are written as students.
2. *Bare execution*: each notebook is executed with nbclient in the ``ci`` profile, one after
   the other, with nothing else - the floor any grader pays (kernel start, imports, the
   notebook's own work).
3. *Pipeline*: ``grader.grade.grade`` on the same folder (release, autograde, feedback, export)
   for each ``--jobs`` value; every run must give every copy full marks.

Reported: wall time, submissions per minute, speed-up of each job count over 1 job, and the
overhead per submission = (pipeline time with 1 job - bare execution time) / n.  The last line
is ``ratio: X.XX`` = throughput with the largest job count / throughput with 1 job.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader.grade import default_jobs, grade  # noqa: E402
from grader.mutation import max_points, write_submission  # noqa: E402
from grader.submissions import full_submission  # noqa: E402
from grader.workspace import grading_env  # noqa: E402


def bare_execution(folder: Path, names: list[str], env: dict) -> float:
    """Seconds to execute every notebook in ``folder/<student>/`` with nbclient, serially."""
    import nbformat
    from nbclient import NotebookClient

    before = dict(os.environ)
    os.environ.update(env)
    try:
        start = time.monotonic()
        for student_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            for a_dir in student_dir.iterdir():
                for name in names:
                    nb = nbformat.read(str(a_dir / name), as_version=4)
                    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                   resources={"metadata": {"path": str(a_dir)}}).execute()
        return time.monotonic() - start
    finally:
        os.environ.clear()
        os.environ.update(before)


def _provenance(argv: list[str] | None) -> dict:
    """Command, machine, time and commit of this measurement."""
    import datetime as dt
    import platform

    from gancourse.provenance import cpu_model, git

    args = sys.argv[1:] if argv is None else argv
    return {"command": " ".join(["python benchmarks/grading_throughput.py", *args]),
            "cpu": cpu_model(), "platform": platform.platform(), "commit": git("rev-parse", "HEAD"),
            "finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default="a0_data")
    parser.add_argument("--n", type=int, default=8, help="submissions (copies of the solution)")
    parser.add_argument("--jobs", type=int, nargs="+", default=sorted({1, default_jobs()}))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if 1 not in args.jobs:
        args.jobs = [1] + args.jobs
    full = max_points(args.assignment)
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        subs = Path(tmp) / "subs"
        entries = full_submission(args.assignment)
        for i in range(args.n):
            write_submission(subs, f"student{i:03d}", args.assignment, entries)
        names = [k for k in entries if k.endswith(".ipynb")]
        env = grading_env(Path(tmp) / "bare")
        bare = bare_execution(subs, names, env)
        runs = {}
        for jobs in args.jobs:
            start = time.monotonic()
            report = grade(subs, Path(tmp) / f"out{jobs}", [args.assignment], verbose=False, jobs=jobs)
            seconds = time.monotonic() - start
            scores = {report.score(f"student{i:03d}", args.assignment) for i in range(args.n)}
            if scores != {full}:
                raise SystemExit(f"jobs={jobs}: scores {scores}, expected {full} for every copy")
            runs[jobs] = seconds
    per_min = {j: 60 * args.n / s for j, s in runs.items()}
    overhead = (runs[1] - bare) / args.n
    result = {"assignment": args.assignment, "n": args.n, "bare_execution_s": round(bare, 2),
              "pipeline_s": {str(j): round(s, 2) for j, s in runs.items()},
              "submissions_per_minute": {str(j): round(v, 2) for j, v in per_min.items()},
              "overhead_per_submission_s": round(overhead, 2), "cpu_count": os.cpu_count(),
              "loadavg": os.getloadavg(), "provenance": _provenance(argv)}
    print(f"{args.n} copies of the {args.assignment} solution ({full:g} points each)")
    print(f"bare nbclient execution, serial:   {bare:7.1f} s  ({60 * args.n / bare:.1f} notebooks/min)")
    for j, s in runs.items():
        print(f"pipeline, {j} job(s):              {s:7.1f} s  ({per_min[j]:.1f} submissions/min, "
              f"{runs[1] / s:.2f}x of 1 job)")
    print(f"pipeline overhead per submission (1 job): {overhead:.2f} s beyond executing it")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    best = max(args.jobs)
    print(f"ratio: {per_min[best] / per_min[1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
