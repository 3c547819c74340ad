"""Pictures for your own handwriting: the preparation step by step, naive against prepared."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from mynn.errors import UsageError
from mynn.images import CENTRE, DigitSteps


def _panel(ax: plt.Axes, picture: np.ndarray, title: str, vmax: float = 255.0) -> None:
    ax.imshow(picture, cmap="gray", vmin=0, vmax=vmax, interpolation="nearest")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def show_steps(steps: DigitSteps, title: str | None = None) -> Figure:
    """One row of pictures: the photo, each step of :func:`~mynn.images.prepare_digit`, the inputs.

    Pictures are drawn as the computer holds them: 0 = black, 255 = white. The ink's box is
    outlined in red on the photo; the last panel marks the centre of mass at (14, 14).
    """
    figure, axes = plt.subplots(1, 7, figsize=(15, 2.9))
    height, width = steps.grey.shape
    _panel(axes[0], steps.grey, f"1. grey {width} x {height}")
    top, bottom, left, right = steps.box
    axes[0].add_patch(
        Rectangle(
            (left - 0.5, top - 0.5), right - left, bottom - top, fill=False, color="red", lw=1.2
        )
    )
    _panel(axes[1], steps.ink, "2. inverted" if steps.inverted else "2. (already light ink)")
    _panel(axes[2], steps.foreground, "3. paper removed", vmax=max(steps.foreground.max(), 1))
    _panel(axes[3], steps.mask.astype(float), "4. ink found", vmax=1.0)
    _panel(axes[4], steps.cropped, f"5. cropped {right - left} x {bottom - top}")
    _panel(axes[5], steps.scaled, "6. longer side 20 px")
    _panel(axes[6], steps.centred, "7. centred in 28 x 28")
    axes[6].axhline(CENTRE, color="tab:orange", lw=0.8)
    axes[6].axvline(CENTRE, color="tab:orange", lw=0.8)
    if title:
        figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return figure


def show_naive_and_prepared(
    pictures: Sequence[np.ndarray],
    naive_inputs: np.ndarray,
    prepared_inputs: np.ndarray,
    labels: Sequence[int],
    naive_answers: Sequence[int],
    prepared_answers: Sequence[int],
    names: Sequence[str] | None = None,
) -> Figure:
    """Columns of pictures: the file as loaded, the book's naive 28 x 28, the MNIST-style one.

    Each 28 x 28 is titled with the network's answer, green when right and red when wrong.
    """
    columns = len(pictures)
    figure, axes = plt.subplots(3, columns, figsize=(1.6 * columns, 5.4), squeeze=False)
    for column in range(columns):
        name = names[column] if names is not None else f"a {labels[column]}"
        _panel(axes[0, column], pictures[column], name)
        for row, inputs, answers in (
            (1, naive_inputs, naive_answers),
            (2, prepared_inputs, prepared_answers),
        ):
            ax = axes[row, column]
            _panel(ax, inputs[column].reshape(28, 28), "", vmax=1.0)
            _answer_title(ax, answers[column], labels[column])
    axes[0, 0].set_ylabel("the file", fontsize=9)
    axes[1, 0].set_ylabel("naive", fontsize=9)
    axes[2, 0].set_ylabel("MNIST-style", fontsize=9)
    figure.tight_layout()
    return figure


def _answer_title(ax: plt.Axes, answer: int, label: int, prefix: str = "") -> None:
    """The title "says 7" over a picture: green when the answer is the label, red when it is wrong."""
    right = answer == label
    ax.set_title(f"{prefix}says {answer}", fontsize=9, color="tab:green" if right else "tab:red")


def show_photos_and_prepared(
    photos: Sequence[np.ndarray],
    prepared_inputs: np.ndarray,
    labels: Sequence[int],
    answers: Sequence[int],
) -> Figure:
    """Two rows: photos (as RGB or grey arrays) and, below each, its MNIST-style 28 x 28.

    The prepared picture is titled with the network's answer, green when right and red when
    wrong, as in :func:`show_naive_and_prepared`.
    """
    columns = len(photos)
    if not columns or not (len(prepared_inputs) == len(labels) == len(answers) == columns):
        raise UsageError(
            f"need one prepared input, label and answer per photo: got {columns} photos, "
            f"{len(prepared_inputs)} inputs, {len(labels)} labels, {len(answers)} answers"
        )
    figure, axes = plt.subplots(2, columns, figsize=(2 * columns, 4.4), squeeze=False)
    for column in range(columns):
        top, bottom = axes[0, column], axes[1, column]
        top.imshow(photos[column], cmap="gray", vmin=0, vmax=255)
        top.set_title(f"photo of a {labels[column]}", fontsize=9)
        _panel(bottom, np.reshape(prepared_inputs[column], (28, 28)), "", vmax=1.0)
        _answer_title(bottom, answers[column], labels[column], prefix="prepared: ")
        top.set_xticks([])
        top.set_yticks([])
    figure.tight_layout()
    return figure


def plot_correct_by_kind(
    kinds: Sequence[str],
    naive_correct: Sequence[int],
    prepared_correct: Sequence[int],
    totals: Sequence[int],
) -> Figure:
    """Bars: how many images of each kind the network reads right, naive against prepared."""
    positions = np.arange(len(kinds))
    figure, ax = plt.subplots(figsize=(7, 3.4))
    ax.bar(positions - 0.2, naive_correct, 0.4, label="naive (resize + invert)", color="tab:red")
    ax.bar(positions + 0.2, prepared_correct, 0.4, label="MNIST-style", color="tab:blue")
    ax.plot(positions, totals, "k_", markersize=30, label="images of that kind")
    ax.set_xticks(positions, kinds)
    ax.set_ylabel("digits read correctly")
    ax.set_xlabel("kind of sample image")
    ax.set_ylim(0, max(totals) * 1.35)
    ax.legend(fontsize=8, loc="upper center", ncols=3)
    ax.grid(True, axis="y", alpha=0.3)
    figure.tight_layout()
    return figure
