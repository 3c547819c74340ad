"""Altimetry: the Brown-Hayne model, speckle, surfaces, generators and retrackers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import erfinv

from mynn import altimetry as alt
from mynn.altimetry import ENVISAT, JASON, add_speckle, brown_waveform, retrack_brown


# ------------------------------------------------------------------------------ the model
def test_instrument_constants_have_their_physical_consequences():
    """Consequences of the published constants, not a copy of them.

    Jason-1/2 (CNES/NASA Jason-1 and OSTM/Jason-2 products handbooks, AVISO/PODAAC): a Ku
    chirp of 320 MHz bandwidth sampled in 104 gates, 1336 km altitude, 1.29 degree 3 dB
    beam; Envisat RA-2 (ESA RA-2/MWR product handbook): 128 gates, 800 km, 1.35 degrees.
    """
    # one gate is the range resolution of a 320 MHz chirp: c / (2 B) = 0.468 m
    assert JASON.gate_m == pytest.approx(0.299792458 / (2 * 0.320), rel=1e-12)
    assert ENVISAT.gate_m == pytest.approx(JASON.gate_m)
    # the point-target response is about half a gate, 1.6 ns (Jason)
    assert JASON.sigma_p_gates * JASON.gate_ns == pytest.approx(1.60, abs=0.01)
    # the window: 104 Jason gates span about 49 m of range, Envisat's 128 about 60 m
    assert JASON.n_gates * JASON.gate_m == pytest.approx(48.7, abs=0.1)
    assert ENVISAT.n_gates * ENVISAT.gate_m == pytest.approx(60.0, abs=0.1)
    # the pulse-limited footprint over a flat sea, 2 sqrt(c tau h), is about 2 km for Jason
    assert 2 * math.sqrt(2 * JASON.gate_m * JASON.altitude_m) == pytest.approx(2237, abs=5)
    # the beam-limited footprint h * theta_3dB is tens of km: the beam is much wider than
    # the pulse-limited area, which is why the trailing edge decays slowly
    assert JASON.altitude_m * math.radians(JASON.beamwidth_deg) == pytest.approx(30.1e3, rel=0.01)
    # gamma and a follow the Brown-model formulas (Amarouche et al. 2004)
    gamma = math.sin(math.radians(JASON.beamwidth_deg)) ** 2 / (2 * math.log(2))
    assert JASON.gamma == pytest.approx(gamma, rel=1e-14)
    h = JASON.altitude_m
    a = 4 * alt.C_LIGHT / (gamma * h * (1 + h / 6371e3)) * JASON.gate_ns
    assert JASON.a_per_gate == pytest.approx(a, rel=1e-14)
    # the trailing edge therefore keeps about 63 % of its power 73 gates after the edge
    assert math.exp(-JASON.a_per_gate * 73) == pytest.approx(0.63, abs=0.01)


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
        (lambda: retrack_brown(brown_waveform(2.0), mispointing=89.0), "mispointing"),
        (lambda: retrack_brown(brown_waveform(2.0), mispointing=float("nan")), "mispointing"),
        (lambda: alt.ocog(brown_waveform(2.0), skip=2.5), "whole number"),
        (lambda: alt.rmse([1.0, 2.0], [1.0, 2.0, 3.0]), "same shape"),
        (lambda: alt.lag_by_cross_correlation(np.arange(100.0), np.ones(100), 40), "constant"),
        (lambda: alt.make_dataset(10, swh_range=5), "swh_range must be a"),
        (lambda: alt.Instrument("x", 104, 3.125, 0.5, 1.29, 0.0, 31.0, 90, 20.0), "altitude_m"),
        (lambda: alt.Instrument("x", 104, 3.125, 0.5, 0.0, 1e6, 31.0, 90, 20.0), "beamwidth"),
        (lambda: alt.Instrument("x", 104, 0.0, 0.5, 1.29, 1e6, 31.0, 90, 20.0), "gate_ns"),
    ],
)
def test_bad_arguments_get_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------------------ surfaces
def test_specular_and_multi_peak_shapes():
    spec = alt.specular_waveform(40.0, 12.0, noise_floor=0.1)
    assert spec.argmax() == 40 and spec.max() == pytest.approx(12.1)
    assert alt.pulse_peakiness(spec) > 20
    w = alt.multi_peak_waveform(2.0, 30.0, 1.0, [50.0, 70.0], [5.0, 3.0])
    assert w[50] == pytest.approx(5.0 + brown_waveform(2.0, 30.0)[50], rel=1e-6)
    np.testing.assert_allclose(w[:20], 0.0, atol=1e-9)
    bright = alt.ocean_with_bright_target(2.0, 30.0, target_delay=20.0, target_amplitude=5.0)
    np.testing.assert_allclose(
        bright, w - 3.0 * np.exp(-0.5 * ((np.arange(104) - 70) / 0.513) ** 2)
    )


def test_land_is_weak_wide_and_seeded():
    a = alt.land_waveform(31.0, 0.3, rng=4)
    np.testing.assert_array_equal(a, alt.land_waveform(31.0, 0.3, rng=4))
    assert a.max() < 1.0
    assert alt.pulse_peakiness(a) < alt.pulse_peakiness(alt.specular_waveform(31.0, 5.0))
    wide = alt.land_waveform(31.0, 1.0, rng=0, effective_swh=30.0)
    assert (
        alt.leading_edge_swh(wide).sigma_c > 3 * alt.leading_edge_swh(brown_waveform(2.0)).sigma_c
    )


def test_make_dataset_labels_shapes_and_truth():
    data = alt.make_dataset(500, rng=0)
    assert data.waveforms.shape == data.clean.shape == (500, 104)
    assert len(data) == 500
    assert np.bincount(data.labels).tolist() == [100] * 5  # equal shares
    land = data.labels == alt.LAND
    np.testing.assert_array_equal(data.is_water, ~land)
    assert np.all(np.isnan(data.swh[land])) and not np.any(np.isnan(data.swh[~land]))
    ocean = data.labels == 0
    assert np.all((data.swh[ocean] >= 0.5) & (data.swh[ocean] <= 10.0))
    assert np.all(data.swh[data.labels == 1] == 0.0)
    assert np.all(np.abs(data.epoch[~land] - 31.0) <= 4.0)
    assert np.all(data.waveforms > 0)
    # ocean rows are Brown waveforms: the fit on the clean row recovers the truth
    i = np.flatnonzero(ocean)[0]
    fit = retrack_brown(data.clean[i])
    assert fit.swh == pytest.approx(data.swh[i], abs=0.1)
    assert fit.epoch == pytest.approx(data.epoch[i], abs=0.02)
    again = alt.make_dataset(500, rng=0)
    np.testing.assert_array_equal(again.waveforms, data.waveforms)
    only = alt.make_dataset(30, classes="ocean", swh_range=(2.0, 3.0), instrument=ENVISAT, rng=1)
    assert only.waveforms.shape == (30, 128) and np.all(only.labels == 0)
    assert np.all((only.swh >= 2.0) & (only.swh <= 3.0))
    wide = alt.make_dataset(300, epoch_spread=15.0, rng=3)  # every peak still in the window
    assert np.all(np.abs(wide.epoch[wide.labels != alt.LAND] - 31.0) <= 15.0)
    assert np.all(wide.waveforms[:, -1] < wide.waveforms.max(axis=1))


def test_simulated_track():
    track = alt.simulate_track(rng=0)
    n = len(track)
    assert track.waveforms.shape == (n, 104) and n == 449  # 130 km at 5.8 km/s, 20 Hz
    assert set(np.unique(track.surface)) == {"ocean", "land", "lake"}
    assert np.all(track.surface[track.distance_km < 35] == "ocean")
    assert np.all(np.isnan(track.swh[track.surface == "land"]))
    ocean = track.surface == "ocean"
    assert 1.5 < np.nanmin(track.swh[ocean]) < np.nanmax(track.swh[ocean]) < 4.1
    assert np.nanmax(np.abs(np.diff(track.swh[: int(35 / 0.29)]))) < 0.05  # smooth
    # the epoch is where the window puts the surface
    expected = 31.0 + (track.window_height_m - track.height_m) / JASON.gate_m
    np.testing.assert_allclose(track.epoch, expected)
    # the bright target's peak follows the parabola (dx^2 + dy^2) / 2h
    seen = np.flatnonzero(~np.isnan(track.target_epoch))
    assert 40 < len(seen) < 90
    dx = (track.distance_km[seen] - 100.0) * 1e3
    delay = (dx**2 + 1500.0**2) / (2 * JASON.altitude_m) / JASON.gate_m
    np.testing.assert_allclose(track.target_epoch[seen], track.epoch[seen] + delay, atol=1e-9)
    # the window lags behind the land-to-water drop and then catches up
    after = (track.distance_km > 80) & (track.distance_km < 82)
    assert np.all(track.epoch[after] > 40)
    assert np.all(np.abs(track.epoch[track.distance_km > 90] - 31.0) < 0.5)
    lag = alt.lag_by_cross_correlation(track.height_m, track.window_height_m, 40)[0]
    assert 2 <= lag <= 10


# ------------------------------------------------------------------------------ features etc.
def test_network_scalings():
    data = alt.make_dataset(50, rng=2)
    x = alt.classifier_inputs(data.waveforms)
    assert x.shape == (50, 104) and x.min() >= 0.01 and np.allclose(x.max(axis=1), 1.0)
    s = alt.swh_inputs(data.waveforms[data.labels == 0])
    assert s.shape[1] == 48 and s.min() >= 0.01 and s.max() <= 1.0
    swh = np.array([0.0, 3.0, 12.0])
    np.testing.assert_allclose(alt.swh_to_target(swh), [0.1, 0.3, 0.9])
    np.testing.assert_allclose(alt.swh_to_target(swh, 12.0, 0.01, 0.99), [0.01, 0.255, 0.99])
    np.testing.assert_allclose(alt.target_to_swh(alt.swh_to_target(swh)), swh)
    with pytest.raises(ValueError, match="max_swh"):
        alt.swh_to_target(13.0)
    with pytest.raises(ValueError, match="never reaches"):
        alt.swh_to_target(1.0, low=0.0)


def test_swh_inputs_align_the_leading_edge():
    a = alt.swh_inputs(brown_waveform(3.0, 28.0, 2.0, 0.05))
    b = alt.swh_inputs(brown_waveform(3.0, 36.5, 0.7, 0.01))
    np.testing.assert_allclose(
        a, b, atol=0.03
    )  # same SWH: same inputs, wherever and however bright


def test_nadir_retracker_picks_the_first_echo():
    w = alt.ocean_with_bright_target(3.0, 30.0, 1.0, target_delay=15.0, target_amplitude=8.0)
    noisy = add_speckle(w, rng=3)
    assert abs(retrack_brown(noisy).swh - 3.0) > 2  # the whole-waveform fit is pulled
    fits = alt.retrack_nadir(add_speckle(np.stack([w] * 30), rng=4))
    assert fits.epoch.mean() == pytest.approx(30.0, abs=0.25)
    assert fits.swh.mean() == pytest.approx(3.0, abs=0.5)
    spec = alt.multi_peak_waveform(None, 33.2, 3.0, [45.0], [20.0], noise_floor=0.05)
    assert alt.retrack_nadir(spec).epoch == pytest.approx(33.2, abs=0.3)
    assert alt.first_leading_edge(spec) < 33.2


def test_evaluation_helpers():
    truth = np.array([1.0, 1.5, 3.0, 3.5])
    errors = alt.binned_errors(truth, truth + [0.1, 0.3, -0.2, 0.2], [0, 2, 4, 6])
    np.testing.assert_allclose(errors.bias[:2], [0.2, 0.0])
    np.testing.assert_allclose(errors.rmse[:2], [math.sqrt(0.05), 0.2])
    assert errors.count.tolist() == [2, 2, 0] and np.isnan(errors.bias[2])
    np.testing.assert_allclose(alt.block_mean(np.arange(40.0), 20), [9.5, 29.5])
    np.testing.assert_allclose(alt.trailing_mean(np.arange(5.0), 2), [0, 0.5, 1.5, 2.5, 3.5])
    signal = np.sin(np.arange(400) / 15.0)
    late = np.roll(signal, 7)
    assert alt.lag_by_cross_correlation(signal, late, 30)[0] == 7
    smoothed = alt.trailing_mean(signal, 21)
    assert alt.lag_by_cross_correlation(signal, smoothed, 30)[0] == 10  # (21 - 1) / 2
    assert alt.lag_by_cross_correlation(signal, alt.centred_mean(signal, 21), 30)[0] == 0
    np.testing.assert_allclose(alt.centred_mean(np.arange(5.0), 3), [0.5, 1, 2, 3, 3.5])
    table = alt.error_table(truth, {"x": truth + 0.1}, [0, 2, 4])
    assert table.splitlines()[1].split() == ["x", "bias", "+0.10", "+0.10", "+0.10"]
    with pytest.raises(ValueError, match="multiple"):
        alt.block_mean(np.arange(30.0), 20)
    with pytest.raises(ValueError, match="NaN"):
        alt.binned_errors(truth, truth * np.nan, [0, 4])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: alt.make_dataset(0), "positive whole number"),
        (lambda: alt.make_dataset(10, classes=["sea"]), "classes must be chosen"),
        (lambda: alt.make_dataset(10, swh_range=(-1.0, 2.0)), "negative"),
        (lambda: alt.make_dataset(10, swh_range=(3.0, 2.0)), "low <= high"),
        (lambda: alt.make_dataset(10, looks=0), "looks"),
        (lambda: alt.make_dataset(10, epoch_spread=16), "epoch_spread"),
        (lambda: alt.specular_waveform(200.0), "inside the Jason window"),
        (lambda: alt.multi_peak_waveform(2.0, 30.0, 1.0, [40.0, 50.0], [1.0]), "same length"),
        (lambda: alt.multi_peak_waveform(2.0, 30.0, 1.0, [140.0], [1.0]), "peak_epochs"),
        (lambda: alt.ocean_with_bright_target(2.0, target_delay=-3.0), "target_delay"),
        (lambda: alt.land_waveform(effective_swh=-5.0), "negative"),
        (lambda: alt.simulate_track(tracker_gain=0.0), "tracker_gain"),
        (lambda: alt.classifier_inputs(np.zeros((2, 104))), "positive maximum"),
        (lambda: alt.swh_inputs(np.ones((2, 50))), "50 gates but Jason has 104"),
    ],
)
def test_bad_generator_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------------------ bad waveforms
@pytest.mark.parametrize(
    "waveform",
    [np.zeros(104), np.ones(104), np.full(104, 1e-300)],
    ids=["zeros", "constant", "tiny-constant"],
)
@pytest.mark.parametrize("retracker", [alt.retrack_brown, alt.retrack_nadir])
def test_retrackers_fail_honestly_on_flat_waveforms(waveform, retracker):
    fit = retracker(waveform)
    assert fit.success is False or fit.success == False  # noqa: E712 (numpy bool)
    assert "flat waveform" in fit.message
    assert np.isnan(fit.swh)
    batch = retracker(np.stack([brown_waveform(2.0, noise_floor=0.05), waveform]))
    assert list(batch.success) == [True, False]
    assert batch.swh[0] == pytest.approx(2.0, abs=1e-4) and np.isnan(batch.swh[1])


@pytest.mark.parametrize("retracker", [alt.retrack_brown, alt.retrack_nadir])
def test_retrackers_do_not_care_about_the_power_unit(retracker):
    w = brown_waveform(3.0, epoch=35.0, amplitude=2.0, noise_floor=0.1)
    tiny = retracker(w * 1e-300)
    normal = retracker(w)
    assert tiny.success and normal.success
    assert tiny.swh == pytest.approx(3.0, abs=1e-4) and normal.swh == pytest.approx(3.0, abs=1e-4)
    assert tiny.amplitude == pytest.approx(normal.amplitude * 1e-300, rel=1e-6)


def test_brown_waveform_stays_finite_for_huge_wave_heights():
    for swh in (3e4, 1e5, 1e7):
        w = brown_waveform(swh)
        assert np.all(np.isfinite(w)) and np.all(w >= 0)
    # an edge far wider than the window: what is left is its slow start, rising
    assert np.all(np.diff(brown_waveform(1e5)) > 0)


def test_one_colour_per_method_across_figures():
    plots = pytest.importorskip("mynn.plots.altimetry")
    aliases = [
        {"Brown fit", "whole-waveform Brown fit"},
        {"nadir sub-waveform fit", "first echo (nadir fit)"},
        {"highest gate", "brightest echo"},
    ]
    colours = plots.METHOD_COLOURS
    for group in aliases:
        assert len({colours[name] for name in group}) == 1, group
    methods = len(colours) - sum(len(group) - 1 for group in aliases)
    assert len(set(colours.values())) == methods  # different methods never share a colour
    assert plots.method_colour("network, 20 Hz") == colours["network"]
    assert plots.method_colour("nadir sub-waveform fit, trailing 1 s mean") == "tab:orange"
    assert plots.method_colour("something new", 3) == "C3"
