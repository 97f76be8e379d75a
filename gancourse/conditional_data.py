"""Labelled toy data for conditional GANs, with exact ground truth.

:class:`LabelledMixture2D` gives every class its own equal-weight mixture of 2-D Gaussians
(:class:`gancourse.data.GaussianMixture2D`), so ``p(x | y)`` is known in closed form: the
conditional optimal discriminator and ``E_y JS(p(.|y) || p_g(.|y))`` can be computed on a grid,
and a conditional generator's samples can be checked exactly - a sample "has the requested class"
when its nearest mode belongs to that class (and lies within a few standard deviations).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gancourse.checks import int_at_least, positive_int
from gancourse.data import GaussianMixture2D, ring_of_gaussians

__all__ = ["LabelledMixture2D", "labelled_ring"]


@dataclass(frozen=True, eq=False)
class LabelledMixture2D:
    """A mixture whose modes carry class labels: ``mixture`` (K modes) and ``mode_class`` (K,),
    the class of each mode; classes are 0..C-1, equally likely, each an equal-weight mixture of
    its own modes."""

    mixture: GaussianMixture2D
    mode_class: np.ndarray

    def __post_init__(self) -> None:
        c = np.array(self.mode_class)
        if c.shape != (self.mixture.n_modes,) or not np.issubdtype(c.dtype, np.integer):
            raise ValueError(f"mode_class must hold {self.mixture.n_modes} integer classes, got "
                             f"shape {c.shape}, dtype {c.dtype}")
        if c.min() != 0 or set(np.unique(c)) != set(range(int(c.max()) + 1)):
            raise ValueError("mode_class must use every class 0..C-1")
        c = c.astype(np.int64)
        c.setflags(write=False)
        object.__setattr__(self, "mode_class", c)

    @property
    def num_classes(self) -> int:
        return int(self.mode_class.max()) + 1

    def class_mixture(self, y: int) -> GaussianMixture2D:
        """``p(x | y)``: the mixture of class ``y``'s modes."""
        if isinstance(y, bool) or not isinstance(y, (int, np.integer)) or not 0 <= y < self.num_classes:
            raise ValueError(f"y must be a class in [0, {self.num_classes}), got {y!r}")
        return GaussianMixture2D(self.mixture.centers[self.mode_class == y], self.mixture.std,
                                 name=f"{self.mixture.name}_class{int(y)}")

    def sample(self, n: int, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
        """``n`` labelled points: ``float32`` (n, 2) and their classes ``int64`` (n,); classes
        uniform, then a mode of that class uniformly."""
        n = positive_int(n, "n")
        rng = np.random.default_rng(seed)
        y = rng.integers(0, self.num_classes, size=n)
        x = np.empty((n, 2), dtype=np.float32)
        for c in range(self.num_classes):
            rows = np.flatnonzero(y == c)
            if len(rows):
                x[rows] = self.class_mixture(c).sample(len(rows), seed=rng.integers(2**31))
        return x, y.astype(np.int64)

    def log_density(self, points: np.ndarray, y: int) -> np.ndarray:
        """``log p(x | y)`` at ``points`` (M, 2); returns (M,)."""
        return self.class_mixture(y).log_density(points)

    def class_match(self, points: np.ndarray, requested: np.ndarray, *,
                    within: float = 3.0) -> np.ndarray:
        """Per point (M,): does its nearest mode belong to the requested class, within
        ``within`` standard deviations?  (bool (M,); the 2-D conditional accuracy is its mean)."""
        y = np.asarray(requested)
        if y.shape != (len(points),) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"requested must be {len(points)} integer classes")
        mode, dist = self.mixture.nearest_mode(points)
        return (self.mode_class[mode] == y) & (dist <= within * self.mixture.std)


def labelled_ring(num_classes: int = 4, modes_per_class: int = 2, radius: float = 2.0,
                  std: float = 0.05) -> LabelledMixture2D:
    """A ring of ``num_classes * modes_per_class`` Gaussians labelled round-robin (mode k has
    class k mod num_classes), so the modes of one class sit on opposite sides of the ring and the
    classes interleave: the unconditional marginal is the plain ring."""
    num_classes = int_at_least(num_classes, "num_classes", 2)
    modes_per_class = positive_int(modes_per_class, "modes_per_class")
    ring = ring_of_gaussians(num_classes * modes_per_class, radius, std)
    return LabelledMixture2D(ring, np.arange(ring.n_modes) % num_classes)
