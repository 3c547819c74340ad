"""Pictures for the GAN notebooks: sample grids, loss curves, the 1010 pattern, seed strips.

All take numpy arrays (digits as rows of 784 values in 0..1, 1 = ink, or uint8 0..255), so
this module needs no torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy import ndimage

from mynn.errors import UsageError

LOSS_COLOURS = {"d_real": "tab:blue", "d_fake": "tab:orange", "d": "tab:blue", "g": "tab:green"}


def _squares(images) -> np.ndarray:
    array = np.asarray(images)
    if array.ndim < 2 or array.size % 784 or array.size == 0:
        raise UsageError(f"expected digits of 784 values each, got shape {array.shape}")
    array = array.reshape(-1, 28, 28).astype(np.float64)
    return array / 255.0 if np.asarray(images).dtype == np.uint8 else array


def sample_grid(
    images,
    columns: int = 10,
    title: str | None = None,
    row_labels: Sequence[str] | None = None,
    scale: float = 0.7,
) -> Figure:
    """Digits in a grid, ``columns`` to a row, ink dark on white (as written on paper)."""
    squares = _squares(images)
    rows = -(-len(squares) // columns)
    left = 0.1 if row_labels is None else 1.5  # inches
    top = 0.45 if title else 0.05
    width, height = columns * scale + left + 0.1, rows * scale + top + 0.05
    figure, axes = plt.subplots(rows, columns, figsize=(width, height), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < len(squares):
            ax.imshow(squares[i], cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(i < len(squares))
            side.set_linewidth(0.3)
    if row_labels is not None:
        for ax, label in zip(axes[:, 0], row_labels):
            ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.subplots_adjust(
        wspace=0.05,
        hspace=0.05,
        left=left / width,
        right=1 - 0.1 / width,
        bottom=0.05 / height,
        top=1 - top / height,
    )
    return figure


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    """The mean of each run of ``window`` values (n - window + 1 of them, no padding)."""
    if window <= 1 or len(values) < window:
        return values
    means = ndimage.uniform_filter1d(np.asarray(values, dtype=np.float64), window)
    start = window // 2  # uniform_filter1d centres run k + start on value k
    return means[start : start + len(values) - window + 1]


def loss_curves(
    history, ax: Axes | None = None, smooth: int = 0, title: str | None = None, log: bool = False
) -> Axes:
    """D's losses on real and fake examples and G's loss, per training step.

    ``history`` is a :class:`mynn.gan.training.GanHistory`; ``smooth`` averages each curve
    over that many steps (default: about 1% of the run) so the trend shows through the noise.
    ``log`` draws the losses on a logarithmic scale (for BCE losses far apart).
    """
    ax = ax if ax is not None else plt.figure(figsize=(8, 3.5)).gca()
    window = smooth or max(1, history.steps // 100)
    for key, label in (
        ("d_real", f"D on real (target {1 - getattr(history, 'label_smoothing', 0.0):g})"),
        ("d_fake", "D on fakes (target 0)"),
        ("g", "G (D's loss, target 1)"),
    ):
        values = _smooth(getattr(history, key), window)
        ax.plot(np.arange(len(values)) + window, values, color=LOSS_COLOURS[key], label=label, lw=1)
    ax.set_xlabel(f"training step (batch of {history.batch_size})")
    ax.set_ylabel("loss" + (f" (mean of {window} steps)" if window > 1 else ""))
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def pattern_progress(steps: Sequence[int], outputs, ax: Axes | None = None) -> Axes:
    """The 1010 generator's four outputs at each snapshot: a heat map, one column per step."""
    ax = ax if ax is not None else plt.figure(figsize=(8, 2.6)).gca()
    values = np.asarray(outputs, dtype=float).reshape(len(steps), 4).T
    picture = ax.imshow(values, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for (row, column), value in np.ndenumerate(values):
        ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=8,
                color="white" if value > 0.6 else "black")  # fmt: skip
    ax.set_xticks(range(len(steps)), [str(s) for s in steps], fontsize=8)
    ax.set_yticks(range(4), ["output 1", "output 2", "output 3", "output 4"])
    ax.set_xlabel("training step")
    ax.figure.colorbar(picture, ax=ax, label="value")
    return ax


def seed_strip(
    images, labels: Sequence[str] | None = None, title: str | None = None, width: float = 1.1
) -> Figure:
    """Digits in one row with a caption under each (e.g. the steps from seed 1 to seed 2).

    ``width`` is the width of each picture in inches (widen it for long captions).
    """
    squares = _squares(images)
    lines = max((str(label).count("\n") + 1 for label in labels or []), default=0)
    figure, axes = plt.subplots(
        1, len(squares), figsize=(width * len(squares), 1.4 + 0.2 * lines), squeeze=False
    )
    for i, ax in enumerate(axes[0]):
        ax.imshow(squares[i], cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None:
            ax.set_xlabel(labels[i], fontsize=8)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure
