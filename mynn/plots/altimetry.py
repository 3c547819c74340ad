"""Pictures for the satellite-altimetry notebook (see :mod:`mynn.altimetry`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from mynn.altimetry import (
    CLASSES,
    EDGE_10_90,
    JASON,
    BinnedErrors,
    Instrument,
    Track,
    WaveformSet,
    brown_waveform,
    sigma_c_from_swh,
)
from mynn.plots.mnist import plot_confusion_matrix

CLASS_COLOURS = {
    "ocean": "tab:blue",
    "specular": "tab:cyan",
    "ocean_bright": "tab:purple",
    "multi_peak": "tab:pink",
    "land": "tab:brown",
}
"""One colour per surface class."""

METHOD_COLOURS = {
    "truth": "black",
    "network": "tab:red",
    "Brown fit": "tab:blue",
    "whole-waveform Brown fit": "tab:blue",
    "leading-edge width": "tab:olive",
    "nadir sub-waveform fit": "tab:orange",
    "first echo (nadir fit)": "tab:orange",
    "threshold 50 %": "tab:green",
    "highest gate": "tab:brown",
    "brightest echo": "tab:brown",
    "tracked (Viterbi)": "tab:cyan",
    "per-waveform network": "tab:pink",
    "sequence network": "tab:purple",
    "tracker window (gate 31)": "slategray",
}
"""One colour per method, shared by every figure of notebooks 12 and 13: a name keeps its
colour wherever it appears (names for the same method, e.g. "Brown fit" and
"whole-waveform Brown fit", share it). :func:`method_colour` looks them up."""


def method_colour(name: str, index: int = 0) -> str:
    """The colour of method ``name``: from :data:`METHOD_COLOURS`, with a qualifier after a
    comma dropped ("network, 20 Hz" is the network's colour); others get C0, C1, ..."""
    base = name.split(",")[0].strip()
    return METHOD_COLOURS.get(name, METHOD_COLOURS.get(base, f"C{index % 10}"))


_method_colour = method_colour


def plot_brown_waveforms(
    swhs: Sequence[float] = (0.5, 2.0, 4.0, 8.0),
    speckled: np.ndarray | None = None,
    epoch: float = 31.0,
    instrument: Instrument = JASON,
) -> Figure:
    """Noise-free Brown waveforms for several SWH: whole window and the leading edge.

    The right panel marks each edge's predicted 10 %-90 % width, 2.563 sigma_c. With
    ``speckled`` (one measured waveform of the first SWH), a third panel shows it over
    its noise-free shape.
    """
    panels = 3 if speckled is not None else 2
    figure, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4))
    gates = np.arange(instrument.n_gates)
    colours = plt.cm.viridis(np.linspace(0.0, 0.85, len(swhs)))
    for index, (swh, colour) in enumerate(zip(swhs, colours)):
        w = brown_waveform(swh, epoch, instrument=instrument)
        width = EDGE_10_90 * float(sigma_c_from_swh(swh, instrument))
        axes[0].plot(gates, w, color=colour, label=f"SWH {swh:g} m")
        axes[1].plot(gates, w, ".-", color=colour, label=f"{swh:g} m: 10-90 % width {width:.1f}")
        axes[1].hlines(
            -0.06 * (index + 1), epoch - width / 2, epoch + width / 2, color=colour, lw=3
        )
    axes[0].set_title(f"{instrument.name} Brown-Hayne waveforms (noise-free)")
    axes[1].set_xlim(epoch - 15, epoch + 15)
    axes[1].axvline(epoch, color="black", lw=0.8, ls=":")
    axes[1].set_title("the leading edge; bars: 2.563 sigma_c, the predicted 10-90 % width")
    for ax in axes[:2]:
        ax.set_xlabel("range gate")
        ax.set_ylabel("power (amplitude = 1)")
        ax.legend(fontsize=8, loc="lower right")
    if speckled is not None:
        axes[2].plot(gates, speckled, color="tab:gray", lw=1, label="measured (speckle)")
        axes[2].plot(
            gates,
            brown_waveform(swhs[0], epoch, instrument=instrument),
            color=colours[0],
            lw=2,
            label=f"model, SWH {swhs[0]:g} m",
        )
        axes[2].set_xlabel("range gate")
        axes[2].set_ylabel("power")
        axes[2].set_title(f"one 20 Hz waveform: {instrument.looks} echoes averaged")
        axes[2].legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure


