"""Pictures of the x·y game for the adversarial-games notebook (see :mod:`mynn.games`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mynn import games
from mynn.errors import UsageError
from mynn.games import radius

SCHEME_COLOURS: dict[str, str] = {
    "simultaneous": "tab:red",
    "alternating": "tab:orange",
    "extragradient": "tab:green",
    "optimistic": "tab:purple",
    "consensus": "tab:brown",
    "momentum": "tab:pink",
    "proximal": "tab:olive",
    "adam": "tab:blue",
}
"""One colour per update rule, the same in every picture of the notebook."""

SCHEME_LINE_OPTIONS: dict[str, dict[str, object]] = {
    "extragradient": {"linewidth": 4},
    "optimistic": {"linestyle": ":", "linewidth": 2.5},
    "proximal": {"linestyle": "--"},
}
"""Extragradient is drawn wide, optimistic dotted and proximal dashed on top of it: at small
learning rates their distance curves almost coincide (at lr = 0.1 the growth factors of
extragradient and proximal differ by 5e-7, optimistic's by 1e-4), and with plain lines one
would hide the others. :func:`close_rules_against_step` tells them apart."""

CLOSE_RULES = ("extragradient", "optimistic", "proximal")
"""The rules whose distance curves lie on top of each other at small learning rates."""

COORDINATE_COLOURS = {"x": "black", "y": "tab:gray"}
"""x and y against step: not rules, so not rule colours."""

FLOW_COLOUR = "black"
"""The continuous-time circle."""


def scheme_style(name: str) -> dict[str, object]:
    """Line options for a rule: its colour (and width or style); {} for a name that isn't one."""
    if name not in SCHEME_COLOURS:
        return {}
    return {"color": SCHEME_COLOURS[name], **SCHEME_LINE_OPTIONS.get(name, {})}


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
        raise UsageError(f"arrows must be 'gradient' or 'players', got {arrows!r}")
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
    ax.plot(steps, path[:, 0], color=COORDINATE_COLOURS["x"], label="x")
    ax.plot(steps, path[:, 1], color=COORDINATE_COLOURS["y"], label="y")
    ax.axhline(0, color="k", linewidth=0.5)
    ax.set_xlabel("step")
    ax.set_ylabel("value")
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


DRAW_LIMIT = 1e200
"""The farthest distance :func:`explore` draws. float64 overflows to inf at 1.8e308, and
matplotlib's log axes fail somewhat before that; a path that gets farther is drawn up to
there, with the last point marked and a note."""


def drawable_steps(path: np.ndarray) -> int:
    """How many points of a path can be drawn: up to the first one that is non-finite or
    farther than :data:`DRAW_LIMIT` from (0, 0)."""
    with np.errstate(invalid="ignore", over="ignore"):
        distance = radius(path)
        ok = np.isfinite(distance) & (distance <= DRAW_LIMIT)
    return len(ok) if ok.all() else int(np.argmin(ok))


def orbit(
    ax: Axes,
    path: np.ndarray,
    label: str | None = None,
    start_circle: bool = True,
    limit: float | None = None,
    scheme: str | None = None,
    **line_options: object,
) -> Axes:
    """A path in the (x, y) plane, its start marked, and the circle of the starting radius.

    ``scheme`` colours the path with the rule's colour from :data:`SCHEME_COLOURS`. A path
    that runs off beyond :data:`DRAW_LIMIT` (or overflows) is drawn up to there and its last
    drawn point marked with an X.
    """
    if scheme is not None:
        line_options = {"color": SCHEME_COLOURS.get(scheme), **line_options}
    shown = path[: max(drawable_steps(path), 1)]
    (line,) = ax.plot(shown[:, 0], shown[:, 1], linewidth=0.8, label=label, **line_options)
    ax.plot(*path[0], "o", color=line.get_color(), markersize=5)
    if len(shown) < len(path):
        ax.plot(*shown[-1], "kX", markersize=8)
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
        orbit(ax, path, limit=limit, scheme=name)
        ax.set_title(name, color=SCHEME_COLOURS.get(name, "black"))
    for ax in list(axes.flat)[len(paths) :]:
        ax.set_visible(False)
    figure.tight_layout()
    return figure


def radius_against_step(ax: Axes, paths: Mapping[str, np.ndarray]) -> Axes:
    """Distance from the saddle against step, log scale, one line per path.

    A path that runs off beyond :data:`DRAW_LIMIT` stops there, marked with an X."""
    for name, path in paths.items():
        shown = radius(path[: drawable_steps(path)])
        ax.semilogy(shown, label=name, **scheme_style(name))
        if len(shown) < len(path):
            ax.plot(len(shown) - 1, shown[-1], "kX", markersize=8)
    ax.set_xlabel("step")
    ax.set_ylabel("distance from (0, 0)")
    ax.legend(fontsize="small", ncol=2)
    return ax


def close_rules_against_step(
    ax: Axes,
    paths: Mapping[str, np.ndarray],
    names: Sequence[str] = CLOSE_RULES,
    reference: str = "extragradient",
) -> Axes:
    """Each rule's distance from (0, 0) divided by ``reference``'s, against step.

    A zoom on rules that :func:`radius_against_step` draws on top of each other: a rule
    whose growth factor per step is rho, against the reference's rho_ref, drifts away from
    the line at 1 as (rho / rho_ref) ** step. A ratio is drawn only while both paths can
    be drawn (see :func:`drawable_steps`), marked with an X where it stops.
    """
    missing = [name for name in (*names, reference) if name not in paths]
    if missing:
        raise UsageError(f"no path for {missing}; paths has {sorted(paths)}")
    reference_steps = drawable_steps(paths[reference])
    base = radius(paths[reference][:reference_steps])
    for name in names:
        steps = min(drawable_steps(paths[name]), reference_steps)
        ratio = radius(paths[name][:steps]) / base[:steps]
        ax.plot(ratio, label=name, **scheme_style(name))
        if steps < len(paths[name]) and steps:
            ax.plot(steps - 1, ratio[-1], "kX", markersize=8)
    ax.set_xlabel("step")
    ax.set_ylabel(f"distance / {reference}'s distance")
    ax.legend(fontsize="small")
    return ax


def growth_factor_curves(ax: Axes, lrs: np.ndarray, factors: Mapping[str, np.ndarray]) -> Axes:
    """Per-step growth factor against learning rate; above the line at 1 a rule diverges."""
    for name, values in factors.items():
        ax.plot(lrs, values, label=name, **scheme_style(name))
    ax.axhline(1, color="k", linewidth=0.8)
    ax.set_xlabel("learning rate lr")
    ax.set_ylabel("growth factor per step")
    ax.legend(fontsize="small")
    return ax


EXPLORE_MAX_STEPS = 2000
"""The explorer's largest number of steps."""


def explore(
    scheme: str = "simultaneous",
    lr: float = 0.1,
    steps: int = 499,
    x0: float = 0.6,
    y0: float = 0.7,
) -> Figure:
    """One rule played from (x0, y0): its path in the plane and its distance against step.

    Every point is drawn, however far out (the axes scale to the path), up to
    :data:`DRAW_LIMIT`: a rule that diverges long enough gets farther than any axis can
    show (and then overflows float64); the picture stops at the last point within the
    limit, marks it with an X, and says so. For the linear rules the distance panel also
    shows the growth factor's prediction r0·ρ^k, dotted.
    """
    path = games.simulate(scheme, x0, y0, lr, steps)
    last = max(drawable_steps(path) - 1, 0)
    shown = path[: last + 1]
    distance = radius(shown)
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    orbit(left, shown, scheme=scheme)
    left.set_title(f"{scheme}, lr = {lr:.3g}, {steps} steps", color=SCHEME_COLOURS[scheme])
    right.semilogy(
        np.arange(last + 1), distance[: last + 1], label="simulated", **scheme_style(scheme)
    )
    if scheme in games.LINEAR_SCHEMES:
        if scheme in games.CLOSED_FORM_SCHEMES:
            factor = games.closed_form_growth_factor(scheme, lr)
        else:
            factor = games.growth_factor(scheme, lr)
        with np.errstate(over="ignore", under="ignore"):
            predicted = distance[0] * factor ** np.arange(last + 1, dtype=np.float64)
        right.semilogy(predicted, "k:", linewidth=1.5, label=f"r0 × {factor:.4g}^step")
        words = games.describe_growth(factor)
        if scheme == "alternating" and lr == 2:
            words = "lr = 2 exactly: a repeated eigenvalue -1, the distance grows linearly"
        right.set_title(words)
    else:
        right.set_title("Adam: not linear, no single growth factor")
    if last < steps:
        right.plot(last, distance[last], "kX", markersize=9)  # orbit() marks the left
        left.set_title(
            f"{scheme}, lr = {lr:.3g}: beyond {DRAW_LIMIT:.0e} after step {last}\n"
            f"(drawn up to there, marked X, of {steps} steps)",
            color=SCHEME_COLOURS[scheme],
        )
    right.set_xlabel("step")
    right.set_ylabel("distance from (0, 0), log scale")
    right.legend(loc="best", fontsize="small")
    figure.tight_layout()
    return figure


def explore_widget(x0: float = 0.6, y0: float = 0.7, lr: float = 0.1, steps: int = 499):
    """Sliders for :func:`explore`: rule, learning rate 0.01..3.16 (log scale), steps 1..2000.

    The steps slider moves one step at a time (so 499 is reachable), and the learning rate
    slider reaches past 2, where alternating steps stop cycling (extragradient stops
    converging at 1). Needs ipywidgets and a live kernel; returns the
    ``ipywidgets.interactive`` to display.
    """
    import ipywidgets as widgets

    def draw(scheme: str, lr: float, steps: int) -> None:
        explore(scheme, lr, steps, x0, y0)
        plt.show()

    return widgets.interactive(
        draw,
        scheme=widgets.Dropdown(options=games.SCHEMES, value="simultaneous", description="rule"),
        lr=widgets.FloatLogSlider(
            value=lr, base=10, min=-2, max=0.5, step=0.01, readout_format=".3g", description="lr"
        ),
        steps=widgets.IntSlider(
            value=steps, min=1, max=EXPLORE_MAX_STEPS, step=1, description="steps"
        ),
    )
