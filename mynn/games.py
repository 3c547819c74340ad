"""Gradient descent in adversarial games: the x·y game and update rules that do converge.

Tariq Rashid's article on gradient descent in adversarial games, and the appendix of
*Make Your First GAN With PyTorch*, play the simplest two-player game there is::

    f(x, y) = x * y            x tries to make f big, y tries to make f small

Each player follows its own gradient with learning rate ``lr``: x climbs, y descends. As a
pair ``z = (x, y)`` they move along the *game's vector field*

    v(z) = (df/dx, -df/dy) = (y, -x) = A z,        A = [[0, 1], [-1, 0]].

The only equilibrium is the saddle point (0, 0). In continuous time the point circles it
for ever at its starting distance (:func:`flow`). The book's update, both players stepping
at once from the old values,

    x_new = x + lr * y
    y_new = y - lr * x

makes the circle into an outward spiral: the distance from (0, 0) grows by exactly
sqrt(1 + lr^2) every step, from any start. :func:`simulate` plays that rule and seven
others; :func:`iteration_matrix`, :func:`growth_factor` and
:func:`closed_form_growth_factor` say, for the rules that are linear in z, how fast each
spirals in or out.

Other two-player objectives can be played too: pass ``objective=f`` (a Python function of
two torch scalars, differentiated by torch autograd) or ``gradient=g`` (a function
returning ``(df/dx, df/dy)``); :mod:`mynn.games_objectives` turns either into the vector
field the rules follow. :func:`~mynn.games_torch.play_with_torch` (importable from here
too) plays a game with real PyTorch optimisers. torch is imported only inside the
functions that need it, so ``import mynn.games`` stays light.

The memory guard and byte formatting are :mod:`mynn.memory`'s, the argument checks
:mod:`mynn.checks`'s, shared with the rest of mynn.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from mynn.checks import (
    ArgumentError,
    as_float_array,
    check_number,
    check_positive_number,
    check_whole_number,
    short_repr,
)
from mynn.errors import UsageError
from mynn.games_objectives import (
    Field,
    _Game,
    _game,
    gradient_from_objective,
    xy_consensus_gradient,
    xy_field,
)
from mynn.memory import format_bytes, require_memory

__all__ = [
    "CLOSED_FORM_SCHEMES",
    "DEFAULT_PARAMS",
    "Field",
    "LINEAR_SCHEMES",
    "SCHEMES",
    "TORCH_OPTIMISERS",
    "closed_form_growth_factor",
    "describe_growth",
    "flow",
    "gradient_from_objective",
    "growth_factor",
    "iteration_matrix",
    "radius",
    "simulate",
    "xy_consensus_gradient",
    "xy_field",
]

SCHEMES = (
    "simultaneous",
    "alternating",
    "extragradient",
    "optimistic",
    "consensus",
    "momentum",
    "proximal",
    "adam",
)
"""The update rules :func:`simulate` knows."""

LINEAR_SCHEMES = SCHEMES[:-1]
"""The rules whose step is a fixed matrix times the state, for the x·y game (not Adam)."""

CLOSED_FORM_SCHEMES = (
    "simultaneous",
    "alternating",
    "extragradient",
    "optimistic",
    "consensus",
    "proximal",
)
"""The linear rules whose growth factor has a formula (momentum's has none simple)."""

DEFAULT_PARAMS: dict[str, dict[str, object]] = {
    "simultaneous": {},
    "alternating": {},
    "extragradient": {},
    "optimistic": {},
    "consensus": {"gamma": 0.5},
    "momentum": {"beta": -0.5},
    "proximal": {},
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8},
}
"""Each rule's extra parameters and their defaults (Adam's are PyTorch's)."""

TORCH_OPTIMISERS = ("sgd", "adam")
"""The PyTorch optimisers :func:`~mynn.games_torch.play_with_torch` knows."""

