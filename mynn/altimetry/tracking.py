"""Following the water return from one waveform to the next along a pass.

In one waveform a bright echo before or after the sea's leading edge can look just like
it; along the pass the sea's echo moves smoothly (the surface and the on-board tracker
change little in 1/20 s), while a spurious echo appears, slides and vanishes.
:func:`track_water_peak` uses that: it lists candidate leading edges in every waveform
and chooses one per waveform by dynamic programming (the Viterbi algorithm), so that the
chosen edges move smoothly and are strong echoes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from mynn.altimetry.model import JASON, Instrument, check_instrument
from mynn.altimetry.retrackers import as_waveforms, running_mean
from mynn.errors import UsageError

RISE_GATES = 4
"""Half-span k of the rise detector r(g) = S(g + k) - S(g - k), in gates."""


@dataclass(frozen=True)
class TrackedPeaks:
    """Result of :func:`track_water_peak`, one value per waveform.

    Attributes
    ----------
    epoch : the water return's leading-edge mid-point, in gates (fractional).
    confidence : 0 .. 1; low where another echo nearly as strong competed, or where the
        chosen edge jumped away from its neighbours' positions.
    rise : the chosen edge's rise (power units), the height of the step it makes.
    n_candidates : how many leading edges the waveform offered.
    """

    epoch: np.ndarray
    confidence: np.ndarray
    rise: np.ndarray
    n_candidates: np.ndarray

    def __len__(self) -> int:
        return len(self.epoch)


def _local_max(values: np.ndarray, g: int) -> bool:
    return values[g] >= values[max(g - 1, 0)] and values[g] >= values[min(g + 1, len(values) - 1)]


def leading_edge_candidates(
    waveform: ArrayLike, max_candidates: int = 6, min_rise: float = 4.0
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Candidate leading edges of each waveform: (epochs, rises), one pair of arrays per row.

    The waveform is smoothed over 3 gates (S) and its rise over 2k gates computed,
    r(g) = S(g + k) - S(g - k) with k = :data:`RISE_GATES`. Every local maximum of r (at
    least k gates from a stronger one) whose rise exceeds ``min_rise`` x the noise floor
    (the smallest value of S: the gates before any echo) and 5 % of the waveform's largest rise is a candidate;
    the strongest ``max_candidates`` are kept. Its epoch is the mid-point of its step: the
    gate, interpolated, where S crosses S(g - k) + r(g) / 2 between g - k and g + k.
    """
    power = as_waveforms(waveform)
    smooth = running_mean(power, 3)
    k = RISE_GATES
    n = power.shape[1]
    noise = np.maximum(smooth.min(axis=1), 1e-12 * power.max(axis=1))
    epochs, rises = [], []
    for s, pn in zip(smooth, noise):
        rise = np.zeros(n)
        rise[k : n - k] = s[2 * k :] - s[: n - 2 * k]
        floor = max(min_rise * pn, 0.05 * rise.max())
        order = np.argsort(rise)[::-1]
        chosen: list[int] = []
        for g in order:
            if rise[g] <= floor or len(chosen) >= max_candidates:
                break
            if all(abs(g - c) >= k for c in chosen) and _local_max(rise, g):
                chosen.append(int(g))
        found = []
        for g in chosen:
            low, high = s[g - k], s[g + k]
            level = low + 0.5 * (high - low)
            segment = s[g - k : g + k + 1]
            above = np.flatnonzero(segment >= level)
            j = int(above[0]) if len(above) else k
            if j == 0:
                found.append(float(g - k))
                continue
            p0, p1 = segment[j - 1], segment[j]
            fraction = (level - p0) / (p1 - p0) if p1 > p0 else 0.5
            found.append(g - k + j - 1 + float(np.clip(fraction, 0.0, 1.0)))
        epochs.append(np.array(found))
        rises.append(rise[chosen])
    return epochs, rises


