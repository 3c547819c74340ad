"""Altimetry: the Brown-Hayne model, speckle, surfaces, generators and retrackers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import erfinv

from mynn import altimetry as alt
from mynn.altimetry import ENVISAT, JASON, add_speckle, brown_waveform, retrack_brown


# ------------------------------------------------------------------------------ the model
def test_instrument_constants_are_the_published_ones():
    assert (JASON.n_gates, JASON.gate_ns, JASON.tracking_gate) == (104, 3.125, 31.0)
    assert (JASON.sigma_p_gates, JASON.beamwidth_deg, JASON.altitude_m) == (0.513, 1.29, 1336e3)
    assert (ENVISAT.n_gates, ENVISAT.beamwidth_deg, ENVISAT.altitude_m) == (128, 1.35, 800e3)
    assert JASON.gate_m == pytest.approx(0.4684, abs=1e-4)
    gamma = math.sin(math.radians(1.29)) ** 2 / (2 * math.log(2))
    assert JASON.gamma == pytest.approx(gamma, rel=1e-14)
    a = 4 * alt.C_LIGHT / (gamma * 1336e3 * (1 + 1336e3 / 6371e3)) * 3.125
    assert JASON.a_per_gate == pytest.approx(a, rel=1e-14)


def test_waveform_shapes_and_noise_floor():
    assert brown_waveform(2.0).shape == (104,)
    assert brown_waveform(2.0, epoch=46, instrument=ENVISAT).shape == (128,)
    w = brown_waveform(2.0, epoch=40.0, amplitude=3.0, noise_floor=0.2)
    np.testing.assert_allclose(w[:25], 0.2, atol=1e-9)  # before the edge: the noise floor
    assert 3.0 < w.max() < 3.2  # the plateau, a little lowered by the trailing-edge decay


@pytest.mark.parametrize("swh", [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0])
def test_leading_edge_is_an_erf_of_width_sigma_c(swh):
    """Undo the trailing-edge factor and erf: u(t) must be a line of slope 1/(sqrt2 sigma_c)."""
    epoch, amplitude = 40.3, 2.0
    w = brown_waveform(swh, epoch=epoch, amplitude=amplitude)
    sigma_c = alt.sigma_c_from_swh(swh)
    c_xi = JASON.a_per_gate
    t = np.arange(104.0)
    v = c_xi * (t - epoch - c_xi * sigma_c**2 / 2)
    ratio = 2 * w / (amplitude * np.exp(-v)) - 1  # = erf(u)
    use = np.abs(ratio) < 0.98
    u = erfinv(ratio[use])
    slope, intercept = np.polyfit(t[use], u, 1)
    assert 1 / (math.sqrt(2) * slope) == pytest.approx(sigma_c, rel=1e-6)
    assert -intercept / slope == pytest.approx(epoch + c_xi * sigma_c**2, abs=1e-6)


def test_sigma_c_follows_swh():
    assert alt.sigma_c_from_swh(0.0) == pytest.approx(0.513)
    sigma_s = 4.0 / (2 * 0.299792458) / 3.125  # 4 m waves, in gates
    assert alt.sigma_c_from_swh(4.0) == pytest.approx(math.hypot(0.513, sigma_s))
    swh = np.linspace(0, 12, 25)
    np.testing.assert_allclose(alt.swh_from_sigma_c(alt.sigma_c_from_swh(swh)), swh, atol=1e-12)
    assert alt.swh_from_sigma_c(0.3) == 0.0  # below sigma_p: clipped to zero


def test_measured_leading_edge_width_grows_with_swh_as_sigma_c_says():
    swh = np.array([1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0])
    widths = []
    for s in swh:
        fine = brown_waveform(s, epoch=40.0)
        widths.append(alt.leading_edge_swh(fine).sigma_c * alt.EDGE_10_90)
    widths = np.array(widths)
    assert np.all(np.diff(widths) > 0)
    expected = alt.EDGE_10_90 * alt.sigma_c_from_swh(swh)
    np.testing.assert_allclose(widths[1:], expected[1:], rtol=0.05)  # gate sampling: 1 m off


def test_trailing_edge_decays_with_brown_slope_and_mispointing():
    w = brown_waveform(1.0, epoch=20.0)
    slope = np.polyfit(np.arange(40, 100), np.log(w[40:100]), 1)[0]
    assert slope == pytest.approx(-JASON.a_per_gate, rel=1e-6)
    tilted = brown_waveform(1.0, epoch=20.0, mispointing=0.3)
    loss = math.exp(-4 * math.sin(math.radians(0.3)) ** 2 / JASON.gamma)
    c_xi, factor = alt.mispointing_factors(0.3, JASON)
    assert factor == pytest.approx(loss)
    assert c_xi < JASON.a_per_gate
    assert tilted[30] / w[30] == pytest.approx(
        loss * math.exp(-(c_xi - JASON.a_per_gate) * 10), rel=1e-3
    )


# ------------------------------------------------------------------------------ speckle
@pytest.mark.parametrize("looks", [1, 4, 90])
def test_speckle_mean_one_and_spread_one_over_root_looks(looks):
    factors = add_speckle(np.ones(200_000), looks=looks, rng=1)
    assert factors.mean() == pytest.approx(1.0, abs=0.01)
    assert factors.std() == pytest.approx(1 / math.sqrt(looks), rel=0.02)
    assert factors.min() > 0


def test_speckle_multiplies_the_noise_floor_too_and_is_seeded():
    w = brown_waveform(2.0, noise_floor=0.1)
    a, b = add_speckle(w, rng=7), add_speckle(w, rng=7)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a[:10], 0.1)
    assert add_speckle(np.stack([w, w]), rng=0).shape == (2, 104)


# ------------------------------------------------------------------------------ retrackers
@pytest.mark.parametrize("swh", [0.5, 1.0, 2.0, 4.0, 8.0])
def test_brown_fit_recovers_noise_free_parameters(swh):
    rng = np.random.default_rng(int(swh * 10))
    epoch, amplitude, noise = rng.uniform(25, 40), rng.uniform(0.5, 5), rng.uniform(0, 0.1)
    fit = retrack_brown(brown_waveform(swh, epoch, amplitude, noise))
    assert fit.success
    assert fit.swh == pytest.approx(swh, abs=0.03)  # a few centimetres
    assert fit.epoch == pytest.approx(epoch, abs=0.01)  # hundredths of a gate
    assert fit.amplitude == pytest.approx(amplitude, rel=1e-3)
    assert fit.noise_floor == pytest.approx(noise, abs=1e-3 * amplitude)


def test_brown_fit_envisat_and_batches():
    fit = retrack_brown(brown_waveform(3.0, 50.0, instrument=ENVISAT), instrument=ENVISAT)
    assert fit.swh == pytest.approx(3.0, abs=0.03)
    batch = np.stack([brown_waveform(s, 31.0) for s in (1.0, 3.0, 6.0)])
    fits = retrack_brown(batch)
    assert fits.swh.shape == (3,)
    np.testing.assert_allclose(fits.swh, [1.0, 3.0, 6.0], atol=0.03)


def test_brown_fit_on_speckled_waveforms_is_unbiased_with_published_noise():
    rng = np.random.default_rng(3)
    swh = np.full(150, 3.0)
    waves = add_speckle(np.stack([brown_waveform(s, rng.uniform(28, 34)) for s in swh]), rng=rng)
    fit = retrack_brown(waves)
    error = fit.swh - swh
    assert abs(error.mean()) < 0.12
    assert 0.2 < error.std() < 0.8  # roughly 0.4-0.7 m per 20 Hz waveform


def test_ocog_of_a_rectangle_is_its_height_and_width():
    w = np.zeros(104)
    w[30:50] = 2.5
    result = alt.ocog(w)
    assert result.amplitude == pytest.approx(2.5)
    assert result.width == pytest.approx(20.0)
    assert result.centre == pytest.approx(39.5)
    assert result.leading_edge == pytest.approx(29.5)


def test_threshold_retracker_interpolates_between_gates():
    w = np.zeros(104)
    w[40:] = 1.0
    w[30:40] = np.linspace(0.0, 0.9, 10)  # gate 30 + k has power 0.1 k
    assert alt.threshold_retrack(w, 0.5, amplitude=1.0, noise_floor=0.0) == pytest.approx(35.0)
    assert alt.threshold_retrack(w, 0.25, amplitude=1.0, noise_floor=0.0) == pytest.approx(32.5)
    epochs = alt.threshold_retrack(np.stack([brown_waveform(1, 30.0), brown_waveform(1, 50.0)]))
    np.testing.assert_allclose(epochs, [30.0, 50.0], atol=0.5)


@pytest.mark.parametrize("swh", [2.0, 4.0, 8.0])
def test_leading_edge_width_method_on_noise_free_waveforms(swh):
    result = alt.leading_edge_swh(brown_waveform(swh, 35.2, 1.5, 0.05))
    assert result.swh == pytest.approx(swh, abs=0.3)
    assert result.epoch == pytest.approx(35.2, abs=0.2)


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: brown_waveform(-1.0), "cannot be negative"),
        (lambda: brown_waveform(float("nan")), "finite"),
        (lambda: brown_waveform(2.0, epoch=-0.5), "inside the Jason window"),
        (lambda: brown_waveform(2.0, epoch=104.0), "inside the Jason window"),
        (lambda: brown_waveform(2.0, epoch=130.0, instrument=ENVISAT), "0 .. 127"),
        (lambda: brown_waveform(2.0, amplitude=0.0), "amplitude"),
        (lambda: brown_waveform(2.0, noise_floor=-0.1), "noise_floor"),
        (lambda: brown_waveform(2.0, mispointing=10.0), "mispointing"),
        (lambda: brown_waveform([1.0, 2.0]), "single numbers"),
        (lambda: brown_waveform(2.0, instrument="jason"), "Instrument"),
        (lambda: add_speckle(np.ones(10), looks=0.5), "looks"),
        (lambda: add_speckle(np.ones(10), looks=True), "looks"),
        (lambda: add_speckle(-np.ones(10)), "non-negative"),
        (lambda: retrack_brown(np.ones((2, 3, 104))), "2-D array"),
        (lambda: retrack_brown(np.ones(128)), "128 gates but Jason has 104"),
        (lambda: retrack_brown(brown_waveform(2.0), window=(50, 40)), "window"),
        (lambda: alt.ocog(np.zeros(104)), "all zeros"),
        (lambda: alt.threshold_retrack(np.ones(104), fraction=1.5), "fraction"),
        (lambda: alt.running_mean(np.ones(10), 4), "odd"),
    ],
)
def test_bad_arguments_get_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
