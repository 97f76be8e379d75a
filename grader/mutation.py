"""Mutation score: grade every known-wrong answer (mutant) of every assignment.

    python -m grader.mutation [--assignment ID ...]      (make mutants)

For each assignment the full solution and each mutant (grader/mutants/<id>/*.py) are graded
together through the real pipeline.  A mutant is *killed* when every test cell named in its
``# kills:`` header scores 0; a surviving mutant means a hidden test that cannot fail.  The
trusted checks alone decide (``grade(checks_only=True)``, see grader/verdict.py): a mutant must
be caught by code the student's process cannot reach, not only by assertions run inside it.  Prints
killed / total per assignment and exits 1 if any mutant survives or the solution is not full.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from grader.grade import GradeReport, default_jobs, grade
from grader.submissions import (Mutant, full_submission, graded_cells, load_mutants,
                                mutant_submission, notebooks, read, write_submission_folder)
from grader.workspace import SOLUTIONS, assignment_ids

SOLUTION_STUDENT = "solution"


def write_submission(root: Path, student: str, assignment: str, entries: dict) -> None:
    folder = root / student / assignment
    if folder.exists():
        raise FileExistsError(f"{folder} exists")
    write_submission_folder(folder, entries)


def build_mutant_submissions(root: Path, assignments: list[str]) -> dict[str, list[Mutant]]:
    """Write the solution and every mutant of each assignment as students under ``root``."""
    mutants = {}
    for a in assignments:
        write_submission(root, SOLUTION_STUDENT, a, full_submission(a))
        mutants[a] = load_mutants(a)
        for m in mutants[a]:
            write_submission(root, m.student_id, a, mutant_submission(m))
    return mutants


def max_points(assignment: str) -> float:
    return sum(sum(graded_cells(read(SOLUTIONS / assignment / nb)).values())
               for nb in notebooks(assignment))


def survivors(report: GradeReport, mutants: list[Mutant]) -> list[Mutant]:
    """Mutants that kept the points of a test cell they should lose."""
    return [m for m in mutants
            if any(report.cells.get((m.student_id, m.assignment, c), (None,))[0] != 0 for c in m.kills)]


def summarize(report: GradeReport, mutants: dict[str, list[Mutant]]) -> tuple[str, bool]:
    """The mutation-score table, and whether every mutant died and every solution is full."""
    ok = True
    lines = [f"{'assignment':<20}{'killed / total':>16}   solution"]
    for a, ms in mutants.items():
        alive = survivors(report, ms)
        solution = report.score(SOLUTION_STUDENT, a)
        ok &= solution == max_points(a) and not alive
        lines.append(f"{a:<20}{len(ms) - len(alive):>8} / {len(ms):<6}   "
                     f"{solution:g} / {max_points(a):g}")
        lines += [f"   SURVIVED {m.name}: {m.why}" for m in alive]
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", action="append", default=None)
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="parallel grading jobs (default: one per CPU core)")
    args = parser.parse_args(argv)
    assignments = args.assignment or assignment_ids()
    with tempfile.TemporaryDirectory(prefix="gancourse-mutants-") as tmp:
        mutants = build_mutant_submissions(Path(tmp) / "subs", assignments)
        report = grade(Path(tmp) / "subs", Path(tmp) / "out", assignments, verbose=False,
                       jobs=args.jobs, checks_only=True)
    table, ok = summarize(report, mutants)
    print(table)
    print(f"graded {len(report.totals)} notebooks in {report.seconds:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
