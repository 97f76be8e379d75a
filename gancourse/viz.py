"""Plotting helpers: image grids, loss curves, 2-D samples and densities (matplotlib only).

Every function returns a :class:`matplotlib.figure.Figure` and never calls ``plt.show()``.  The
figure is detached from pyplot before it is returned, so a notebook displays it exactly once
when it is the last expression of a cell (elsewhere use ``display(fig)``), and figures made in a
loop do not pile up in pyplot.  ``fig.savefig(path)`` writes it to a file.

Images follow :mod:`gancourse.data`: ``uint8`` in [0, 255], or floats in ``value_range``
(default [-1, 1], a tanh generator's output), shaped (N, H, W), (N, H, W, 1) or (N, H, W, 3).
Inputs are validated with :func:`gancourse.data.check_images`; bad shapes, NaN or out-of-range
pixels raise ``ValueError`` before anything is drawn.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from gancourse.checks import int_at_least
from gancourse.data import GaussianMixture2D, check_images

__all__ = ["image_grid", "plot_losses", "plot_samples_2d", "plot_density_2d", "compare_images"]

PAD = 2  #: pixels between the tiles of a mosaic
PAD_VALUE = 0.5  #: mid-grey separators, visible on black (MNIST) and on white backgrounds
REAL_COLOR, FAKE_COLOR, CENTER_COLOR = "tab:blue", "tab:orange", "tab:red"


def _detached(fig: Figure) -> Figure:
    """Unregister ``fig`` from pyplot (it stays drawable and savable) and return it."""
    plt.close(fig)
    return fig


def _interval(lim, name: str) -> tuple[float, float]:
    """``L`` -> (-L, L); ``(lo, hi)`` -> (lo, hi); both finite with lo < hi."""
    try:
        scalar = np.ndim(lim) == 0
        lo, hi = (-float(lim), float(lim)) if scalar else (float(lim[0]), float(lim[1]))
        ok = (scalar or len(lim) == 2) and np.isfinite([lo, hi]).all() and lo < hi
    except (TypeError, ValueError, IndexError):
        ok = False
    if not ok:
        raise ValueError(f"{name} must be a positive number L (meaning (-L, L)) or a pair "
                         f"(low, high) with low < high, got {lim!r}")
    return lo, hi


def _unit_images(images: ArrayLike, value_range: tuple[float, float], name: str) -> np.ndarray:
    """Validate a batch and map it to ``float32`` (N, H, W, C) in [0, 1], C in {1, 3}.

    ``uint8`` batches are read as [0, 255] whatever ``value_range`` says.
    """
    arr = np.asarray(images)
    if not (arr.ndim == 3 or (arr.ndim == 4 and arr.shape[-1] in (1, 3))):
        raise ValueError(f"{name} must have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3), "
                         f"got {arr.shape}")
    low, high = (0.0, 255.0) if arr.dtype == np.uint8 else _interval(value_range, "value_range")
    x = check_images(arr, value_range=(low, high), name=name)
    x = x[..., np.newaxis] if x.ndim == 3 else x
    return (x - np.float32(low)) / np.float32(high - low)


def _mosaic(images: np.ndarray, ncol: int, pad: int = PAD, fill: float = PAD_VALUE) -> np.ndarray:
    """Tile (N, H, W, C) images row by row into one (rows*(H+pad)+pad, ncol*(W+pad)+pad, C) array.

    Image ``k`` goes to tile row ``k // ncol``, column ``k % ncol``; its top-left pixel is at
    ``(pad + row * (H + pad), pad + col * (W + pad))``.  Gaps and empty tiles hold ``fill``.
    """
    n, h, w, c = images.shape
    rows = math.ceil(n / ncol)
    out = np.full((rows * (h + pad) + pad, ncol * (w + pad) + pad, c), fill, dtype=np.float32)
    for k in range(n):
        top, left = pad + (k // ncol) * (h + pad), pad + (k % ncol) * (w + pad)
        out[top:top + h, left:left + w] = images[k]
    return out


def _show_mosaic(ax: Axes, mosaic: np.ndarray) -> None:
    """Draw a [0, 1] mosaic without rescaling: grayscale for one channel, RGB for three."""
    if mosaic.shape[-1] == 1:
        ax.imshow(mosaic[..., 0], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    else:
        ax.imshow(mosaic, interpolation="nearest")
    ax.set_axis_off()


def _points(points: ArrayLike, name: str) -> np.ndarray:
    """A finite, non-empty (N, 2) point set as ``float32``."""
    return check_images(points, shape=(None, 2), value_range=None, name=name)


def image_grid(images: ArrayLike, *, nrow: int | None = None, title: str | None = None,
               value_range: tuple[float, float] = (-1, 1), labels: Sequence | None = None,
               figsize: tuple[float, float] | None = None) -> Figure:
    """Show a batch of images as one grid.

    Args:
        images: (N, H, W), (N, H, W, 1) or (N, H, W, 3); ``uint8`` in [0, 255] or floats in
            ``value_range``.  One channel is drawn in grayscale (low = black, high = white).
        nrow: images per row of the grid (as in ``torchvision.utils.make_grid``);
            default ``ceil(sqrt(N))``, i.e. a near-square grid.
        title: figure title.
        value_range: (low, high) of float pixels, mapped to black and white; ignored for uint8.
        labels: N per-image labels (e.g. digit classes), written in each tile's corner.
        figsize: inches; default sized from the grid.

    Returns:
        A figure with one axes holding the mosaic.

    Raises:
        ValueError: wrong shape, empty batch, NaN/infinite or out-of-range pixels, bad ``nrow``
            or ``value_range``, or ``labels`` of the wrong length.
    """
    x = _unit_images(images, value_range, "images")
    n, h, w, _ = x.shape
    ncol = min(n, int_at_least(nrow, "nrow", 1) if nrow is not None else math.ceil(math.sqrt(n)))
    if labels is not None and len(labels) != n:
        raise ValueError(f"labels has {len(labels)} entries but there are {n} images")
    mosaic = _mosaic(x, ncol)
    if figsize is None:
        width = min(10.0, max(2.5, 0.75 * ncol))
        figsize = (width, width * mosaic.shape[0] / mosaic.shape[1] + (0.4 if title else 0.0))
    fig, ax = plt.subplots(figsize=figsize)
    _show_mosaic(ax, mosaic)
    if labels is not None:
        size = float(np.clip(10.0 * figsize[0] / ncol, 5.0, 10.0))
        for k, label in enumerate(labels):
            ax.text(PAD + (k % ncol) * (w + PAD) + 0.5, PAD + (k // ncol) * (h + PAD) + 0.5,
                    str(label), color="yellow", fontsize=size, ha="left", va="top")
    if title:
        ax.set_title(title)
    fig.tight_layout(pad=0.2)
    return _detached(fig)


def compare_images(panels: Mapping[str, ArrayLike], *, n: int = 16,
                   value_range: tuple[float, float] = (-1, 1)) -> Figure:
    """Side-by-side grids of the first ``n`` images of each batch, e.g. real vs generated.

    Args:
        panels: title -> images, each as accepted by :func:`image_grid` (every batch is scaled on
            its own, so a ``uint8`` real batch and a [-1, 1] generated batch compare fairly).
            All batches must have the same image height and width.
        n: images shown per panel; every batch needs at least ``n``.
        value_range: (low, high) of float pixels; ignored for ``uint8`` batches.

    Returns:
        A figure with one axes per panel, titled by the keys, in the dict's order.

    Raises:
        ValueError: empty ``panels``, a batch with fewer than ``n`` images, batches of
            different image sizes, or any problem :func:`image_grid` rejects.
    """
    if not isinstance(panels, Mapping) or not panels:
        raise ValueError(f"panels must be a non-empty dict title -> images, got {panels!r:.80}")
    n = int_at_least(n, "n", 1)
    batches = {}
    for name, images in panels.items():
        x = _unit_images(images, value_range, f"panels[{name!r}]")
        if len(x) < n:
            raise ValueError(f"panels[{name!r}] has {len(x)} images, fewer than n={n}")
        batches[name] = x[:n]
    sizes = {name: x.shape[1:3] for name, x in batches.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"all panels must hold images of the same height and width, got {sizes}")
    ncol = math.ceil(math.sqrt(n))
    fig, axes = plt.subplots(1, len(batches), figsize=(3.2 * len(batches), 3.6), squeeze=False)
    for ax, (name, x) in zip(axes[0], batches.items()):
        _show_mosaic(ax, _mosaic(x, ncol))
        ax.set_title(str(name))
    fig.tight_layout()
    return _detached(fig)


def _moving_average(y: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over the last ``window`` values (fewer at the start); same length as y."""
    c = np.concatenate([[0.0], np.cumsum(y)])
    end = np.arange(1, len(y) + 1)
    start = np.maximum(end - window, 0)
    return (c[end] - c[start]) / (end - start)


