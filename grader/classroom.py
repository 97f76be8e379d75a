"""A class: nbgrader's whole cycle on one machine (or a shared server), outside the repository.

    python -m grader.classroom init      [--class DIR] [--exchange DIR]
    python -m grader.classroom lab       [--class DIR] [-- JUPYTER LAB ARGS]   (make lab [CLASS=DIR])
    python -m grader.classroom release   ASSIGNMENT [--class DIR]              (make class-release A=...)
    python -m grader.classroom collect   ASSIGNMENT [--class DIR]              (make class-collect A=...)
    python -m grader.classroom autograde ASSIGNMENT [--class DIR] [--jobs N]   (make class-autograde A=...)
    python -m grader.classroom feedback  ASSIGNMENT [--class DIR]              (make class-feedback A=...)
    python -m grader.classroom student   --dir DIR --name ID [--class DIR]

The *class folder* (default ``~/gancourse-class``, or ``$GANCOURSE_CLASS``) is the nbgrader
course directory of one class: its ``gradebook.db``, the students' ``submitted/`` work, the
``autograded/`` notebooks, ``feedback/``, every grading run under ``grades/`` and (for the
local exchange) ``exchange/``.  It holds links to the repository's ``solutions/`` and
``course/``, so Formgrader lists and edits the real assignments, and nothing of a class is ever
written into the repository (``git clean`` cannot lose a grade).

The cycle (README, "Running a class"):

1. ``release``: ``nbgrader generate_assignment`` in the class folder (which records the hidden
   tests' checksums in the class gradebook), a check that the result is byte for byte the
   committed ``assignments/`` students also get in the student course, then
   ``nbgrader release_assignment`` to the exchange.
2. Students fetch, work, Validate and submit (JupyterLab's Assignment List, or
   ``nbgrader fetch_assignment`` / ``submit``).
3. ``collect``: ``nbgrader collect`` into ``submitted/``.
4. ``autograde``: the course's sandboxed pipeline (``grader/grade.py``: a fresh workspace,
   every kernel in ``grader/sandbox.py``) grades ``submitted/``; its results go to
   ``grades/<assignment>-<time>/`` and into the class gradebook and ``autograded/``, where
   Formgrader shows them.  Manual grades given in Formgrader survive a regrade.
   (Formgrader's own *Autograde* button would run nbgrader in the server's process: use this.)
5. Manual grading, if any, in Formgrader.
6. ``feedback``: ``nbgrader generate_feedback`` (hidden tests removed by
   ``grader/feedback.py``) and ``release_feedback``; students fetch it.
"""
from __future__ import annotations

import argparse
import ast
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from grader.gradebook import COURSE_ID, copy_tree_into, merge_gradebook
from grader.release import stale_files
from grader.workspace import ASSIGNMENTS, CONFIG, REPO, GradingError, assignment_ids, grading_env

DEFAULT_CLASS = Path(os.environ.get("GANCOURSE_CLASS", Path.home() / "gancourse-class"))
MARKER = "# nbgrader configuration of a gancourse class"
LINKS = ("solutions", "course")
#: what nbgrader's exchange writes beside a submission; its feedback release needs them
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def _config_text(root: Path, exchange: Path) -> str:
    return (f"{MARKER} (written by `python -m grader.classroom init`).\n"
            "# The course's settings come from the repository; this file only says where the\n"
            "# class lives.  Edit the exchange root for a shared server (README).\n"
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(CONFIG)!r})  # noqa: F821\n"
            f"c.CourseDirectory.root = {str(root)!r}\n"
            f"c.Exchange.root = {str(exchange)!r}\n")


def student_config_text(name: str, exchange: Path, folder: Path) -> str:
    """The ``nbgrader_config.py`` of a student's folder on the same machine as the exchange.

    Its own exchange cache: nbgrader's default one is per login, and students sharing a login
    (this one-machine setup) would otherwise receive each other's feedback."""
    return ("# nbgrader configuration of a gancourse student (written by "
            "`python -m grader.classroom student`).\n"
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.CourseDirectory.student_id = {name!r}  # on JupyterHub: the login, leave this out\n"
            f"c.Exchange.root = {str(exchange)!r}\n"
            f"c.Exchange.cache = {str(folder / '.nbgrader-cache')!r}\n")


