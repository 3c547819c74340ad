"""The game being played: f = x·y, or any f(x, y) the reader gives, as a vector field.

:func:`mynn.games.simulate` moves the point z = (x, y) along the game's *vector field*
v(z) = (df/dx, -df/dy): x climbs its gradient, y descends its own. For the book's game
f = x·y that is v = (y, -x) (:func:`xy_field`). Another game comes either as an objective
f(x, y) written with torch operations, differentiated by torch autograd
(:func:`gradient_from_objective`; the consensus rule's second derivatives by double
backpropagation), or as a function returning (df/dx, df/dy). torch is imported only when
an objective is first differentiated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from mynn.checks import short_repr
from mynn.errors import UsageError

Field = Callable[[float, float], tuple[float, float]]
"""A function (x, y) -> (v_x, v_y): where each player wants to move from (x, y)."""


def xy_field(x: float, y: float) -> tuple[float, float]:
    """The players' directions for f = x·y: v = (df/dx, -df/dy) = (y, -x)."""
    return y, -x


def xy_consensus_gradient(x: float, y: float) -> tuple[float, float]:
    """The gradient of 0.5·‖v‖² = 0.5·(x^2 + y^2) for f = x·y: simply (x, y)."""
    return x, y


class _Game(NamedTuple):
    field: Field
    consensus_gradient: Field | None
    is_xy: bool


def _game(objective: Callable | None, gradient: Callable | None) -> _Game:
    if objective is not None and gradient is not None:
        raise UsageError("give either objective= or gradient=, not both")
    if objective is None and gradient is None:
        return _Game(xy_field, xy_consensus_gradient, is_xy=True)
    if objective is not None:
        if not callable(objective):
            raise UsageError(f"objective must be a function f(x, y), got {objective!r}")
        return _Game(
            _field_from_gradient(gradient_from_objective(objective)),
            _consensus_gradient_from_objective(objective),
            is_xy=False,
        )
    if not callable(gradient):
        raise UsageError(f"gradient must be a function returning (df/dx, df/dy), got {gradient!r}")
    return _Game(_field_from_gradient(gradient), None, is_xy=False)


def _field_from_gradient(gradient: Callable) -> Field:
    def field(x: float, y: float) -> tuple[float, float]:
        answer = gradient(x, y)
        try:
            df_dx, df_dy = answer
            return float(df_dx), -float(df_dy)
        except (TypeError, ValueError, RuntimeError):
            raise UsageError(
                f"gradient(x, y) must return two numbers (df/dx, df/dy); at x={x:.6g}, "
                f"y={y:.6g} it returned {short_repr(answer)}"
            ) from None

    return field


def _evaluate(objective: Callable, x, y):
    """f(x, y) for torch scalars x and y, checked to be one number that depends on them."""
    import torch

    value = objective(x, y)
    if not torch.is_tensor(value):
        raise UsageError(
            f"the objective returned {short_repr(value)}, a {type(value).__name__}, not a torch "
            "tensor: it must compute f(x, y) from x and y with torch operations (x * y, "
            "torch.sin(x), ...), not math or numpy functions or .item(), so that torch can "
            "differentiate it"
        )
    if value.numel() != 1:
        raise UsageError(
            f"the objective returned a tensor of shape {tuple(value.shape)}; f(x, y) must "
            "return one number (a scalar), e.g. x * y, not a vector"
        )
    if not value.requires_grad:
        raise UsageError(
            f"the objective returned {value.item():.6g}, which does not depend on x or y, so "
            "neither player has a gradient to follow; make f(x, y) use x and y with torch "
            "operations, e.g. x * y"
        )
    return value.reshape(())


def gradient_from_objective(objective: Callable) -> Callable[[float, float], tuple[float, float]]:
    """Turn f(x, y) into a function returning (df/dx, df/dy), by torch autograd.

    ``objective`` receives two float64 torch scalars and must return a torch scalar, e.g.
    ``lambda x, y: x * y - 0.5 * x**2``. torch is imported when the gradient is first used.
    """

    def gradient(x: float, y: float) -> tuple[float, float]:
        import torch

        xt = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
        yt = torch.tensor(float(y), dtype=torch.float64, requires_grad=True)
        grads = torch.autograd.grad(_evaluate(objective, xt, yt), (xt, yt), allow_unused=True)
        return tuple(0.0 if g is None else g.item() for g in grads)

    return gradient


def _consensus_gradient_from_objective(objective: Callable) -> Field:
    """The gradient of 0.5·‖v‖², with v = (df/dx, -df/dy), by double backpropagation."""

    def consensus_gradient(x: float, y: float) -> tuple[float, float]:
        import torch

        xt = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
        yt = torch.tensor(float(y), dtype=torch.float64, requires_grad=True)
        df = torch.autograd.grad(
            _evaluate(objective, xt, yt), (xt, yt), create_graph=True, allow_unused=True
        )
        half_squared_speed = sum(0.5 * g**2 for g in df if g is not None)
        if not torch.is_tensor(half_squared_speed) or not half_squared_speed.requires_grad:
            return 0.0, 0.0  # f is linear: the field never changes
        grads = torch.autograd.grad(half_squared_speed, (xt, yt), allow_unused=True)
        return tuple(0.0 if g is None else g.item() for g in grads)

    return consensus_gradient
