"""The Brown-Hayne waveform of a pulse-limited radar altimeter, instruments and speckle.

A radar altimeter sends a short pulse straight down and records the returned power against
time in ``n_gates`` range gates. Over the sea the echo of a pulse-limited altimeter has the
shape derived by Brown (1977) and extended by Hayne (1980), in the notation of Amarouche
et al. (2004)::

    P(t)      = Pn + (A / 2) * exp(-v) * [1 + erf(u)]
    u         = (t - tau0 - c_xi * sigma_c**2) / (sqrt(2) * sigma_c)
    v         = c_xi * (t - tau0 - c_xi * sigma_c**2 / 2)
    sigma_c^2 = sigma_p^2 + (SWH / (2 c))^2
    gamma     = sin(theta_3dB)**2 / (2 ln 2)
    a         = 4 c / (gamma * h * (1 + h / R_E))
    c_xi      = a * [cos(2 xi) - sin(2 xi)**2 / gamma]
    A         = A0 * exp(-4 sin(xi)**2 / gamma)

``t`` is time (here counted in gates, 0 .. n_gates - 1), ``tau0`` the epoch (the two-way
travel time to the mean sea surface, in gates, fractional), ``sigma_p`` the width of the
radar's point-target response, ``SWH`` the significant wave height (4 x the standard
deviation of the sea-surface height; a height offset dh delays the echo by 2 dh / c),
``theta_3dB`` the antenna's 3 dB beamwidth, ``h`` the altitude, ``R_E`` the Earth's radius,
``xi`` the mispointing angle. The leading edge is an error function whose width is the
composite rise time ``sigma_c``: higher waves spread the echo over more time, so the edge
gets wider. The trailing edge decays as the antenna gain falls off with angle.

Sources: G. S. Brown, "The average impulse response of a rough surface and its
applications", IEEE Trans. Antennas Propag. 25(1), 1977; G. S. Hayne, "Radar altimeter
mean return waveforms from near-normal-incidence ocean surface scattering", IEEE Trans.
Antennas Propag. 28(5), 1980; L. Amarouche et al., "Improving the Jason-1 ground
retracking to better account for attitude effects", Marine Geodesy 27, 2004. Mission
constants as published by CNES/NASA in the Jason-1 and OSTM/Jason-2 products handbooks
(AVISO/PODAAC) and by ESA in the Envisat RA-2/MWR product handbook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import log_ndtr

from mynn.checks import random_generator
from mynn.errors import UsageError

C_LIGHT = 0.299792458
"""The speed of light in metres per nanosecond (the notes round it to 0.3 m/ns)."""


@dataclass(frozen=True)
class Instrument:
    """Constants of a pulse-limited altimeter (Ku band).

    Parameters
    ----------
    name : str
        For labels.
    n_gates : int
        Range gates per waveform.
    gate_ns : float
        Gate spacing in nanoseconds (3.125 ns = 1 / 320 MHz bandwidth).
    sigma_p_gates : float
        Width (standard deviation) of the point-target response, in gates.
    beamwidth_deg : float
        Antenna 3 dB beamwidth theta_3dB, in degrees.
    altitude_m : float
        Orbit altitude h above the surface, in metres.
    tracking_gate : float
        The gate where the on-board tracker tries to hold the leading edge.
    looks : int
        Echoes averaged on board into one waveform (sets the speckle).
    rate_hz : float
        Waveforms per second.
    earth_radius_m : float
        R_E in the Brown model's spherical-Earth factor.

    Notes
    -----
    Jason (the default, :data:`JASON`): 104 gates of 3.125 ns, sigma_p = 0.513 gate,
    beamwidth 1.29 degrees, altitude 1336 km, tracking gate 31, about 90 echoes per 20 Hz
    waveform (CNES/NASA Jason-1/2 handbooks). Envisat RA-2 (:data:`ENVISAT`): 128 gates,
    beamwidth 1.35 degrees, altitude about 800 km, tracking gate 46 (ESA RA-2 handbook),
    about 100 echoes per 18 Hz waveform.
    """

    name: str
    n_gates: int
    gate_ns: float
    sigma_p_gates: float
    beamwidth_deg: float
    altitude_m: float
    tracking_gate: float
    looks: int
    rate_hz: float
    earth_radius_m: float = 6371e3

    def __post_init__(self) -> None:
        n = self.n_gates
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 8:
            raise UsageError(f"Instrument n_gates must be a whole number >= 8, got {n!r}")
        for name in ("gate_ns", "sigma_p_gates", "altitude_m", "rate_hz", "earth_radius_m"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float, np.integer, np.floating)) and value > 0) or (
                not math.isfinite(value)
            ):
                raise UsageError(
                    f"Instrument {name} must be a finite positive number, got {value!r} "
                    "(a zero would divide by zero in the Brown model)"
                )
        if not (math.isfinite(self.beamwidth_deg) and 0 < self.beamwidth_deg < 90):
            raise UsageError(
                f"Instrument beamwidth_deg must lie strictly between 0 and 90 degrees, got "
                f"{self.beamwidth_deg!r}"
            )
        if not (math.isfinite(self.tracking_gate) and 0 <= self.tracking_gate <= n - 1):
            raise UsageError(
                f"Instrument tracking_gate must lie inside the window, 0 .. {n - 1}, got "
                f"{self.tracking_gate!r}"
            )
        if not (math.isfinite(self.looks) and self.looks >= 1):
            raise UsageError(f"Instrument looks must be a number >= 1, got {self.looks!r}")

    @property
    def gate_m(self) -> float:
        """One gate as a range (one-way distance) in metres: c * gate_ns / 2."""
        return C_LIGHT * self.gate_ns / 2.0

    @property
    def gamma(self) -> float:
        """Antenna beamwidth parameter gamma = sin^2(theta_3dB) / (2 ln 2)."""
        return math.sin(math.radians(self.beamwidth_deg)) ** 2 / (2.0 * math.log(2.0))

    @property
    def a_per_gate(self) -> float:
        """Brown's a = 4c / (gamma h (1 + h / R_E)), converted from 1/ns to 1/gate."""
        h = self.altitude_m
        a_per_ns = 4.0 * C_LIGHT / (self.gamma * h * (1.0 + h / self.earth_radius_m))
        return a_per_ns * self.gate_ns


