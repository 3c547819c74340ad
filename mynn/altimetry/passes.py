"""Ocean passes whose waveforms carry bursts of a brighter, spurious echo.

:func:`simulate_track` flies one fixed pass. Following the sea return from one waveform to
the next (:func:`mynn.altimetry.track_water_peak`, :mod:`mynn.altimetry.sequence`) needs
many passes with a known answer and with the hard case made common: runs of several
consecutive waveforms in which another echo, brighter than the sea, sits before or after
the sea's leading edge. :func:`simulate_contaminated_pass` makes them.

- The sea: Brown-Hayne waveforms (:func:`~mynn.altimetry.brown_waveform`'s shape) whose
  epoch wanders smoothly about the tracking gate (the on-board tracker's imperfect
  following: a sum of two slow sines and a random walk, a few gates in all) and whose SWH
  varies smoothly along the track.
- A burst: ``burst_length`` consecutive waveforms (drawn from the range) in which one
  extra echo, ``brightness`` x the sea's amplitude, sits ``offset`` gates from the sea's
  epoch. An echo **after** the sea return is the usual off-nadir bright water (a lagoon, a
  ship, a lead: further away than nadir by (x^2 + y^2) / 2h, so later); an echo **before**
  it is something nearer the satellite than the sea below, e.g. a high coast or cliff
  off to the side. The extra echo is either specular (a narrow Gaussian, sigma_p to
  2 sigma_p gates wide) or a rough surface's Brown return of its own (0.5-3 m "SWH"), which
  looks, waveform by waveform, just like the sea's: only its position along the pass
  gives it away. Its offset drifts by up to a gate per waveform across the burst (the
  hooking parabola).

Physical background: Brown (1977) and Hayne (1980) for the ocean echo; the off-nadir delay
(x^2 + y^2) / (2h) is the geometry of a sphere of radius h about the satellite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mynn.altimetry.model import (
    JASON,
    Instrument,
    add_speckle,
    brown_shape,
    check_instrument,
    sigma_c_from_swh,
)
from mynn.errors import UsageError


@dataclass(frozen=True)
class ContaminatedPass:
    """A simulated ocean pass with bursts of spurious echoes (:func:`simulate_contaminated_pass`).

    Attributes
    ----------
    waveforms : (n, n_gates) measured (speckled) powers; ``clean`` without speckle.
    epoch : (n,) the sea return's leading-edge mid-point in gates (the right answer).
    swh : (n,) the sea's significant wave height in metres.
    contaminated : (n,) True inside a burst.
    spurious_epoch : (n,) the spurious echo's gate (its peak, or its leading-edge mid-point
        for a Brown-shaped echo); NaN outside bursts.
    instrument : the altimeter.
    """

    waveforms: np.ndarray
    clean: np.ndarray
    epoch: np.ndarray
    swh: np.ndarray
    contaminated: np.ndarray
    spurious_epoch: np.ndarray
    instrument: Instrument

    def __len__(self) -> int:
        return len(self.epoch)


def _check_range(value, name: str, low: float, high: float | None = None) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a (low, high) pair of numbers, got {value!r}") from None
    if not (np.isfinite(a) and np.isfinite(b) and low <= a <= b) or (high is not None and b > high):
        limit = "" if high is None else f" and high <= {high:g}"
        raise UsageError(
            f"{name} must be (low, high) with {low:g} <= low <= high{limit}; got {value!r}"
        )
    return a, b


def simulate_contaminated_pass(
    n_waveforms: int = 200,
    burst_rate: float = 0.04,
    burst_length: tuple[int, int] = (3, 12),
    brightness: tuple[float, float] = (1.5, 8.0),
    offset: tuple[float, float] = (6.0, 25.0),
    swh_range: tuple[float, float] = (1.0, 6.0),
    wander: float = 4.0,
    looks: float | None = None,
    instrument: Instrument = JASON,
    rng: np.random.Generator | int | None = None,
) -> ContaminatedPass:
    """An ocean pass of ``n_waveforms`` with bursts of a brighter echo before or after the sea.

    Parameters
    ----------
    n_waveforms : int
        Consecutive 20 Hz waveforms (>= 20).
    burst_rate : float
        Expected bursts started per waveform (0.04: about one every 25 waveforms). Bursts
        do not overlap; a burst never starts in the first or last 5 waveforms, so that a
        tracker has clean waveforms to start from.
    burst_length : (int, int)
        Range of consecutive waveforms one burst lasts.
    brightness : (float, float)
        Range of the spurious echo's peak power over the sea's amplitude.
    offset : (float, float)
        Range of its distance in gates from the sea's epoch; the side (before or after) is
        drawn with equal chances, and it always stays inside the window.
    swh_range : (float, float)
        Range of the sea's SWH in metres; it varies smoothly inside it along the pass.
    wander : float
        Amplitude, in gates, of the sea epoch's slow wander about the tracking gate.
    looks, instrument, rng
        Speckle looks (the instrument's by default), the altimeter, a seed or Generator.

    Returns
    -------
    ContaminatedPass
    """
    instrument = check_instrument(instrument)
    if (
        isinstance(n_waveforms, bool)
        or not isinstance(n_waveforms, (int, np.integer))
        or n_waveforms < 20
    ):
        raise UsageError(f"n_waveforms must be a whole number >= 20, got {n_waveforms!r}")
    if not (np.isfinite(burst_rate) and 0 <= burst_rate <= 0.5):
        raise UsageError(f"burst_rate must lie in 0 .. 0.5 bursts per waveform, got {burst_rate!r}")
    length_low, length_high = _check_range(burst_length, "burst_length", 1, n_waveforms // 4)
    bright_low, bright_high = _check_range(brightness, "brightness", 0.0)
    offset_low, offset_high = _check_range(offset, "offset", 1.0, instrument.n_gates / 3)
    swh_low, swh_high = _check_range(swh_range, "swh_range", 0.0, 20.0)
    if not (np.isfinite(wander) and 0 <= wander <= instrument.n_gates / 8):
        raise UsageError(
            f"wander must lie in 0 .. {instrument.n_gates / 8:g} gates, got {wander!r}"
        )
    looks = instrument.looks if looks is None else looks
    rng = np.random.default_rng(rng)
    n, n_gates = int(n_waveforms), instrument.n_gates
    k = np.arange(n)
    gates = np.arange(n_gates, dtype=np.float64)

    # the sea: a smooth epoch wander and a smooth SWH
    periods = rng.uniform(60.0, 200.0, 2)
    phases = rng.uniform(0.0, 2 * np.pi, 3)
    walk = np.cumsum(rng.normal(0.0, 0.08, n))
    walk -= np.linspace(walk[0], walk[-1], n)  # no drift away from the tracking gate
    epoch = (
        instrument.tracking_gate
        + wander
        * (
            0.6 * np.sin(2 * np.pi * k / periods[0] + phases[0])
            + 0.3 * np.sin(2 * np.pi * k / periods[1] + phases[1])
        )
        + np.clip(walk, -0.25 * wander - 0.5, 0.25 * wander + 0.5)
    )
    middle, half = (swh_low + swh_high) / 2, (swh_high - swh_low) / 2
    swh = middle + half * np.sin(2 * np.pi * k / rng.uniform(150.0, 400.0) + phases[2])
    amplitude = np.exp(rng.normal(0.0, 0.05, n))
    noise = rng.uniform(0.02, 0.04, n)
    clean = noise[:, None] + amplitude[:, None] * brown_shape(
        gates, epoch, sigma_c_from_swh(swh, instrument), instrument.a_per_gate
    )

    # the bursts
    contaminated = np.zeros(n, dtype=bool)
    spurious = np.full(n, np.nan)
    start = 5
    while True:
        start += int(rng.geometric(burst_rate)) if burst_rate > 0 else n
        length = int(rng.integers(length_low, length_high + 1))
        if start + length > n - 5:
            break
        rows = np.arange(start, start + length)
        side = rng.choice([-1.0, 1.0])
        distance = rng.uniform(offset_low, offset_high)
        drift = rng.uniform(-1.0, 1.0) * np.linspace(-1.0, 1.0, length) * min(length, 6) / 2
        at = epoch[rows] + side * np.maximum(distance + drift, offset_low)
        at = np.clip(at, 3.0, n_gates - 6.0)
        power = rng.uniform(bright_low, bright_high) * amplitude[rows]
        if rng.random() < 0.5:  # specular: a narrow peak
            width = instrument.sigma_p_gates * rng.uniform(1.0, 2.0)
            clean[rows] += power[:, None] * np.exp(-0.5 * ((gates - at[:, None]) / width) ** 2)
        else:  # a rough surface of its own: a Brown return, as wide as a sea's
            sigma = sigma_c_from_swh(rng.uniform(0.5, 3.0), instrument)
            clean[rows] += power[:, None] * brown_shape(gates, at, sigma, instrument.a_per_gate)
        contaminated[rows] = True
        spurious[rows] = at
        start += length + 2

    waveforms = add_speckle(clean, looks, rng)
    return ContaminatedPass(
        waveforms=waveforms,
        clean=clean,
        epoch=epoch,
        swh=swh,
        contaminated=contaminated,
        spurious_epoch=spurious,
        instrument=instrument,
    )