def plot_examples(data: WaveformSet, per_class: int = 3) -> Figure:
    """A grid of measured waveforms, one row per class, each with its true nadir epoch."""
    present = [c for c in range(len(CLASSES)) if np.any(data.labels == c)]
    figure, axes = plt.subplots(
        len(present), per_class, figsize=(3.4 * per_class, 2.1 * len(present)), squeeze=False
    )
    for row, label in enumerate(present):
        name = CLASSES[label]
        for column, i in enumerate(np.flatnonzero(data.labels == label)[:per_class]):
            ax = axes[row, column]
            ax.plot(data.waveforms[i], color=CLASS_COLOURS[name], lw=1)
            ax.axvline(data.epoch[i], color="black", lw=0.8, ls=":")
            swh = "" if np.isnan(data.swh[i]) else f", SWH {data.swh[i]:.1f} m"
            ax.set_title(f"{name}{swh}", fontsize=9)
            ax.tick_params(labelsize=7)
            if column == 0:
                ax.set_ylabel("power", fontsize=8)
            if row == len(present) - 1:
                ax.set_xlabel("range gate", fontsize=8)
    figure.suptitle("simulated waveforms (dotted: the true nadir epoch)", fontsize=10)
    figure.tight_layout()
    return figure


def plot_confusion(matrix: np.ndarray, names: Sequence[str] = CLASSES) -> Figure:
    """Counts C[true, predicted] with the numbers written in the cells (mynn's one picture)."""
    return plot_confusion_matrix(matrix, names, counted="waveforms", true_label="true surface")


def plot_binned_errors(results: Mapping[str, BinnedErrors], title: str = "") -> Figure:
    """Bias and RMSE per SWH range, one bar colour per method."""
    figure, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    first = next(iter(results.values()))
    centres = np.arange(len(first.bias))
    labels = [f"{a:g}-{b:g}" for a, b in zip(first.edges[:-1], first.edges[1:])]
    width = 0.8 / len(results)
    for index, (name, errors) in enumerate(results.items()):
        offset = (index - (len(results) - 1) / 2) * width
        colour = _method_colour(name, index)
        axes[0].bar(centres + offset, errors.bias, width, color=colour, label=name)
        axes[1].bar(centres + offset, errors.rmse, width, color=colour, label=name)
    axes[0].axhline(0.0, color="black", lw=0.8)
    for ax, what in zip(axes, ("bias (estimate - truth), m", "RMSE, m")):
        ax.set_xticks(centres, labels)
        ax.set_xlabel("true SWH range, m")
        ax.set_ylabel(what)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, fontsize=8, loc="lower center", ncol=len(labels), frameon=False)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout(rect=(0, 0.07, 1, 1))  # the legend sits under the panels, off the bars
    return figure


def plot_peak_picking(
    waveforms: np.ndarray,
    truth: np.ndarray,
    estimates: Mapping[str, np.ndarray],
    indices: Sequence[int],
    title: str = "",
) -> Figure:
    """Multi-peak waveforms with the true nadir epoch and each method's pick.

    ``indices`` are rows of ``waveforms`` (the panel titles name them, so a reader can
    look a waveform up); the legend sits under the panels, off the data.
    """
    figure, axes = plt.subplots(1, len(indices), figsize=(4 * len(indices), 3.3), squeeze=False)
    for ax, i in zip(axes[0], indices):
        ax.plot(waveforms[i], color="tab:gray", lw=1)
        ax.axvline(truth[i], color="black", lw=2.5, alpha=0.4, label="true nadir epoch")
        for index, (name, epoch) in enumerate(estimates.items()):
            ax.axvline(epoch[i], color=_method_colour(name, index), lw=1.2, ls="--", label=name)
        ax.set_xlabel("range gate")
        ax.set_ylabel("power")
        ax.set_title(f"waveform {i} of the test set", fontsize=9)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, fontsize=8, loc="lower center", ncol=len(labels), frameon=False)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    return figure