def track_water_peak(
    waveforms: ArrayLike,
    instrument: Instrument = JASON,
    step_gates: float = 2.0,
    jump_cost: float = 30.0,
    weak_cost: float = 0.3,
    start_spread: float = 10.0,
) -> TrackedPeaks:
    """Follow the water return's leading edge along a pass of consecutive waveforms.

    Candidates per waveform come from :func:`leading_edge_candidates` (epochs e and rises
    r). A path chooses one candidate j_k in every waveform k; its cost is

        C = sum_k  w * log(r_max,k / r_k,j_k)                         (weak echoes cost)
          + sum_k  min((e_k,j_k - e_k-1,j_k-1)^2 / (2 s^2), J)        (motion costs)
          + (e_0,j_0 - tracking_gate)^2 / (2 s0^2)                    (the tracker's aim)

    with s = ``step_gates`` (how far the sea's edge moves between waveforms, 1 gate = 47
    cm at Jason's 20 Hz), J = ``jump_cost`` (a jump costs at most J: the track may move to
    another echo when the old one truly ends), w = ``weak_cost`` and s0 = ``start_spread``.
    The cheapest path is found exactly by dynamic programming (Viterbi): for each
    candidate, the cheapest path ending there is its own cost plus the cheapest of
    (path to a candidate in the previous waveform + motion cost), and back-pointers recover
    the path. A burst of a brighter echo costs the path at most w log(brightness) per
    waveform to ignore, but 2J to follow (there and back), so bursts are ignored unless
    they last long and are much brighter. Waveforms with no candidate keep the previous
    epoch (confidence 0).

    ``confidence`` = c_compete x c_jump, with c_compete = 1 / (1 + (r_other / r_chosen)^2)
    for the strongest other candidate r_other (1 with no rival; 0.5 when a rival is as
    strong; lower when it is stronger), and c_jump = exp(-d^2 / (2 s^2)) with d the
    distance of the chosen epoch from the mean of its chosen neighbours' epochs beyond one
    step s (0 for a smooth path).

    Parameters
    ----------
    waveforms : array (n, n_gates)
        Consecutive waveforms of one pass, in order along the track.
    instrument : Instrument
        The altimeter (its tracking gate is where the first waveform's edge is expected).

    Returns
    -------
    TrackedPeaks
        ``epoch`` (gates, the leading-edge mid-point, like the retrackers'), ``confidence``
        in 0..1, ``rise`` and ``n_candidates``.
    """
    instrument = check_instrument(instrument)
    power = np.asarray(waveforms, dtype=np.float64)
    if power.ndim != 2 or len(power) < 2:
        raise UsageError(
            "track_water_peak follows a pass: give an (n, n_gates) array of at least 2 "
            f"consecutive waveforms, got shape {power.shape}"
        )
    power = as_waveforms(power, instrument)
    if np.any(power < 0):
        raise UsageError("waveforms must hold non-negative powers")
    for name, value in (
        ("step_gates", step_gates),
        ("jump_cost", jump_cost),
        ("start_spread", start_spread),
    ):
        if not (np.isfinite(value) and value > 0):
            raise UsageError(f"{name} must be a positive number, got {value!r}")
    if not (np.isfinite(weak_cost) and weak_cost >= 0):
        raise UsageError(f"weak_cost must be a number >= 0, got {weak_cost!r}")
    epochs, rises = leading_edge_candidates(power)
    n = len(power)
    # a waveform without candidates gets a placeholder (the previous waveform's candidates,
    # with no rise) that costs nothing to pass through
    cost_to: list[np.ndarray] = []
    back: list[np.ndarray] = []
    for k in range(n):
        e, r = epochs[k], rises[k]
        if len(e) == 0:
            previous = epochs[k - 1] if k else np.array([instrument.tracking_gate])
            epochs[k] = e = np.array(previous, dtype=np.float64)
            rises[k] = r = np.full(len(e), np.nan)
            own = np.zeros(len(e))
        else:
            own = weak_cost * np.log(r.max() / r)
        if k == 0:
            cost_to.append(own + (e - instrument.tracking_gate) ** 2 / (2 * start_spread**2))
            back.append(np.full(len(e), -1))
            continue
        motion = (e[:, None] - epochs[k - 1][None, :]) ** 2 / (2 * step_gates**2)
        total = cost_to[-1][None, :] + np.minimum(motion, jump_cost)
        best = np.argmin(total, axis=1)
        cost_to.append(own + total[np.arange(len(e)), best])
        back.append(best)
    path = np.empty(n, dtype=int)
    path[-1] = int(np.argmin(cost_to[-1]))
    for k in range(n - 1, 0, -1):
        path[k - 1] = back[k][path[k]]
    epoch = np.array([epochs[k][path[k]] for k in range(n)])
    rise = np.array([rises[k][path[k]] for k in range(n)])
    counts = np.array([int(np.sum(~np.isnan(rises[k]))) for k in range(n)])

    compete = np.ones(n)
    for k in range(n):
        others = np.delete(rises[k], path[k])
        others = others[np.isfinite(others)]
        if counts[k] == 0:
            compete[k] = 0.0
        elif len(others):
            compete[k] = 1.0 / (1.0 + (others.max() / rise[k]) ** 2)
    neighbours = np.empty(n)
    neighbours[1:-1] = 0.5 * (epoch[:-2] + epoch[2:])
    neighbours[0], neighbours[-1] = epoch[1], epoch[-2]
    excess = np.maximum(np.abs(epoch - neighbours) - step_gates, 0.0)
    jump = np.exp(-(excess**2) / (2 * step_gates**2))
    return TrackedPeaks(
        epoch=epoch,
        confidence=compete * jump,
        rise=np.nan_to_num(rise, nan=0.0),
        n_candidates=counts,
    )
