"""Every assignment the grader knows, in one registry: what a student submits beside the
notebook, what the kernel part of its hidden tests may read, which answers the "partial"
example student fills, how a submitted trained model is scored, and the command that produces
its reference artifacts.

A new assignment adds one :class:`AssignmentSpec` to :data:`REGISTRY` (and its solution
notebook, mutants and alternatives in their folders); no other module of the grader keeps a
per-assignment table.  Standard library only: the sandbox launcher imports it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["AssignmentSpec", "REGISTRY", "spec"]


@dataclass(frozen=True)
class AssignmentSpec:
    """One assignment's grading facts.

    Attributes:
        id: the folder name under ``solutions/`` (and nbgrader's assignment id).
        partial_answers: answer cells the "partial" example student completes.
        extra_files: files a student submits beside the notebook; the grader copies nothing
            else.
        hidden_reads: repository data files and folders the kernel part of the hidden tests
            (the PROBE sections; the CHECKs run in the grader) loads, read-only inside the
            sandbox.  Where there are any, the kernel may also import ``grader.hidden`` (code
            for probes lives there, nowhere else); everything else of ``grader/`` and
            ``solutions/`` is unreadable there.
        quality: settings of the part scored on a submitted trained model: the answer cell
            that builds the generator (``builder``), its arguments, the sample count ``n`` and
            the ``noise_seed``; None when the assignment has no such part.
        reference_job: the command that trains the reference and records its thresholds.
    """

    id: str
    partial_answers: tuple[str, ...] = ()
    extra_files: tuple[str, ...] = ()
    hidden_reads: tuple[str, ...] = ()
    quality: dict[str, Any] | None = None
    reference_job: str | None = None


REGISTRY: dict[str, AssignmentSpec] = {s.id: s for s in (
    AssignmentSpec("a0_data", partial_answers=("sample_latent", "scale_images",
                                               "unscale_images")),
    AssignmentSpec("a1_theory", partial_answers=("kl_divergence", "js_divergence",
                                                 "kl_gaussian")),
    AssignmentSpec("a_eval", partial_answers=("frechet_distance",)),
    AssignmentSpec("a2_vanilla_gan", partial_answers=("sample_noise", "discriminator_loss",
                                                      "generator_loss")),
    AssignmentSpec(
        "a3_dcgan", partial_answers=("slerp",), extra_files=("a3_generator.npz",),
        # The probes import grader.hidden (the folder's path) and load the reference weights
        # and the transplant *inputs*, never the outputs they are compared with
        # (transplant.npz), the reference builder or the quality measurements.
        hidden_reads=("grader/reference/a3_dcgan/submission",
                      "grader/reference/a3_dcgan/kernel_inputs"),
        quality={
            "notebook": "a3_dcgan.ipynb",
            "builder": "build_generator",
            "builder_args": [64],
            "n": 1000,  # generated digits, compared with the first n bundled test digits
            "noise_seed": 1,  # gancourse.noise.sample_noise(n, latent_dim, seed=noise_seed)
        },
        reference_job="python -m grader.reference_a3"),
    AssignmentSpec("a4_stabilization", partial_answers=(
        "feature_matching_loss", "discriminator_loss_smoothed", "lsgan_losses")),
    AssignmentSpec(
        "a5_capstone", partial_answers=("t_interval",),
        # the study's six generators and its report (gancourse.capstone.weights_file, REPORT_FILE);
        # the checks measure them in the grader's process: the kernel reads no reference file
        extra_files=tuple(f"capstone_{role}_seed{seed}.npz" for role in ("variant", "baseline")
                          for seed in (0, 1, 2)) + ("capstone_report.json",),
        reference_job="python -m grader.reference_capstone"),
    AssignmentSpec("a6_conditional", partial_answers=("concat_condition", "conditional_accuracy")),
)}


def spec(assignment: str) -> AssignmentSpec:
    """The registry entry of ``assignment``."""
    if assignment not in REGISTRY:
        raise ValueError(f"unknown assignment {assignment!r}; known: {sorted(REGISTRY)}")
    return REGISTRY[assignment]
