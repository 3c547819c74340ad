"""Satellite radar altimetry on simulated waveforms: land or water, and wave height.

A radar altimeter records, for every pulse, the returned power against time (a
*waveform*). This package simulates such waveforms with the standard physical model and
measures them with the classical methods, so that ``mynn.NeuralNetwork`` can be compared
with them (notebook ``12_satellite_altimetry``). Nothing here is real satellite data.

- :mod:`mynn.altimetry.model`: the Brown (1977) / Hayne (1980) ocean waveform, instrument
  constants (Jason, Envisat) and speckle.
- :mod:`mynn.altimetry.retrackers`: OCOG, threshold, leading-edge width and the
  least-squares Brown fit.
"""

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
from mynn.altimetry.retrackers import (
    EDGE_10_90,
    OCOG,
    BrownFit,
    LeadingEdge,
    leading_edge_swh,
    ocog,
    retrack_brown,
    running_mean,
    threshold_retrack,
)

__all__ = [
    "C_LIGHT",
    "EDGE_10_90",
    "ENVISAT",
    "JASON",
    "OCOG",
    "BrownFit",
    "Instrument",
    "LeadingEdge",
    "add_speckle",
    "brown_waveform",
    "leading_edge_swh",
    "mispointing_factors",
    "ocog",
    "retrack_brown",
    "running_mean",
    "sigma_c_from_swh",
    "swh_from_sigma_c",
    "threshold_retrack",
]
