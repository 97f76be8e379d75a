"""Autograde a folder of submissions with the real nbgrader pipeline, in a clean workspace.

    python -m grader.grade --submissions DIR [--assignment ID ...] [--out DIR]
    make grade [SUBMISSIONS=DIR] [ASSIGNMENT=ID] [OUT=DIR] [JOBS=N]

``DIR`` uses nbgrader's submitted layout: ``DIR/<student_id>/<assignment_id>/<notebook>.ipynb``
(the default, ``grader/examples``, holds three example students).  The pipeline copies
``solutions/`` into a fresh temporary workspace and runs ``nbgrader generate_assignment`` there
for each assignment (which records the hidden tests and checksums in the workspace's
gradebook), copies the submissions in, runs ``nbgrader autograde`` (ci profile) and
``nbgrader generate_feedback`` (one process each for all the assignments), and exports the
grades.  With ``--jobs N`` (default: one per CPU core) the submissions are split into N groups
graded at the same time, each in its own copy of the released workspace, and the N gradebooks
are merged back into it before anything is exported.

Results go to ``OUT`` (default ``grades/<UTC time>/``), which must not exist yet or be empty,
so earlier results are never overwritten:

* ``grades.csv``          one row per student and assignment: score, max_score, status
                          (``graded`` or ``error``) and a message: for errors, why (corrupt
                          notebook, missing notebook, kernel died or stopped by a limit): such
                          submissions score 0 and the other students are graded as usual; for
                          graded ones, what the sandbox noticed (output too large, library
                          functions replaced and put back, tests that do not count, answers
                          flagged for the instructor's review), else empty
* ``nbgrader_export.csv`` nbgrader's own export of the gradebook
* ``skipped.csv``         folders of the submissions folder that were not graded, and why
                          (a malformed student id, a folder that names no assignment)
* ``cells.csv``           per test cell: student, assignment, notebook, cell, score, max_score
* ``feedback/<student>/<assignment>/*.html``   what the student gets back (``grading_error.txt``
                          for a submission that could not be graded, ``grading_notes.txt``
                          beside the HTML for a graded one with a message)
* ``autograded/``         the executed notebooks, for regrading disputes
* ``gradebook.db``        the workspace's gradebook

While it runs, a progress bar counts graded submissions; at the end a table lists every score,
compared with ``DIR/expected_scores.json`` where there is one (``grader/progress.py``); a
mismatch makes ``main`` return 1.

Nothing is written into ``solutions/``, ``assignments/`` or the submissions folder.  Every
kernel runs in the sandbox of ``grader/sandbox.py`` (limits, no network, no access to the
solutions or other students' files) with the test guard of ``grader/sandbox_kernel.py``.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grader.gradebook import copy_tree_into, merge_gradebook
from grader.kernel_files import SUBMITTED_FILE_BYTES, read_notes, read_regular_file
from grader.progress import EXPECTED_FILE, GradingProgress, compare, expected_scores
from grader.submissions import EXTRA_FILES, manual_cells, notebooks, read
from grader.workspace import REPO, SOLUTIONS, GradingError, Workspace, assignment_ids

NOTES_FILE = "grading_notes.txt"

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # matched in full (fullmatch)


@dataclass
class GradeReport:
    out: Path
    seconds: float
    #: (student, assignment) -> (score, max_score)
    totals: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    #: (student, assignment, cell) -> (score, max_score)
    cells: dict[tuple[str, str, str], tuple[float, float]] = field(default_factory=dict)
    #: (student, assignment) -> why the submission could not be graded (it scores 0)
    problems: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (student, assignment) -> what the sandbox saw in a graded submission (truncated output,
    #: undone tampering, tests that do not count, answers flagged for review)
    notes: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: folders of the submissions folder that were not graded, and why (also in skipped.csv)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: (student, assignment) -> "match" / "MISMATCH ..." where the submissions folder holds
    #: expected_scores.json (the bundled examples); empty otherwise
    expected: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def mismatches(self) -> list[tuple[str, str]]:
        return sorted(k for k, v in self.expected.items() if v != "match")

    def score(self, student: str, assignment: str) -> float:
        return self.totals[(student, assignment)][0]


def discover(submissions: Path, wanted: list[str] | None,
             skipped: list[tuple[str, str]] | None = None) -> dict[str, list[str]]:
    """{assignment: [student, ...]} found under ``submissions``; validates the layout.

    Folders that cannot be graded (a student id that is not letters, digits, '_', '.', '-';
    a folder under a student that names no assignment) are appended to ``skipped`` as
    (path relative to ``submissions``, why) and left out: the rest of the class is graded.
    """
    if not submissions.is_dir():
        raise GradingError(f"submissions folder {submissions} does not exist (expected "
                           "<folder>/<student_id>/<assignment_id>/<notebook>.ipynb)")
    skipped = [] if skipped is None else skipped
    known = assignment_ids()
    if wanted:
        unknown = sorted(set(wanted) - set(known))
        if unknown:
            raise GradingError(f"unknown assignment(s) {unknown}; solutions/ defines {known}")
    found: dict[str, list[str]] = {}
    for student_dir in sorted(submissions.iterdir()):
        name = student_dir.name
        if name.startswith("."):
            continue
        if not STUDENT_ID.fullmatch(name):
            skipped.append((ascii(name), "not graded: student ids may use letters, digits, '_', "
                            "'.', '-' (at most 64 characters, starting with a letter or digit)"))
            continue
        if student_dir.is_symlink():
            skipped.append((name, "not graded: a link (links are not followed)"))
            continue
        if not student_dir.is_dir():
            continue  # a file beside the students' folders (expected_scores.json, a README)
        for a_dir in sorted(student_dir.iterdir()):
            if a_dir.name.startswith("."):
                continue
            if a_dir.name not in known or a_dir.is_symlink() or not a_dir.is_dir():
                skipped.append((f"{name}/{ascii(a_dir.name)[1:-1]}",
                                f"not graded: not an assignment folder (assignments: {', '.join(known)})"))
            elif not wanted or a_dir.name in wanted:
                found.setdefault(a_dir.name, []).append(name)
    if not found:
        why = "".join(f"\n  {p}: {w}" for p, w in skipped[:20])
        raise GradingError(
            f"no submissions found in {submissions} for {wanted or known}; expected "
            "<folder>/<student_id>/<assignment_id>/<notebook>.ipynb" + why)
    return found


def _copy_submission(src: Path, dest: Path, extra_files: tuple[str, ...] = ()) -> list[str]:
    """Copy what a student may submit: the notebooks at the top of the assignment folder and
    the assignment's declared extra files (regular files only; links are not followed).

    Anything else - Python modules or packages that would shadow ``gancourse``/``grader`` in
    the kernel (its working directory comes first on ``sys.path``), data, folders - stays
    behind.  Returns the names left behind.
    """

    dest.mkdir(parents=True)
    skipped = []
    for path in sorted(src.iterdir()):
        wanted = path.name.endswith(".ipynb") or path.name in extra_files
        limit = NOTEBOOK_BYTES if path.name.endswith(".ipynb") else SUBMITTED_FILE_BYTES
        data = read_regular_file(path, limit) if wanted and not path.name.startswith(".") else None
        if data is not None:
            (dest / path.name).write_bytes(data)
        elif not path.name.startswith(".") and path.name != "__pycache__":
            skipped.append(path.name)
    return skipped


def _max_score(ws: Workspace, assignment: str) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{ws.root / 'gradebook.db'}", "gancourse") as gb:
        return float(gb.find_assignment(assignment).max_score)


def _read_gradebook(ws: Workspace, report: GradeReport, assignments: list[str]) -> None:
    """Totals as nbgrader keeps them (the maximum includes the written answers graded by hand,
    whose score is 0 until a grader gives one) and the autograded test cells' scores."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{ws.root / 'gradebook.db'}", "gancourse") as gb:
        for assignment in assignments:
            by_hand = {gid for name in notebooks(assignment)
                       for gid in manual_cells(read(SOLUTIONS / assignment / name))}
            for sub in gb.assignment_submissions(assignment):
                report.totals[(sub.student_id, assignment)] = (sub.score, sub.max_score)
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        if grade.name not in by_hand:
                            report.cells[(sub.student_id, assignment, grade.name)] = (
                                grade.score, grade.max_score)