def plot_losses(history: Mapping[str, Sequence[float]], *, title: str | None = None,
                smooth: int = 0) -> Figure:
    """Loss curves against the logging step, e.g. ``{"d_loss": [...], "g_loss": [...]}``.

    Value ``i`` of a series is drawn at x = i; series may have different lengths.  NaN and
    infinite values (a diverged step) are skipped - the curve joins its neighbours - and the
    legend says how many were skipped.

    Args:
        history: name -> 1-D sequence of numbers (a ``keras.callbacks.History.history`` works).
        title: axes title.
        smooth: moving-average window; 0 or 1 draws the raw values, ``w > 1`` draws the raw
            curve faintly and its trailing mean over ``w`` finite values on top.

    Returns:
        A figure with one axes: one line per series (two per series when smoothing).

    Raises:
        ValueError: empty ``history``, a series that is empty, not 1-D, or has no finite value,
            or a negative / non-int ``smooth``.
    """
    if not isinstance(history, Mapping) or not history:
        raise ValueError(f"history must be a non-empty dict name -> losses, got {history!r:.80}")
    smooth = int_at_least(smooth, "smooth", 0)
    series = {}
    for name, values in history.items():
        try:
            y = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"history[{name!r}] must be a sequence of numbers ({exc})") from None
        if y.ndim != 1 or y.size == 0:
            raise ValueError(f"history[{name!r}] must be a non-empty 1-D sequence, "
                             f"got shape {y.shape}")
        finite = np.isfinite(y)
        if not finite.any():
            raise ValueError(f"history[{name!r}] has no finite value "
                             f"(all {y.size} are NaN or infinite)")
        series[name] = (np.flatnonzero(finite), y[finite], int(y.size - finite.sum()))
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, (steps, y, skipped) in series.items():
        label = f"{name} ({skipped} non-finite skipped)" if skipped else str(name)
        if smooth > 1:
            (raw,) = ax.plot(steps, y, lw=1.0, alpha=0.3)
            ax.plot(steps, _moving_average(y, smooth), color=raw.get_color(), lw=1.8,
                    label=f"{label}, mean of {smooth}")
        else:
            ax.plot(steps, y, lw=1.5, label=label)
    ax.set_xlabel("logged step")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return _detached(fig)


