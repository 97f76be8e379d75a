# nbgrader configuration of the course (instructor side).
#
# Layout: nbgrader's "source" is the repo's solutions/ and its "release" is assignments/.
# The course's tools (grader/release.py, grader/grade.py) never run nbgrader inside the repo:
# they copy solutions/ into a fresh workspace, put a nbgrader_config.py there that loads this
# file and sets CourseDirectory.root to the workspace, and run nbgrader in it.  So a gradebook,
# autograded notebooks and feedback are never written next to solutions/ or a student's files.
import os

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "gancourse"
c.CourseDirectory.root = os.environ.get(
    "GANCOURSE_COURSE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# Only notebooks are released; data files an assignment needs live in gancourse or the repo.
c.CourseDirectory.notebook_id = "*"

# What students see in place of a solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Execution while grading.  Every notebook runs in the course kernel whatever kernel name the
# submission carries, with a per-cell time limit.  NBGRADER_EXECUTION (set by nbgrader while it
# executes) makes gancourse pick the `ci` profile, so grading is fast and machine-independent.
c.Execute.kernel_name = "python3"
c.Execute.timeout = int(os.environ.get("GANCOURSE_CELL_TIMEOUT", "120"))
c.Execute.interrupt_on_timeout = True

# Isolation (grader/sandbox.py, grader/sandbox_kernel.py): autograding runs every kernel through
# the sandbox launcher (limits on memory, CPU, wall time, processes, file and output size; no
# network; read access only to what the hidden tests need) and guards the test cells against
# notebooks that patch the functions the tests call.  Limits: the GANCOURSE_GRADE_* variables.
c.Autograde.autograde_preprocessors = [
    "grader.sandbox_kernel.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Students' answers are compared against the gradebook copy of every locked and test cell, so an
# edited or deleted test cell cannot change a grade.
c.Autograde.create_student = True

# Feedback (grader/feedback.py): the page a student gets back shows the test cells without
# their hidden tests and the grader's checks; scores and verdicts stay.  Its math is MathML,
# which renders offline (the template's MathJax comes from a CDN).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "grader.feedback.HideHiddenTests",
    "grader.feedback.MathToMathML",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