class Classroom:
    """The class folder at ``root``; ``init`` creates it, the constructor only opens it."""

    def __init__(self, root: Path = DEFAULT_CLASS):
        self.root = Path(root).expanduser().resolve()
        config = self.root / "nbgrader_config.py"
        if not config.is_file() or not config.read_text().startswith(MARKER):
            raise GradingError(f"{self.root} is not a class folder; create it with "
                               f"`python -m grader.classroom init --class {self.root}`")
        self.env = grading_env(self.root)

    @classmethod
    def init(cls, root: Path = DEFAULT_CLASS, exchange: Path | None = None) -> "Classroom":
        """Create the class folder (or check an existing one); never touches a class's data."""
        root = Path(root).expanduser().resolve()
        if root == REPO or REPO in root.parents or root in REPO.parents:
            raise GradingError(f"the class folder {root} must be outside the repository {REPO} "
                               "(and not above it): a class's grades are not source files")
        config = root / "nbgrader_config.py"
        if root.exists() and any(root.iterdir()) and not config.is_file():
            raise GradingError(f"{root} exists and is not a class folder; choose another --class")
        if config.is_file() and not config.read_text().startswith(MARKER):
            raise GradingError(f"{config} was not written by this course; choose another --class")
        exchange = Path(exchange).expanduser().resolve() if exchange else root / "exchange"
        root.mkdir(parents=True, exist_ok=True)
        if not config.is_file():
            config.write_text(_config_text(root, exchange))
            (root / "README.md").write_text(
                "# A gancourse class\n\nnbgrader's course folder of this class: gradebook.db, "
                "submitted/, autograded/, feedback/, grades/ (every grading run), exchange/.\n"
                f"`solutions` and `course` link to the course repository {REPO}.\n"
                "Commands: `make lab`, `make class-release A=...` and the others in the "
                "repository's README (\"Running a class\").\n")
        for name in LINKS:
            link = root / name
            if link.is_symlink() and link.resolve() != (REPO / name).resolve():
                link.unlink()  # the repository moved
            if not link.exists() and not link.is_symlink():
                link.symlink_to(REPO / name, target_is_directory=True)
        (root / "exchange").mkdir(exist_ok=True) if exchange == root / "exchange" else None
        return cls(root)

    @property
    def exchange(self) -> Path:
        for line in (self.root / "nbgrader_config.py").read_text().splitlines():
            if line.startswith("c.Exchange.root = "):
                return Path(ast.literal_eval(line.split("=", 1)[1].strip()))
        raise GradingError(f"{self.root / 'nbgrader_config.py'} sets no exchange root")

    def nbgrader(self, *args: str) -> str:
        """Run ``nbgrader ARGS`` in the class folder; GradingError with its log on failure."""
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=self.root,
                              env=self.env, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
        if proc.returncode != 0:
            raise GradingError(f"`nbgrader {' '.join(args)}` failed (exit {proc.returncode}):\n"
                               + proc.stdout[-4000:])
        return proc.stdout

    def _check(self, assignment: str) -> None:
        if assignment not in assignment_ids():
            raise GradingError(f"unknown assignment {assignment!r}; solutions/ defines "
                               f"{assignment_ids()}")

    def release(self, assignment: str) -> Path:
        """Generate ``assignment`` in the class, check it equals the committed release, and
        put it in the exchange.  Returns the released folder."""
        self._check(assignment)
        self.nbgrader("generate_assignment", assignment, "--force")
        released = self.root / "assignments" / assignment
        stale = stale_files(released, ASSIGNMENTS / assignment)
        if stale:
            raise GradingError(f"the release of {assignment} differs from the committed "
                               f"assignments/ ({', '.join(stale)}): run `make release`, commit, "
                               "and rebuild the student course, so every student has the same "
                               "notebook")
        self.nbgrader("release_assignment", assignment, "--force")
        return released

    def collect(self, assignment: str) -> list[str]:
        """``nbgrader collect``: the newest submission of each student into ``submitted/``."""
        self._check(assignment)
        self.nbgrader("collect", assignment, "--update")
        folder = self.root / "submitted"
        return sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir()) \
            if folder.is_dir() else []

    def autograde(self, assignment: str, jobs: int = 1, verbose: bool = True):
        """Grade ``submitted/`` with the sandboxed pipeline and bring the results into the
        class gradebook; returns grader.grade's GradeReport."""
        from nbgrader.api import Gradebook
        from nbgrader.utils import parse_utc

        from grader.grade import grade

        self._check(assignment)
        if not (self.root / "submitted").is_dir():
            raise GradingError(f"nothing collected in {self.root / 'submitted'}; run collect first")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        out = self.root / "grades" / f"{assignment}-{stamp}"
        report = grade(self.root / "submitted", out, [assignment], verbose=verbose, jobs=jobs)
        if not _released_in(self.root, assignment):  # graded without a release from here
            self.nbgrader("generate_assignment", assignment, "--force")
        merge_gradebook(out / "gradebook.db", self.root / "gradebook.db", [assignment],
                        keep_manual=True)
        students = sorted({s for s, a in report.totals if a == assignment})
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", COURSE_ID) as gb:
            for student in students:  # the collect time, for late penalties and feedback
                stamp_file = self.root / "submitted" / student / assignment / "timestamp.txt"
                if stamp_file.is_file():
                    gb.find_submission(assignment, student).timestamp = \
                        parse_utc(stamp_file.read_text().strip())
            gb.db.commit()
        for student in students:
            collected = self.root / "submitted" / student / assignment
            for sub in ("autograded", "feedback"):
                src, dest = out / sub / student / assignment, self.root / sub / student / assignment
                if src.is_dir():
                    if dest.is_dir():
                        shutil.rmtree(dest)  # the previous run's copy stays in grades/
                    copy_tree_into(src, dest)
                    for name in EXCHANGE_FILES:  # how nbgrader's feedback finds the student
                        if (collected / name).is_file():
                            shutil.copyfile(collected / name, dest / name)
        return report

    def feedback(self, assignment: str) -> list[Path]:
        """Regenerate the feedback pages from the class gradebook (manual grades included;
        hidden tests removed) and release them to the exchange.  Returns the pages."""
        self._check(assignment)
        self.nbgrader("generate_feedback", assignment, "--force")
        self.nbgrader("release_feedback", assignment)
        return sorted((self.root / "feedback").glob(f"*/{assignment}/*.html"))

    def lab_command(self, args: list[str]) -> list[str]:
        return [str(Path(sys.executable).parent / "jupyter"), "lab",
                f"--ServerApp.root_dir={self.root}", *args, "course/00_welcome.ipynb"]


