"""Turning waveforms into network inputs, and wave heights into targets and back.

``mynn.NeuralNetwork`` uses the sigmoid everywhere, as the book does, so (like the book's
pixels and labels) its inputs should lie in about 0.01 .. 1.0 and its targets in
0.01 .. 0.99:

- :func:`classifier_inputs`: each waveform divided by its own maximum and mapped to
  0.01 .. 1.0. Only the SHAPE is kept: real backscatter varies too much between surfaces
  and seasons for the raw power to be trusted.
- :func:`swh_inputs`: the leading edge, cut out and aligned on its 50 % point (so the
  network need not learn where the edge is), noise floor removed, divided by the plateau,
  mapped to 0.01 .. 1.0.
- :func:`swh_to_target` / :func:`target_to_swh`: SWH in 0 .. ``max_swh`` metres linearly
  to 0.1 .. 0.9 (inside the sigmoid's 0.01 .. 0.99, away from its flat ends, where a
  regression learns slowly) and back.
- :func:`pulse_peakiness`: max / mean, the classical land/water/ice feature.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mynn.altimetry.model import JASON, Instrument, check_instrument, check_swh
from mynn.altimetry.retrackers import as_waveforms, leading_edge_swh
from mynn.errors import UsageError

MAX_SWH = 12.0
"""Default top of the SWH scale used for network targets, in metres."""


def pulse_peakiness(waveform: ArrayLike) -> np.ndarray | float:
    """Pulse peakiness max(p) / mean(p) per waveform: ~2 ocean, tens specular, < 2 land."""
    power = as_waveforms(waveform)
    mean = power.mean(axis=1)
    if np.any(mean <= 0):
        raise UsageError("pulse peakiness needs waveforms with positive mean power")
    value = power.max(axis=1) / mean
    return float(value[0]) if np.ndim(waveform) == 1 else value


def classifier_inputs(waveform: ArrayLike) -> np.ndarray:
    """Each waveform / its maximum, mapped to 0.01 .. 1.0: one row of inputs per waveform."""
    power = as_waveforms(waveform)
    peak = power.max(axis=1, keepdims=True)
    if np.any(peak <= 0) or np.any(power < 0):
        raise UsageError("waveforms must hold non-negative powers with a positive maximum")
    return 0.01 + 0.99 * power / peak


def swh_inputs(
    waveform: ArrayLike,
    instrument: Instrument = JASON,
    before: int = 16,
    after: int = 32,
    headroom: float = 1.5,
) -> np.ndarray:
    """The leading edge as network inputs: ``before + after`` values per waveform.

    With the noise floor, plateau and 50 % epoch of :func:`leading_edge_swh`, each waveform
    is resampled (linear interpolation) at ``epoch - before .. epoch + after - 1`` gates,
    scaled as (p - noise) / (plateau - noise), which is about 0 before the edge and 1 on
    the plateau, clipped to 0 .. ``headroom`` (speckle reaches above 1) and mapped to
    0.01 .. 1.0. Gates outside the window repeat the end values.
    """
    instrument = check_instrument(instrument)
    power = as_waveforms(waveform, instrument)
    if before < 1 or after < 1:
        raise UsageError(f"before and after must be positive gate counts, got {before}, {after}")
    edge = leading_edge_swh(power, instrument)
    epoch = np.nan_to_num(np.atleast_1d(edge.epoch), nan=instrument.tracking_gate)
    noise = np.atleast_1d(edge.noise_floor)
    span = np.maximum(np.atleast_1d(edge.amplitude) - noise, 1e-12)
    gates = np.arange(power.shape[1], dtype=np.float64)
    offsets = np.arange(-before, after, dtype=np.float64)
    rows = np.empty((len(power), before + after))
    for i, p in enumerate(power):
        rows[i] = np.interp(epoch[i] + offsets, gates, p)
    scaled = np.clip((rows - noise[:, None]) / span[:, None], 0.0, headroom) / headroom
    return 0.01 + 0.99 * scaled


def _check_target_range(low: float, high: float, max_swh: float) -> None:
    if not 0.0 < low < high < 1.0 or not max_swh > 0:
        raise UsageError(
            "targets need 0 < low < high < 1 (a sigmoid never reaches 0 or 1) and max_swh > 0; "
            f"got low={low!r}, high={high!r}, max_swh={max_swh!r}"
        )


def swh_to_target(
    swh: ArrayLike, max_swh: float = MAX_SWH, low: float = 0.1, high: float = 0.9
) -> np.ndarray:
    """SWH (0 .. max_swh metres) to a sigmoid target: low + (high - low) * swh / max_swh."""
    _check_target_range(low, high, max_swh)
    swh = check_swh(swh)
    if np.any(swh > max_swh):
        raise UsageError(
            f"swh above max_swh = {max_swh} m cannot be a sigmoid target; raise max_swh"
        )
    return low + (high - low) * swh / max_swh


def target_to_swh(
    output: ArrayLike, max_swh: float = MAX_SWH, low: float = 0.1, high: float = 0.9
) -> np.ndarray:
    """The inverse of :func:`swh_to_target`: a network output back to metres (>= 0)."""
    _check_target_range(low, high, max_swh)
    output = np.asarray(output, dtype=np.float64)
    return np.maximum((output - low) / (high - low) * max_swh, 0.0)