#: Exceptions in nbgrader's log and what they mean for the student.
_FAILURES = (
    ("NotJSONError", "the notebook file is corrupted (not valid notebook JSON); submit the .ipynb "
                     "file saved by Jupyter"),
    ("JSONDecodeError", "the notebook file is corrupted (not valid JSON)"),
    ("NotebookValidationError", "the notebook file is not a valid Jupyter notebook"),
    ("UnicodeDecodeError", "the notebook file is not UTF-8 text"),
    ("DeadKernelError", "the Python kernel died while running the notebook (for example a call "
                        "to os._exit, a crash, or running out of memory)"),
    ("CellTimeoutError", "a cell ran past the time limit and did not stop when interrupted"),
)


#: The largest notebook the grader accepts (a notebook with its outputs cleared is ~100 kB).
NOTEBOOK_BYTES = 50 * 2**20


def notebook_problem(path: Path) -> str | None:
    """Why the submitted notebook at ``path`` cannot be graded (None if it can): read here,
    before nbgrader sees it, without following a link."""
    import nbformat


    data = read_regular_file(path, NOTEBOOK_BYTES)
    if data is None:
        return (f"{path.name} is not a regular file of at most {NOTEBOOK_BYTES >> 20} MB "
                "(a link, a folder, or too large)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _reason("UnicodeDecodeError")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except nbformat.reader.NotJSONError:
        return _reason("NotJSONError")
    except Exception as exc:  # noqa: BLE001 - any other reason nbformat refuses it
        return _reason("NotebookValidationError") + f" ({type(exc).__name__})"
    return None


def _reason(failure: str | None) -> str:
    """What a failure (an exception class name recorded by the grader) means for the student."""
    return next((why for exc, why in _FAILURES if exc == failure),
                "nbgrader could not process it" + (f" ({failure})" if failure else ""))


def _write_problem_feedback(folder: Path, assignment: str, reason: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grading_error.txt").write_text(
        f"Your submission for {assignment} could not be graded: {reason}.\n"
        "It scores 0. Fix the problem and resubmit, or ask your instructor.\n")


def _shards(found: dict[str, list[str]], jobs: int) -> list[dict[str, list[str]]]:
    """Split the submissions into ``jobs`` groups of similar size (round robin per assignment)."""
    shards: list[dict[str, list[str]]] = [{} for _ in range(jobs)]
    i = 0
    for assignment, students in found.items():
        for student in students:
            shards[i % jobs].setdefault(assignment, []).append(student)
            i += 1
    return [s for s in shards if s]


def _sandbox_notes(ws: Workspace, student: str,
                   assignment: str) -> tuple[str | None, list[str]]:
    """What the sandbox recorded for one submission (grader/sandbox_kernel.py, written by the
    grader's own process): why it could not be graded (None if nothing went wrong) and one
    line per thing the student should know."""

    died, lines = None, []
    for n in read_notes(ws.root, student, assignment):
        where = f"{n['notebook']}: " if n.get("notebook") else ""
        if n.get("failure") and died is None:
            died = _reason(n["failure"])
        if n.get("kernel"):
            died = f"the Python kernel was stopped: the notebook {n['kernel']['detail']}"
        if n.get("truncated"):
            lines.append(f"{where}output too large: the notebook printed more than the grader "
                         "keeps; the rest was dropped (tests are graded as usual)")
        changed = sorted({c for t in n.get("tampering", ()) for c in t["changed"]})
        if changed:
            cells = sorted({t["cell"] for t in n["tampering"]})
            lines.append(f"{where}the notebook replaced {', '.join(changed[:8])} (in "
                         f"{', '.join(cells[:5])}); the grader put the originals back before the "
                         "tests ran")
        for t in n.get("failed_tests", ()):
            lines.append(f"{where}{t['cell']} scores 0: {t['why']}")
        if n.get("guard", "ok") != "ok":
            lines.append(f"{where}the grader's checks {n['guard']}")
        for flag in n.get("flags", ()):
            lines.append(f"{where}flagged for review by the instructor: {flag}")
    return died, lines


def _autograde(ws: Workspace, found: dict[str, list[str]], submissions: Path
               ) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], list[str]]]:
    """Copy ``found`` into workspace ``ws`` (where its assignments are released), autograde
    it and write the feedback; returns the submissions that could not be graded, with the
    reason, and the sandbox's notes on the others.

    One ``nbgrader autograde`` and one ``nbgrader generate_feedback`` process serve every
    assignment of ``found`` (the assignment id ``*`` matches the folders copied in here)."""
    problems: dict[tuple[str, str], str] = {}
    notes: dict[tuple[str, str], list[str]] = {}
    expected = {a: sorted(p.name for p in ws.released(a).glob("*.ipynb")) for a in found}
    for assignment, students in found.items():
        for student in students:
            folder = ws.root / "submitted" / student / assignment
            _copy_submission(submissions / student / assignment, folder,
                             EXTRA_FILES.get(assignment, ()))
            missing = [n for n in expected[assignment] if not (folder / n).is_file()]
            if missing:
                problems[(student, assignment)] = (
                    f"the submission has no {', '.join(missing)} (the notebook must keep "
                    "its released name)")
            for n in expected[assignment]:
                why = None if n in missing else notebook_problem(folder / n)
                if why:
                    problems.setdefault((student, assignment), why)
    which = next(iter(found)) if len(found) == 1 else "*"
    # nbgrader grades every other submission when one fails, then exits 1, and removes a
    # failed submission's autograded folder: which students failed is read from that
    # folder (written by nbgrader only; kernels write in scratch folders of their own)
    # and why from the grader's notes, never from a log a notebook can print into.
    ws.nbgrader("autograde", which, "--force", check=False)
    for assignment, students in found.items():
        for student in students:
            died, lines = _sandbox_notes(ws, student, assignment)
            folder = ws.root / "autograded" / student / assignment
            if not all((folder / n).is_file() and not (folder / n).is_symlink()
                       for n in expected[assignment]):
                problems.setdefault((student, assignment), died or _reason(None))
            elif lines:
                notes[(student, assignment)] = lines
    ws.nbgrader("generate_feedback", which, "--force", check=False)
    return problems, notes