JASON = Instrument(
    name="Jason",
    n_gates=104,
    gate_ns=3.125,
    sigma_p_gates=0.513,
    beamwidth_deg=1.29,
    altitude_m=1336e3,
    tracking_gate=31.0,
    looks=90,
    rate_hz=20.0,
)
"""Jason-1/2/3 (Poseidon-2/3) in low-resolution mode, the default instrument."""

ENVISAT = Instrument(
    name="Envisat",
    n_gates=128,
    gate_ns=3.125,
    sigma_p_gates=0.513,
    beamwidth_deg=1.35,
    altitude_m=800e3,
    tracking_gate=46.0,
    looks=100,
    rate_hz=18.0,
)
"""Envisat RA-2, Ku band."""


# ------------------------------------------------------------------------------ checks
def check_instrument(instrument: Instrument) -> Instrument:
    if not isinstance(instrument, Instrument):
        raise UsageError(
            f"instrument must be an Instrument (e.g. mynn.altimetry.JASON), got "
            f"{type(instrument).__name__}"
        )
    return instrument


def check_swh(swh: ArrayLike, name: str = "swh") -> np.ndarray:
    """Significant wave heights in metres: finite and not negative."""
    value = np.asarray(swh, dtype=np.float64)
    if not np.all(np.isfinite(value)):
        raise UsageError(f"{name} must be a finite number of metres, got {swh!r}")
    if np.any(value < 0):
        raise UsageError(
            f"{name} (significant wave height) cannot be negative, got {swh!r} m; "
            "use 0 for a flat sea"
        )
    return value