def plot_track(
    track: Track,
    heights: Mapping[str, np.ndarray],
    swh: Mapping[str, np.ndarray],
    water_predicted: np.ndarray | None = None,
) -> Figure:
    """A simulated pass: the waveforms as an image, surface heights, and SWH along track.

    Top: log power, one column per waveform, with the true nadir epoch and the bright
    target's parabola. Middle: true height, the tracker's window and retracked heights.
    Bottom: true SWH and the estimates over the sea. ``water_predicted`` marks where a
    classifier says "water" as a strip under the top panel.
    """
    figure, axes = plt.subplots(
        3, 1, figsize=(12, 10), sharex=True, gridspec_kw={"height_ratios": [1.3, 1, 1]}
    )
    x = track.distance_km
    step = x[1] - x[0]
    n_gates = track.instrument.n_gates
    image = np.log10(track.waveforms.T + 1e-3)
    shown = axes[0].imshow(
        image,
        aspect="auto",
        cmap="magma",
        vmin=-2,
        vmax=1,
        extent=[x[0] - step / 2, x[-1] + step / 2, n_gates - 0.5, -0.5],
    )
    colour_bar = axes[0].inset_axes([1.01, 0.0, 0.015, 0.45])  # outside, right: off the data
    figure.colorbar(shown, cax=colour_bar)
    colour_bar.set_title("log10\npower", fontsize=8, loc="left")
    colour_bar.tick_params(labelsize=7)
    inside = (track.epoch >= 0) & (track.epoch <= n_gates - 1)
    axes[0].plot(
        x, np.where(inside, track.epoch, np.nan), color="cyan", lw=1, label="true nadir epoch"
    )
    axes[0].plot(
        x, track.target_epoch, color="lime", lw=1, ls="--", label="bright target: (x^2 + y^2) / 2h"
    )
    axes[0].axhline(track.instrument.tracking_gate, color="white", lw=0.6, ls=":")
    if water_predicted is not None:
        strip = np.where(water_predicted, n_gates - 3, np.nan)
        axes[0].plot(x, strip, "s", color="tab:blue", ms=2, label="network says water")
    axes[0].set_ylabel("range gate")
    outside = {"fontsize": 8, "loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}
    axes[0].legend(**{**outside, "bbox_to_anchor": (1.05, 1.0)})
    axes[0].set_title("simulated pass: ocean | land with a lake | ocean (Jason, 20 Hz)")
    for index, (name, values) in enumerate(heights.items()):
        style = {"lw": 2} if name == "truth" else {"lw": 1}
        axes[1].plot(x, values, label=name, color=method_colour(name, index), **style)
    axes[1].set_ylabel("surface height, m")
    axes[1].legend(**outside)
    for index, (name, values) in enumerate(swh.items()):
        if name == "truth":
            style = {"lw": 2}
        elif "mean" in name:  # a smoothed series: a line, dashed, in its method's colour
            style = {"lw": 1.5, "ls": "--"}
        else:
            style = {"lw": 0.8, "marker": ".", "ms": 2, "alpha": 0.8}
        axes[2].plot(x, values, color=method_colour(name, index), label=name, **style)
    axes[2].set_ylabel("SWH, m")
    axes[2].set_xlabel("along-track distance, km")
    axes[2].legend(**outside)
    for ax in axes:
        ax.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def plot_lags(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], rate_hz: float = 20.0) -> Figure:
    """Cross-correlation against lag for several estimate/truth pairs, peaks marked."""
    figure, ax = plt.subplots(figsize=(7, 3.8))
    for index, (name, (lags, correlation)) in enumerate(curves.items()):
        best = lags[np.nanargmax(correlation)]
        colour = f"C{index}"
        ax.plot(
            lags,
            correlation,
            color=colour,
            label=f"{name}: peak at {best} ({best / rate_hz:.2f} s)",
        )
        ax.axvline(best, color=colour, lw=0.8, ls=":")
    ax.set_xlabel("lag of the estimate behind the truth, waveforms (20 per second)")
    ax.set_ylabel("correlation")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def plot_pass_picks(
    waveforms: np.ndarray,
    truth: np.ndarray,
    picks: Mapping[str, np.ndarray],
    contaminated: np.ndarray | None = None,
    title: str = "",
) -> Figure:
    """A pass as an image (log power, one column per waveform) with each method's pick.

    Below it, each method's error |pick - truth| in gates; bursts of a spurious echo
    (``contaminated``) are shaded in both panels. Legends sit outside the axes.
    """
    figure, axes = plt.subplots(
        2, 1, figsize=(12, 6.5), sharex=True, gridspec_kw={"height_ratios": [1.4, 1]}
    )
    n = len(waveforms)
    k = np.arange(n)
    shown = axes[0].imshow(
        np.log10(np.asarray(waveforms).T + 1e-3),
        aspect="auto",
        cmap="Greys",
        vmax=1.5,
        extent=[-0.5, n - 0.5, waveforms.shape[1] - 0.5, -0.5],
    )
    colour_bar = axes[0].inset_axes([1.01, 0.0, 0.015, 0.45])
    figure.colorbar(shown, cax=colour_bar)
    colour_bar.set_title("log10\npower", fontsize=8, loc="left")
    axes[0].plot(k, truth, color="tab:green", lw=5, alpha=0.4, label="truth: the sea's edge")
    for index, (name, epoch) in enumerate(picks.items()):
        colour = method_colour(name, index)
        axes[0].plot(k, epoch, ".", color=colour, ms=3, label=name)
        axes[1].plot(k, np.abs(epoch - truth), ".-", color=colour, lw=0.7, ms=3, label=name)
    if contaminated is not None:
        for ax in axes:
            ymin, ymax = ax.get_ylim()
            if ax is axes[1]:
                ymin = 0.0
            ax.fill_between(
                k,
                ymin,
                ymax,
                where=contaminated,
                color="tab:red",
                alpha=0.12,
                lw=0,
                label="burst of a brighter echo" if ax is axes[1] else None,
            )
            ax.set_ylim(ymin, ymax)
    axes[0].set_ylabel("range gate")
    axes[0].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.05, 1.0), markerscale=3)
    axes[0].set_title(title, fontsize=10)
    axes[1].axhline(1.5, color="black", lw=0.8, ls=":")
    axes[1].set_yscale("symlog", linthresh=1.0)
    axes[1].set_ylim(0.0, None)
    axes[1].set_ylabel("|pick - truth|, gates")
    axes[1].set_xlabel("waveform along the pass (20 per second)")
    axes[1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    for ax in axes:
        ax.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def plot_height_and_shape(
    distance_km: np.ndarray,
    truth: np.ndarray,
    estimate: np.ndarray,
    lag: int,
    label: str = "estimate",
    ylabel: str = "SWH, m",
) -> Figure:
    """The article's view of a delay: the estimate as it comes, then shifted back by ``lag``.

    Left: truth and estimate against distance (the estimate late by ``lag`` samples).
    Right: the same with the estimate moved ``lag`` samples earlier, so that height and
    shape can be compared on their own.
    """
    figure, axes = plt.subplots(1, 2, figsize=(12, 3.6), sharey=True)
    colour = method_colour(label)
    shifted = np.full_like(estimate, np.nan, dtype=np.float64)
    if lag > 0:
        shifted[:-lag] = estimate[lag:]
    elif lag < 0:
        shifted[-lag:] = estimate[:lag]
    else:
        shifted[:] = estimate
    for ax, values, what in (
        (axes[0], estimate, f"as estimated (late by {lag} waveforms)"),
        (axes[1], shifted, f"moved {lag} waveforms earlier: height and shape"),
    ):
        ax.plot(distance_km, truth, color="black", lw=2, label="truth")
        ax.plot(distance_km, values, color=colour, lw=1.5, ls="--", label=label)
        ax.set_title(what, fontsize=10)
        ax.set_xlabel("along-track distance, km")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper center")  # the middle of a pass is land: no data
    axes[0].set_ylabel(ylabel)
    figure.tight_layout()
    return figure


def plot_two_peaks(
    waveform: np.ndarray,
    sea_epoch: float,
    picks: Mapping[str, float],
    clean: np.ndarray | None = None,
    other_epoch: float | None = None,
    title: str = "",
) -> Figure:
    """One waveform with the sea's return (the wave crests below) and a brighter echo.

    ``sea_epoch`` is the true leading edge of the sea; ``other_epoch`` the spurious echo's
    gate; ``picks`` maps a method's name to the gate it picked (drawn dashed, in the
    method's colour). Legend outside the axes.
    """
    figure, ax = plt.subplots(figsize=(10, 3.4))
    ax.plot(waveform, color="tab:gray", lw=1, label="measured waveform")
    if clean is not None:
        ax.plot(clean, color="black", lw=1, alpha=0.6, label="without speckle")
    ax.axvline(sea_epoch, color="tab:green", lw=4, alpha=0.4, label="the sea's return (truth)")
    if other_epoch is not None:
        ax.axvline(other_epoch, color="tab:red", lw=4, alpha=0.25, label="the brighter echo")
    styles = ("--", ":", "-.")
    for index, (name, gate) in enumerate(picks.items()):
        ax.axvline(gate, color=method_colour(name, index), ls=styles[index % 3], lw=2, label=name)
    ax.set_xlabel("range gate")
    ax.set_ylabel("power")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.tight_layout()
    return figure
