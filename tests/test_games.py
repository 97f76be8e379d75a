"""Tests for gancourse.games: closed forms, independent references (SciPy), and bad inputs."""
import itertools
import warnings

import numpy as np
import pytest
import scipy.optimize
import scipy.stats

from gancourse import games
from gancourse.divergences import js_divergence


def _radii(traj):
    return np.hypot(traj[:, 0], traj[:, 1])


# --------------------------------------------------------------------------------------------
# gradient dynamics on min_x max_y x*y
# --------------------------------------------------------------------------------------------
def test_bilinear_grad_is_y_x_for_scalars_and_arrays():
    assert games.bilinear_grad(2.0, -3.0) == (-3.0, 2.0)
    assert isinstance(games.bilinear_grad(2, 3)[0], float)
    x, y = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    gx, gy = games.bilinear_grad(x, y)
    np.testing.assert_array_equal(gx, y)
    np.testing.assert_array_equal(gy, x)
    # matches a central finite difference of f(x, y) = x*y
    h, x0, y0 = 1e-6, 0.7, -1.3
    fd = ((x0 + h) * y0 - (x0 - h) * y0) / (2 * h), (x0 * (y0 + h) - x0 * (y0 - h)) / (2 * h)
    np.testing.assert_allclose(games.bilinear_grad(x0, y0), fd, rtol=1e-8)


def test_single_steps_follow_their_definitions():
    x, y, lr = 0.8, -0.4, 0.3
    assert np.allclose(games.simultaneous_step(x, y, lr), (x - lr * y, y + lr * x))
    x_new = x - lr * y
    assert np.allclose(games.alternating_step(x, y, lr), (x_new, y + lr * x_new))
    x_look, y_look = x - lr * y, y + lr * x
    assert np.allclose(games.extragradient_step(x, y, lr), (x - lr * y_look, y + lr * x_look))
    # optimistic: the first step (no history) is a simultaneous step; then 2 g_t - g_{t-1}
    x1, y1, g1 = games.optimistic_step(x, y, None, lr)
    assert np.allclose((x1, y1), games.simultaneous_step(x, y, lr)) and np.allclose(g1, (y, x))
    x2, y2, g2 = games.optimistic_step(x1, y1, g1, lr)
    assert np.allclose((x2, y2), (x1 - 2 * lr * y1 + lr * y, y1 + 2 * lr * x1 - lr * x))
    assert np.allclose(g2, (y1, x1))


def test_steps_work_elementwise_on_arrays():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    for step in (games.simultaneous_step, games.alternating_step, games.extragradient_step):
        xs, ys = step(x, y, 0.2)
        assert xs.shape == ys.shape == (4, 3)
        assert np.allclose(xs[1, 2], step(x[1, 2], y[1, 2], 0.2)[0])
        assert np.allclose(ys[3, 0], step(x[3, 0], y[3, 0], 0.2)[1])


@pytest.mark.parametrize("lr", [0.05, 0.2, 0.7])
def test_simultaneous_radius_grows_by_exactly_sqrt_1_plus_lr2(lr):
    traj = games.trajectory("simultaneous", 1.0, 0.5, lr, 60)
    r = _radii(traj)
    np.testing.assert_allclose(r[1:] / r[:-1], np.sqrt(1 + lr**2), rtol=1e-12)
    np.testing.assert_allclose(r[-1], r[0] * (1 + lr**2) ** 30, rtol=1e-10)


@pytest.mark.parametrize("lr", [0.1, 0.5, 1.5])
def test_alternating_conserves_a_quadratic_and_stays_bounded(lr):
    traj = games.trajectory("alternating", 1.0, 0.5, lr, 3000)
    x, y = traj[:, 0], traj[:, 1]
    invariant = x**2 + y**2 - lr * x * y
    np.testing.assert_allclose(invariant, invariant[0], rtol=1e-10)
    r = _radii(traj)
    assert r.max() < 2.0 * r[0] and r[-1] > 0.3 * r[0]  # neither escapes nor converges


def test_extragradient_shrinks_at_its_closed_form_rate():
    lr = 0.3
    r = _radii(games.trajectory("extragradient", 1.0, 0.5, lr, 200))
    np.testing.assert_allclose(r[1:] / r[:-1], np.sqrt(1 - lr**2 + lr**4), rtol=1e-12)
    assert r[-1] < 1e-3 * r[0]


