"""Pictures of digits, confusion matrices and experiment sweeps (matplotlib).

Naming, for every plot helper in :mod:`mynn.plots`: ``plot_*`` makes a new figure and
returns the :class:`~matplotlib.figure.Figure`; ``draw_*`` draws into an Axes (given as
``ax=``, or a new one) and returns that Axes, for panels of a figure the caller lays out.
The names used before this rule (``show_digit``, ``show_digits``, ``plot_sweep``) remain
as aliases.

:func:`plot_confusion_matrix` is mynn's one confusion-matrix picture: the altimetry plots
use it too.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from mynn.errors import UsageError

SWEEP_COLOUR = "tab:blue"
"""Test accuracy, in every sweep."""


def draw_digit(
    pixels: np.ndarray, ax: plt.Axes | None = None, title: str | None = None
) -> plt.Axes:
    """One 784-pixel image as the book draws it: 28 x 28, grey scale, no smoothing."""
    if ax is None:
        ax = plt.figure(figsize=(2.5, 2.5)).add_subplot()
    image = np.asarray(pixels, dtype=np.float64).reshape(28, 28)
    ax.imshow(image, cmap="Greys", interpolation="none")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=9)
    return ax


def plot_digits(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    columns: int = 10,
    titles: Sequence[str] | None = None,
) -> Figure:
    """A grid of digits, titled with their labels (or with ``titles``)."""
    images = np.asarray(images)
    rows = int(np.ceil(len(images) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.25 * rows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= len(images):
            ax.set_axis_off()
            continue
        title = (
            titles[index]
            if titles is not None
            else (str(labels[index]) if labels is not None else None)
        )
        draw_digit(images[index], ax=ax, title=title)
    figure.tight_layout()
    return figure


def plot_confusion_matrix(
    matrix: np.ndarray,
    class_names: Sequence[str] | None = None,
    *,
    counted: str = "images",
    true_label: str = "true label",
) -> Figure:
    """Counts C[true, predicted] as a heat map with the numbers written in each cell.

    Rows are the true classes, columns the network's answers (as
    :func:`mynn.confusion_matrix` counts them), so the diagonal holds the correct answers.
    Empty cells are left blank. ``counted`` names what is counted (the colour bar's label)
    and ``true_label`` the rows' axis.
    """
    matrix = np.asarray(matrix)
    n = len(matrix)
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    figure, ax = plt.subplots(figsize=(6, 5.2))
    shown = ax.imshow(matrix, cmap="Blues")
    figure.colorbar(shown, ax=ax, label=counted)
    for true, predicted in np.ndindex(matrix.shape):
        count = matrix[true, predicted]
        if count:
            colour = "white" if count > matrix.max() / 2 else "black"
            ax.text(predicted, true, str(count), ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(n), names, rotation=45 if max(map(len, names)) > 2 else 0)
    ax.set_yticks(range(n), names)
    ax.set_xlabel("the network's answer")
    ax.set_ylabel(true_label)
    ax.set_title("confusion matrix (diagonal = correct)")
    figure.tight_layout()
    return figure


def draw_sweep(
    values: Sequence[float],
    accuracies: Sequence[float],
    xlabel: str,
    log_x: bool = False,
    title: str | None = None,
    ax: plt.Axes | None = None,
    rounding_decides: Sequence[bool] | None = None,
) -> plt.Axes:
    """Test accuracy against one setting (learning rate, hidden nodes, epochs), as in the book.

    The x axis is labelled with exactly the values tried (on a log scale too, where the
    default ticks would be powers of ten). ``rounding_decides`` marks the points whose
    exact value depends on floating-point rounding (e.g. a chaotic, too large learning
    rate): they are drawn hollow, and the legend says why.
    """
    values = [float(v) for v in values]
    accuracies = [float(a) for a in accuracies]
    if len(values) != len(accuracies):
        raise UsageError(f"{len(values)} values but {len(accuracies)} accuracies")
    if ax is None:
        ax = plt.figure(figsize=(7, 4)).add_subplot()
    ax.plot(values, accuracies, "-", color=SWEEP_COLOUR)
    uncertain = (
        np.zeros(len(values), dtype=bool)
        if rounding_decides is None
        else np.asarray(rounding_decides, dtype=bool)
    )
    x, y = np.asarray(values), np.asarray(accuracies)
    ax.plot(x[~uncertain], y[~uncertain], "o", color=SWEEP_COLOUR)
    if uncertain.any():
        ax.plot(
            x[uncertain],
            y[uncertain],
            "o",
            markerfacecolor="white",
            color=SWEEP_COLOUR,
            label="exact value decided by rounding",
        )
        ax.legend(loc="lower left", fontsize="small")
    if log_x:
        ax.set_xscale("log")
        ax.xaxis.set_minor_locator(NullLocator())
    crowded = log_x and len(values) > 8  # neighbours on a log axis can touch: tilt them
    ax.set_xticks(values, [f"{v:g}" for v in values], rotation=45 if crowded else 0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test accuracy")
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


# The names used before the plot_* / draw_* rule.
show_digit = draw_digit
show_digits = plot_digits
plot_sweep = draw_sweep
