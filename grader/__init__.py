"""Instructor side of the course: nbgrader configuration, release and grading pipeline."""
