"""Game theory for GANs: gradient dynamics on ``min_x max_y x*y``, Nash equilibria, D* and V(D, G).

* Gradient dynamics on ``f(x, y) = x*y`` (x minimises, y maximises; the only equilibrium is
  (0, 0)): simultaneous, alternating, extragradient (Korpelevich 1976) and optimistic
  (Daskalakis et al. 2017) steps, and :func:`trajectory`.  Points are scalars or same-shape arrays.
* Matrix games (Nash 1950/1951): :func:`pure_nash_equilibria`,
  :func:`mixed_equilibrium_2x2_zero_sum`.
* The GAN objective on a grid (Goodfellow et al. 2014): :func:`optimal_discriminator`,
  :func:`gan_value`.

Conventions, used by every lecture:

* ``optimal_discriminator`` is **1/2 where both densities are 0** (there V does not depend on D;
  1/2 is D*'s "cannot tell" answer wherever the densities agree).
* ``mixed_equilibrium_2x2_zero_sum`` **raises ValueError for a game with a pure saddle point**
  and names it: nobody needs to mix, and the indifference formulas would be meaningless.
* ``gan_value`` uses ``0 * log 0 = 0``: a zero density contributes nothing, even where its log
  is -inf.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from gancourse.checks import finite_floats

__all__ = ["bilinear_grad", "simultaneous_step", "alternating_step", "extragradient_step",
           "optimistic_step", "trajectory", "METHODS", "pure_nash_equilibria",
           "mixed_equilibrium_2x2_zero_sum", "optimal_discriminator", "gan_value"]

# validation helpers
def _out(a: np.ndarray):
    """A Python float for 0-d results, the array otherwise."""
    return float(a) if a.ndim == 0 else a


def _point(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Both coordinates as finite float64 arrays of one shape."""
    try:
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"x and y must be numbers or numeric arrays ({exc})") from None
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("x and y must be finite (no NaN or inf)")
    return x, y


