"""The time breakdown printed at the end of ``make test``: each phase, each group of test files,
and the slowest files, from ``build/test-times/`` (``phases.tsv`` written by tools/run_tests.sh,
pytest's JUnit XML files).  Budget: 30 minutes on the 2-core CI machine.

    python tools/test_report.py build/test-times
"""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

BUDGET_S = 30 * 60
#: test files by what they exercise (the rest: the library)
GROUPS = {
    "grading (pipeline, sandbox, mutants, hostile)": (
        "test_grading", "test_hostile", "test_sandbox", "test_verdict", "test_progress",
        "test_feedback", "test_classroom", "test_grading_benchmark", "test_a3_reference"),
    "lab, browser, hub": ("test_lab", "test_browser", "test_working_in_the_lab", "test_hub",
                          "test_student_course"),
    "benchmarks, ablation, calibration": ("test_benchmarks", "test_ablation", "test_calibration"),
    "lint, architecture, environment": ("test_lint", "test_architecture", "test_environment",
                                        "test_notebooks"),
}


def file_of(case: ET.Element) -> str:
    """The test file (or notebook) a JUnit test case came from."""
    name = case.get("file") or case.get("classname", "?")
    if ".ipynb" in name:  # nbval: classname "course.05_vanilla_gan.ipynb"
        return "/".join(name[: name.index(".ipynb")].split(".")) + ".ipynb"
    if name.endswith(".py"):
        return name
    return name.replace(".", "/") + ".py" if name.startswith("tests.") else name


def by_file(xml: Path) -> dict[str, float]:
    times: dict[str, float] = defaultdict(float)
    if xml.is_file():
        for case in ET.parse(xml).iter("testcase"):
            times[file_of(case)] += float(case.get("time") or 0.0)
    return dict(times)


def group_of(path: str) -> str:
    stem = Path(path).stem
    for group, stems in GROUPS.items():
        if stem in stems:
            return group
    return "library and lectures' code"


def read_phases(folder: Path) -> list[tuple[str, float, int, str]]:
    """``phases.tsv``'s rows: (name, seconds, exit status, the phase it ran within or "").
    A phase that ran within another (the tests and the lectures, side by side) is part of
    that one's time, not added to the total."""
    phases = []
    if (folder / "phases.tsv").is_file():
        for row in (folder / "phases.tsv").read_text().splitlines():
            name, seconds, rc, *parent = row.split("\t")
            phases.append((name, float(seconds), int(rc), parent[0] if parent else ""))
    return phases


def report(folder: Path) -> str:
    lines = ["", "=" * 78, "make test: where the time went", "=" * 78]
    phases = read_phases(folder)
    top = [p for p in phases if not p[3]]
    total = sum(s for _, s, _, _ in top)
    for name, seconds, rc, _ in top:
        flag = "" if rc == 0 else f"   (failed, exit {rc})"
        lines.append(f"  {name:<40} {seconds:8.1f} s{flag}")
        for sub, sub_seconds, sub_rc, parent in phases:
            if parent == name:
                flag = "" if sub_rc == 0 else f"   (failed, exit {sub_rc})"
                lines.append(f"    {sub:<38} {sub_seconds:8.1f} s{flag}")
    lines.append(f"  {'total':<40} {total:8.1f} s = {total / 60:.1f} min "
                 f"(budget {BUDGET_S // 60} min: {100 * total / BUDGET_S:.0f}%)")
    tests = by_file(folder / "tests.xml")
    if tests:
        groups: dict[str, float] = defaultdict(float)
        for path, seconds in tests.items():
            groups[group_of(path)] += seconds
        lines += ["", "tests, by group (test time, without collection):"]
        lines += [f"  {g:<50} {s:8.1f} s" for g, s in sorted(groups.items(), key=lambda x: -x[1])]
        lines += ["", "slowest test files:"]
        lines += [f"  {p:<50} {s:8.1f} s"
                  for p, s in sorted(tests.items(), key=lambda x: -x[1])[:12]]
    lectures = by_file(folder / "lectures.xml")
    if lectures:
        lines += ["", "lectures (nbval):"]
        lines += [f"  {p:<50} {s:8.1f} s" for p, s in sorted(lectures.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "build/test-times")
    print(report(folder), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