# ---------------------------------------------------------------------------- checking
_NO_MATRIX = (
    "has no fixed iteration matrix: Adam divides each step by running averages of the squared "
    "gradients, so its update is adaptive (nonlinear in the state), not a matrix times it; "
    "simulate('adam', ...) plays it"
)
_NO_FORMULA = (
    "has no simple closed-form growth factor; growth_factor('momentum', lr) computes it from "
    "its iteration matrix"
)


def _check_scheme(
    scheme: str, allowed: tuple[str, ...] = SCHEMES, why_not: dict[str, str] | None = None
) -> str:
    if scheme not in allowed:
        if why_not and scheme in why_not:
            raise UsageError(
                f"scheme {scheme!r} {why_not[scheme]}; the rules that have one: "
                f"{', '.join(allowed)}"
            )
        raise UsageError(
            f"unknown scheme {short_repr(scheme)}; choose one of: {', '.join(allowed)}"
        )
    return scheme


def _path_array(steps: int) -> np.ndarray:
    """Room for the start and ``steps`` points, refused up front if it cannot fit in memory."""
    needed = (steps + 1) * 2 * np.dtype(np.float64).itemsize
    what = f"steps={steps:,} (16 bytes a step for the path)"
    require_memory(needed, what, "use fewer steps")
    try:
        return np.empty((steps + 1, 2), dtype=np.float64)
    except (MemoryError, ValueError):
        raise ArgumentError(
            f"{what}: {format_bytes(needed)} of memory needed, more than can be allocated; "
            "use fewer steps"
        ) from None


def _check_lr(lr: object) -> float:
    return check_positive_number("lr", lr)


def _check_steps(steps: object) -> int:
    return check_whole_number("steps", steps, minimum=0)