def check_epoch(epoch: ArrayLike, instrument: Instrument, name: str = "epoch") -> np.ndarray:
    """Epochs in gates: inside the window 0 .. n_gates - 1."""
    value = np.asarray(epoch, dtype=np.float64)
    last = instrument.n_gates - 1
    if not np.all(np.isfinite(value)) or np.any(value < 0) or np.any(value > last):
        raise UsageError(
            f"{name} must lie inside the {instrument.name} window, 0 .. {last} gates; got "
            f"{epoch!r}. Epochs are counted in gates from the window's first gate."
        )
    return value


def check_positive(value: ArrayLike, name: str, allow_zero: bool = False) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    bad = ~np.isfinite(array) | ((array < 0) if allow_zero else (array <= 0))
    if np.any(bad):
        kind = "not negative" if allow_zero else "positive"
        raise UsageError(f"{name} must be finite and {kind}, got {value!r}")
    return array


# ------------------------------------------------------------------------------ the model
def sigma_c_from_swh(swh: ArrayLike, instrument: Instrument = JASON) -> np.ndarray:
    """Composite rise time sigma_c in gates: sqrt(sigma_p^2 + (SWH / 2c)^2) (Brown 1977).

    SWH / 4 is the standard deviation of the sea-surface height; a height spread dh
    spreads the echo's two-way travel time by 2 dh / c, so the time spread is SWH / (2c).
    """
    swh = check_swh(swh)
    sigma_s_gates = swh / (2.0 * C_LIGHT) / instrument.gate_ns
    return np.sqrt(instrument.sigma_p_gates**2 + sigma_s_gates**2)


def swh_from_sigma_c(sigma_c: ArrayLike, instrument: Instrument = JASON) -> np.ndarray:
    """The inverse of :func:`sigma_c_from_swh`: SWH = 2c sqrt(sigma_c^2 - sigma_p^2).

    ``sigma_c`` in gates. Values below sigma_p (possible for a noisy estimate) give
    SWH = 0: the square root of a negative number is clipped, which is one reason why
    every estimator reads high for small waves.
    """
    sigma_c = np.asarray(sigma_c, dtype=np.float64)
    excess = np.maximum(sigma_c**2 - instrument.sigma_p_gates**2, 0.0)
    return 2.0 * C_LIGHT * instrument.gate_ns * np.sqrt(excess)


def mispointing_factors(mispointing_deg: float, instrument: Instrument) -> tuple[float, float]:
    """(c_xi in 1/gate, amplitude factor exp(-4 sin^2 xi / gamma)) for mispointing xi."""
    xi = math.radians(float(mispointing_deg))
    gamma = instrument.gamma
    c_xi = instrument.a_per_gate * (math.cos(2 * xi) - math.sin(2 * xi) ** 2 / gamma)
    return c_xi, math.exp(-4.0 * math.sin(xi) ** 2 / gamma)


def brown_shape(gates: np.ndarray, epoch: ArrayLike, sigma_c: ArrayLike, c_xi: float) -> np.ndarray:
    """exp(-v) (1 + erf(u)) / 2 at ``gates``, for epoch and sigma_c in gates (broadcasts).

    Computed as exp(-v + log Phi(sqrt(2) u)), with Phi the normal distribution function
    ((1 + erf(u)) / 2 = Phi(sqrt(2) u)): the same number, but for a very wide edge
    (huge SWH) exp(-v) overflows while 1 + erf(u) underflows, and their product would be
    inf x 0 = NaN; their logarithms add without trouble.
    """
    epoch = np.asarray(epoch, dtype=np.float64)[..., None]
    sigma_c = np.asarray(sigma_c, dtype=np.float64)[..., None]
    dt = gates - epoch
    u = (dt - c_xi * sigma_c**2) / (math.sqrt(2.0) * sigma_c)
    v = c_xi * (dt - c_xi * sigma_c**2 / 2.0)
    return np.exp(-v + log_ndtr(math.sqrt(2.0) * u))


