"""The checks notebook 11 makes, as functions that hold for any learning rate they accept.

Notebook 11 (gradient descent in adversarial games) invites the reader to change the start
and the learning rate and re-run it. Each claim it checks lives here, so that the notebook
calls it and the unit tests run it over a range of learning rates. Every function raises
:class:`ClaimFailed` (an :class:`AssertionError`, raised explicitly so that ``python -O``,
which strips ``assert`` statements, still checks) with the measured numbers when its
claim fails, and otherwise returns what it measured, for printing.

Tolerances are relative to the size of the quantity compared: the distance from (0, 0)
grows or shrinks by orders of magnitude, so a fixed absolute tolerance would be too loose
near the start or too strict far away, and a per-coordinate relative one fails wherever x
or y crosses zero.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from mynn import games
from mynn.checks import check_number, check_positive_number
from mynn.errors import MynnError


class ClaimFailed(MynnError, AssertionError):
    """A claim of notebook 11 did not hold for the numbers given; the message has them."""


ROUNDING = 1e-12
"""Relative agreement expected of two computations of the same numbers in float64 that
differ only in rounding (a few hundred steps of about 1e-16 each, with a wide margin)."""

REPEATED_EIGENVALUE = 1e-7
"""Relative agreement of a growth factor computed from the matrix's eigenvalues with its
formula. Where two eigenvalues meet (optimistic at lr = 1/2, alternating at lr = 2) the
eigenvalues of a matrix are only determined to about the square root of the rounding
error, sqrt(2.2e-16) = 1.5e-8 (measured: 3.5e-9 here, 1.2e-8 elsewhere), so 1e-9 is too
strict there; 1e-7 still tells the closest two formulas apart (extragradient and
proximal differ by 5e-7 at lr = 0.1)."""

FLOAT32 = 1e-4
"""Relative agreement of a float32 run with the float64 one (float32 keeps about 7
significant digits; a few hundred steps lose a couple)."""


def _finite_rows(path: ArrayLike) -> np.ndarray:
    """The rows of a path before its first non-finite value (a diverging rule overflows)."""
    path = np.asarray(path, dtype=np.float64)
    bad = ~np.all(np.isfinite(path), axis=-1)
    return path[: int(np.argmax(bad))] if bad.any() else path


def circle_distances(x0: float, y0: float, times: ArrayLike) -> tuple[float, float]:
    """Continuous play keeps the starting distance: check :func:`mynn.games.flow` does.

    Returns the smallest and largest distance from (0, 0) along the flow at ``times``.
    """
    distance = games.radius(games.flow(x0, y0, times))
    start = math.hypot(x0, y0)
    worst = float(np.max(np.abs(distance - start))) if distance.size else 0.0
    if not (worst <= ROUNDING * start):
        raise ClaimFailed(
            f"continuous play should keep the distance {start:.6g}; it moved by {worst:.3g}"
        )
    return float(distance.min()), float(distance.max())


def spiral_growth(path: ArrayLike, lr: float) -> tuple[np.ndarray, float]:
    """The book's simultaneous steps multiply the distance by sqrt(1 + lr²), every step.

    ``path`` is ``simulate("simultaneous", x0, y0, lr, steps)`` for the x·y game. Checks
    every step's ratio of distances against sqrt(1 + lr²), and the last distance against
    r0·(1 + lr²)^(n/2), both to :data:`ROUNDING` relative. If the path overflowed (a large
    lr for many steps) only its finite part is checked.

    Returns the step ratios and the predicted last distance (of the finite part).
    """
    lr = check_positive_number("lr", lr)
    distance = games.radius(_finite_rows(path))
    if len(distance) == 0:
        raise ValueError("the path has no finite point to check")
    factor = math.sqrt(1 + lr * lr)
    if distance[0] == 0:  # the start is the equilibrium: nothing moves
        if not np.all(distance == 0):
            raise ClaimFailed("a path starting at (0, 0) must stay there")
        return np.ones(len(distance) - 1), 0.0
    ratios = distance[1:] / distance[:-1]
    worst = float(np.max(np.abs(ratios / factor - 1))) if ratios.size else 0.0
    if not (worst <= ROUNDING):
        raise ClaimFailed(
            f"every step should multiply the distance by sqrt(1 + lr^2) = {factor:.10f}; "
            f"a ratio differs from it by {worst:.3g} relative"
        )
    steps = len(distance) - 1
    predicted = float(distance[0] * (1 + lr * lr) ** (steps / 2))
    if not math.isclose(distance[-1], predicted, rel_tol=ROUNDING):
        raise ClaimFailed(
            f"after {steps} steps the distance should be {predicted:.10g}, it is {distance[-1]:.10g}"
        )
    return ratios, predicted


def growth_factors_agree(lr: float) -> dict[str, tuple[float, float]]:
    """Each rule's growth factor from its matrix equals its formula (where it has one).

    Returns ``{scheme: (from the matrix, from the formula)}`` for
    :data:`mynn.games.CLOSED_FORM_SCHEMES`, compared to :data:`REPEATED_EIGENVALUE`.
    """
    agreed = {}
    for scheme in games.CLOSED_FORM_SCHEMES:
        matrix = games.growth_factor(scheme, lr)
        formula = games.closed_form_growth_factor(scheme, lr)
        if not math.isclose(matrix, formula, rel_tol=REPEATED_EIGENVALUE):
            raise ClaimFailed(
                f"{scheme} at lr = {lr:g}: the matrix gives {matrix:.12g}, the formula {formula:.12g}"
            )
        agreed[scheme] = (matrix, formula)
    return agreed


def same_path(path: ArrayLike, reference: ArrayLike, rtol: float, floor: float = 0.0) -> float:
    """Two runs of the same game agree to ``rtol`` relative to the size of the point.

    At every step k, the larger of |x - x_ref| and |y - y_ref| must be at most
    ``rtol · (r_k + floor)``, where r_k is the reference's distance from (0, 0); ``floor``
    keeps the tolerance meaningful where that distance passes near 0 (for Adam, whose steps
    are about lr long, ``floor=lr``). Steps where either run has overflowed are skipped.

    Returns the largest deviation found, as a fraction of ``r_k + floor``.
    """
    path, reference = np.asarray(path, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    if path.shape != reference.shape:
        raise ValueError(f"the paths differ in shape: {path.shape} and {reference.shape}")
    both = np.all(np.isfinite(path), axis=-1) & np.all(np.isfinite(reference), axis=-1)
    scale = games.radius(reference[both]) + floor
    deviation = np.max(np.abs(path[both] - reference[both]), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.where(deviation == 0, 0.0, deviation / scale)
    worst = float(relative.max()) if relative.size else 0.0
    if not (worst <= rtol):
        raise ClaimFailed(f"the paths differ by {worst:.3g} of the distance (allowed {rtol:g})")
    return worst


def damped_growth_factor(lr: float, gamma: float) -> float:
    """Growth factor per step of simultaneous steps on f = x·y - (gamma/2)·x².

    The push is v = (y - gamma·x, -x) = B z with B = [[-gamma, 1], [-1, 0]], so one step is
    z_{k+1} = (I + lr·B) z_k, and the factor is that matrix's spectral radius. For
    gamma < 2 the eigenvalues of B are -gamma/2 ± i·sqrt(1 - gamma²/4), and the factor is

        |1 + lr·λ| = sqrt(1 - lr·gamma + lr²),

    below 1 (converging) exactly when lr < gamma.
    """
    lr, gamma = check_positive_number("lr", lr), check_number("gamma", gamma)
    step = np.eye(2) + lr * np.array([[-gamma, 1.0], [-1.0, 0.0]])
    return float(np.max(np.abs(np.linalg.eigvals(step))))


def damped_distance(path: ArrayLike, lr: float, gamma: float) -> tuple[float, float, float]:
    """The damped game's distance after n steps is r0·ρⁿ, up to a bounded factor.

    ``path`` is ``simulate("simultaneous", x0, y0, lr, n, objective=f)`` with
    f = x·y - (gamma/2)·x². With M = I + lr·B = V Λ V⁻¹ and c = cond(V), linear algebra
    bounds the distance: r_n ≤ c·r0·ρⁿ, and, when the two eigenvalues have the same size
    (a complex pair, as for gamma < 2), also r_n ≥ r0·ρⁿ / c. So the path converges when
    ρ < 1 and diverges when ρ > 1, at the rate ρ, whatever lr and the start.

    Returns ρ, c and the last distance divided by r0·ρⁿ.
    """
    lr, gamma = check_positive_number("lr", lr), check_number("gamma", gamma)
    finite = _finite_rows(path)
    distance = games.radius(finite)
    rho = damped_growth_factor(lr, gamma)
    step = np.eye(2) + lr * np.array([[-gamma, 1.0], [-1.0, 0.0]])
    eigenvalues, vectors = np.linalg.eig(step)
    spread = float(np.linalg.cond(vectors))
    if distance[0] == 0:
        if not np.all(distance == 0):
            raise ClaimFailed("a path starting at (0, 0) must stay there")
        return rho, spread, 1.0
    n = len(distance) - 1
    relative = float(distance[-1] / (distance[0] * rho**n))
    margin = 1 + 1e-9 * (n + 1)  # rounding in the simulation
    if not (relative <= spread * margin):
        raise ClaimFailed(
            f"after {n} steps the distance is {relative:.3g} times r0·ρ^n, more than cond(V) = "
            f"{spread:.3g} allows"
        )
    if np.isclose(abs(eigenvalues[0]), abs(eigenvalues[1]), rtol=1e-12):
        if not (relative >= 1 / (spread * margin)):
            raise ClaimFailed(
                f"after {n} steps the distance is only {relative:.3g} times r0·ρ^n, less than "
                f"1 / cond(V) = {1 / spread:.3g} allows"
            )
    return rho, spread, relative