def _check_params(scheme: str, params: dict) -> dict:
    """Fill in the defaults and check each of the scheme's extra parameters."""
    defaults = DEFAULT_PARAMS[scheme]
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        valid = ", ".join(defaults) if defaults else "none"
        raise UsageError(
            f"scheme {scheme!r} takes no parameter {', '.join(map(repr, unknown))}; "
            f"its parameters are: {valid}"
        )
    checked = {**defaults, **params}
    if "gamma" in checked:
        checked["gamma"] = check_number("gamma", checked["gamma"])
        if checked["gamma"] < 0:
            raise UsageError(f"consensus gamma must be >= 0, got {checked['gamma']!r}")
    if "beta" in checked:
        checked["beta"] = check_number("beta", checked["beta"])
        if not -1 < checked["beta"] < 1:
            raise UsageError(f"momentum beta must lie between -1 and 1, got {checked['beta']!r}")
    if "betas" in checked:
        betas = checked["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise UsageError(f"adam betas must be a pair (beta1, beta2), got {betas!r}")
        betas = tuple(check_number("adam beta", b) for b in betas)
        if not all(0 <= b < 1 for b in betas):
            raise UsageError(f"adam betas must lie in [0, 1), got {betas!r}")
        checked["betas"] = betas
    if "eps" in checked:
        checked["eps"] = check_number("eps", checked["eps"])
        if checked["eps"] <= 0:
            raise UsageError(f"adam eps must be positive, got {checked['eps']!r}")
    return checked


# ---------------------------------------------------------------------------- the rules
def simulate(
    scheme: str,
    x0: float,
    y0: float,
    lr: float,
    steps: int,
    *,
    objective: Callable | None = None,
    gradient: Callable | None = None,
    **params: object,
) -> np.ndarray:
    """Play the game from (x0, y0) for ``steps`` steps of one update rule.

    Write z = (x, y) and v(z) = (df/dx, -df/dy), the direction each player wants to move
    (x up its gradient, y down its own); for f = x·y, v(z) = (y, -x). The rules:

    ``"simultaneous"``
        the book's rule, both players from the old values: z_{k+1} = z_k + lr·v(z_k). For
        x·y, exactly ``x_new = x + lr*y; y_new = y - lr*x``.
    ``"alternating"``
        x moves first, y answers the new x: x_{k+1} = x_k + lr·v_x(x_k, y_k), then
        y_{k+1} = y_k + lr·v_y(x_{k+1}, y_k).
    ``"extragradient"``
        a look-ahead step, then the real step with the look-ahead's direction:
        z_half = z_k + lr·v(z_k); z_{k+1} = z_k + lr·v(z_half).
    ``"optimistic"``
        z_{k+1} = z_k + lr·(2 v(z_k) - v(z_{k-1})), with v(z_{-1}) = v(z_0), so the first
        step is a simultaneous one.
    ``"consensus"`` (``gamma``, default 0.5)
        both players also descend 0.5·‖v‖²: z_{k+1} = z_k + lr·(v(z_k) - gamma·grad 0.5‖v‖²).
        For x·y, grad 0.5‖v‖² = z.
    ``"momentum"`` (``beta``, default -0.5)
        alternating steps with heavy-ball momentum, starting at rest (z_{-1} = z_0):
        x_{k+1} = x_k + lr·v_x(x_k, y_k) + beta·(x_k - x_{k-1}), then
        y_{k+1} = y_k + lr·v_y(x_{k+1}, y_k) + beta·(y_k - y_{k-1}).
    ``"proximal"``
        the implicit step z_{k+1} = z_k + lr·v(z_{k+1}), solved exactly: for x·y,
        z_{k+1} = (I - lr A)^-1 z_k, i.e. x_{k+1} = (x_k + lr·y_k) / (1 + lr^2),
        y_{k+1} = (y_k - lr·x_k) / (1 + lr^2). Only for the x·y game.
    ``"adam"`` (``betas`` = (0.9, 0.999), ``eps`` = 1e-8, PyTorch's defaults)
        each player runs Adam at once from the old values, x on -f (maximising f), y on f.
        For a player with parameter p and loss gradient g at step t = 1, 2, ...:
        m = beta1·m + (1 - beta1)·g;  s = beta2·s + (1 - beta2)·g^2;
        p = p - lr / (1 - beta1^t) · m / (sqrt(s) / sqrt(1 - beta2^t) + eps),
        the algorithm of ``torch.optim.Adam`` (``maximize=True`` for x). On x·y it neither
        converges nor blows up: after a long drift (tens of thousands of steps) it settles on
        a cycle whose radius is proportional to lr (about 390·lr with the defaults).

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    x0, y0 : float
        The starting point.
    lr : float
        The learning rate, > 0.
    steps : int
        How many steps to take.
    objective : callable, optional
        Another game f(x, y) in place of x·y, written with torch operations; its gradients
        come from torch autograd.
    gradient : callable, optional
        Another game, given by a function returning (df/dx, df/dy).
    **params
        The scheme's extra parameters (see :data:`DEFAULT_PARAMS`).

    Returns
    -------
    ndarray of float64, shape (steps + 1, 2)
        Row k is (x_k, y_k); row 0 is the start. A rule that diverges for long enough
        overflows to inf (and then nan), as floating-point arithmetic does, without warning.

    Raises
    ------
    ValueError
        For an unknown scheme or parameter, a value out of range (or too large for a
        float), an objective that is not one number depending on x and y, or more steps
        than memory can hold (checked before allocating).
    """
    _check_scheme(scheme)
    z0 = (check_number("x0", x0), check_number("y0", y0))
    lr, steps = _check_lr(lr), _check_steps(steps)
    params = _check_params(scheme, params)
    game = _game(objective, gradient)
    if scheme == "proximal" and not game.is_xy:
        raise UsageError("the proximal step is solved exactly only for the x·y game")
    if scheme == "consensus" and game.consensus_gradient is None:
        raise UsageError("consensus needs second derivatives: give objective= instead of gradient=")
    path = _path_array(steps)
    path[0] = z0
    _RULES[scheme](game, path, lr, **params)
    return path


def _simultaneous(game: _Game, path: np.ndarray, lr: float) -> None:
    x, y = float(path[0, 0]), float(path[0, 1])
    for k in range(1, len(path)):
        dx, dy = game.field(x, y)
        x, y = x + lr * dx, y + lr * dy
        path[k] = x, y


def _alternating(game: _Game, path: np.ndarray, lr: float) -> None:
    x, y = float(path[0, 0]), float(path[0, 1])
    for k in range(1, len(path)):
        x = x + lr * game.field(x, y)[0]
        y = y + lr * game.field(x, y)[1]
        path[k] = x, y


def _extragradient(game: _Game, path: np.ndarray, lr: float) -> None:
    x, y = float(path[0, 0]), float(path[0, 1])
    for k in range(1, len(path)):
        dx, dy = game.field(x, y)
        look_x, look_y = x + lr * dx, y + lr * dy
        dx, dy = game.field(look_x, look_y)
        x, y = x + lr * dx, y + lr * dy
        path[k] = x, y


def _optimistic(game: _Game, path: np.ndarray, lr: float) -> None:
    x, y = float(path[0, 0]), float(path[0, 1])
    previous_dx, previous_dy = game.field(x, y)
    for k in range(1, len(path)):
        dx, dy = game.field(x, y)
        x, y = x + lr * (2 * dx - previous_dx), y + lr * (2 * dy - previous_dy)
        previous_dx, previous_dy = dx, dy
        path[k] = x, y


def _consensus(game: _Game, path: np.ndarray, lr: float, gamma: float) -> None:
    x, y = float(path[0, 0]), float(path[0, 1])
    for k in range(1, len(path)):
        dx, dy = game.field(x, y)
        cx, cy = game.consensus_gradient(x, y)
        x, y = x + lr * (dx - gamma * cx), y + lr * (dy - gamma * cy)
        path[k] = x, y


def _momentum(game: _Game, path: np.ndarray, lr: float, beta: float) -> None:
    x, y = float(path[0, 0]), float(path[0, 1])
    previous_x, previous_y = x, y
    for k in range(1, len(path)):
        new_x = x + lr * game.field(x, y)[0] + beta * (x - previous_x)
        new_y = y + lr * game.field(new_x, y)[1] + beta * (y - previous_y)
        previous_x, previous_y, x, y = x, y, new_x, new_y
        path[k] = x, y


def _proximal(game: _Game, path: np.ndarray, lr: float) -> None:
    x, y = float(path[0, 0]), float(path[0, 1])
    scale = 1.0 + lr * lr
    for k in range(1, len(path)):
        x, y = (x + lr * y) / scale, (y - lr * x) / scale
        path[k] = x, y


def _adam(game: _Game, path: np.ndarray, lr: float, betas: tuple[float, float], eps: float) -> None:
    beta1, beta2 = betas
    p = path[0].copy()
    m = np.zeros(2)  # running mean of each player's loss gradient
    s = np.zeros(2)  # running mean of its square
    for t in range(1, len(path)):
        # x's loss is -f and y's is f, so both loss gradients are -v.
        g = -np.array(game.field(*p))
        # The same arithmetic, in the same order, as torch.optim.Adam's single-tensor path.
        m += (1 - beta1) * (g - m)
        s = s * beta2 + (1 - beta2) * g * g
        step_size = lr / (1 - beta1**t)
        denominator = np.sqrt(s) / (1 - beta2**t) ** 0.5 + eps
        p = p - step_size * (m / denominator)
        path[t] = p


_RULES = {
    "simultaneous": _simultaneous,
    "alternating": _alternating,
    "extragradient": _extragradient,
    "optimistic": _optimistic,
    "consensus": _consensus,
    "momentum": _momentum,
    "proximal": _proximal,
    "adam": _adam,
}


# ---------------------------------------------------------------------------- continuous time
def flow(x0: float, y0: float, t: ArrayLike) -> np.ndarray:
    """The exact continuous-time path of the x·y game: dx/dt = y, dy/dt = -x.

    Differentiating again, d²x/dt² = dy/dt = -x and d²y/dt² = -y, solved by sines and
    cosines; matching the start gives

        x(t) = x0·cos t + y0·sin t,        y(t) = y0·cos t - x0·sin t,

    a clockwise circle round (0, 0) whose radius is the starting radius sqrt(x0² + y0²) (a
    unit circle only when the start is at distance 1). Gradient steps of size lr stand for
    time lr each: step k of :func:`simulate` is time k·lr.

    Returns
    -------
    ndarray
        Shape (2,) for a scalar t, (len(t), 2) for an array of times (``t.shape + (2,)``).
    """
    x0, y0 = check_number("x0", x0), check_number("y0", y0)
    t = as_float_array("t", t)
    if not np.all(np.isfinite(t)):
        raise UsageError("t must be finite")
    cos, sin = np.cos(t), np.sin(t)
    return np.stack([x0 * cos + y0 * sin, y0 * cos - x0 * sin], axis=-1)


def radius(path: ArrayLike) -> np.ndarray:
    """Distance of each point from the saddle (0, 0): sqrt(x² + y²), along the last axis."""
    path = np.asarray(path, dtype=np.float64)
    if path.shape[-1:] != (2,):
        raise UsageError(f"expected points (x, y) along the last axis, got shape {path.shape}")
    return np.hypot(path[..., 0], path[..., 1])


# ---------------------------------------------------------------------------- growth factors
def iteration_matrix(scheme: str, lr: float, **params: object) -> np.ndarray:
    """The matrix M of a linear rule for the x·y game: state_{k+1} = M · state_k.

    With A = [[0, 1], [-1, 0]] (so v(z) = A z) and I the 2×2 identity:

    - simultaneous: M = I + lr·A = [[1, lr], [-lr, 1]]
    - alternating: M = [[1, lr], [-lr, 1 - lr²]]
    - extragradient: M = I + lr·A·(I + lr·A) = (1 - lr²)·I + lr·A
    - consensus: M = (1 - lr·gamma)·I + lr·A
    - proximal: M = (I - lr·A)^-1
    - optimistic (4×4, state (z_k, z_{k-1})): M = [[I + 2 lr·A, -lr·A], [I, 0]]
    - momentum (4×4, state (x_k, y_k, x_{k-1}, y_{k-1})): the alternating heavy-ball step
      written out, see :func:`simulate`.

    Start the 4×4 rules from (z_0, z_0).
    """
    _check_scheme(scheme, LINEAR_SCHEMES, {"adam": _NO_MATRIX})
    lr = _check_lr(lr)
    params = _check_params(scheme, params)
    identity, a = np.eye(2), np.array([[0.0, 1.0], [-1.0, 0.0]])
    if scheme == "simultaneous":
        return identity + lr * a
    if scheme == "alternating":
        return np.array([[1.0, lr], [-lr, 1.0 - lr * lr]])
    if scheme == "extragradient":
        return identity + lr * a @ (identity + lr * a)
    if scheme == "consensus":
        return (1.0 - lr * params["gamma"]) * identity + lr * a
    if scheme == "proximal":
        return np.linalg.inv(identity - lr * a)
    if scheme == "optimistic":
        return np.block([[identity + 2 * lr * a, -lr * a], [identity, np.zeros((2, 2))]])
    beta = params["beta"]  # momentum
    # x+ = (1 + beta) x + lr y - beta x_prev
    # y+ = y - lr x+ + beta (y - y_prev), with x+ substituted
    return np.array(
        [
            [1 + beta, lr, -beta, 0.0],
            [-lr * (1 + beta), 1 + beta - lr * lr, lr * beta, -beta],
            [1.0, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0],
        ]
    )


def growth_factor(scheme: str, lr: ArrayLike, **params: object) -> float | np.ndarray:
    """Per-step growth factor of a linear rule: the spectral radius of its matrix.

    The largest absolute eigenvalue of :func:`iteration_matrix`. Above 1 the distance from the
    saddle grows by about that factor each step (diverges), below 1 it shrinks (converges),
    at 1 the point keeps circling. ``lr`` may be an array: one factor per value.
    """
    lrs = as_float_array("lr", lr)
    factors = np.array(
        [
            np.max(np.abs(np.linalg.eigvals(iteration_matrix(scheme, float(one_lr), **params))))
            for one_lr in lrs.ravel()
        ]
    ).reshape(lrs.shape)
    return float(factors) if factors.ndim == 0 else factors


def closed_form_growth_factor(scheme: str, lr: ArrayLike, **params: object) -> float | np.ndarray:
    """The growth factor by formula, for the rules that have one.

    - simultaneous: sqrt(1 + lr²) — M is sqrt(1 + lr²) times a rotation by atan(lr), so
      this holds exactly, every step, from any start
    - alternating: 1 for lr <= 2 (det M = 1, complex eigenvalues: the point goes round
      the ellipse x² + y² + lr·x·y = constant); above that the larger real eigenvalue
      (lr² - 2)/2 + sqrt(((lr² - 2)/2)² - 1). At lr = 2 exactly the eigenvalue -1 is
      repeated and the distance grows linearly, not geometrically.
    - extragradient: sqrt(1 - lr² + lr⁴) = abs(1 - lr² + i·lr)
    - optimistic: the root of larger modulus of λ² - (1 + 2i·lr)·λ + i·lr = 0, that is
      sqrt(((1 + s)/2)² + lr²) with s = sqrt(1 - 4 lr²) for lr <= 1/2, and
      sqrt(1/4 + (lr + s/2)²) with s = sqrt(4 lr² - 1) above; equal to 1 at lr = 1/sqrt(3)
    - consensus: sqrt((1 - lr·gamma)² + lr²)
    - proximal: 1 / sqrt(1 + lr²)
    """
    _check_scheme(scheme, CLOSED_FORM_SCHEMES, {"adam": _NO_MATRIX, "momentum": _NO_FORMULA})
    params = _check_params(scheme, params)
    lrs = as_float_array("lr", lr)
    for value in lrs.ravel():
        _check_lr(value)
    if scheme == "simultaneous":
        factors = np.sqrt(1 + lrs**2)
    elif scheme == "alternating":
        half_trace = np.abs(lrs**2 - 2) / 2
        factors = np.where(lrs <= 2, 1.0, half_trace + np.sqrt(np.maximum(half_trace**2 - 1, 0)))
    elif scheme == "extragradient":
        factors = np.sqrt(1 - lrs**2 + lrs**4)
    elif scheme == "optimistic":
        small = np.sqrt(((1 + np.sqrt(np.maximum(1 - 4 * lrs**2, 0))) / 2) ** 2 + lrs**2)
        large = np.sqrt(0.25 + (lrs + np.sqrt(np.maximum(4 * lrs**2 - 1, 0)) / 2) ** 2)
        factors = np.where(lrs <= 0.5, small, large)
    elif scheme == "consensus":
        factors = np.sqrt((1 - lrs * params["gamma"]) ** 2 + lrs**2)
    else:  # proximal
        factors = 1 / np.sqrt(1 + lrs**2)
    return float(factors) if factors.ndim == 0 else factors


def describe_growth(factor: float, tolerance: float = 1e-9) -> str:
    """Say in words what a per-step growth factor means for the distance from the saddle."""
    factor = check_number("factor", factor)
    if factor <= 0:
        raise UsageError(f"a growth factor is positive, got {factor!r}")
    tolerance = check_number("tolerance", tolerance)
    if tolerance < 0:
        raise UsageError(
            f"tolerance is how far from 1 a factor may be and still count as cycling, so it is "
            f"0 or more, got {tolerance!r}"
        )
    if abs(factor - 1) <= tolerance or math.log(factor) == 0:
        return "cycles: neither grows nor shrinks"
    steps = math.log(2) / abs(math.log(factor))
    if factor > 1:
        return f"diverges: distance doubles every {steps:.0f} steps"
    return f"converges: distance halves every {steps:.0f} steps"


def __getattr__(name: str):
    # play_with_torch lives in mynn.games_torch (it builds on this module's checks, so this
    # module cannot import it at the top); it is still importable from here.
    if name == "play_with_torch":
        from mynn.games_torch import play_with_torch

        return play_with_torch
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
