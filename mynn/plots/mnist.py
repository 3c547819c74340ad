"""Pictures of digits, confusion matrices and experiment sweeps (matplotlib)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def show_digit(
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


def show_digits(
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
        show_digit(images[index], ax=ax, title=title)
    figure.tight_layout()
    return figure


def plot_confusion_matrix(matrix: np.ndarray, class_names: Sequence[str] | None = None) -> Figure:
    """Counts C[true, predicted] as a heat map with the numbers written in each cell."""
    matrix = np.asarray(matrix)
    n = len(matrix)
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    figure, ax = plt.subplots(figsize=(6, 5.2))
    shown = ax.imshow(matrix, cmap="Blues")
    figure.colorbar(shown, ax=ax, label="images")
    for true, predicted in np.ndindex(matrix.shape):
        count = matrix[true, predicted]
        if count:
            colour = "white" if count > matrix.max() / 2 else "black"
            ax.text(predicted, true, str(count), ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(n), names, rotation=45 if max(map(len, names)) > 2 else 0)
    ax.set_yticks(range(n), names)
    ax.set_xlabel("the network's answer")
    ax.set_ylabel("true label")
    ax.set_title("confusion matrix (diagonal = correct)")
    figure.tight_layout()
    return figure


def plot_sweep(
    values: Sequence[float],
    accuracies: Sequence[float],
    xlabel: str,
    log_x: bool = False,
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Test accuracy against one setting (learning rate, hidden nodes, epochs), as in the book."""
    if ax is None:
        ax = plt.figure(figsize=(5, 3.5)).add_subplot()
    ax.plot(values, accuracies, "o-", color="tab:blue")
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test accuracy")
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    return ax
