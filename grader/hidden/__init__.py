"""What the kernel part of a hidden test (its PROBE section) may import from the grader.

This folder is the sandbox's read allow-list of grader code.  A grading kernel whose
assignment declares ``hidden_reads`` (``grader/assignments.py``) may read this folder,
``grader/__init__.py`` (for the import itself) and the data files it declares; nothing else of
``grader/`` or ``solutions/``.  The CHECK sections, which decide the grade, run in the grader's
process and import whatever they need.

Keep it small: path constants and the standard library only, nothing else of the grader
(``tests/test_architecture.py`` checks both), so that what a student's kernel can read is
exactly what is listed here.
"""
