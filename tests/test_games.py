"""Tests of mynn.games: each update rule against its written-out update or closed form."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mynn import games
from mynn.games import (
    closed_form_growth_factor,
    flow,
    growth_factor,
    iteration_matrix,
    play_with_torch,
    radius,
    simulate,
)

OPTIMISTIC_LIMIT = 1 / math.sqrt(3)
learning_rates = st.floats(1e-3, 1.5)
coordinates = st.floats(-100, 100).filter(lambda v: abs(v) > 1e-3)
fast = settings(max_examples=40, deadline=None)


# ---------------------------------------------------------------------------- the book's run
def test_book_rule_is_reproduced_exactly():
    x, y, lr = 0.6, 0.7, 0.1
    expected = [(x, y)]
    for _ in range(499):
        x, y = x + lr * y, y - lr * x  # the book: both updates from the old values
        expected.append((x, y))
    path = simulate("simultaneous", 0.6, 0.7, 0.1, 499)
    assert path.dtype == np.float64 and path.shape == (500, 2)
    np.testing.assert_array_equal(path, np.array(expected))


def test_book_run_final_radius():
    path = simulate("simultaneous", 0.6, 0.7, 0.1, 499)
    r0 = math.hypot(0.6, 0.7)
    assert radius(path)[-1] == pytest.approx(r0 * 1.01 ** (499 / 2), rel=1e-12)
    np.testing.assert_allclose(radius(path)[1:] / radius(path)[:-1], math.sqrt(1.01), rtol=1e-13)


@fast
@given(x0=coordinates, y0=coordinates, lr=learning_rates)
def test_simultaneous_radius_grows_by_sqrt_one_plus_lr_squared_from_any_start(x0, y0, lr):
    r = radius(simulate("simultaneous", x0, y0, lr, 20))
    np.testing.assert_allclose(r[1:] / r[:-1], math.sqrt(1 + lr * lr), rtol=1e-12)


# ---------------------------------------------------------------------------- each rule written out
def alternating_by_hand(x, y, lr, steps):
    path = [(x, y)]
    for _ in range(steps):
        x = x + lr * y
        y = y - lr * x  # y answers the NEW x
        path.append((x, y))
    return np.array(path)


def extragradient_by_hand(x, y, lr, steps):
    path = [(x, y)]
    for _ in range(steps):
        look_x, look_y = x + lr * y, y - lr * x
        x, y = x + lr * look_y, y - lr * look_x
        path.append((x, y))
    return np.array(path)


def optimistic_by_hand(x, y, lr, steps):
    path = [(x, y)]
    old_x, old_y = x, y  # v(z_-1) = v(z_0)
    for _ in range(steps):
        new_x = x + lr * (2 * y - old_y)
        new_y = y - lr * (2 * x - old_x)
        old_x, old_y, x, y = x, y, new_x, new_y
        path.append((x, y))
    return np.array(path)


def consensus_by_hand(x, y, lr, steps, gamma):
    # v = (y, -x); 0.5 |v|^2 = 0.5 (x^2 + y^2), whose gradient is (x, y)
    path = [(x, y)]
    for _ in range(steps):
        x, y = x + lr * (y - gamma * x), y + lr * (-x - gamma * y)
        path.append((x, y))
    return np.array(path)


def momentum_by_hand(x, y, lr, steps, beta):
    path = [(x, y)]
    old_x, old_y = x, y
    for _ in range(steps):
        new_x = x + lr * y + beta * (x - old_x)
        new_y = y - lr * new_x + beta * (y - old_y)
        old_x, old_y, x, y = x, y, new_x, new_y
        path.append((x, y))
    return np.array(path)


def proximal_by_hand(x, y, lr, steps):
    # solve x+ = x + lr y+, y+ = y - lr x+ by substitution
    path = [(x, y)]
    for _ in range(steps):
        new_x = (x + lr * y) / (1 + lr**2)
        new_y = y - lr * new_x
        x, y = new_x, new_y
        path.append((x, y))
    return np.array(path)


BY_HAND = {
    "alternating": (alternating_by_hand, {}),
    "extragradient": (extragradient_by_hand, {}),
    "optimistic": (optimistic_by_hand, {}),
    "consensus": (consensus_by_hand, {"gamma": 0.7}),
    "momentum": (momentum_by_hand, {"beta": -0.4}),
    "proximal": (proximal_by_hand, {}),
}


@pytest.mark.parametrize("scheme", BY_HAND)
@pytest.mark.parametrize(("x0", "y0", "lr"), [(0.6, 0.7, 0.1), (-2.0, 0.5, 0.45), (1.0, 0.0, 1.3)])
def test_rule_matches_its_update_written_out(scheme, x0, y0, lr):
    by_hand, params = BY_HAND[scheme]
    expected = by_hand(x0, y0, lr, 60, **params)
    np.testing.assert_allclose(
        simulate(scheme, x0, y0, lr, 60, **params), expected, rtol=1e-11, atol=1e-13
    )


@pytest.mark.parametrize("scheme", games.LINEAR_SCHEMES)
@fast
@given(x0=coordinates, y0=coordinates, lr=learning_rates)
def test_linear_rule_is_its_iteration_matrix(scheme, x0, y0, lr):
    params = {"consensus": {"gamma": 0.3}, "momentum": {"beta": -0.2}}.get(scheme, {})
    matrix = iteration_matrix(scheme, lr, **params)
    state = np.array([x0, y0] * (len(matrix) // 2))  # 4x4 rules start from (z_0, z_0)
    expected = [state[:2]]
    for _ in range(15):
        state = matrix @ state
        expected.append(state[:2])
    scale = math.hypot(x0, y0) * np.max(np.abs(np.linalg.matrix_power(matrix, 15)))
    np.testing.assert_allclose(
        simulate(scheme, x0, y0, lr, 15, **params), expected, rtol=1e-9, atol=1e-12 * scale
    )


@pytest.mark.parametrize(
    ("scheme", "params"),
    [("simultaneous", {}), ("extragradient", {}), ("consensus", {"gamma": 0.5}), ("proximal", {})],
)
@fast
@given(x0=coordinates, y0=coordinates, lr=learning_rates)
def test_scaled_rotations_change_radius_by_the_closed_form_every_step(scheme, params, x0, y0, lr):
    r = radius(simulate(scheme, x0, y0, lr, 20, **params))
    factor = closed_form_growth_factor(scheme, lr, **params)
    np.testing.assert_allclose(r[1:] / r[:-1], factor, rtol=1e-11)


@fast
@given(x0=coordinates, y0=coordinates, lr=st.floats(1e-3, 1.99))
def test_alternating_conserves_its_ellipse(x0, y0, lr):
    path = simulate("alternating", x0, y0, lr, 200)
    x, y = path[:, 0], path[:, 1]
    conserved = x**2 + y**2 + lr * x * y
    np.testing.assert_allclose(conserved, conserved[0], rtol=1e-10)


def test_proximal_step_solves_the_implicit_equation():
    lr = 0.8
    path = simulate("proximal", 0.6, 0.7, lr, 30)
    new, old = path[1:], path[:-1]
    field_at_new = np.column_stack([new[:, 1], -new[:, 0]])
    np.testing.assert_allclose(new - lr * field_at_new, old, rtol=1e-13, atol=1e-16)


def test_optimistic_first_step_is_a_simultaneous_step():
    np.testing.assert_array_equal(
        simulate("optimistic", 0.6, 0.7, 0.3, 1), simulate("simultaneous", 0.6, 0.7, 0.3, 1)
    )


# ---------------------------------------------------------------------------- growth factors
LRS = np.linspace(0.01, 3.0, 300)


@pytest.mark.parametrize(
    ("scheme", "params"),
    [
        ("simultaneous", {}),
        ("alternating", {}),
        ("extragradient", {}),
        ("optimistic", {}),
        ("consensus", {"gamma": 0.0}),
        ("consensus", {"gamma": 1.0}),
        ("consensus", {"gamma": 2.5}),
        ("proximal", {}),
    ],
)
def test_matrix_spectral_radius_equals_closed_form(scheme, params):
    from_matrix = growth_factor(scheme, LRS, **params)
    # optimistic has a double eigenvalue at lr = 1/2, which eigvals finds to ~sqrt(eps)
    np.testing.assert_allclose(
        from_matrix, closed_form_growth_factor(scheme, LRS, **params), rtol=1e-7
    )


def test_closed_forms_named_in_the_notes():
    lr = 0.37
    assert closed_form_growth_factor("simultaneous", lr) == pytest.approx(math.sqrt(1 + lr**2))
    assert closed_form_growth_factor("extragradient", lr) == pytest.approx(
        math.sqrt(1 - lr**2 + lr**4)
    )
    assert closed_form_growth_factor("consensus", lr, gamma=0.4) == pytest.approx(
        math.sqrt((1 - lr * 0.4) ** 2 + lr**2)
    )
    assert closed_form_growth_factor("proximal", lr) == pytest.approx(1 / math.sqrt(1 + lr**2))
    assert closed_form_growth_factor("alternating", 1.99) == 1.0
    assert closed_form_growth_factor("optimistic", OPTIMISTIC_LIMIT) == pytest.approx(
        1.0, abs=1e-14
    )
    assert growth_factor("optimistic", 0.3).__class__ is float


def test_optimistic_converges_below_one_over_root_three_and_diverges_above():
    below = np.linspace(0.02, OPTIMISTIC_LIMIT - 0.01, 40)
    above = np.linspace(OPTIMISTIC_LIMIT + 0.01, 2.0, 40)
    assert np.all(growth_factor("optimistic", below) < 1)
    assert np.all(growth_factor("optimistic", above) > 1)
    assert radius(simulate("optimistic", 0.6, 0.7, 0.5, 400))[-1] < 1e-6
    assert radius(simulate("optimistic", 0.6, 0.7, 0.65, 400))[-1] > 1e3


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.2, 0.5])
def test_negative_momentum_converges_positive_diverges(lr):
    for beta in (-0.5, -0.3, -0.1):
        assert growth_factor("momentum", lr, beta=beta) < 1
    for beta in (0.1, 0.3, 0.5):
        assert growth_factor("momentum", lr, beta=beta) > 1
    start = math.hypot(0.6, 0.7)
    assert radius(simulate("momentum", 0.6, 0.7, lr, 3000, beta=-0.5))[-1] < start / 2
    assert radius(simulate("momentum", 0.6, 0.7, lr, 1000, beta=0.5))[-1] > start * 2


def test_extragradient_converges_only_below_lr_one():
    assert growth_factor("extragradient", 0.99) < 1 < growth_factor("extragradient", 1.01)


def test_describe_growth():
    assert games.describe_growth(1.0).startswith("cycles")
    assert games.describe_growth(math.sqrt(1.01)) == "diverges: distance doubles every 139 steps"
    assert (
        games.describe_growth(1 / math.sqrt(1.01)) == "converges: distance halves every 139 steps"
    )


# ---------------------------------------------------------------------------- continuous time
def test_flow_conserves_the_starting_radius_and_solves_the_ode():
    t = np.linspace(0, 20, 401)
    path = flow(0.6, 0.7, t)
    assert path.shape == (401, 2)
    np.testing.assert_allclose(radius(path), math.hypot(0.6, 0.7), rtol=1e-14)
    np.testing.assert_array_equal(flow(0.6, 0.7, 0.0), [0.6, 0.7])
    h = 1e-5
    derivative = (flow(0.6, 0.7, t + h) - flow(0.6, 0.7, t - h)) / (2 * h)
    x, y = path[:, 0], path[:, 1]
    # dx/dt = y, dy/dt = -x
    np.testing.assert_allclose(derivative, np.column_stack([y, -x]), atol=1e-9)


def test_small_steps_follow_the_flow():
    lr, steps = 1e-4, 10_000
    path = simulate("simultaneous", 0.6, 0.7, lr, steps)
    np.testing.assert_allclose(path[-1], flow(0.6, 0.7, steps * lr), atol=1e-4)


# ---------------------------------------------------------------------------- torch parity
def torch_players(optimiser_class, x0, y0, lr, steps, **options):
    """Written out: one optimiser per player, x maximising, both stepped after one backward."""
    import torch

    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(y0, dtype=torch.float64, requires_grad=True)
    x_opt = optimiser_class([x], lr=lr, maximize=True, **options)
    y_opt = optimiser_class([y], lr=lr, **options)
    path = [(x0, y0)]
    for _ in range(steps):
        x_opt.zero_grad()
        y_opt.zero_grad()
        (x * y).backward()
        x_opt.step()
        y_opt.step()
        path.append((x.item(), y.item()))
    return np.array(path)


@pytest.mark.parametrize(("x0", "y0", "lr"), [(0.6, 0.7, 0.1), (-1.5, 0.2, 0.03)])
def test_sgd_with_maximize_is_the_book_rule(x0, y0, lr):
    import torch

    expected = torch_players(torch.optim.SGD, x0, y0, lr, 300)
    # equal to rounding: torch's CPU add fuses lr * grad + param into one rounding
    np.testing.assert_allclose(simulate("simultaneous", x0, y0, lr, 300), expected, rtol=1e-12)
    np.testing.assert_array_equal(play_with_torch("sgd", x0, y0, lr, 300), expected)


@pytest.mark.parametrize(
    ("x0", "y0", "lr", "options"),
    [
        (0.6, 0.7, 0.1, {}),
        (-1.5, 0.2, 0.03, {}),
        (2.0, -1.0, 0.2, {"betas": (0.5, 0.9), "eps": 1e-3}),
    ],
)
def test_adam_matches_torch(x0, y0, lr, options):
    import torch

    expected = torch_players(torch.optim.Adam, x0, y0, lr, 400, **options)
    np.testing.assert_allclose(
        simulate("adam", x0, y0, lr, 400, **options), expected, rtol=1e-10, atol=1e-12
    )
    np.testing.assert_array_equal(play_with_torch("adam", x0, y0, lr, 400, **options), expected)


def test_adam_neither_converges_nor_blows_up_and_its_cycle_scales_with_lr():
    late_radii = {}
    for lr in (0.01, 0.1):
        r = radius(simulate("adam", 0.6, 0.7, lr, 40_000))[-10_000:]  # settles after ~20,000
        assert r.max() / r.min() < 1.05
        late_radii[lr] = r.mean()
    assert late_radii[0.1] / late_radii[0.01] == pytest.approx(10, rel=0.02)


def test_play_with_torch_in_float32_is_close():
    path = play_with_torch("adam", 0.6, 0.7, 0.1, 100, dtype="float32")
    np.testing.assert_allclose(path, simulate("adam", 0.6, 0.7, 0.1, 100), rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------- other games
@pytest.mark.parametrize("scheme", [s for s in games.SCHEMES if s != "proximal"])
def test_objective_x_times_y_reproduces_the_default_game(scheme):
    by_autograd = simulate(scheme, 0.6, 0.7, 0.2, 25, objective=lambda x, y: x * y)
    by_gradient = (
        simulate(scheme, 0.6, 0.7, 0.2, 25, gradient=lambda x, y: (y, x))
        if scheme != "consensus"
        else by_autograd
    )
    default = simulate(scheme, 0.6, 0.7, 0.2, 25)
    np.testing.assert_allclose(by_autograd, default, rtol=1e-12)
    np.testing.assert_allclose(by_gradient, default, rtol=1e-12)


def test_a_damped_game_converges_under_the_plain_rule():
    gamma, lr = 0.5, 0.1

    def damped(x, y):
        return x * y - 0.5 * gamma * x**2

    x, y = 0.6, 0.7
    expected = [(x, y)]
    for _ in range(200):
        x, y = x + lr * (y - gamma * x), y - lr * x  # df/dx = y - gamma x, df/dy = x
        expected.append((x, y))
    path = simulate("simultaneous", 0.6, 0.7, lr, 200, objective=damped)
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-15)
    assert radius(path)[-1] < 0.5 * radius(path)[0]
    np.testing.assert_allclose(
        play_with_torch("sgd", 0.6, 0.7, lr, 200, objective=damped), path, rtol=1e-11
    )


def test_consensus_on_a_damped_game_uses_second_derivatives():
    # f = xy - x^2/2: v = (y - x, -x), 0.5|v|^2 = 0.5((y - x)^2 + x^2), gradient (2x - y, y - x)
    lr, gamma = 0.1, 0.5
    x, y = 0.6, 0.7
    expected = [(x, y)]
    for _ in range(30):
        vx, vy = y - x, -x
        cx, cy = 2 * x - y, y - x
        x, y = x + lr * (vx - gamma * cx), y + lr * (vy - gamma * cy)
        expected.append((x, y))
    path = simulate(
        "consensus", 0.6, 0.7, lr, 30, objective=lambda x, y: x * y - 0.5 * x**2, gamma=gamma
    )
    np.testing.assert_allclose(path, expected, rtol=1e-12)


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: simulate("sgd", 0.6, 0.7, 0.1, 5), "choose one of: simultaneous, alternating"),
        (lambda: simulate("simultaneous", 0.6, 0.7, 0.1, 5, gamma=1), "its parameters are: none"),
        (lambda: simulate("consensus", 0.6, 0.7, 0.1, 5, beta=1), "its parameters are: gamma"),
        (lambda: simulate("consensus", 0.6, 0.7, 0.1, 5, gamma=-1), "gamma must be >= 0"),
        (lambda: simulate("momentum", 0.6, 0.7, 0.1, 5, beta=1.0), "between -1 and 1"),
        (lambda: simulate("adam", 0.6, 0.7, 0.1, 5, betas=(0.9,)), "pair"),
        (lambda: simulate("adam", 0.6, 0.7, 0.1, 5, betas=(0.9, 1.0)), r"\[0, 1\)"),
        (lambda: simulate("adam", 0.6, 0.7, 0.1, 5, eps=0), "eps must be positive"),
        (lambda: simulate("simultaneous", 0.6, 0.7, 0.0, 5), "lr must be positive"),
        (lambda: simulate("simultaneous", 0.6, 0.7, float("nan"), 5), "lr must be finite"),
        (lambda: simulate("simultaneous", 0.6, 0.7, "fast", 5), "lr must be a number"),
        (lambda: simulate("simultaneous", 0.6, 0.7, 0.1, -1), "steps must be a whole number"),
        (lambda: simulate("simultaneous", 0.6, 0.7, 0.1, 2.5), "steps must be a whole number"),
        (lambda: simulate("simultaneous", 0.6, 0.7, 0.1, True), "steps must be a whole number"),
        (lambda: simulate("simultaneous", float("inf"), 0.7, 0.1, 5), "x0 must be finite"),
        (
            lambda: simulate("proximal", 0.6, 0.7, 0.1, 5, objective=lambda x, y: x * y),
            "only for the x·y",
        ),
        (
            lambda: simulate("consensus", 0.6, 0.7, 0.1, 5, gradient=lambda x, y: (y, x)),
            "objective=",
        ),
        (
            lambda: simulate(
                "simultaneous", 0, 0, 0.1, 5, objective=lambda x, y: x, gradient=lambda x, y: (1, 0)
            ),
            "not both",
        ),
        (lambda: simulate("simultaneous", 0, 0, 0.1, 5, objective=3), "must be a function"),
        (lambda: iteration_matrix("adam", 0.1), "that have one: simultaneous"),
        (lambda: iteration_matrix("sgd", 0.1), "unknown scheme 'sgd'; choose one of: simultaneous"),
        (lambda: closed_form_growth_factor("momentum", 0.1), "no simple closed-form"),
        (lambda: closed_form_growth_factor("simultaneous", [0.1, -0.1]), "lr must be positive"),
        (lambda: flow(0.6, 0.7, [0.0, float("nan")]), "t must be finite"),
        (lambda: radius([1.0, 2.0, 3.0]), "last axis"),
        (lambda: games.describe_growth(0.0), "positive"),
        (lambda: play_with_torch("rmsprop", 0.6, 0.7, 0.1, 5), "choose one of: sgd, adam"),
        (lambda: play_with_torch("sgd", 0.6, 0.7, 0.1, 5, dtype="float16"), "dtype must be one of"),
        (lambda: play_with_torch("sgd", 0.6, 0.7, 0.1, 5, maximize=False), "maximize is set"),
    ],
)
def test_bad_input_raises_value_error_saying_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_zero_steps_gives_just_the_start():
    np.testing.assert_array_equal(simulate("adam", 0.6, 0.7, 0.1, 0), [[0.6, 0.7]])


def test_importing_games_does_not_import_torch():
    code = "import mynn.games, mynn.plots.games, sys; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------- pictures
def test_plots_draw_without_error():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mynn.plots import games as pictures

    paths = {s: simulate(s, 0.6, 0.7, 0.2, 50) for s in games.SCHEMES}
    figures = [pictures.saddle_surfaces(), pictures.scheme_orbits(paths, limit=2)]
    figure, axes = plt.subplots(1, 4)
    pictures.top_view(axes[0])
    pictures.top_view(axes[1], arrows="players")
    pictures.coordinates_against_step(axes[2], paths["simultaneous"])
    pictures.radius_against_step(axes[3], paths)
    with pytest.raises(ValueError, match="arrows must be"):
        pictures.top_view(axes[0], arrows="sideways")
    for f in [*figures, figure]:
        plt.close(f)


# ---------------------------------------------------------------------------- clear errors
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: games.describe_growth(1.0, tolerance=-1), "tolerance .* 0 or more, got -1"),
        (lambda: games.describe_growth(1.5, tolerance=float("nan")), "tolerance must be finite"),
        (lambda: simulate("simultaneous", 0.6, 0.7, 10**400, 5), r"lr is too large .*10\*\*400"),
        (lambda: simulate("simultaneous", 10**400, 0.7, 0.1, 5), "x0 is too large"),
        (lambda: games.growth_factor("simultaneous", 10**400), "lr is too large"),
        (lambda: games.growth_factor("simultaneous", [0.1, 10**400]), "lr is too large"),
        (lambda: closed_form_growth_factor("proximal", 10**400), "lr is too large"),
        (lambda: flow(0.6, 0.7, 10**400), "t is too large"),
        (lambda: flow(0.6, 0.7, "soon"), "t must be numbers"),
        (lambda: simulate("simultaneous", 0.6, 0.7, 0.1, 10**15), r"14\.2 PiB of memory needed"),
        (lambda: play_with_torch("sgd", 0.6, 0.7, 0.1, 10**15), r"14\.2 PiB of memory needed"),
        (
            lambda: iteration_matrix("adam", 0.1),
            "'adam' has no fixed iteration matrix: .*adaptive .*simultaneous, alternating",
        ),
        (lambda: games.growth_factor("adam", 0.1), "no fixed iteration matrix"),
        (lambda: closed_form_growth_factor("adam", 0.1), "no fixed iteration matrix"),
        (
            lambda: simulate("simultaneous", 0.6, 0.7, 0.1, 5, gradient=lambda x, y: (1, 2, 3)),
            r"two numbers \(df/dx, df/dy\).*returned \(1, 2, 3\)",
        ),
    ],
)
def test_more_bad_input_gets_one_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_describe_growth_at_exactly_one_with_no_tolerance():
    assert games.describe_growth(1.0, tolerance=0).startswith("cycles")


def test_huge_steps_are_refused_before_allocating(monkeypatch):
    def no_allocation(*args, **kwargs):
        raise AssertionError("allocated")

    monkeypatch.setattr(games.np, "empty", no_allocation)
    with pytest.raises(
        ValueError,
        match=r"steps=1,000,000,000,000,000 \(16 bytes a step.*\): 14\.2 PiB .*fewer steps",
    ):
        simulate("simultaneous", 0.6, 0.7, 0.1, 10**15)


@pytest.mark.parametrize(
    ("objective", "message"),
    [
        (
            lambda x, y: torch.stack([x * y, x]),
            r"tensor of shape \(2,\); f\(x, y\) must return one",
        ),
        (lambda x, y: 3.0, "returned 3.0, a float, not a torch tensor"),
        (lambda x, y: torch.tensor(3.0), "does not depend on x or y"),
        (lambda x, y: np.float64(2.0), "a float64, not a torch tensor"),
    ],
)
@pytest.mark.parametrize("scheme", ["simultaneous", "consensus"])
def test_objectives_that_are_not_one_number_of_x_and_y(objective, message, scheme):
    with pytest.raises(ValueError, match=message):
        simulate(scheme, 0.6, 0.7, 0.1, 5, objective=objective)


def test_play_with_torch_checks_the_objective_too():
    with pytest.raises(ValueError, match="tensor of shape"):
        play_with_torch("sgd", 0.6, 0.7, 0.1, 5, objective=lambda x, y: torch.stack([x, y]))
    with pytest.raises(ValueError, match="does not depend on x or y"):
        play_with_torch("adam", 0.6, 0.7, 0.1, 5, objective=lambda x, y: torch.tensor(1.0))