def brown_waveform(
    swh: float,
    epoch: float = 31.0,
    amplitude: float = 1.0,
    noise_floor: float = 0.0,
    mispointing: float = 0.0,
    instrument: Instrument = JASON,
) -> np.ndarray:
    """The noise-free Brown-Hayne ocean waveform, one power value per range gate.

    Parameters
    ----------
    swh : float
        Significant wave height in metres (>= 0).
    epoch : float
        tau0, the gate (fractional) of the mean sea surface: the leading edge's middle.
        Must lie inside the window, 0 .. n_gates - 1.
    amplitude : float
        A0, the echo's amplitude before the mispointing loss (> 0).
    noise_floor : float
        Pn, the thermal noise power added to every gate (>= 0).
    mispointing : float
        Off-nadir pointing angle xi in degrees. It steepens the trailing edge's decay
        into a rise for large angles and lowers the amplitude by exp(-4 sin^2 xi / gamma).
    instrument : Instrument
        :data:`JASON` (default) or :data:`ENVISAT`, or your own.

    Returns
    -------
    ndarray, shape (n_gates,)
        P(t) = Pn + (A/2) exp(-v) [1 + erf(u)] at t = 0, 1, ..., n_gates - 1 (see the module
        docstring for u, v, sigma_c, c_xi and A).
    """
    instrument = check_instrument(instrument)
    if np.ndim(swh) or np.ndim(epoch) or np.ndim(amplitude) or np.ndim(noise_floor):
        raise UsageError(
            "brown_waveform makes one waveform: swh, epoch, amplitude and noise_floor must "
            "be single numbers (call it in a loop, or use mynn.altimetry.make_dataset)"
        )
    sigma_c = sigma_c_from_swh(swh, instrument)
    epoch = check_epoch(epoch, instrument)
    amplitude = check_positive(amplitude, "amplitude")
    noise_floor = check_positive(noise_floor, "noise_floor", allow_zero=True)
    if not np.isfinite(mispointing) or abs(mispointing) > 2 * instrument.beamwidth_deg:
        raise UsageError(
            f"mispointing must be a finite angle in degrees within +-2 beamwidths "
            f"(+-{2 * instrument.beamwidth_deg:g} degrees); got {mispointing!r}"
        )
    c_xi, loss = mispointing_factors(mispointing, instrument)
    gates = np.arange(instrument.n_gates, dtype=np.float64)
    return noise_floor + amplitude * loss * brown_shape(gates, epoch, sigma_c, c_xi)


def add_speckle(
    waveform: ArrayLike,
    looks: float = 90,
    rng: np.random.Generator | int | None = None,
    *,
    seed: np.random.Generator | int | None = None,
) -> np.ndarray:
    """The waveform as measured: each gate times an independent Gamma(L, 1/L) factor.

    One radar echo's power in a gate is exponentially distributed about its mean (speckle:
    the sum of many scatterers' returns with random phases). The altimeter averages L
    echoes, so the measured power is the mean power times a Gamma variable of shape L and
    scale 1/L: mean 1, relative spread 1/sqrt(L). It multiplies the noise floor as well.
    Jason averages about 90 echoes into each 20 Hz waveform.

    ``waveform`` may be one waveform or an array of them (any shape); ``seed`` (or its older
    name ``rng``) a numpy Generator or a whole number (:func:`mynn.checks.random_generator`).
    """
    power = np.asarray(waveform, dtype=np.float64)
    if not np.all(np.isfinite(power)) or np.any(power < 0):
        raise UsageError("waveform must hold finite, non-negative powers")
    if (
        isinstance(looks, bool)
        or not isinstance(looks, (int, float, np.integer, np.floating))
        or not np.isfinite(looks)
        or looks < 1
    ):
        raise UsageError(
            f"looks (echoes averaged per waveform) must be a number >= 1, got {looks!r}"
        )
    rng = random_generator(seed, rng=rng)
    return power * rng.gamma(float(looks), 1.0 / float(looks), size=power.shape)