def test_optimistic_converges_to_the_equilibrium():
    r = _radii(games.trajectory("optimistic", 1.0, 0.5, 0.2, 2000))
    assert r[-1] < 1e-6 * r[0]
    assert r[100] < r[0]  # shrinking early already
    # and it is a different method from extragradient (not the same iterates)
    assert not np.allclose(games.trajectory("optimistic", 1.0, 0.5, 0.2, 5),
                           games.trajectory("extragradient", 1.0, 0.5, 0.2, 5))


def test_trajectory_shape_start_and_function_or_name():
    t = games.trajectory("alternating", 0.3, -0.2, 0.1, 7)
    assert t.shape == (8, 2) and t.dtype == np.float64
    np.testing.assert_array_equal(t[0], [0.3, -0.2])
    np.testing.assert_array_equal(t, games.trajectory(games.alternating_step, 0.3, -0.2, 0.1, 7))
    assert games.trajectory("optimistic", 1.0, 1.0, 0.1, 0).shape == (1, 2)


@pytest.mark.parametrize("call", [
    lambda: games.bilinear_grad(np.ones(2), np.ones(3)),
    lambda: games.bilinear_grad(np.nan, 1.0),
    lambda: games.bilinear_grad("a", 1.0),
    lambda: games.simultaneous_step(1.0, 1.0, 0.0),
    lambda: games.alternating_step(1.0, 1.0, -0.1),
    lambda: games.extragradient_step(1.0, 1.0, np.inf),
    lambda: games.extragradient_step(1.0, 1.0, True),
    lambda: games.optimistic_step(1.0, 1.0, (1.0,), 0.1),
    lambda: games.optimistic_step(np.ones(2), np.ones(2), (1.0, 1.0), 0.1),
    lambda: games.trajectory("adam", 1.0, 1.0, 0.1, 10),
    lambda: games.trajectory(print, 1.0, 1.0, 0.1, 10),
    lambda: games.trajectory("simultaneous", np.ones(2), np.ones(2), 0.1, 10),
    lambda: games.trajectory("simultaneous", 1.0, 1.0, 0.1, -1),
    lambda: games.trajectory("simultaneous", 1.0, 1.0, 0.1, 2.5),
])
def test_dynamics_reject_bad_inputs(call):
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------------------------
# matrix games
# --------------------------------------------------------------------------------------------
def test_prisoners_dilemma_has_mutual_defection_only():
    A = np.array([[-1, -3], [0, -2]])  # 0 = cooperate, 1 = defect; payoff = -years in prison
    assert games.pure_nash_equilibria(A, A.T) == [(1, 1)]


def test_matching_pennies_has_no_pure_equilibrium():
    M = np.array([[1, -1], [-1, 1]])
    assert games.pure_nash_equilibria(M, -M) == []


def test_coordination_game_has_two_and_ties_count():
    C = np.array([[2, 0], [0, 1]])
    assert games.pure_nash_equilibria(C, C) == [(0, 0), (1, 1)]
    Z = np.zeros((2, 3))
    assert games.pure_nash_equilibria(Z, Z) == list(itertools.product(range(2), range(3)))
    assert all(type(i) is int and type(j) is int for i, j in games.pure_nash_equilibria(C, C))


def test_pure_equilibria_match_brute_force_on_random_games():
    rng = np.random.default_rng(1)
    for _ in range(50):
        n, m = rng.integers(1, 5, size=2)
        A, B = rng.integers(0, 3, size=(n, m)), rng.integers(0, 3, size=(n, m))
        want = [(i, j) for i, j in itertools.product(range(n), range(m))
                if all(A[i, j] >= A[k, j] for k in range(n))
                and all(B[i, j] >= B[i, k] for k in range(m))]
        assert games.pure_nash_equilibria(A, B) == want