def plot_samples_2d(real: ArrayLike | None = None, fake: ArrayLike | None = None, *,
                    centers: ArrayLike | GaussianMixture2D | None = None,
                    title: str | None = None,
                    lim: float | tuple[float, float] | None = None,
                    ax: Axes | None = None, legend: bool = True) -> Figure:
    """Scatter real and generated 2-D points, with the mixture's mode centers marked.

    Args:
        real: (N, 2) points from the data distribution (blue).
        fake: (M, 2) points from a generator (orange).  At least one of real/fake is required.
        centers: (K, 2) mode centers, or a :class:`~gancourse.data.GaussianMixture2D`, drawn
            as red crosses.
        title: axes title.
        lim: both axes' limits: ``L`` for (-L, L) or a pair (low, high); default fits the
            points and centers with a 5% margin.
        ax: draw into these axes (a panel of a grid of snapshots) instead of a new figure.
        legend: label the point sets (off for small panels).

    Returns:
        A figure with one square axes, or ``ax``'s figure when ``ax`` is given.

    Raises:
        ValueError: neither real nor fake given; a point set that is not (N, 2), empty, or has
            NaN/infinite values; a bad ``lim``.
    """
    if real is None and fake is None:
        raise ValueError("plot_samples_2d needs real and/or fake points")
    if isinstance(centers, GaussianMixture2D):
        centers = centers.centers
    sets = [(name, _points(p, name), color) for name, p, color in
            (("real", real, REAL_COLOR), ("fake", fake, FAKE_COLOR), ("centers", centers, None))
            if p is not None]
    if lim is None:
        everything = np.concatenate([p for _, p, _ in sets])
        lo, hi = float(everything.min()), float(everything.max())
        margin = 0.05 * (hi - lo) if hi > lo else 1.0
        lim = (lo - margin, hi + margin)
    lo, hi = _interval(lim, "lim")
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(5, 5))
    for name, p, color in sets:
        if name == "centers":
            ax.scatter(p[:, 0], p[:, 1], marker="x", s=40, linewidths=1.5, color=CENTER_COLOR,
                       label=f"mode centers ({len(p)})", zorder=3)
        else:
            ax.scatter(p[:, 0], p[:, 1], s=4, alpha=0.5, color=color, label=f"{name} ({len(p)})")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    if legend:
        ax.legend(loc="upper right", markerscale=2, fontsize="small")
    if title:
        ax.set_title(title)
    if not own:
        return ax.figure
    fig.tight_layout()
    return _detached(fig)


