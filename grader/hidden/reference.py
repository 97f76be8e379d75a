"""Where the reference artifacts a hidden probe may load lie (read-only inside the sandbox).

Only the folders an assignment lists in ``AssignmentSpec.hidden_reads`` are readable there:
for a3, the reference's trained weights (``submission/``) and the weight-transplant *inputs*
(:data:`KERNEL_INPUTS_FILE`), never the outputs the checks compare with.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["KERNEL_INPUTS_FILE", "REFERENCE"]

#: ``grader/reference/``: one folder per assignment that has reference artifacts.
REFERENCE = Path(__file__).resolve().parent.parent / "reference"

#: The inputs of the weight-transplant tests (``transplant.npz`` without the reference
#: outputs), relative to ``REFERENCE / <assignment>``; written by ``make release``.
KERNEL_INPUTS_FILE = "kernel_inputs/transplant_inputs.npz"