def _lp_equilibrium(A):
    """(p, q, value) of the zero-sum game A from two linear programs (SciPy's HiGHS)."""
    # row: max v s.t. (A^T x)_j >= v for each column j, x in the simplex
    row = scipy.optimize.linprog(c=[0, 0, -1], A_ub=np.c_[-A.T, np.ones(2)], b_ub=[0, 0],
                                 A_eq=[[1, 1, 0]], b_eq=[1], bounds=[(0, 1), (0, 1), (None, None)])
    # column: min w s.t. (A y)_i <= w for each row i, y in the simplex
    col = scipy.optimize.linprog(c=[0, 0, 1], A_ub=np.c_[A, -np.ones(2)], b_ub=[0, 0],
                                 A_eq=[[1, 1, 0]], b_eq=[1], bounds=[(0, 1), (0, 1), (None, None)])
    assert row.success and col.success
    assert np.isclose(-row.fun, col.fun)  # von Neumann: maximin = minimax
    return row.x[0], col.x[0], -row.fun


def test_mixed_equilibrium_of_matching_pennies():
    assert np.allclose(games.mixed_equilibrium_2x2_zero_sum([[1, -1], [-1, 1]]), (0.5, 0.5, 0.0))
    p, q, v = games.mixed_equilibrium_2x2_zero_sum([[3.0, -1.0], [-2.0, 1.0]])
    assert np.allclose((p, q, v), (3 / 7, 2 / 7, 1 / 7))
    assert all(isinstance(t, float) for t in (p, q, v))


def test_mixed_equilibrium_matches_linear_programming_on_random_games():
    rng = np.random.default_rng(2)
    checked = saddles = 0
    while checked < 20:
        A = rng.normal(size=(2, 2))
        if games.pure_nash_equilibria(A, -A):
            with pytest.raises(ValueError, match="saddle point"):
                games.mixed_equilibrium_2x2_zero_sum(A)
            saddles += 1
            continue
        p, q, v = games.mixed_equilibrium_2x2_zero_sum(A)
        assert 0 < p < 1 and 0 < q < 1
        np.testing.assert_allclose((p, q, v), _lp_equilibrium(A), atol=1e-7)
        # each mixes so that the other is indifferent: both pure replies earn the value
        np.testing.assert_allclose(np.array([p, 1 - p]) @ A, v, atol=1e-12)
        np.testing.assert_allclose(A @ np.array([q, 1 - q]), v, atol=1e-12)
        checked += 1
    assert saddles > 0  # the saddle branch was exercised too


@pytest.mark.parametrize("A", [np.array([[2.0, 1.0], [0.0, -1.0]]), np.ones((2, 2)),
                               np.ones((3, 3)), np.ones(4), [[1, np.nan], [0, 1]]])
def test_mixed_equilibrium_rejects_saddles_and_bad_shapes(A):
    with pytest.raises(ValueError):
        games.mixed_equilibrium_2x2_zero_sum(A)


def test_saddle_point_error_names_it():
    with pytest.raises(ValueError, match=r"row 0, column 1"):
        games.mixed_equilibrium_2x2_zero_sum([[2.0, 1.0], [0.0, -1.0]])


@pytest.mark.parametrize("A, B", [(np.ones((2, 2)), np.ones((2, 3))), (np.ones(4), np.ones(4)),
                                  (np.zeros((0, 2)), np.zeros((0, 2))),
                                  (np.array([[1.0, np.inf]]), np.ones((1, 2)))])
def test_pure_equilibria_reject_bad_matrices(A, B):
    with pytest.raises(ValueError):
        games.pure_nash_equilibria(A, B)


