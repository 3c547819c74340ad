"""Pictures of the x·y game for the adversarial-games notebook (see :mod:`mynn.games`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mynn.games import radius

SADDLE_VIEWS = ((30, -60), (30, 30), (5, -45))
"""(elevation, azimuth) in degrees for :func:`saddle_surfaces`' three pictures."""


def _grid(extent: float, points: int) -> tuple[np.ndarray, np.ndarray]:
    side = np.linspace(-extent, extent, points)
    return np.meshgrid(side, side)


def saddle_surfaces(
    extent: float = 1.0, views: Sequence[tuple[float, float]] = SADDLE_VIEWS
) -> Figure:
    """The surface f(x, y) = x·y seen from several angles, one 3-D picture each."""
    x, y = _grid(extent, 41)
    figure = plt.figure(figsize=(4 * len(views), 4))
    for i, (elevation, azimuth) in enumerate(views, start=1):
        ax = figure.add_subplot(1, len(views), i, projection="3d")
        ax.plot_surface(x, y, x * y, cmap="coolwarm", linewidth=0, antialiased=True)
        ax.view_init(elev=elevation, azim=azimuth)
        ticks = [-extent, 0, extent]
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.set_zticks([-(extent**2), 0, extent**2])
        ax.set_xlabel("x (maximises)")
        ax.set_ylabel("y (minimises)")
        ax.set_title(f"seen from elevation {elevation}°, azimuth {azimuth}°")
    figure.tight_layout()
    return figure


def top_view(
    ax: Axes | None = None, extent: float = 1.0, arrows: str = "gradient", density: int = 11
) -> Axes:
    """f = x·y from above, coloured by height, with arrows showing directions.

    ``arrows="gradient"`` draws the direction in which f increases fastest, grad f = (y, x);
    ``arrows="players"`` draws where the players push the point, v = (y, -x): x uphill,
    y downhill. Arrows show direction only (all the same length).
    """
    if arrows not in ("gradient", "players"):
        raise ValueError(f"arrows must be 'gradient' or 'players', got {arrows!r}")
    ax = ax if ax is not None else plt.gca()
    x, y = _grid(extent, 201)
    picture = ax.pcolormesh(x, y, x * y, cmap="coolwarm", shading="auto")
    ax.figure.colorbar(picture, ax=ax, label="f = x·y")
    ax.contour(x, y, x * y, levels=9, colors="k", linewidths=0.5, alpha=0.4)
    ax_, ay_ = _grid(extent * 0.9, density)
    u, v = (ay_, ax_) if arrows == "gradient" else (ay_, -ax_)
    length = np.hypot(u, v)
    length[length == 0] = 1.0
    ax.quiver(ax_, ay_, u / length, v / length, angles="xy", pivot="mid", width=0.004)
    ax.plot(0, 0, "k*", markersize=10)
    ax.set_aspect("equal")
    ax.set_xlabel("x (maximises)")
    ax.set_ylabel("y (minimises)")
    ax.set_title("directions of increasing f" if arrows == "gradient" else "where the players push")
    return ax


def coordinates_against_step(ax: Axes, path: np.ndarray, title: str | None = None) -> Axes:
    """x and y of a simulated path against the step number."""
    steps = np.arange(len(path))
    ax.plot(steps, path[:, 0], label="x")
    ax.plot(steps, path[:, 1], label="y")
    ax.axhline(0, color="k", linewidth=0.5)
    ax.set_xlabel("step")
    ax.set_ylabel("value")
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


def orbit(
    ax: Axes,
    path: np.ndarray,
    label: str | None = None,
    start_circle: bool = True,
    limit: float | None = None,
    **line_options: object,
) -> Axes:
    """A path in the (x, y) plane, its start marked, and the circle of the starting radius."""
    (line,) = ax.plot(path[:, 0], path[:, 1], linewidth=0.8, label=label, **line_options)
    ax.plot(*path[0], "o", color=line.get_color(), markersize=5)
    if start_circle:
        angle = np.linspace(0, 2 * np.pi, 200)
        r0 = radius(path[0])
        ax.plot(r0 * np.cos(angle), r0 * np.sin(angle), "k--", linewidth=0.7)
    ax.plot(0, 0, "k*", markersize=8)
    ax.set_aspect("equal")
    if limit is not None:
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return ax


def scheme_orbits(
    paths: Mapping[str, np.ndarray], ncols: int = 4, limit: float | None = None
) -> Figure:
    """One orbit picture per update rule, side by side.

    With ``limit`` every picture shows -limit..limit; without, each is scaled to its own
    path (the dashed circle, the starting radius, is the yardstick).
    """
    rows = -(-len(paths) // ncols)
    figure, axes = plt.subplots(rows, ncols, figsize=(3.2 * ncols, 3.2 * rows), squeeze=False)
    for ax, (name, path) in zip(axes.flat, paths.items(), strict=False):
        orbit(ax, path, limit=limit)
        ax.set_title(name)
    for ax in list(axes.flat)[len(paths) :]:
        ax.set_visible(False)
    figure.tight_layout()
    return figure


def radius_against_step(ax: Axes, paths: Mapping[str, np.ndarray]) -> Axes:
    """Distance from the saddle against step, log scale, one line per path."""
    for name, path in paths.items():
        ax.semilogy(radius(path), label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("distance from (0, 0)")
    ax.legend(fontsize="small", ncol=2)
    return ax


def growth_factor_curves(ax: Axes, lrs: np.ndarray, factors: Mapping[str, np.ndarray]) -> Axes:
    """Per-step growth factor against learning rate; above the line at 1 a rule diverges."""
    for name, values in factors.items():
        ax.plot(lrs, values, label=name)
    ax.axhline(1, color="k", linewidth=0.8)
    ax.set_xlabel("learning rate lr")
    ax.set_ylabel("growth factor per step")
    ax.legend(fontsize="small")
    return ax