def default_jobs() -> int:
    """Parallel grading jobs: one per CPU core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS
        return max(1, os.cpu_count() or 1)


def grade(submissions: Path, out: Path, assignments: list[str] | None = None,
          verbose: bool = True, jobs: int = 1, checks_only: bool = False) -> GradeReport:
    """Run the whole pipeline; see the module docstring.  Returns the scores it wrote.

    ``jobs`` > 1 grades that many groups of submissions at the same time, each in its own
    workspace (its own nbgrader process and kernel), then merges their gradebooks into one.
    ``checks_only`` lets the trusted checks alone decide the test cells that have one
    (``grader/verdict.py``; the mutation score uses it), instead of the checks and the kernel.
    """
    start = time.monotonic()
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise GradingError(f"jobs must be a positive int, got {jobs!r}")
    skipped: list[tuple[str, str]] = []
    found = discover(submissions, assignments, skipped)
    try:
        expected = expected_scores(submissions)
    except ValueError as exc:
        raise GradingError(str(exc)) from None
    if out.exists() and any(out.iterdir()):
        raise GradingError(f"output folder {out} already holds results; choose a new --out "
                           "(results are never overwritten)")
    if out == submissions or submissions in out.parents:
        raise GradingError("the output folder must not be inside the submissions folder")
    # nbgrader shells out to `alembic`, installed beside this interpreter.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    report = GradeReport(out=out, seconds=0.0, skipped=skipped)
    with tempfile.TemporaryDirectory(prefix="gancourse-grade-") as tmp:
        ws = _autograde_all(Path(tmp), found, submissions, jobs, checks_only, verbose, report)
        _read_gradebook(ws, report, list(found))
        _write_feedback_extras(ws, report)
        _write_results(ws, out, report)
    if expected is not None:
        report.expected = compare(expected, report.totals)
    report.seconds = time.monotonic() - start
    if verbose:
        _print_summary(report, out)
    return report


def _autograde_all(tmp: Path, found: dict[str, list[str]], submissions: Path, jobs: int,
                   checks_only: bool, verbose: bool, report: GradeReport) -> Workspace:
    """Autograde every submission in ``found`` (in ``jobs`` workspaces at once, merged into one
    afterwards); record problems and notes in ``report``; the workspace holding the results."""
    verdict_mode = "checks" if checks_only else "both"
    shards = _shards(found, jobs)
    total = sum(len(students) for students in found.values())
    # released once: parallel jobs start from copies of this workspace's releases and
    # gradebook, which then receives their grades
    ws = Workspace(tmp / "course", verdict=verdict_mode)
    ws.release_all(list(found))
    if len(shards) == 1:
        with GradingProgress([ws.root], total, enabled=verbose):
            problems, notes = _autograde(ws, found, submissions)
        report.problems.update(problems)
        report.notes.update(notes)
        return ws
    if verbose:
        print(f"grading {total} submission(s) in {len(shards)} parallel jobs", flush=True)
    workspaces = [ws.copy_releases(tmp / f"job{i}") for i in range(len(shards))]
    with ThreadPoolExecutor(len(shards)) as pool, \
            GradingProgress([w.root for w in workspaces], total, enabled=verbose):
        results = list(pool.map(lambda args: _autograde(*args),
                                [(w, sh, submissions) for w, sh in zip(workspaces, shards)]))
    for problems, notes in results:
        report.problems.update(problems)
        report.notes.update(notes)
    for w in workspaces:
        merge_gradebook(w.root / "gradebook.db", ws.root / "gradebook.db", list(found))
        for sub in ("submitted", "autograded", "feedback"):
            copy_tree_into(w.root / sub, ws.root / sub)
    return ws


def _write_feedback_extras(ws: Workspace, report: GradeReport) -> None:
    """Zero and a feedback page for every submission that could not be graded; a notes file
    beside the feedback of every graded one the grader has something to say about."""
    for (student, assignment), reason in report.problems.items():
        max_score = _max_score(ws, assignment)
        report.totals[(student, assignment)] = (0.0, max_score)
        _write_problem_feedback(ws.root / "feedback" / student / assignment, assignment, reason)
    for key in report.totals:  # one submission's page failing never stops the class run
        if key not in report.problems \
                and not any((ws.root / "feedback" / key[0] / key[1]).glob("*.html")):
            report.notes.setdefault(key, []).append(
                "nbgrader could not render the feedback page; the score stands")
    for (student, assignment), lines in report.notes.items():
        if (student, assignment) not in report.problems:
            (ws.root / "feedback" / student / assignment).mkdir(parents=True, exist_ok=True)
            (ws.root / "feedback" / student / assignment / NOTES_FILE).write_text(
                f"Notes from the grader on your {assignment} submission:\n"
                + "".join(f"* {line}\n" for line in lines))


def _write_results(ws: Workspace, out: Path, report: GradeReport) -> None:
    """``out``: nbgrader's export, grades.csv, skipped.csv, cells.csv, the feedback and
    autograded folders and the gradebook."""
    out.mkdir(parents=True, exist_ok=True)
    ws.nbgrader("export", "--to", str(out / "nbgrader_export.csv"))
    with open(out / "grades.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "assignment", "score", "max_score", "status", "message"])
        for (student, assignment), (score, max_score) in sorted(report.totals.items()):
            problem = report.problems.get((student, assignment))
            w.writerow([student, assignment, score, max_score,
                        "error" if problem else "graded",
                        problem or " | ".join(report.notes.get((student, assignment), []))])
    with open(out / "skipped.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "why"])
        w.writerows(report.skipped)
    with open(out / "cells.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "assignment", "cell", "score", "max_score"])
        for (student, assignment, cell), (score, max_score) in sorted(report.cells.items()):
            w.writerow([student, assignment, cell, score, max_score])
    for sub in ("feedback", "autograded"):
        if (ws.root / sub).is_dir():
            shutil.copytree(ws.root / sub, out / sub)
    shutil.copyfile(ws.root / "gradebook.db", out / "gradebook.db")


def _print_summary(report: GradeReport, out: Path) -> None:
    print(f"\n{'student':<28}{'assignment':<18}{'score':>14}"
          + (f"   {EXPECTED_FILE}" if report.expected else ""))
    for key in sorted(set(report.totals) | set(report.expected)):
        student, assignment = key
        score, max_score = report.totals.get(key, (float("nan"), float("nan")))
        problem = report.problems.get(key)
        print(f"{student:<28}{assignment:<18}{score:>7g} / {max_score:<5g}"
              + (f"   {report.expected[key]}" if key in report.expected else "")
              + (f"   NOT GRADED: {problem}" if problem else ""))
    for path, why in report.skipped:
        print(f"SKIPPED {path}: {why}")
    n = len(report.totals)
    print(f"\ngraded {n} submission(s) in {report.seconds:.1f} s "
          f"({60 * n / max(report.seconds, 1e-9):.1f} per minute); results in {out}")
    if report.expected:
        bad = report.mismatches
        print(f"{EXPECTED_FILE}: " + (f"{len(bad)} MISMATCH(ES): "
                                     + ", ".join("/".join(k) for k in bad)
                                     if bad else f"all {len(report.expected)} scores match"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=Path, default=REPO / "grader" / "examples",
                        help="folder in nbgrader's submitted layout (default: grader/examples)")
    parser.add_argument("--assignment", action="append", default=None,
                        help="grade only this assignment (repeatable; default: all found)")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    parser.add_argument("--out", type=Path, default=REPO / "grades" / stamp,
                        help="results folder, must be new or empty (default: grades/<UTC time>)")
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="submissions graded at the same time, each with its own kernel "
                             "(default: one per CPU core, here %(default)s)")
    args = parser.parse_args(argv)
    import warnings

    # nbgrader's gradebook (SQLAlchemy) warns about its own session handling; nothing an
    # instructor can act on
    warnings.filterwarnings("ignore", message=".*not in session.*")
    try:
        report = grade(args.submissions, args.out, args.assignment, jobs=args.jobs)
    except GradingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if report.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
