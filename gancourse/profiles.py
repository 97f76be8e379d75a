"""Run profiles: one place that sizes every dataset, training run and evaluation.

Select a profile with the environment variable ``GANCOURSE_PROFILE``:

``ci``
    Seconds per notebook.  Used by the tests (nbval), and always while nbgrader executes a
    notebook (``NBGRADER_EXECUTION`` is set by ``nbgrader autograde`` / ``validate``), so grades
    never depend on the machine that grades.
``laptop`` (default)
    Minutes on a 2-core laptop CPU.
``gpu``
    Paper-scale runs for a machine with a GPU.

Every notebook starts with ``gancourse.show_profile()`` so the reader sees which sizes apply.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

ENV_VAR = "GANCOURSE_PROFILE"
DEFAULT = "laptop"


@dataclass(frozen=True)
class Profile:
    """Sizes for one kind of machine.  All counts are positive integers."""

    name: str
    description: str
    mnist_train: int  #: number of MNIST training images used
    mnist_test: int  #: number of held-out MNIST images used for evaluation
    toy_samples: int  #: points drawn from a 2-D toy distribution
    batch_size: int  #: minibatch size for GAN training
    train_steps: int  #: generator updates in a standard training run
    eval_samples: int  #: samples drawn when evaluating a generator
    log_every: int  #: steps between logged losses / sample grids

    def scaled(self, **overrides: int) -> "Profile":
        """A copy with some sizes replaced (for one experiment), validated like the originals."""
        return _validated(dataclasses.replace(self, **overrides))


def _validated(p: Profile) -> Profile:
    for field in dataclasses.fields(p):
        value = getattr(p, field.name)
        if field.type == "int" and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
            raise ValueError(f"profile {p.name!r}: {field.name} must be a positive int, got {value!r}")
    return p


PROFILES: dict[str, Profile] = {
    p.name: _validated(p)
    for p in (
        Profile("ci", "seconds: tests, nbval and autograding", mnist_train=512, mnist_test=256,
                toy_samples=1_000, batch_size=64, train_steps=20, eval_samples=256, log_every=10),
        Profile("laptop", "minutes on a 2-core CPU (default)", mnist_train=4_000, mnist_test=1_000,
                toy_samples=10_000, batch_size=64, train_steps=2_000, eval_samples=1_000,
                log_every=200),
        Profile("gpu", "paper scale on a GPU", mnist_train=60_000, mnist_test=10_000,
                toy_samples=100_000, batch_size=128, train_steps=50_000, eval_samples=10_000,
                log_every=1_000),
    )
}


def profile_name() -> str:
    """The active profile's name: ``ci`` under nbgrader, else ``$GANCOURSE_PROFILE``, else laptop."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return "ci"
    name = os.environ.get(ENV_VAR, "").strip().lower() or DEFAULT
    if name not in PROFILES:
        raise ValueError(
            f"{ENV_VAR}={os.environ.get(ENV_VAR)!r} is not a profile; choose one of "
            f"{', '.join(PROFILES)} (default: {DEFAULT})."
        )
    return name


def get_profile(name: str | None = None) -> Profile:
    """Return the named profile, or the active one when ``name`` is None."""
    if name is None:
        return PROFILES[profile_name()]
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}.")
    return PROFILES[name]


def describe(profile: Profile | None = None) -> str:
    """One line saying which profile is active and why, e.g. for the top of a notebook."""
    p = profile or get_profile()
    why = ("forced by nbgrader" if os.environ.get("NBGRADER_EXECUTION")
           else f"from {ENV_VAR}" if os.environ.get(ENV_VAR) else "the default")
    return (f"gancourse profile: {p.name} ({p.description}; {why}) - "
            f"MNIST {p.mnist_train} train / {p.mnist_test} test, batch {p.batch_size}, "
            f"{p.train_steps} training steps")


def show_profile() -> Profile:
    """Print :func:`describe` and return the active profile.  First cell of every notebook."""
    p = get_profile()
    print(describe(p))
    return p