# --------------------------------------------------------------------------------------------
# the GAN objective
# --------------------------------------------------------------------------------------------
def test_optimal_discriminator_values_and_zero_over_zero_convention():
    assert games.optimal_discriminator(1.0, 1.0) == 0.5
    np.testing.assert_allclose(games.optimal_discriminator([1.0, 3.0, 0.0], [1.0, 1.0, 2.0]),
                               [0.5, 0.75, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = games.optimal_discriminator([0.0, 2.0], [0.0, 0.0])
        np.testing.assert_array_equal(d, [0.5, 1.0])


def test_optimal_discriminator_maximises_the_integrand_pointwise():
    ys = np.linspace(1e-6, 1 - 1e-6, 200_001)
    for a, b in [(0.3, 1.2), (2.0, 0.5), (1.0, 1.0), (0.0, 1.0)]:
        with np.errstate(divide="ignore"):
            best = ys[np.argmax(a * np.log(ys) + b * np.log1p(-ys))]
        assert abs(games.optimal_discriminator(a, b) - best) < 1e-5


@pytest.mark.parametrize("p_data, p_g", [(np.ones(3), np.ones(4)), ([1.0, -0.1], [1.0, 1.0]),
                                         ([1.0, np.nan], [1.0, 1.0]), ([1.0, 1.0], [np.inf, 1.0])])
def test_optimal_discriminator_rejects_bad_densities(p_data, p_g):
    with pytest.raises(ValueError):
        games.optimal_discriminator(p_data, p_g)


@pytest.fixture
def gaussians():
    # not too far into the tails: where p_g / p_data < 1e-16, D* rounds to exactly 1 in float64
    x = np.linspace(-6, 8, 2801)
    dx = x[1] - x[0]
    return x, dx, scipy.stats.norm(0, 1).pdf(x), scipy.stats.norm(1.5, 0.8).pdf(x)


def test_value_at_the_optimum_is_minus_log4_plus_2_js(gaussians):
    x, dx, p_data, p_g = gaussians
    v = games.gan_value(games.optimal_discriminator(p_data, p_g), p_data, p_g, dx)
    js = js_divergence(p_data * dx / np.sum(p_data * dx), p_g * dx / np.sum(p_g * dx))
    assert np.isclose(v, -np.log(4) + 2 * js, atol=1e-8)
    assert 0.1 < js < np.log(2)  # a non-trivial case
    # exact on a discrete grid (dx = 1, probabilities)
    rng = np.random.default_rng(3)
    p, q = rng.dirichlet(np.ones(12)), rng.dirichlet(np.ones(12))
    assert np.isclose(games.gan_value(games.optimal_discriminator(p, q), p, q, 1.0),
                      -np.log(4) + 2 * js_divergence(p, q), rtol=1e-12)


def test_value_is_maximised_by_d_star_and_minimised_at_p_g_equal_p_data(gaussians):
    x, dx, p_data, p_g = gaussians
    d_star = games.optimal_discriminator(p_data, p_g)
    v = games.gan_value(d_star, p_data, p_g, dx)
    rng = np.random.default_rng(4)
    for _ in range(5):
        other = np.clip(d_star + 0.1 * rng.normal(size=x.shape), 1e-9, 1 - 1e-9)
        assert games.gan_value(other, p_data, p_g, dx) < v
    at_optimum = games.gan_value(np.full_like(x, 0.5), p_data, p_data, dx)
    assert np.isclose(at_optimum, -np.log(4), atol=1e-9)
    assert v > -np.log(4)


def test_value_is_minus_inf_where_d_star_rounds_to_one_in_the_far_tails():
    # documented pitfall: 1 - D* below float64 resolution makes log(1 - D*) = -inf
    x = np.linspace(-12, 12, 2401)
    p_data, p_g = scipy.stats.norm(0, 1).pdf(x), scipy.stats.norm(1.5, 0.8).pdf(x)
    d_star = games.optimal_discriminator(p_data, p_g)
    assert (d_star[p_g > 0] == 1.0).any()
    assert games.gan_value(d_star, p_data, p_g, x[1] - x[0]) == -np.inf


def test_value_uses_zero_log_zero_and_multiplies_by_dx():
    pd, pg = np.array([0.5, 0.5, 0.0, 0.0]), np.array([0.0, 0.0, 0.5, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert games.gan_value(np.array([1.0, 1.0, 0.0, 0.0]), pd, pg, 1.0) == 0.0
        assert games.gan_value(np.array([0.0, 1.0, 0.0, 0.0]), pd, pg, 1.0) == -np.inf
    assert np.isclose(games.gan_value(np.full(4, 0.5), pd, pg, 2.0), 2 * np.log(0.5) * 2)


@pytest.mark.parametrize("d, dx", [(np.full(3, 0.5), 1.0), (np.array([0.5, 1.2]), 1.0),
                                   (np.array([0.5, np.nan]), 1.0), (np.full(2, 0.5), 0.0),
                                   (np.full(2, 0.5), -1.0), (np.full(2, 0.5), np.ones(2)),
                                   (np.full(2, 0.5), "1")])
def test_value_rejects_bad_inputs(d, dx):
    with pytest.raises(ValueError):
        games.gan_value(d, np.ones(2), np.ones(2), dx)
