"""Classical retrackers: where is the leading edge, and how wide is it?

"Retracking" re-estimates, on the ground, what the on-board tracker only approximated: the
epoch (the gate of the mean surface, from which the range and the surface height follow),
the amplitude (backscatter) and, over the sea, the leading edge's width, i.e. the
significant wave height (SWH). Four methods, from the simplest to the model fit:

- :func:`ocog`: the Offset Centre Of Gravity (Wingham et al. 1986). With powers p_i::

      A = sqrt(sum p^4 / sum p^2),  W = (sum p^2)^2 / sum p^4,  COG = sum i p^2 / sum p^2,
      leading edge at COG - W / 2.

- :func:`threshold_retrack`: the first (linearly interpolated) crossing of
  ``noise + fraction * (amplitude - noise)``, e.g. 50 % (Davis 1997, with the OCOG
  amplitude).
- :func:`leading_edge_swh`: sigma_c = width(10 % to 90 %) / 2.563 (the 10-90 % width of an
  error-function edge is 2 x 1.2816 sigma), then SWH = 2c sqrt(sigma_c^2 - sigma_p^2). It
  needs smoothing and a robust (median) plateau, and is still badly biased at small SWH.
- :func:`retrack_brown`: least-squares fit of the Brown-Hayne model (amplitude, epoch,
  sigma_c, noise floor) with ``scipy.optimize.least_squares``; the standard ocean
  retracker (MLE/LSE fits of this kind give roughly 0.4-0.7 m of SWH noise per 20 Hz
  waveform, about 0.1 m at 1 Hz for 2 m waves; every method reads high below about 1 m).

Sources: Wingham, Rapley & Griffiths (1986), Proc. IGARSS; Davis (1997), IEEE TGRS 35(4);
G. S. Brown (1977), IEEE Trans. Antennas Propag. 25(1); L. Amarouche et al. (2004), Marine
Geodesy 27.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import ndimage
from scipy.optimize import least_squares
from scipy.special import erf

from mynn.altimetry.model import (
    JASON,
    Instrument,
    check_instrument,
    mispointing_factors,
    swh_from_sigma_c,
)
from mynn.checks import check_whole_number
from mynn.errors import UsageError

EDGE_10_90 = 2.0 * 1.2815515655446004
"""The 10 %-90 % width of an error-function edge in units of its sigma (2.563)."""


def as_waveforms(waveform: ArrayLike, instrument: Instrument | None = None) -> np.ndarray:
    """Waveforms as a 2-D float array, one per row (a single 1-D waveform becomes one row)."""
    power = np.asarray(waveform, dtype=np.float64)
    if power.ndim not in (1, 2) or power.shape[-1] < 8:
        raise UsageError(
            "waveform must be one waveform (1-D, one power per gate) or a 2-D array with one "
            f"waveform per row, at least 8 gates long; got shape {power.shape}"
        )
    if instrument is not None and power.shape[-1] != instrument.n_gates:
        raise UsageError(
            f"waveforms have {power.shape[-1]} gates but {instrument.name} has "
            f"{instrument.n_gates}; pass the instrument that recorded them"
        )
    if not np.all(np.isfinite(power)):
        raise UsageError("waveform contains NaN or infinity")
    return np.atleast_2d(power)


def _unbatch(value: np.ndarray, single: bool):
    return float(value[0]) if single else value


def running_mean(waveform: ArrayLike, width: int = 3) -> np.ndarray:
    """Centred running mean over ``width`` gates (odd), edges padded by repetition.

    out[i] = (p[i - h] + ... + p[i + h]) / width with h = width // 2, where p repeats the
    first and last gate beyond the ends: scipy's ``uniform_filter1d(mode="nearest")``.
    """
    check_whole_number("width", width, fix="use an odd number of gates: 1, 3, 5, ...")
    if width % 2 == 0:
        raise UsageError(f"width must be odd so the mean stays centred, got {width}")
    power = np.asarray(waveform, dtype=np.float64)
    return ndimage.uniform_filter1d(power, width, axis=-1, mode="nearest")


def noise_floor_estimate(waveform: ArrayLike, gates: int = 6, skip: int = 2) -> np.ndarray:
    """Thermal noise estimate: mean of gates ``skip .. skip + gates`` (before the edge)."""
    power = as_waveforms(waveform)
    return power[:, skip : skip + gates].mean(axis=1)


class OCOG(NamedTuple):
    """Offset-centre-of-gravity results (gates and power units), one value per waveform."""

    amplitude: np.ndarray | float
    width: np.ndarray | float
    centre: np.ndarray | float
    leading_edge: np.ndarray | float


def ocog(waveform: ArrayLike, skip: int = 4) -> OCOG:
    """The OCOG retracker (Wingham et al. 1986) of one waveform or a batch (rows).

    A = sqrt(sum p^4 / sum p^2), W = (sum p^2)^2 / sum p^4, COG = sum i p^2 / sum p^2 and
    the leading edge at COG - W / 2, with the sums over all gates but the first and last
    ``skip`` (which are affected by aliasing on real instruments).
    """
    single = np.ndim(waveform) == 1
    power = as_waveforms(waveform)
    n = power.shape[1]
    if isinstance(skip, bool) or not isinstance(skip, (int, np.integer)):
        raise UsageError(f"skip must be a whole number of gates, got {skip!r}")
    if skip < 0 or 2 * skip >= n - 2:
        raise UsageError(f"skip must be between 0 and {(n - 3) // 2} for {n} gates, got {skip}")
    p = power[:, skip : n - skip]
    gates = np.arange(skip, n - skip, dtype=np.float64)
    p2, p4 = (p**2).sum(axis=1), (p**4).sum(axis=1)
    if np.any(p2 == 0):
        raise UsageError("a waveform is all zeros in the retracked gates; nothing to retrack")
    amplitude = np.sqrt(p4 / p2)
    width = p2**2 / p4
    centre = (gates * p**2).sum(axis=1) / p2
    edge = centre - width / 2.0
    return OCOG(*(_unbatch(v, single) for v in (amplitude, width, centre, edge)))


def _first_crossing(power: np.ndarray, level: np.ndarray, start: np.ndarray) -> np.ndarray:
    """First gate (linearly interpolated) at or after ``start`` where power >= level."""
    n = power.shape[1]
    gates = np.arange(n)
    above = (power >= level[:, None]) & (gates[None, :] >= start[:, None])
    found = above.any(axis=1)
    first = np.where(found, above.argmax(axis=1), n - 1)
    before = np.clip(first - 1, 0, n - 1)
    rows = np.arange(len(power))
    p0, p1 = power[rows, before], power[rows, first]
    step = np.where(p1 > p0, p1 - p0, 1.0)
    fraction = np.clip((level - p0) / step, 0.0, 1.0)
    crossing = np.where(first > start, before + fraction, first.astype(float))
    return np.where(found, crossing, np.nan)


def threshold_retrack(
    waveform: ArrayLike,
    fraction: float = 0.5,
    amplitude: ArrayLike | None = None,
    noise_floor: ArrayLike | None = None,
    smooth: int = 1,
) -> np.ndarray | float:
    """Threshold retracker: the first crossing of ``noise + fraction * (amplitude - noise)``.

    The crossing is interpolated linearly between gates. ``amplitude`` defaults to the
    OCOG amplitude and ``noise_floor`` to the mean of the first gates (Davis 1997's
    OCOG-threshold retracker). ``smooth`` > 1 takes a running mean first. Returns the
    epoch estimate in gates (NaN where the waveform never crosses).
    """
    if not 0.0 < fraction < 1.0:
        raise UsageError(f"fraction must lie strictly between 0 and 1, got {fraction!r}")
    single = np.ndim(waveform) == 1
    power = as_waveforms(waveform)
    noise = noise_floor_estimate(power) if noise_floor is None else np.asarray(noise_floor)
    peak = ocog(power).amplitude if amplitude is None else np.asarray(amplitude)
    peak = np.broadcast_to(np.asarray(peak, dtype=np.float64), (len(power),))
    noise = np.broadcast_to(np.asarray(noise, dtype=np.float64), (len(power),))
    level = noise + fraction * (peak - noise)
    smoothed = running_mean(power, smooth) if smooth > 1 else power
    epoch = _first_crossing(smoothed, level, np.zeros(len(power), dtype=int))
    return _unbatch(epoch, single)


class LeadingEdge(NamedTuple):
    """Leading-edge-width results, one value per waveform.

    ``swh`` in metres; ``sigma_c`` and ``epoch`` (the 50 % point) in gates; ``amplitude``
    the plateau's power (the noise floor included) and ``noise_floor``, in power units.
    """

    swh: np.ndarray | float
    sigma_c: np.ndarray | float
    epoch: np.ndarray | float
    amplitude: np.ndarray | float
    noise_floor: np.ndarray | float


def leading_edge_swh(
    waveform: ArrayLike, instrument: Instrument = JASON, smooth: int = 3
) -> LeadingEdge:
    """SWH from the leading edge's 10 %-90 % width: sigma_c = width / 2.563.

    Steps, per waveform: a running mean over ``smooth`` gates (a box of w gates adds
    (w^2 - 1) / 12 gates^2 to sigma_c^2, which is subtracted again); the noise floor from
    the first gates; the first echo's foot (:func:`first_leading_edge`, so that a brighter
    later peak does not capture the method) and a first plateau, the median of the 20
    gates from 3 gates after the foot. Then, three times: the 50 % crossing of that
    plateau; the plateau again as the MEDIAN of the raw gates from 3 sigma to 3 sigma + 20
    gates after the crossing, each corrected for the trailing edge's known decay
    exp(-c_xi (t - epoch)); the 10 % and 90 % crossings (of the smoothed waveform with the
    same decay undone). Finally SWH = 2c sqrt(sigma_c^2 - sigma_p^2).
    """
    instrument = check_instrument(instrument)
    single = np.ndim(waveform) == 1
    power = as_waveforms(waveform, instrument)
    rows, n = np.arange(len(power)), power.shape[1]
    smoothed = running_mean(power, smooth) if smooth > 1 else power
    noise = noise_floor_estimate(power)
    gates = np.arange(n, dtype=np.float64)
    foot = np.nan_to_num(np.atleast_1d(first_leading_edge(power, smooth)), nan=n / 2)
    first = (gates[None, :] >= foot[:, None] + 3) & (gates[None, :] < foot[:, None] + 23)
    first[rows, np.clip(foot.astype(int) + 3, 0, n - 1)] = True  # never empty
    plateau = np.nanmedian(np.where(first, power, np.nan), axis=1)
    c_xi, _ = mispointing_factors(0.0, instrument)
    sigma_c = np.full(len(power), 4.0 / 3.0)  # first pass: the plateau starts 4 gates on
    for _ in range(3):  # the edge's middle and width depend on the plateau: refine
        from_foot = np.clip(foot.astype(int) - 3, 0, n - 1)
        rough = _first_crossing(smoothed, noise + 0.5 * (plateau - noise), from_foot)
        rough = np.nan_to_num(rough, nan=n / 2)
        start = rough + np.clip(3.0 * sigma_c, 2.0, 20.0)
        inside = (gates[None, :] >= start[:, None]) & (gates[None, :] < start[:, None] + 20)
        inside[rows, np.clip(start.astype(int), 0, n - 1)] = True  # never empty
        corrected = power * np.exp(c_xi * (gates[None, :] - rough[:, None]))
        plateau = np.nanmedian(np.where(inside, corrected, np.nan), axis=1)
        span = plateau - noise
        low_start = np.clip((rough - 25).astype(int), 0, n - 1)
        flat = noise[:, None] + (smoothed - noise[:, None]) * np.exp(
            c_xi * (gates[None, :] - rough[:, None])
        )  # the trailing edge's decay undone, so the edge is a plain erf step
        t10 = _first_crossing(flat, noise + 0.1 * span, low_start)
        t90 = _first_crossing(flat, noise + 0.9 * span, low_start)
        width = np.nan_to_num(t90 - t10, nan=0.0)
        sigma_c = np.sqrt(np.maximum((width / EDGE_10_90) ** 2 - (smooth**2 - 1) / 12.0, 0.0))
    epoch = _first_crossing(flat, noise + 0.5 * span, low_start)
    swh = swh_from_sigma_c(sigma_c, instrument)
    return LeadingEdge(*(_unbatch(v, single) for v in (swh, sigma_c, epoch, plateau, noise)))


@dataclass(frozen=True)
class BrownFit:
    """Result of :func:`retrack_brown`: floats for one waveform, arrays for a batch.

    Attributes
    ----------
    swh : significant wave height in metres, 2c sqrt(sigma_c^2 - sigma_p^2) (0 if
        sigma_c < sigma_p).
    epoch : tau0 in gates.
    amplitude : A (the mispointing loss included).
    noise_floor : Pn.
    sigma_c : composite rise time in gates.
    rms_residual : root-mean-square misfit over the fitted gates, relative to amplitude.
    success : whether the optimiser converged with the epoch inside the fitted gates.
    message : why not, where ``success`` is False ("" where it is True): e.g. a flat
        waveform (no echo to fit), or a fit that did not converge.
    """

    swh: np.ndarray | float
    epoch: np.ndarray | float
    amplitude: np.ndarray | float
    noise_floor: np.ndarray | float
    sigma_c: np.ndarray | float
    rms_residual: np.ndarray | float
    success: np.ndarray | bool
    message: np.ndarray | str = ""


def _brown_parts(t: np.ndarray, params: np.ndarray, c_xi: float):
    amplitude, epoch, sigma, noise = params
    sigma = min(abs(sigma) + 1e-9, 200.0)  # a runaway fit must not overflow exp()
    dt = t - epoch
    u = (dt - c_xi * sigma**2) / (math.sqrt(2.0) * sigma)
    decay = np.exp(-c_xi * (dt - c_xi * sigma**2 / 2.0))
    edge = 1.0 + erf(u)
    return amplitude, sigma, noise, dt, u, decay, edge


def _brown_model(t, params, c_xi):
    amplitude, _, noise, _, _, decay, edge = _brown_parts(t, params, c_xi)
    return noise + 0.5 * amplitude * decay * edge


def _brown_jacobian(t, params, c_xi):
    amplitude, sigma, _, dt, u, decay, edge = _brown_parts(t, params, c_xi)
    gauss = (2.0 / math.sqrt(math.pi)) * np.exp(-(u**2))  # d erf(u) / du
    d_u_d_epoch = -1.0 / (math.sqrt(2.0) * sigma)
    d_u_d_sigma = -dt / (math.sqrt(2.0) * sigma**2) - c_xi / math.sqrt(2.0)
    d_v_d_sigma = -(c_xi**2) * sigma
    half = 0.5 * amplitude * decay
    jac = np.empty((len(t), 4))
    jac[:, 0] = 0.5 * decay * edge
    jac[:, 1] = half * (c_xi * edge + gauss * d_u_d_epoch)
    jac[:, 2] = half * (-d_v_d_sigma * edge + gauss * d_u_d_sigma) * np.sign(params[2] or 1.0)
    jac[:, 3] = 1.0
    return jac


def _first_guess(power: np.ndarray, start: int, stop: int, instrument: Instrument):
    sub = power[start:stop]
    smoothed = running_mean(sub, 5)
    noise = float(np.min(smoothed))
    amplitude = max(float(np.max(smoothed)) - noise, 1e-12)
    edge = _first_crossing(
        smoothed[None, :], np.array([noise + 0.5 * amplitude]), np.zeros(1, dtype=int)
    )[0]
    epoch = start + (len(sub) / 2 if np.isnan(edge) else edge)
    return np.array([amplitude, epoch, max(1.5, instrument.sigma_p_gates), noise])


def retrack_brown(
    waveform: ArrayLike,
    instrument: Instrument = JASON,
    mispointing: float = 0.0,
    window: tuple[int, int] | None = None,
    initial: ArrayLike | None = None,
    robust: bool = False,
) -> BrownFit:
    """Least-squares fit of the Brown-Hayne model to a waveform (or to each row of a batch).

    The four free parameters are the amplitude A, the epoch tau0, the composite rise time
    sigma_c and the noise floor Pn (like the ground segment's "MLE4" without the
    mispointing; here the mispointing is held at ``mispointing`` degrees, 0 by default).
    They minimise sum (P_model(t) - p(t))^2 over the gates ``window = (start, stop)``
    (default: the whole waveform; a sub-window retracks one leading edge of a multi-peak
    waveform), with ``scipy.optimize.least_squares`` (Levenberg-Marquardt, analytic
    Jacobian), from a first guess made by a 50 % threshold on the smoothed waveform.
    SWH then follows from sigma_c (:func:`~mynn.altimetry.swh_from_sigma_c`).

    ``initial`` replaces the first guess: (amplitude, epoch, sigma_c, noise_floor), one
    row per waveform. ``robust=True`` uses a soft-L1 loss instead of squares (trust-region
    method), so that a bright peak inside the window pulls the fit less.

    Returns a :class:`BrownFit` with ``.swh`` (m), ``.epoch`` (gates), ``.amplitude``,
    ``.noise_floor``, ``.sigma_c``, ``.rms_residual`` and ``.success``: floats for one
    waveform, arrays (one value per row) for a batch.
    """
    instrument = check_instrument(instrument)
    single = np.ndim(waveform) == 1
    power = as_waveforms(waveform, instrument)
    n = power.shape[1]
    start, stop = (0, n) if window is None else window
    if not (isinstance(start, (int, np.integer)) and isinstance(stop, (int, np.integer))) or not (
        0 <= start < stop <= n and stop - start >= 8
    ):
        raise UsageError(
            f"window must be (start, stop) gates with 0 <= start < stop <= {n} and at least 8 "
            f"gates; got {window!r}"
        )
    if (
        isinstance(mispointing, bool)
        or not isinstance(mispointing, (int, float, np.integer, np.floating))
        or not np.isfinite(mispointing)
        or abs(mispointing) > 2 * instrument.beamwidth_deg
    ):
        raise UsageError(
            f"mispointing must be a finite angle in degrees within +-2 beamwidths "
            f"(+-{2 * instrument.beamwidth_deg:g} degrees for {instrument.name}); got "
            f"{mispointing!r}. Beyond that the antenna sees no nadir echo to fit."
        )
    c_xi, _ = mispointing_factors(mispointing, instrument)
    t = np.arange(start, stop, dtype=np.float64)
    results = np.full((len(power), 5), np.nan)
    success = np.zeros(len(power), dtype=bool)
    messages = np.full(len(power), "", dtype=object)
    if initial is not None:
        initial = np.atleast_2d(np.asarray(initial, dtype=np.float64))
        if initial.shape != (len(power), 4) or not np.all(np.isfinite(initial)):
            raise UsageError(
                "initial must be finite (amplitude, epoch, sigma_c, noise_floor), one row per "
                f"waveform: shape ({len(power)}, 4); got {initial.shape}"
            )
    options = {"method": "trf", "loss": "soft_l1", "f_scale": 0.2} if robust else {"method": "lm"}
    for row, raw in enumerate(power):
        top = float(raw[start:stop].max())
        if top <= 0 or float(np.ptp(raw[start:stop])) <= 1e-9 * top:
            messages[row] = "flat waveform: no echo to fit (all gates equal or zero)"
            continue
        p = raw / top  # fit in units of the waveform's maximum: tiny powers are fine
        observed = p[start:stop]
        if initial is None:
            x0 = _first_guess(p, start, stop, instrument)
        else:
            x0 = initial[row] / np.array([top, 1.0, 1.0, top])
        x0 = np.array([max(x0[0], 1e-12), x0[1], max(abs(x0[2]), 0.3), x0[3]])
        scale = x0[0]  # fit in units of the first-guess amplitude: well conditioned
        x0s = x0 / np.array([scale, 1.0, 1.0, scale])
        with np.errstate(over="ignore", invalid="ignore"):  # runaway fits: flagged below
            fit = least_squares(
                lambda x, obs=observed / scale: _brown_model(t, x, c_xi) - obs,
                x0s,
                jac=lambda x: _brown_jacobian(t, x, c_xi),
                **options,
            )
        amplitude, epoch, sigma, noise = fit.x
        rms = float(np.sqrt(np.mean(fit.fun**2))) / max(abs(amplitude), 1e-12)
        results[row] = (amplitude * scale * top, epoch, abs(sigma), noise * scale * top, rms)
        if not (fit.success and np.isfinite(fit.x).all()):
            messages[row] = f"the least-squares fit did not converge ({fit.message})"
        elif not start <= epoch <= stop:
            messages[row] = "the fitted epoch left the fitted gates"
        elif amplitude <= 0 or abs(sigma) >= 199.0:
            messages[row] = "the fit ran away (no positive echo of finite width)"
        else:
            success[row] = True
    amplitude, epoch, sigma_c, noise, rms = results.T
    swh = np.where(
        np.isfinite(sigma_c), swh_from_sigma_c(np.nan_to_num(sigma_c), instrument), np.nan
    )
    values = [_unbatch(v, single) for v in (swh, epoch, amplitude, noise, sigma_c, rms)]
    if single:
        return BrownFit(*values, success=bool(success[0]), message=str(messages[0]))
    return BrownFit(*values, success=success, message=messages.astype(str))


def first_leading_edge(waveform: ArrayLike, smooth: int = 3) -> np.ndarray | float:
    """The gate where the FIRST echo starts to rise: its foot, not the brightest peak's.

    The first crossing of noise + max(2 x noise, 1 % of the maximum) by the smoothed
    waveform (noise from the first gates). An off-nadir target is always further away
    than the nadir surface (by (x^2 + y^2) / (2h)), so over the sea the first echo is the
    nadir one, however bright the later peaks are.
    """
    single = np.ndim(waveform) == 1
    power = as_waveforms(waveform)
    smoothed = running_mean(power, smooth) if smooth > 1 else power
    noise = noise_floor_estimate(power)
    level = noise + np.maximum(2.0 * noise, 0.01 * smoothed.max(axis=1))
    foot = _first_crossing(smoothed, level, np.zeros(len(power), dtype=int))
    return _unbatch(foot, single)


def retrack_nadir(
    waveform: ArrayLike,
    instrument: Instrument = JASON,
    before: int = 12,
    after: int = 30,
    feet: ArrayLike | None = None,
) -> BrownFit:
    """Sub-waveform retracking: a robust Brown fit to the first leading edge only.

    For waveforms with several peaks (a bright off-nadir target, several leads), the whole-
    waveform fit and the threshold retracker are pulled towards the brightest echo. This
    finds the first echo's foot (:func:`first_leading_edge`), keeps the gates from
    ``before`` gates ahead of it to ``after`` gates behind it, and fits the Brown model
    there with a soft-L1 loss (:func:`retrack_brown` with ``robust=True``), starting from
    an epoch 2 gates after the foot and the amplitude of the median of the next 3-12
    gates. Waveforms where no echo is found get the ordinary whole-waveform fit.

    A specular first echo (a lead, a calm lake: a narrow peak, not an ocean edge) has no
    plateau: the median of the 4th-13th gates after the foot stays below 5 x the noise
    floor (and below 5 % of the first peak). Such echoes, and those where the Brown fit
    fails or runs away (SWH above 30 m), are retracked at the first peak's centre (the highest gate within 4 gates after the
    foot, refined by a parabola through it and its neighbours), with SWH 0 and
    ``success`` False.

    ``feet`` retracks another echo than the first: the gate where it starts to rise, one
    per waveform (e.g. :func:`~mynn.altimetry.track_water_peak`'s epochs minus 2 gates).
    Its noise level is then the median of the 8th to 3rd gates before that foot: the level
    the echo rises from, which may be another echo's plateau.
    """
    instrument = check_instrument(instrument)
    single = np.ndim(waveform) == 1
    power = as_waveforms(waveform, instrument)
    n = power.shape[1]
    top = power.max(axis=1)
    flat = (top <= 0) | (np.ptp(power, axis=1) <= 1e-9 * np.abs(top))
    power = power / np.where(flat, 1.0, top)[:, None]  # in units of the maximum: tiny is fine
    if feet is None:
        feet = np.atleast_1d(first_leading_edge(power))
        noise = noise_floor_estimate(power)
    else:
        feet = np.atleast_1d(np.asarray(feet, dtype=np.float64))
        if feet.shape != (len(power),):
            raise UsageError(
                f"feet must hold one gate per waveform ({len(power)}), got shape {feet.shape}"
            )
        if not np.all(np.isfinite(feet) & (feet >= 0) & (feet <= n - 1)):
            raise UsageError(f"feet must be gates inside the window, 0 .. {n - 1}")
        noise = np.array(
            [
                float(np.median(p[max(0, int(f) - 8) : max(1, int(f) - 2)]))
                for p, f in zip(power, feet)
            ]
        )
    fits = []
    for p, foot, pn, is_flat in zip(power, feet, noise, flat):
        if is_flat:
            fits.append(retrack_brown(p, instrument))  # an honest failure, with the reason
            continue
        if np.isnan(foot) or foot > n - 10:
            fits.append(retrack_brown(p, instrument))
            continue
        start, stop = max(0, int(foot) - before), min(n, int(foot) + after)
        if stop - start < 8:
            start = max(0, stop - 8)
        plateau = float(np.median(p[int(foot) + 4 : min(n, int(foot) + 14)])) - pn
        first_peak = float(np.max(p[int(foot) : int(foot) + 5])) - pn
        if plateau < max(5.0 * pn, 0.05 * first_peak):  # no ocean plateau: a narrow echo
            fits.append(_peak_fit(p, int(foot), pn))
            continue
        guess = [max(plateau, 1e-12), foot + 2.0, 1.5, pn]
        fit = retrack_brown(p, instrument, window=(start, stop), initial=guess, robust=True)
        if not fit.success or fit.swh > 30.0:
            fit = _peak_fit(p, int(foot), pn)
        fits.append(fit)
    fields = (
        "swh",
        "epoch",
        "amplitude",
        "noise_floor",
        "sigma_c",
        "rms_residual",
        "success",
        "message",
    )
    values = {f: np.array([getattr(fit, f) for fit in fits]) for f in fields}
    for name in ("amplitude", "noise_floor"):  # back to the waveforms' power units
        values[name] = values[name] * np.where(flat, 1.0, top)
    fits = [
        dataclasses.replace(fit, amplitude=a, noise_floor=b)
        for fit, a, b in zip(fits, values["amplitude"], values["noise_floor"])
    ]
    if single:
        return fits[0]
    return BrownFit(**values)


def _peak_fit(power: np.ndarray, foot: int, noise: float) -> BrownFit:
    """A narrow first echo's centre: the top within 4 gates of the foot, parabola-refined."""
    n = len(power)
    top = foot + int(np.argmax(power[foot : min(n, foot + 5)]))
    offset = 0.0
    if 0 < top < n - 1:
        left, mid, right = power[top - 1], power[top], power[top + 1]
        curvature = left - 2 * mid + right
        if curvature < 0:
            offset = float(np.clip(0.5 * (left - right) / curvature, -0.5, 0.5))
    return BrownFit(
        0.0,
        top + offset,
        float(power[top] - noise),
        noise,
        0.0,
        np.nan,
        False,
        "a narrow first echo (no ocean plateau): retracked at its peak, SWH 0",
    )
