"""Playing a two-player game with real PyTorch optimisers, to compare with :mod:`mynn.games`.

:func:`play_with_torch` gives each player its own ``torch.optim`` optimiser (x maximising,
y minimising) and steps both from the same backward pass: plain SGD is then the book's
simultaneous rule and Adam is :func:`mynn.games.simulate`'s ``"adam"``, which the tests
check to rounding. torch is imported only inside the function.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mynn.checks import check_number
from mynn.errors import UsageError
from mynn.games import TORCH_OPTIMISERS, _check_lr, _check_scheme, _check_steps, _path_array
from mynn.games_objectives import _evaluate


def play_with_torch(
    optimiser: str,
    x0: float,
    y0: float,
    lr: float,
    steps: int,
    *,
    objective: Callable | None = None,
    dtype: str = "float64",
    **options: object,
) -> np.ndarray:
    """Play a game with real PyTorch optimisers, one per player, stepping simultaneously.

    x gets ``torch.optim.SGD`` or ``torch.optim.Adam`` with ``maximize=True``, y the same
    optimiser minimising. Each step computes f(x, y), backpropagates once (so both
    gradients come from the old point), then steps both optimisers: plain SGD is then the
    book's simultaneous rule, and Adam is :func:`simulate`'s ``"adam"``.

    Parameters
    ----------
    optimiser : {"sgd", "adam"}
    x0, y0, lr, steps
        As for :func:`simulate`.
    objective : callable, optional
        f(x, y) on torch scalars; x·y when omitted.
    dtype : {"float64", "float32"}
        Precision of the two parameters.
    **options
        Passed to both optimisers (e.g. ``betas`` for Adam, ``momentum`` for SGD — note
        PyTorch's momentum is not the ``"momentum"`` scheme of :func:`simulate`).

    Returns
    -------
    ndarray of float64, shape (steps + 1, 2)
    """
    import torch

    _check_scheme(optimiser, TORCH_OPTIMISERS)
    z0 = (check_number("x0", x0), check_number("y0", y0))
    lr, steps = _check_lr(lr), _check_steps(steps)
    dtypes = {"float64": torch.float64, "float32": torch.float32}
    if dtype not in dtypes:
        raise UsageError(f"dtype must be one of: {', '.join(dtypes)}; got {dtype!r}")
    if "maximize" in options:
        raise UsageError("maximize is set for you: x maximises, y minimises")
    if objective is None:

        def objective(x, y):
            return x * y

    optimiser_class = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[optimiser]
    x = torch.tensor(z0[0], dtype=dtypes[dtype], requires_grad=True)
    y = torch.tensor(z0[1], dtype=dtypes[dtype], requires_grad=True)
    x_player = optimiser_class([x], lr=lr, maximize=True, **options)
    y_player = optimiser_class([y], lr=lr, **options)
    path = _path_array(steps)
    path[0] = x.item(), y.item()
    for k in range(1, steps + 1):
        x_player.zero_grad()
        y_player.zero_grad()
        _evaluate(objective, x, y).backward()
        x_player.step()
        y_player.step()
        path[k] = x.item(), y.item()
    return path
