"""Numbers a lecture's prose quotes, recorded where they are measured and checked against it.

A lecture's text says what the ``laptop`` profile shows ("after 500 steps its FID is about
35"), but nbval runs the lectures in the ``ci`` profile, where training is too short to show it.
So the quoted numbers are tied to measurements:

* the cell that measures a quoted number records it: ``claims.record("wgan_gp_fid", fid)``
  (a :class:`Claims` made once per lecture: ``claims = Claims("10_gan_objectives_compared")``);
* the prose marks the quoted number with an HTML comment right after it, invisible when the
  notebook is rendered: ``about 35<!-- claim: wgan_gp_fid ±20% -->`` (tolerance relative with
  ``%``, else absolute);
* ``python -m gancourse.claims run`` executes the lectures in the ``laptop`` profile (every
  check of a trained network on) and writes the recorded values with their provenance to
  ``course/results/claims/<lecture>.json``;
* a test (tests/test_claims.py) checks that every marked number agrees with the committed value.

Recording is a no-op unless ``GANCOURSE_CLAIMS_DIR`` is set (the runner sets it), so the
lectures run unchanged everywhere else.
"""
from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import NamedTuple

__all__ = ["ENV_VAR", "Claims", "MARK", "Mark", "marks", "agrees", "RESULTS"]

ENV_VAR = "GANCOURSE_CLAIMS_DIR"
RESULTS = Path(__file__).resolve().parents[1] / "course" / "results" / "claims"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class Claims:
    """The quoted numbers of one lecture (``lecture``: the notebook's file stem)."""

    def __init__(self, lecture: str):
        if not isinstance(lecture, str) or not re.fullmatch(r"[0-9]{2}_[a-z0-9_]+", lecture):
            raise ValueError(f"lecture must be a notebook stem like '10_gan_objectives_compared', "
                             f"got {lecture!r}")
        self.lecture = lecture
        self.values: dict[str, float] = {}

    def record(self, name: str, value: float) -> float:
        """Keep ``value`` under ``name`` (and save it when ``GANCOURSE_CLAIMS_DIR`` is set);
        returns ``value``.  A non-finite value or a bad name is refused."""
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"claim names are lower_snake_case, got {name!r}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"claim {name!r}: {value} is not a finite number")
        self.values[name] = value
        folder = os.environ.get(ENV_VAR)
        if folder:
            path = Path(folder) / f"{self.lecture}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(self.values, indent=1, sort_keys=True) + "\n")
        return value


#: a marked number: ``<number><!-- claim: <name> ±<tolerance>[%] -->``
MARK = re.compile(r"(-?[0-9][0-9,]*(?:\.[0-9]+)?)<!--\s*claim:\s*([a-z][a-z0-9_]*)"
                  r"\s*±\s*([0-9.]+)\s*(%?)\s*-->")


class Mark(NamedTuple):
    """One marked number of the prose."""

    quoted: float  #: the number as the prose writes it
    name: str  #: the claim it quotes
    tolerance: float
    relative: bool  #: tolerance in percent of the measured value (else absolute)


def marks(text: str) -> list[Mark]:
    """Every marked number in ``text`` (markdown)."""
    return [Mark(float(m.group(1).replace(",", "")), m.group(2), float(m.group(3)),
                 m.group(4) == "%") for m in MARK.finditer(text)]


def agrees(mark: Mark, measured: float) -> bool:
    """Does the quoted number agree with the measured one within the mark's tolerance?"""
    allowed = mark.tolerance / 100 * abs(measured) if mark.relative else mark.tolerance
    return abs(mark.quoted - measured) <= allowed


def run(lectures: list[Path], out: Path, *, timeout: int = 3600) -> dict:
    """Execute ``lectures`` in the laptop profile, recording their claims into ``out``; returns
    ``{lecture: {"seconds": float, "values": {...}}}``.  Any failing cell stops the run."""
    import tempfile
    import time

    import nbformat
    from nbclient import NotebookClient

    done = {}
    for path in lectures:
        nb = nbformat.read(str(path), as_version=4)
        with tempfile.TemporaryDirectory(prefix="gancourse-claims-") as tmp:
            env_before = dict(os.environ)
            os.environ.update({"GANCOURSE_PROFILE": "laptop", ENV_VAR: tmp})
            start = time.monotonic()
            try:
                NotebookClient(nb, timeout=timeout, kernel_name="python3",
                               resources={"metadata": {"path": str(path.parent)}}).execute()
            finally:
                os.environ.clear()
                os.environ.update(env_before)
            seconds = round(time.monotonic() - start, 1)
            recorded = Path(tmp) / f"{path.stem}.json"
            values = json.loads(recorded.read_text()) if recorded.is_file() else {}
        done[path.stem] = {"seconds": seconds, "values": values}
        print(f"{path.stem}: {len(values)} claims in {seconds:.0f} s", flush=True)
    return done


def main(argv: list[str] | None = None) -> int:
    import argparse
    import datetime as dt
    import sys

    from gancourse.provenance import git_record, hardware

    parser = argparse.ArgumentParser(description="Run lectures in the laptop profile and record "
                                                 "the numbers their prose quotes.")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("lectures", nargs="+", type=Path, help="course/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    commit = git_record()  # before anything is written
    for path in args.lectures:
        if not path.is_file() or path.suffix != ".ipynb":
            parser.error(f"{path} is not a notebook")
    results = run(args.lectures, args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    for lecture, result in results.items():
        record = {
            "lecture": lecture,
            "profile": "laptop",
            "values": result["values"],
            "provenance": {
                "command": "python -m gancourse.claims " + " ".join(argv or sys.argv[1:]),
                "started_utc": started.isoformat(timespec="seconds"),
                "notebook_seconds": result["seconds"],
                "git": commit,
                "hardware": hardware(),
            },
        }
        (args.out / f"{lecture}.json").write_text(json.dumps(record, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
