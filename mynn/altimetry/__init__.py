"""Satellite radar altimetry on simulated waveforms: land or water, and wave height.

A radar altimeter records, for every pulse, the returned power against time (a
*waveform*). This package simulates such waveforms with the standard physical model and
measures them with the classical methods, so that ``mynn.NeuralNetwork`` can be compared
with them (notebook ``12_satellite_altimetry``). Nothing here is real satellite data.

- :mod:`mynn.altimetry.model`: the Brown (1977) / Hayne (1980) ocean waveform, instrument
  constants (Jason, Envisat) and speckle.
- :mod:`mynn.altimetry.surfaces`: specular, ocean with a bright target, multi-peak and
  land waveforms; a labelled data set; a simulated pass with a tracker.
- :mod:`mynn.altimetry.retrackers`: OCOG, threshold, leading-edge width, the
  least-squares Brown fit, and sub-waveform retracking of the first (nadir) echo.
- :mod:`mynn.altimetry.features`: network inputs and SWH targets scaled for the sigmoid.
- :mod:`mynn.altimetry.evaluation`: bias and RMSE per SWH range, 1 Hz averages, lags by
  cross-correlation.
- :mod:`mynn.altimetry.passes`: ocean passes with bursts of a brighter spurious echo.
- :mod:`mynn.altimetry.tracking`: :func:`track_water_peak`, following the sea's leading
  edge from waveform to waveform (candidate edges and a Viterbi path).
- :mod:`mynn.altimetry.sequence` (needs PyTorch, loaded on first use): :class:`PassNet`, a
  network over consecutive waveforms that picks the sea's echo and estimates SWH.
"""

import importlib

from mynn.altimetry.evaluation import (
    BinnedErrors,
    binned_errors,
    block_mean,
    centred_mean,
    error_table,
    lag_by_cross_correlation,
    rmse,
    trailing_mean,
)
from mynn.altimetry.features import (
    MAX_SWH,
    classifier_inputs,
    pulse_peakiness,
    swh_inputs,
    swh_to_target,
    target_to_swh,
)
from mynn.altimetry.model import (
    C_LIGHT,
    ENVISAT,
    JASON,
    Instrument,
    add_speckle,
    brown_waveform,
    mispointing_factors,
    sigma_c_from_swh,
    swh_from_sigma_c,
)
from mynn.altimetry.passes import ContaminatedPass, simulate_contaminated_pass
from mynn.altimetry.retrackers import (
    EDGE_10_90,
    OCOG,
    BrownFit,
    LeadingEdge,
    first_leading_edge,
    leading_edge_swh,
    ocog,
    retrack_brown,
    retrack_nadir,
    running_mean,
    threshold_retrack,
)
from mynn.altimetry.surfaces import (
    CLASSES,
    LAND,
    WATER_CLASSES,
    Track,
    WaveformSet,
    land_waveform,
    make_dataset,
    multi_peak_waveform,
    ocean_with_bright_target,
    simulate_track,
    specular_waveform,
    track_profile,
)
from mynn.altimetry.tracking import TrackedPeaks, leading_edge_candidates, track_water_peak

_TORCH_NAMES = (
    "PassEstimate",
    "PassNet",
    "estimate_pass",
    "pass_inputs",
    "train_pass_net",
    "training_passes",
)
"""Names from :mod:`mynn.altimetry.sequence`, imported (with torch) on first use."""


def __getattr__(name: str):
    if name in _TORCH_NAMES:
        return getattr(importlib.import_module("mynn.altimetry.sequence"), name)
    raise AttributeError(f"module 'mynn.altimetry' has no attribute {name!r}")


__all__ = [
    *_TORCH_NAMES,
    "ContaminatedPass",
    "TrackedPeaks",
    "leading_edge_candidates",
    "simulate_contaminated_pass",
    "track_water_peak",
    "BinnedErrors",
    "BrownFit",
    "CLASSES",
    "C_LIGHT",
    "EDGE_10_90",
    "ENVISAT",
    "Instrument",
    "JASON",
    "LAND",
    "LeadingEdge",
    "MAX_SWH",
    "OCOG",
    "Track",
    "WATER_CLASSES",
    "WaveformSet",
    "add_speckle",
    "binned_errors",
    "block_mean",
    "centred_mean",
    "error_table",
    "brown_waveform",
    "classifier_inputs",
    "first_leading_edge",
    "lag_by_cross_correlation",
    "land_waveform",
    "leading_edge_swh",
    "make_dataset",
    "mispointing_factors",
    "multi_peak_waveform",
    "ocean_with_bright_target",
    "ocog",
    "pulse_peakiness",
    "retrack_brown",
    "retrack_nadir",
    "rmse",
    "running_mean",
    "sigma_c_from_swh",
    "simulate_track",
    "specular_waveform",
    "swh_from_sigma_c",
    "swh_inputs",
    "swh_to_target",
    "target_to_swh",
    "threshold_retrack",
    "track_profile",
    "trailing_mean",
]