def plot_density_2d(log_density_fn: Callable[[np.ndarray], ArrayLike], *,
                    lim: float | tuple[float, float] = (-3, 3), resolution: int = 200,
                    samples: ArrayLike | None = None, title: str | None = None) -> Figure:
    """Filled contours of ``exp(log_density_fn(x))`` on a square grid, optionally with samples.

    Args:
        log_density_fn: maps ``float32`` points (M, 2) to natural-log densities (M,), e.g.
            :meth:`GaussianMixture2D.log_density`; ``-inf`` (zero density) is allowed.
        lim: both axes' range: ``L`` for (-L, L) or a pair (low, high).
        resolution: grid points per axis (>= 2); the callable is called once with
            ``resolution**2`` points.  Modes narrower than ``(high - low) / resolution`` can
            fall between grid points: raise it for sharp mixtures.
        samples: optional (N, 2) points drawn on top as small white dots.
        title: axes title.

    Returns:
        A figure with two axes: the density plot and its colorbar.

    Raises:
        TypeError: ``log_density_fn`` is not callable.
        ValueError: bad ``lim``/``resolution``/``samples``, or the callable returns the wrong
            shape, NaN or ``+inf``.
    """
    if not callable(log_density_fn):
        raise TypeError(f"log_density_fn must be callable, got {type(log_density_fn).__name__}")
    lo, hi = _interval(lim, "lim")
    res = int_at_least(resolution, "resolution", 2)
    pts = None if samples is None else _points(samples, "samples")
    ticks = np.linspace(lo, hi, res, dtype=np.float32)
    xx, yy = np.meshgrid(ticks, ticks)
    grid = np.stack([xx.ravel(), yy.ravel()], axis=1)
    logp = np.asarray(log_density_fn(grid), dtype=np.float64)
    if logp.shape != (len(grid),):
        raise ValueError(f"log_density_fn must map (M, 2) points to (M,) values; for "
                         f"M={len(grid)} it returned shape {logp.shape}")
    if np.isnan(logp).any() or np.isposinf(logp).any():
        raise ValueError("log_density_fn returned NaN or +inf")
    fig, ax = plt.subplots(figsize=(5.8, 5))
    filled = ax.contourf(xx, yy, np.exp(logp).reshape(res, res), levels=30, cmap="viridis")
    fig.colorbar(filled, ax=ax, label="density")
    if pts is not None:
        ax.scatter(pts[:, 0], pts[:, 1], s=2, color="white", alpha=0.6,
                   label=f"samples ({len(pts)})")
        ax.legend(loc="upper right", fontsize="small")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return _detached(fig)
