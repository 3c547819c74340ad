"""Waveforms of other surfaces, a labelled data set, and a simulated along-track pass.

The ocean's echo is the Brown-Hayne waveform (:mod:`mynn.altimetry.model`). Other surfaces
are drawn with the simple shapes commonly used for them in the retracking literature
(e.g. the waveform classes of Deng & Featherstone 2006, J. Geophys. Res. 111, C06012, and
of Gommenginger et al. 2011, "Retracking altimeter waveforms near the coasts", in
*Coastal Altimetry*, Springer):

- specular / quasi-specular (a calm lake, a sea-ice lead): a narrow Gaussian about sigma_p
  wide, 3-30 x the ocean's amplitude (:func:`specular_waveform`);
- ocean plus a bright off-nadir peak (:func:`ocean_with_bright_target`), and multi-peak
  waveforms: a nadir return plus 1-3 bright peaks at later gates
  (:func:`multi_peak_waveform`);
- land: a weak, very wide leading edge (a Brown shape with an effective "SWH" of 15-50 m),
  irregular (:func:`land_waveform`).

Pulse peakiness (max / mean) tells them apart roughly: about 2 over the ocean, tens for
specular water, below 2 over land.

Off-nadir bright water at along-track distance x (and cross-track distance y) is further
from the satellite than the nadir point by about (x^2 + y^2) / (2h): as the satellite
passes, its peak slides through successive waveforms along that parabola ("hooking"),
weighted by the two-way antenna gain exp(-(4 / gamma) sin^2 theta) (Brown 1977's Gaussian
beam). :func:`simulate_track` flies a pass over ocean, a coast, land with a lake, and
ocean again, with a simple closed-loop tracker whose window lags after the land-to-water
transition. Everything here is simulated; real data would add what this leaves out (see
the notebook).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mynn.altimetry.model import (
    JASON,
    Instrument,
    add_speckle,
    brown_shape,
    check_epoch,
    check_instrument,
    check_positive,
    check_swh,
    mispointing_factors,
    sigma_c_from_swh,
)
from mynn.checks import check_whole_number, random_generator
from mynn.errors import UsageError

CLASSES = ("ocean", "specular", "ocean_bright", "multi_peak", "land")
"""The surface classes of :func:`make_dataset`, in label order (0 .. 4)."""

WATER_CLASSES = (0, 1, 2, 3)
"""Labels of the classes that are water (everything but land)."""

LAND = CLASSES.index("land")


def _gates(instrument: Instrument) -> np.ndarray:
    return np.arange(instrument.n_gates, dtype=np.float64)


def _gaussian_peaks(
    gates: np.ndarray, epochs: np.ndarray, amplitudes: np.ndarray, width: float
) -> np.ndarray:
    epochs = np.atleast_1d(np.asarray(epochs, dtype=np.float64))
    amplitudes = np.atleast_1d(np.asarray(amplitudes, dtype=np.float64))
    return (amplitudes[:, None] * np.exp(-0.5 * ((gates - epochs[:, None]) / width) ** 2)).sum(0)


def specular_waveform(
    epoch: float = 31.0,
    amplitude: float = 10.0,
    width: float | None = None,
    noise_floor: float = 0.0,
    instrument: Instrument = JASON,
) -> np.ndarray:
    """A specular (calm water, sea-ice lead) echo: a narrow Gaussian peak at ``epoch``.

    ``width`` is its standard deviation in gates (default sigma_p: the radar's own point
    response, i.e. a mirror-flat surface); ``amplitude`` typically 3-30 x the ocean's.
    """
    instrument = check_instrument(instrument)
    epoch = float(check_epoch(epoch, instrument))
    amplitude = float(check_positive(amplitude, "amplitude"))
    width = instrument.sigma_p_gates if width is None else float(check_positive(width, "width"))
    noise_floor = float(check_positive(noise_floor, "noise_floor", allow_zero=True))
    gates = _gates(instrument)
    return noise_floor + _gaussian_peaks(gates, epoch, amplitude, width)


def multi_peak_waveform(
    swh: float | None,
    epoch: float,
    amplitude: float,
    peak_epochs,
    peak_amplitudes,
    peak_width: float | None = None,
    noise_floor: float = 0.0,
    instrument: Instrument = JASON,
) -> np.ndarray:
    """A nadir return plus bright peaks at other gates (off-nadir water, ships, leads).

    The nadir part is a Brown ocean waveform of ``swh`` metres at ``epoch`` (or, with
    ``swh=None``, a specular peak there); each of ``peak_epochs`` adds a Gaussian of
    ``peak_width`` gates (default sigma_p) and the matching ``peak_amplitudes``. The nadir
    epoch is the "right" peak: it gives the range to the surface below the satellite.
    """
    instrument = check_instrument(instrument)
    epoch = float(check_epoch(epoch, instrument))
    amplitude = float(check_positive(amplitude, "amplitude"))
    peak_epochs = np.atleast_1d(np.asarray(peak_epochs, dtype=np.float64))
    peak_amplitudes = np.atleast_1d(np.asarray(peak_amplitudes, dtype=np.float64))
    if peak_epochs.ndim != 1 or peak_epochs.shape != peak_amplitudes.shape:
        raise UsageError(
            "peak_epochs and peak_amplitudes must be 1-D and of the same length, got shapes "
            f"{peak_epochs.shape} and {peak_amplitudes.shape}"
        )
    check_epoch(peak_epochs, instrument, "peak_epochs")
    check_positive(peak_amplitudes, "peak_amplitudes")
    width = instrument.sigma_p_gates if peak_width is None else float(peak_width)
    check_positive(width, "peak_width")
    noise_floor = float(check_positive(noise_floor, "noise_floor", allow_zero=True))
    gates = _gates(instrument)
    if swh is None:
        nadir = _gaussian_peaks(gates, epoch, amplitude, instrument.sigma_p_gates)
    else:
        sigma_c = sigma_c_from_swh(swh, instrument)
        nadir = amplitude * brown_shape(gates, epoch, sigma_c, instrument.a_per_gate)
    return noise_floor + nadir + _gaussian_peaks(gates, peak_epochs, peak_amplitudes, width)


def ocean_with_bright_target(
    swh: float,
    epoch: float = 31.0,
    amplitude: float = 1.0,
    target_delay: float = 20.0,
    target_amplitude: float = 3.0,
    noise_floor: float = 0.0,
    instrument: Instrument = JASON,
) -> np.ndarray:
    """An ocean waveform plus one bright off-nadir peak ``target_delay`` gates after it."""
    if not np.isfinite(target_delay) or target_delay <= 0:
        raise UsageError(
            f"target_delay must be a positive number of gates (an off-nadir target is always "
            f"further away than nadir), got {target_delay!r}"
        )
    return multi_peak_waveform(
        swh,
        epoch,
        amplitude,
        [epoch + target_delay],
        [target_amplitude],
        noise_floor=noise_floor,
        instrument=instrument,
    )


def land_waveform(
    epoch: float = 31.0,
    amplitude: float = 0.3,
    rng: np.random.Generator | int | None = None,
    effective_swh: float | None = None,
    noise_floor: float = 0.0,
    instrument: Instrument = JASON,
    *,
    seed: np.random.Generator | int | None = None,
) -> np.ndarray:
    """A land echo: weak, with a very wide leading edge, irregular.

    A Brown shape with an effective "SWH" of ``effective_swh`` metres (drawn from 15-50 m
    when None: the spread of heights within the footprint), times a smooth random
    modulation (a few broad bumps, from terrain facets of different brightness) and a
    random extra slope of the trailing edge, plus up to two weak narrow bumps.
    """
    instrument = check_instrument(instrument)
    rng = random_generator(seed, rng=rng)
    epoch = float(check_epoch(epoch, instrument))
    amplitude = float(check_positive(amplitude, "amplitude"))
    noise_floor = float(check_positive(noise_floor, "noise_floor", allow_zero=True))
    swh = rng.uniform(15.0, 50.0) if effective_swh is None else float(check_swh(effective_swh))
    gates = _gates(instrument)
    n = instrument.n_gates
    sigma_c = sigma_c_from_swh(swh, instrument)
    shape = brown_shape(gates, epoch, sigma_c, instrument.a_per_gate)
    bumps = _gaussian_peaks(
        gates, rng.uniform(0, n, 4), rng.uniform(-0.4, 0.6, 4), rng.uniform(4.0, 15.0)
    )
    modulation = np.clip(1.0 + bumps, 0.2, None) * np.exp(-rng.uniform(-0.005, 0.015) * gates)
    narrow = _gaussian_peaks(
        gates,
        rng.uniform(epoch, n, 2),
        rng.uniform(0.0, 0.5, 2) * (rng.random(2) < 0.5),
        rng.uniform(1.0, 3.0),
    )
    return noise_floor + amplitude * (shape * modulation + narrow)


# ------------------------------------------------------------------------------ data sets
@dataclass(frozen=True)
class WaveformSet:
    """Labelled simulated waveforms (one per row) from :func:`make_dataset`.

    Attributes
    ----------
    waveforms : (n, n_gates) measured (speckled) powers.
    clean : (n, n_gates) the same without speckle.
    labels : (n,) class index into :data:`CLASSES`.
    swh : (n,) significant wave height in metres for classes with an ocean nadir return
        (ocean, ocean_bright, multi_peak with an ocean nadir), 0 for specular, NaN for land.
    epoch : (n,) the nadir epoch in gates (the "right" peak's leading edge).
    amplitude : (n,) the nadir return's amplitude.
    """

    waveforms: np.ndarray
    clean: np.ndarray
    labels: np.ndarray
    swh: np.ndarray
    epoch: np.ndarray
    amplitude: np.ndarray

    @property
    def is_water(self) -> np.ndarray:
        """True where the surface is water (every class but land)."""
        return self.labels != LAND

    def __len__(self) -> int:
        return len(self.labels)


def make_dataset(
    n: int,
    classes=CLASSES,
    swh_range: tuple[float, float] = (0.5, 10.0),
    epoch_spread: float = 4.0,
    mispointing: tuple[float, float] = (0.0, 0.05),
    looks: float | None = None,
    instrument: Instrument = JASON,
    rng: np.random.Generator | int | None = None,
    *,
    seed: np.random.Generator | int | None = None,
) -> WaveformSet:
    """``n`` labelled waveforms, classes drawn in equal shares from ``classes``.

    Per class (amplitudes in units of a typical ocean return):

    - ocean: SWH uniform in ``swh_range``, amplitude log-normal about 1 (20 %), mispointing
      uniform in ``mispointing`` (degrees; a fit that assumes none reads SWH about 5 cm
      high at 0.1 degrees);
    - specular: amplitude 3-30, width sigma_p to 2 sigma_p, SWH 0;
    - ocean_bright: an ocean waveform plus one peak 3-60 gates later (within the window),
      0.5-10 x as bright;
    - multi_peak: an ocean (two in three) or specular nadir return plus 2-3 peaks
      2-60 gates later (within the window), 0.3-10 x as bright;
    - land: :func:`land_waveform` with amplitude 0.1-1 and its epoch spread twice as wide
      (the tracker follows land less well).

    Epochs are uniform within ``epoch_spread`` gates of the tracking gate; the noise floor
    is 1-5 % of the nadir amplitude; speckle with ``looks`` echoes (the instrument's by
    default).
    """
    instrument = check_instrument(instrument)
    check_whole_number("n", n, unit="waveforms")
    names = [classes] if isinstance(classes, str) else list(classes)
    unknown = [c for c in names if c not in CLASSES]
    if unknown or not names:
        raise UsageError(f"classes must be chosen from {CLASSES}, got {classes!r}")
    try:
        low, high = (float(v) for v in swh_range)
    except (TypeError, ValueError):
        raise UsageError(
            f"swh_range must be a (low, high) pair of wave heights in metres, got {swh_range!r}"
        ) from None
    check_swh([low, high], "swh_range")
    if high < low:
        raise UsageError(f"swh_range must be (low, high) with low <= high, got {swh_range!r}")
    try:
        mispointing = tuple(float(v) for v in mispointing)
        if len(mispointing) != 2:
            raise ValueError
    except (TypeError, ValueError):
        raise UsageError(
            f"mispointing must be a (low, high) pair of angles in degrees, got {mispointing!r}"
        ) from None
    if not 0 <= mispointing[0] <= mispointing[1] <= 2 * instrument.beamwidth_deg:
        raise UsageError(
            f"mispointing must be a (low, high) range of angles in degrees within 0 .. "
            f"{2 * instrument.beamwidth_deg:g}, got {mispointing!r}"
        )
    centre = instrument.tracking_gate
    if not 0 <= epoch_spread <= min(centre, instrument.n_gates - 20 - centre) / 2:
        raise UsageError(
            f"epoch_spread must lie between 0 and "
            f"{min(centre, instrument.n_gates - 20 - centre) / 2:g} gates for "
            f"{instrument.name} (land epochs spread twice as far), got {epoch_spread!r}"
        )
    looks = instrument.looks if looks is None else looks
    rng = random_generator(seed, rng=rng)
    labels = np.array([CLASSES.index(c) for c in names])[np.arange(n) % len(names)]
    rng.shuffle(labels)
    gates = _gates(instrument)
    clean = np.empty((n, instrument.n_gates))
    swh = np.full(n, np.nan)
    epoch = rng.uniform(centre - epoch_spread, centre + epoch_spread, n)
    amplitude = np.exp(rng.normal(0.0, 0.2, n))
    for i, label in enumerate(labels):
        kind = CLASSES[label]
        noise = rng.uniform(0.01, 0.05)
        if kind == "land":
            epoch[i] = rng.uniform(centre - 2 * epoch_spread, centre + 2 * epoch_spread)
            amplitude[i] = rng.uniform(0.1, 1.0)
            clean[i] = land_waveform(epoch[i], amplitude[i], rng, instrument=instrument)
            clean[i] += noise * amplitude[i]
            continue
        if kind == "specular":
            amplitude[i] = rng.uniform(3.0, 30.0)
            width = instrument.sigma_p_gates * rng.uniform(1.0, 2.0)
            clean[i] = specular_waveform(epoch[i], amplitude[i], width, instrument=instrument)
            clean[i] += noise  # thermal noise does not scale with the surface's brightness
            swh[i] = 0.0
            continue
        swh[i] = rng.uniform(low, high)
        if kind == "ocean":
            c_xi, loss = mispointing_factors(rng.uniform(*mispointing), instrument)
            shape = brown_shape(gates, epoch[i], sigma_c_from_swh(swh[i], instrument), c_xi)
            clean[i] = amplitude[i] * (loss * shape + noise)
            continue
        room = min(60.0, instrument.n_gates - 2.0 - epoch[i])  # peaks stay in the window
        if kind == "ocean_bright":
            delays = rng.uniform(3.0, room, 1)
            brightness = rng.uniform(0.5, 10.0, 1)
            nadir_swh = swh[i]
        else:  # multi_peak
            count = rng.integers(2, 4)
            delays = rng.uniform(2.0, room, count)
            brightness = rng.uniform(0.3, 10.0, count)
            nadir_swh = swh[i] if rng.random() < 2 / 3 else None
            if nadir_swh is None:
                swh[i] = 0.0
                amplitude[i] = rng.uniform(1.0, 10.0)
        clean[i] = (
            multi_peak_waveform(
                nadir_swh,
                epoch[i],
                amplitude[i],
                epoch[i] + delays,
                brightness * amplitude[i],
                instrument=instrument,
            )
            + noise * amplitude[i]
        )
    waveforms = add_speckle(clean, looks, rng)
    return WaveformSet(waveforms, clean, labels, swh, epoch, amplitude)


# ------------------------------------------------------------------------------ a pass
@dataclass(frozen=True)
class Track:
    """A simulated pass (one entry per 20 Hz waveform) from :func:`simulate_track`.

    Attributes
    ----------
    distance_km : along-track distance.
    time_s : time since the start.
    surface : surface name per waveform: "ocean", "land" or "lake".
    swh : true significant wave height in metres (NaN on land, 0 on the lake).
    height_m : true surface height at nadir (sea level 0).
    window_height_m : the height the tracker's window puts at the tracking gate.
    epoch : true nadir epoch in gates = tracking_gate + (window - surface height) / gate_m
        (outside 0 .. n_gates - 1 when the tracker has lost the surface).
    target_epoch : gate of the bright off-nadir target's peak, NaN when it is not seen.
    waveforms, clean : measured (speckled) and noise-free waveforms, one per row.
    instrument : the altimeter.
    """

    distance_km: np.ndarray
    time_s: np.ndarray
    surface: np.ndarray
    swh: np.ndarray
    height_m: np.ndarray
    window_height_m: np.ndarray
    epoch: np.ndarray
    target_epoch: np.ndarray
    waveforms: np.ndarray
    clean: np.ndarray
    instrument: Instrument

    @property
    def is_water(self) -> np.ndarray:
        """True where the nadir surface is water (the ocean or the lake)."""
        return self.surface != "land"

    def __len__(self) -> int:
        return len(self.distance_km)


def track_profile(distance_km: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pass's ground truth: (surface name, SWH in m, height in m) at each distance.

    Ocean 0-35 km, land 35-80 km (a 15 m coastal rise, hills up to about 45 m, a lake at
    12 m from 55 to 58 km), ocean again from 80 km. SWH varies smoothly along the track,
    2.8 + 1.2 sin(2 pi x / 45 km) metres, about 1.6 to 4 m.
    """
    x = np.asarray(distance_km, dtype=np.float64)
    land = (x >= 35.0) & (x < 80.0)
    lake = (x >= 55.0) & (x < 58.0)
    surface = np.where(land, "land", "ocean").astype("<U5")
    surface[lake] = "lake"
    inland = np.clip(np.minimum(x - 35.0, 80.0 - x), 0.0, None)  # km from the nearest coast
    hills = 15.0 * (1 - np.exp(-inland / 0.3)) + 30.0 * np.sin(np.pi * (x - 35.0) / 45.0) ** 2
    hills += 4.0 * np.sin(2 * np.pi * x / 3.7)
    height = np.where(land, hills, 0.0)
    height[lake] = 12.0
    swh = np.where(surface == "ocean", 2.8 + 1.2 * np.sin(2 * np.pi * x / 45.0), np.nan)
    swh[lake] = 0.0
    return surface, swh, height


def simulate_track(
    length_km: float = 130.0,
    ground_speed_km_s: float = 5.8,
    target_km: float = 100.0,
    target_offset_km: float = 1.5,
    target_brightness: float = 8.0,
    tracker_gain: float = 0.3,
    max_slew_m: float = 1.0,
    looks: float | None = None,
    instrument: Instrument = JASON,
    rng: np.random.Generator | int | None = None,
    *,
    seed: np.random.Generator | int | None = None,
) -> Track:
    """Fly one pass over :func:`track_profile`'s ocean, coast, land with a lake, and ocean.

    One waveform every 1 / rate_hz seconds (``ground_speed_km_s`` along the ground). The
    surfaces: Brown ocean waveforms with the profile's SWH, :func:`land_waveform` over
    land, a specular peak over the lake (amplitude 15). A bright calm target (a lagoon,
    ``target_brightness`` x the ocean's amplitude) lies ``target_offset_km`` off the
    track at ``target_km``: at along-track distance dx its echo comes
    (dx^2 + y^2) / (2h) later than nadir, weighted by the two-way antenna gain
    exp(-(4 / gamma) sin^2 theta), so its peak slides along a parabola through the
    waveforms while it is inside the window.

    The tracker: a first-order loop that moves the window by ``tracker_gain`` x the
    leading edge's offset from the tracking gate, the offset seen only within the window
    (it saturates at the window's ends) and the move limited to ``max_slew_m`` metres per
    waveform. Over land it follows the hills late; at the land-to-water transition the sea
    lies far below the window and it takes tens of waveforms to come back.
    """
    instrument = check_instrument(instrument)
    for name, value in (
        ("length_km", length_km),
        ("ground_speed_km_s", ground_speed_km_s),
        ("target_brightness", target_brightness),
        ("max_slew_m", max_slew_m),
    ):
        check_positive(value, name)
    if not 0 < tracker_gain <= 1:
        raise UsageError(f"tracker_gain must lie in (0, 1], got {tracker_gain!r}")
    looks = instrument.looks if looks is None else looks
    rng = random_generator(seed, rng=rng)
    step_km = ground_speed_km_s / instrument.rate_hz
    distance = np.arange(0.0, length_km, step_km)
    n, n_gates, gate_m = len(distance), instrument.n_gates, instrument.gate_m
    surface, swh, height = track_profile(distance)
    gates = _gates(instrument)
    track_gate = instrument.tracking_gate
    window = np.empty(n)
    epoch = np.empty(n)
    target_epoch = np.full(n, np.nan)
    clean = np.empty((n, n_gates))
    window[0] = height[0]
    h = instrument.altitude_m
    for k in range(n):
        if k:
            seen = np.clip(epoch[k - 1], 0.0, n_gates - 1.0) - track_gate  # edge offset, gates
            move = np.clip(tracker_gain * seen * gate_m, -max_slew_m, max_slew_m)
            window[k] = window[k - 1] - move
        epoch[k] = track_gate + (window[k] - height[k]) / gate_m
        noise = rng.uniform(0.02, 0.04)
        if surface[k] == "ocean":
            shape = brown_shape(
                gates, epoch[k], sigma_c_from_swh(swh[k], instrument), instrument.a_per_gate
            )
            clean[k] = shape + noise
        elif surface[k] == "lake":
            clean[k] = _gaussian_peaks(gates, epoch[k], 15.0, instrument.sigma_p_gates) + noise
        else:
            land_epoch = float(np.clip(epoch[k], 0.0, n_gates - 1.0))
            clean[k] = land_waveform(land_epoch, 0.4, rng, instrument=instrument)
            if epoch[k] != land_epoch:  # the edge is outside the window: slide the shape
                clean[k] = np.interp(gates - (epoch[k] - land_epoch), gates, clean[k])
            clean[k] += 0.4 * noise
        dx, dy = (distance[k] - target_km) * 1e3, target_offset_km * 1e3
        delay_gates = (dx**2 + dy**2) / (2.0 * h) / gate_m
        gain = math.exp(-(4.0 / instrument.gamma) * math.sin(math.hypot(dx, dy) / h) ** 2)
        # the target lies at sea level: its range is the sea's, not the (land) nadir's
        at = track_gate + (window[k] - 0.0) / gate_m + delay_gates
        if 0.0 <= at <= n_gates - 1 and target_brightness * gain > 0.05:
            target_epoch[k] = at
            clean[k] += _gaussian_peaks(
                gates, at, target_brightness * gain, instrument.sigma_p_gates
            )
    waveforms = add_speckle(clean, looks, rng)
    return Track(
        distance_km=distance,
        time_s=np.arange(n) / instrument.rate_hz,
        surface=surface,
        swh=swh,
        height_m=height,
        window_height_m=window,
        epoch=epoch,
        target_epoch=target_epoch,
        waveforms=waveforms,
        clean=clean,
        instrument=instrument,
    )