def _positive(value, name: str = "lr") -> float:
    """A positive finite real number (not a bool) as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


# gradient dynamics on min_x max_y x*y
def bilinear_grad(x: ArrayLike, y: ArrayLike) -> tuple:
    """Gradient of ``f(x, y) = x * y``: ``(df/dx, df/dy) = (y, x)``.

    ``x, y``: finite scalars (floats returned) or same-shape arrays (elementwise; arrays returned).
    """
    x, y = _point(x, y)
    return _out(y.copy()), _out(x.copy())


def simultaneous_step(x: ArrayLike, y: ArrayLike, lr: float) -> tuple:
    """Simultaneous gradient descent-ascent: ``x' = x - lr*y``, ``y' = y + lr*x`` (old point).

    The linear map is ``sqrt(1 + lr^2)`` times a rotation, so the distance to (0, 0) grows by
    exactly that factor every step: the iterates spiral outwards for every ``lr > 0``.
    """
    x, y, lr = *_point(x, y), _positive(lr)
    gx, gy = bilinear_grad(x, y)
    return _out(np.asarray(x - lr * gx)), _out(np.asarray(y + lr * gy))


def alternating_step(x: ArrayLike, y: ArrayLike, lr: float) -> tuple:
    """Alternating descent-ascent: ``x' = x - lr*y`` first, then ``y' = y + lr*x'`` (new x).

    The map has determinant 1 and conserves ``x^2 + y^2 - lr*x*y``; for ``lr < 2`` that is an
    ellipse, so the iterates orbit (0, 0) forever, neither converging nor diverging.
    """
    x, y, lr = *_point(x, y), _positive(lr)
    x_new = x - lr * bilinear_grad(x, y)[0]
    y_new = y + lr * bilinear_grad(x_new, y)[1]
    return _out(np.asarray(x_new)), _out(np.asarray(y_new))


def extragradient_step(x: ArrayLike, y: ArrayLike, lr: float) -> tuple:
    """Extragradient (Korpelevich 1976): step from (x, y) with the gradient at a look-ahead point.

    ``(x~, y~) = (x - lr*y, y + lr*x)``; then ``x' = x - lr*df/dx(x~, y~)`` and
    ``y' = y + lr*df/dy(x~, y~)``.  On ``x*y`` the map is ``sqrt(1 - lr^2 + lr^4)`` times a
    rotation: it converges for ``0 < lr < 1``.
    """
    x, y, lr = *_point(x, y), _positive(lr)
    gx, gy = bilinear_grad(x, y)
    gx_look, gy_look = bilinear_grad(x - lr * gx, y + lr * gy)
    return _out(np.asarray(x - lr * gx_look)), _out(np.asarray(y + lr * gy_look))


def optimistic_step(x: ArrayLike, y: ArrayLike, prev_grads: tuple | None, lr: float):
    """Optimistic gradient descent-ascent (Daskalakis et al. 2017, arXiv:1711.00141).

    ``x' = x - 2*lr*g_t + lr*g_{t-1}`` and ``y' = y + 2*lr*h_t - lr*h_{t-1}``, where
    ``(g_t, h_t) = (df/dx, df/dy)`` at the current point.  The extra term undoes part of the last
    step: it "predicts" the next gradient by extrapolating from the last two.

    Args:
        x, y: current point (scalars or same-shape arrays).
        prev_grads: ``(g_{t-1}, h_{t-1})`` returned by the previous call, or None on the first
            step, which then uses the current gradient (a plain simultaneous step).
        lr: step size > 0.  On ``x*y`` the iterates converge for ``lr`` below about 0.58.

    Returns:
        ``(x', y', (g_t, h_t))``: the new point and the gradients to pass to the next call.
    """
    x, y, lr = *_point(x, y), _positive(lr)
    gx, gy = (np.asarray(g) for g in bilinear_grad(x, y))
    if prev_grads is None:
        px, py = gx, gy
    else:
        if not isinstance(prev_grads, (tuple, list)) or len(prev_grads) != 2:
            raise ValueError("prev_grads must be None or the pair (gx, gy) returned by the "
                             "last step")
        px, py = _point(*prev_grads)
        if px.shape != x.shape:
            raise ValueError(f"prev_grads have shape {px.shape}, the point has shape {x.shape}")
    x_new, y_new = x - 2 * lr * gx + lr * px, y + 2 * lr * gy - lr * py
    return _out(x_new), _out(y_new), (_out(gx), _out(gy))


METHODS: dict[str, Callable] = {"simultaneous": simultaneous_step, "alternating": alternating_step,
                                "extragradient": extragradient_step, "optimistic": optimistic_step}


def trajectory(method: str | Callable, x0: float, y0: float, lr: float, steps: int) -> np.ndarray:
    """Iterate one method on the scalar game ``x*y`` from ``(x0, y0)``.

    Args:
        method: a name in :data:`METHODS` or one of those four step functions.
        x0, y0: starting point (finite scalars); lr: step size > 0; steps: updates, an int >= 0.

    Returns:
        float64 array (steps + 1, 2): row t is the point after t updates (row 0 is the start).
    """
    step = METHODS.get(method) if isinstance(method, str) else method
    if step not in METHODS.values():
        raise ValueError(f"method must be one of {list(METHODS)} (or that step function), "
                         f"got {method!r}")
    x, y = _point(x0, y0)
    if x.ndim != 0:
        raise ValueError(f"trajectory runs a scalar game; x0 and y0 must be scalars, "
                         f"got shape {x.shape}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    lr = _positive(lr)
    out = np.empty((int(steps) + 1, 2))
    out[0] = float(x), float(y)
    grads = None
    for t in range(1, int(steps) + 1):
        if step is optimistic_step:
            out[t, 0], out[t, 1], grads = optimistic_step(out[t - 1, 0], out[t - 1, 1], grads, lr)
        else:
            out[t] = step(out[t - 1, 0], out[t - 1, 1], lr)
    return out


# matrix games
def _payoffs(M: ArrayLike, name: str) -> np.ndarray:
    M = finite_floats(M, name)
    if M.ndim != 2:
        raise ValueError(f"{name} must be a non-empty 2-D payoff matrix, got shape {M.shape}")
    return M


def pure_nash_equilibria(A: ArrayLike, B: ArrayLike) -> list[tuple[int, int]]:
    """All pure-strategy Nash equilibria of the bimatrix game (A, B); both players maximise.

    The row player picks row i and gets ``A[i, j]``, the column player picks column j and gets
    ``B[i, j]``.  ``(i, j)`` is an equilibrium when ``A[i, j] = max_i' A[i', j]`` and
    ``B[i, j] = max_j' B[i, j']`` (ties count as best responses).

    Args:
        A, B: (n, m) payoff matrices, finite.  A zero-sum game is ``(A, -A)``.

    Returns:
        The equilibria as ``(i, j)`` pairs of Python ints, sorted; ``[]`` when there is none.
    """
    A, B = _payoffs(A, "A"), _payoffs(B, "B")
    if A.shape != B.shape:
        raise ValueError(f"A and B must have the same shape, got {A.shape} and {B.shape}")
    row_best = A == A.max(axis=0, keepdims=True)  # row i is a best response to column j
    col_best = B == B.max(axis=1, keepdims=True)  # column j is a best response to row i
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(row_best & col_best))]


def mixed_equilibrium_2x2_zero_sum(A: ArrayLike) -> tuple[float, float, float]:
    """The mixed equilibrium of a 2x2 zero-sum game without a pure saddle point.

    The row player gets ``A[i, j]`` (and maximises), the column player gets ``-A[i, j]``.  With
    ``A = [[a, b], [c, d]]`` each player mixes so that the *other* is indifferent:

    ``p = (d - c) / (a - b - c + d)``, ``q = (d - b) / (a - b - c + d)``,
    ``value = (a*d - b*c) / (a - b - c + d)``.

    Returns:
        ``(p, q, value)``: probability that the row player plays row 0, probability that the
        column player plays column 0, and the row player's expected payoff.  p, q in (0, 1).

    Raises:
        ValueError: A is not a finite 2x2 matrix, or the game has a pure saddle point (the
            message names it: play it, no mixing needed).
    """
    A = _payoffs(A, "A")
    if A.shape != (2, 2):
        raise ValueError(f"A must be a 2x2 payoff matrix, got shape {A.shape}")
    saddles = pure_nash_equilibria(A, -A)
    if saddles:
        i, j = saddles[0]
        raise ValueError(f"the game has a pure saddle point at (row {i}, column {j}) with value "
                         f"{A[i, j]:g}; its players need not mix (all saddle points: {saddles})")
    (a, b), (c, d) = A
    denom = a - b - c + d  # never 0 without a saddle point
    return float((d - c) / denom), float((d - b) / denom), float((a * d - b * c) / denom)


# the GAN objective on a grid
def _densities(p_data: ArrayLike, p_g: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p_data, p_g = np.asarray(p_data, dtype=np.float64), np.asarray(p_g, dtype=np.float64)
    if p_data.shape != p_g.shape:
        raise ValueError(f"p_data and p_g must have the same shape, "
                         f"got {p_data.shape} and {p_g.shape}")
    for name, p in (("p_data", p_data), ("p_g", p_g)):
        if not np.isfinite(p).all():
            raise ValueError(f"{name} must be finite (no NaN or inf)")
        if (p < 0).any():
            raise ValueError(f"{name} has negative values (min {p.min():g}); densities are >= 0")
    return p_data, p_g


def optimal_discriminator(p_data: ArrayLike, p_g: ArrayLike):
    """``D*(x) = p_data(x) / (p_data(x) + p_g(x))``, elementwise, in [0, 1].

    Where both densities are 0 the result is **1/2** (no warning): there V does not depend on D.

    Args:
        p_data, p_g: densities (or probabilities) at the same points, same shape, finite, >= 0.

    Returns:
        float64 array of the input shape (a float for scalar input).
    """
    p_data, p_g = _densities(p_data, p_g)
    total = p_data + p_g
    return _out(np.divide(p_data, total, out=np.full(total.shape, 0.5), where=total > 0))


def gan_value(d: ArrayLike, p_data: ArrayLike, p_g: ArrayLike, dx: float) -> float:
    """``V(D, G) = integral p_data log D + p_g log(1 - D) dx`` as a Riemann sum on a grid.

    Args:
        d: discriminator outputs D(x_i) in [0, 1] at the grid points.
        p_data, p_g: densities at the same points (same shape as ``d``), finite, >= 0.
        dx: grid spacing (or cell volume) > 0.

    Returns:
        ``sum_i [p_data_i log d_i + p_g_i log(1 - d_i)] * dx`` in nats, with ``0 * log 0 = 0``;
        ``-inf`` when D is 0 where ``p_data > 0`` (or 1 where ``p_g > 0``).  Always <= 0.

    Pitfall: far in the tails, where ``p_g / p_data < 1e-16``, a computed D* rounds to exactly 1
    and the sum is ``-inf``; keep the grid where both densities are resolvable.
    """
    p_data, p_g = _densities(p_data, p_g)
    d = np.asarray(d, dtype=np.float64)
    if d.shape != p_data.shape:
        raise ValueError(f"d must have the shape of the densities {p_data.shape}, got {d.shape}")
    if not np.all((d >= 0) & (d <= 1)):  # also rejects NaN
        raise ValueError("d must hold probabilities in [0, 1] (no NaN)")
    dx = _positive(dx, "dx")
    with np.errstate(divide="ignore", invalid="ignore"):
        real = np.where(p_data > 0, p_data * np.log(d), 0.0)
        fake = np.where(p_g > 0, p_g * np.log1p(-d), 0.0)
    return float(np.sum(real + fake) * dx)
