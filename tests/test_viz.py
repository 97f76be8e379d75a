"""Tests for gancourse.viz: what the figures contain, not just that they were made."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gancourse import viz  # noqa: E402
from gancourse.data import ring_of_gaussians, scale_images  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _shown(fig, ax_index=0):
    """The array drawn by the (only) image of one axes."""
    images = fig.axes[ax_index].get_images()
    assert len(images) == 1
    return np.asarray(images[0].get_array())


def _uint8_batch(n=6, h=8, w=8, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(n, h, w), dtype=np.uint8)


# --------------------------------------------------------------------------------------------
# Mosaic helper
# --------------------------------------------------------------------------------------------
def test_mosaic_places_image_k_at_its_tile():
    n, h, w, ncol, pad = 7, 4, 5, 3, 2
    x = np.arange(n * h * w, dtype=np.float32).reshape(n, h, w, 1) / (n * h * w)
    m = viz._mosaic(x, ncol, pad=pad, fill=-1.0)
    assert m.shape == (3 * (h + pad) + pad, ncol * (w + pad) + pad, 1)
    tiled = np.zeros(m.shape, dtype=bool)
    for k in range(n):
        top, left = pad + (k // ncol) * (h + pad), pad + (k % ncol) * (w + pad)
        np.testing.assert_array_equal(m[top:top + h, left:left + w], x[k])  # not transposed
        tiled[top:top + h, left:left + w] = True
    assert (m[~tiled] == -1.0).all()  # gaps and the two empty tiles hold the fill value


def test_image_grid_draws_the_mosaic_with_fixed_gray_scale():
    u = _uint8_batch(n=10)
    fig = viz.image_grid(u, nrow=5, title="t")
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 1
    shown = _shown(fig)
    np.testing.assert_allclose(shown, viz._mosaic(u[..., None] / 255.0, 5)[..., 0], atol=1e-6)
    assert shown.shape == (2 * (8 + viz.PAD) + viz.PAD, 5 * (8 + viz.PAD) + viz.PAD)
    assert fig.axes[0].get_images()[0].get_clim() == (0.0, 1.0)  # no per-batch autoscaling
    assert fig.axes[0].get_title() == "t"


def test_returned_figures_are_detached_from_pyplot():
    before = plt.get_fignums()
    fig = viz.image_grid(_uint8_batch())
    assert plt.get_fignums() == before  # shown once in a notebook, never piling up
    fig.canvas.draw()  # ...yet still drawable


def test_uint8_and_minus_one_one_render_identically():
    u = _uint8_batch()
    ref = _shown(viz.image_grid(u))
    for variant in (scale_images(u), scale_images(u)[..., None]):
        np.testing.assert_allclose(_shown(viz.image_grid(variant)), ref, atol=1e-6)
    np.testing.assert_allclose(_shown(viz.image_grid(u / 255.0, value_range=(0, 1))), ref,
                               atol=1e-6)


def test_rgb_images_and_labels():
    x = np.random.default_rng(1).uniform(-1, 1, size=(4, 6, 6, 3)).astype(np.float32)
    fig = viz.image_grid(x, labels=[3, 1, 4, 1])
    assert _shown(fig).shape == (2 * (6 + viz.PAD) + viz.PAD, 2 * (6 + viz.PAD) + viz.PAD, 3)
    assert [t.get_text() for t in fig.axes[0].texts] == ["3", "1", "4", "1"]


@pytest.mark.parametrize("images, kwargs", [
    (np.zeros((28, 28)), {}),                                   # one image, no batch axis
    (np.zeros((2, 28, 28, 2)), {}),                             # two channels
    (np.zeros((2, 1, 28, 28, 1)), {}),                          # five dims
    (np.zeros((0, 28, 28)), {}),                                # empty batch
    (np.full((2, 4, 4), 1.5, dtype=np.float32), {}),            # outside [-1, 1]
    (np.full((2, 4, 4), 200.0), {}),                            # float 0..255 is not uint8
    (np.array([[[np.nan]]], dtype=np.float32), {}),             # NaN
    (np.zeros((2, 4, 4)), {"labels": [1, 2, 3]}),               # labels of the wrong length
    (np.zeros((2, 4, 4)), {"nrow": 0}),
    (np.zeros((2, 4, 4)), {"value_range": (1, -1)}),
])
def test_image_grid_rejects_bad_inputs(images, kwargs):
    with pytest.raises(ValueError):
        viz.image_grid(images, **kwargs)


def test_image_grid_rejects_non_numeric():
    with pytest.raises(TypeError):
        viz.image_grid(np.full((2, 4, 4), "a"))


# --------------------------------------------------------------------------------------------
# compare_images
# --------------------------------------------------------------------------------------------
def test_compare_images_one_titled_panel_each_same_scale():
    u = _uint8_batch(n=20)
    fig = viz.compare_images({"real": u, "generated": scale_images(u), "noise": u[:9]}, n=9)
    assert [ax.get_title() for ax in fig.axes] == ["real", "generated", "noise"]
    first = _shown(fig, 0)
    assert first.shape == (3 * (8 + viz.PAD) + viz.PAD,) * 2  # 9 images, 3 x 3
    for i in (1, 2):
        np.testing.assert_allclose(_shown(fig, i), first, atol=1e-6)


@pytest.mark.parametrize("panels", [
    {},
    {"real": np.zeros((16, 28, 28)), "fake": np.zeros((16, 14, 14))},  # different sizes
    {"real": np.zeros((16, 28, 28)), "fake": np.zeros((8, 28, 28))},   # fewer than n
    {"real": np.zeros((16, 28, 28)), "fake": np.full((16, 28, 28), 3.0)},
])
def test_compare_images_rejects_mismatched_panels(panels):
    with pytest.raises(ValueError):
        viz.compare_images(panels, n=16)


# --------------------------------------------------------------------------------------------
# plot_losses
# --------------------------------------------------------------------------------------------
def test_plot_losses_one_line_per_series():
    fig = viz.plot_losses({"d_loss": [1.0, 0.8, 0.7], "g_loss": [2.0, 1.5]}, title="GAN")
    assert len(fig.axes) == 1
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["d_loss", "g_loss"]
    np.testing.assert_array_equal(lines[1].get_xdata(), [0, 1])
    np.testing.assert_array_equal(lines[1].get_ydata(), [2.0, 1.5])


def test_plot_losses_smoothing_is_a_trailing_mean():
    fig = viz.plot_losses({"loss": [0.0, 1.0, 2.0, 3.0]}, smooth=2)
    raw, smoothed = fig.axes[0].get_lines()
    np.testing.assert_array_equal(raw.get_ydata(), [0, 1, 2, 3])
    np.testing.assert_allclose(smoothed.get_ydata(), [0.0, 0.5, 1.5, 2.5])
    assert raw.get_color() == smoothed.get_color()


def test_plot_losses_skips_nan_and_says_so():
    fig = viz.plot_losses({"g_loss": [1.0, np.nan, 3.0, np.inf]})
    (line,) = fig.axes[0].get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [0, 2])
    assert "2 non-finite skipped" in line.get_label()


@pytest.mark.parametrize("history, kwargs", [
    ({}, {}),
    ({"d_loss": []}, {}),
    ({"d_loss": [np.nan, np.nan]}, {}),
    ({"d_loss": [[1.0, 2.0]]}, {}),
    ({"d_loss": ["a", "b"]}, {}),
    ({"d_loss": [1.0]}, {"smooth": -1}),
    ([1.0, 2.0], {}),
])
def test_plot_losses_rejects_bad_history(history, kwargs):
    with pytest.raises(ValueError):
        viz.plot_losses(history, **kwargs)


# --------------------------------------------------------------------------------------------
# 2-D plots
# --------------------------------------------------------------------------------------------
def test_plot_samples_2d_draws_each_set():
    ring = ring_of_gaussians()
    real, fake = ring.sample(50, seed=0), ring.sample(30, seed=1)
    fig = viz.plot_samples_2d(real, fake, centers=ring, lim=3)
    ax = fig.axes[0]
    assert len(fig.axes) == 1 and len(ax.collections) == 3
    for coll, pts in zip(ax.collections, (real, fake, ring.centers)):
        np.testing.assert_allclose(coll.get_offsets(), pts, atol=1e-6)
    assert ax.get_xlim() == (-3, 3) and ax.get_ylim() == (-3, 3)
    only_fake = viz.plot_samples_2d(fake=fake)  # auto limits cover every point
    lo, hi = only_fake.axes[0].get_xlim()
    assert lo < fake.min() and hi > fake.max()
    assert ax.get_legend() is not None


def test_plot_samples_2d_draws_into_a_panel_of_a_grid():
    import matplotlib.pyplot as plt

    ring = ring_of_gaussians()
    fig, axes = plt.subplots(1, 2)
    for ax, seed in zip(axes, (1, 2)):
        fake = ring.sample(20, seed=seed)
        got = viz.plot_samples_2d(ring.sample(40, seed=0), fake, centers=ring, lim=2.5, ax=ax,
                                  legend=False, title=f"seed {seed}")
        assert got is fig and len(ax.collections) == 3 and ax.get_legend() is None
        np.testing.assert_allclose(ax.collections[1].get_offsets(), fake, atol=1e-6)
        assert ax.get_xlim() == (-2.5, 2.5) and ax.get_title() == f"seed {seed}"
    assert len(fig.axes) == 2
    plt.close(fig)


@pytest.mark.parametrize("kwargs", [
    {},
    {"real": np.zeros((5, 3))},
    {"real": np.zeros(5)},
    {"fake": np.array([[0.0, np.nan]])},
    {"real": np.zeros((5, 2)), "centers": np.zeros((2, 3))},
    {"real": np.zeros((5, 2)), "lim": (2, 1)},
])
def test_plot_samples_2d_rejects_bad_points(kwargs):
    with pytest.raises(ValueError):
        viz.plot_samples_2d(**kwargs)


def test_plot_density_2d_evaluates_the_grid_once():
    calls = []

    def log_density(points):
        calls.append(points.copy())
        return -0.5 * ((points - np.array([1.0, -1.0])) ** 2).sum(axis=1)

    samples = np.zeros((10, 2))
    fig = viz.plot_density_2d(log_density, lim=2, resolution=20, samples=samples, title="d")
    assert len(fig.axes) == 2  # the plot and its colorbar
    (grid,) = calls
    assert grid.shape == (400, 2) and grid.min() == -2 and grid.max() == 2
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.collections[-1].get_offsets(), samples)
    assert ax.get_title() == "d"


def test_plot_density_2d_accepts_mixture_log_density():
    ring = ring_of_gaussians(std=0.1)
    fig = viz.plot_density_2d(ring.log_density, resolution=50)
    assert len(fig.axes) == 2


@pytest.mark.parametrize("fn, kwargs, error", [
    ("not callable", {}, TypeError),
    (lambda p: np.zeros((len(p), 1)), {}, ValueError),          # (M, 1) instead of (M,)
    (lambda p: np.full(len(p), np.nan), {}, ValueError),
    (lambda p: np.zeros(len(p)), {"resolution": 1}, ValueError),
    (lambda p: np.zeros(len(p)), {"lim": (3, -3)}, ValueError),
    (lambda p: np.zeros(len(p)), {"samples": np.zeros((4, 3))}, ValueError),
])
def test_plot_density_2d_rejects_bad_inputs(fn, kwargs, error):
    with pytest.raises(error):
        viz.plot_density_2d(fn, resolution=kwargs.pop("resolution", 10), **kwargs)