def lab_env() -> dict[str, str]:
    """The lab server's environment: this venv's tools first on PATH (nbgrader runs `alembic`),
    the repository importable (Formgrader's feedback uses grader.feedback); the profile is the
    user's, not the grading one."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def _released_in(root: Path, assignment: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        try:
            gb.find_assignment(assignment)
            return True
        except MissingEntry:
            return False


def make_student(folder: Path, name: str, room: Classroom) -> Path:
    """Give ``folder`` (a student's course folder on this machine) the nbgrader config that
    points its Assignment List at the class exchange.  Never overwrites another config."""
    from grader.grade import STUDENT_ID

    if not STUDENT_ID.fullmatch(name):
        raise GradingError(f"student id {name!r}: letters, digits, '_', '.', '-' only")
    folder = Path(folder).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "nbgrader_config.py"
    text = student_config_text(name, room.exchange, folder)
    if config.is_file() and config.read_text() != text:
        raise GradingError(f"{config} exists with other settings; it is left as it is")
    config.write_text(text)
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["init", "lab", "release", "collect", "autograde",
                                            "feedback", "student"])
    parser.add_argument("assignment", nargs="?")
    parser.add_argument("--class", dest="root", type=Path, default=DEFAULT_CLASS)
    parser.add_argument("--exchange", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="student: the student's folder")
    parser.add_argument("--name", help="student: the student's id")
    argv = list(sys.argv[1:] if argv is None else argv)
    rest = argv[argv.index("--") + 1:] if "--" in argv else []  # lab: jupyter lab's own
    args = parser.parse_args(argv[:len(argv) - len(rest) - (1 if "--" in argv else 0)])
    import warnings

    # nbgrader's gradebook (SQLAlchemy) warns about its own session handling
    warnings.filterwarnings("ignore", message=".*not in session.*")
    try:
        if args.command in ("release", "collect", "autograde", "feedback") and not args.assignment:
            raise GradingError(f"{args.command} needs an assignment: one of {assignment_ids()}")
        if args.command == "init":
            room = Classroom.init(args.root, args.exchange)
            print(f"class folder {room.root} (exchange {room.exchange})")
        elif args.command == "lab":
            room = Classroom.init(args.root, args.exchange)
            os.chdir(room.root)  # nbgrader's lab extensions read ./nbgrader_config.py
            cmd = room.lab_command(rest)
            os.execve(cmd[0], cmd, lab_env())
        elif args.command == "student":
            if not args.dir or not args.name:
                raise GradingError("student needs --dir and --name")
            print(f"wrote {make_student(args.dir, args.name, Classroom(args.root))}")
        else:
            room = Classroom(args.root)
            if args.command == "release":
                print(f"released {room.release(args.assignment)} to {room.exchange}")
            elif args.command == "collect":
                print(f"collected: {', '.join(room.collect(args.assignment)) or 'nobody'}")
            elif args.command == "autograde":
                report = room.autograde(args.assignment, jobs=args.jobs)
                print(f"results in {report.out}; the class gradebook is up to date "
                      "(Formgrader shows them)")
            else:
                pages = room.feedback(args.assignment)
                print(f"released {len(pages)} feedback page(s) of {args.assignment}")
    except GradingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
