"""mynn.checks and mynn.memory: the shared argument checks and the memory guard."""

import os
from pathlib import Path

import numpy as np
import pytest

from mynn import checks, memory


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.uint8(200)])
def test_whole_numbers_are_accepted_as_int(value):
    checked = checks.check_whole_number("n", value)
    assert checked == value and type(checked) is int


@pytest.mark.parametrize("value", [True, np.True_, 2.0, 2.5, "3", None, [1]])
def test_non_whole_numbers_are_both_value_and_type_errors(value):
    with pytest.raises(checks.ArgumentTypeError, match="n must be a positive whole number, got"):
        checks.check_whole_number("n", value)
    error = pytest.raises(ValueError, checks.check_whole_number, "n", value).value
    assert isinstance(error, TypeError) and isinstance(error, checks.ArgumentError)


def test_whole_number_ranges_and_wording():
    with pytest.raises(ValueError, match=r"^n must be a positive whole number, got 0$"):
        checks.check_whole_number("n", 0)
    with pytest.raises(ValueError, match=r"steps must be a whole number >= 0, got -1$"):
        checks.check_whole_number("steps", -1, minimum=0)
    with pytest.raises(ValueError, match="of images, got 0; use 500"):
        checks.check_whole_number("chunk", 0, unit="images", fix="use 500")
    assert checks.check_whole_number("k", -5, minimum=None) == -5
    assert checks.check_whole_number("steps", 0, minimum=0) == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "x must be finite"),
        (float("inf"), "x must be finite"),
        (10**400, r"x is too large for a floating-point number \(about 10\*\*400\)"),
        ("ten", "x must be a number, got 'ten'"),
        (True, "x must be a number, got True"),
    ],
)
def test_numbers_must_be_finite_floats(value, message):
    with pytest.raises(ValueError, match=message):
        checks.check_number("x", value)


def test_positive_numbers_and_probabilities():
    assert checks.check_positive_number("lr", np.float32(0.5)) == 0.5
    with pytest.raises(ValueError, match="lr must be positive, got 0"):
        checks.check_positive_number("lr", 0)
    assert checks.check_probability("p", 0) == 0.0 and checks.check_probability("p", 1) == 1.0
    with pytest.raises(ValueError, match="p is a probability, so it lies in 0..1; got 1.5"):
        checks.check_probability("p", 1.5)


def test_finite_arrays():
    array = checks.check_finite_array("x", [[1, 2], [3, 4]])
    assert array.dtype == np.float64 and array.shape == (2, 2)
    for bad, message in [
        (None, "x is None"),
        ([1, np.nan], "x contains NaN or infinity"),
        ([1, np.inf], "x contains NaN or infinity"),
        ("abc", "x must be numbers"),
        ([[1, 2], [3]], "x must be numbers"),
    ]:
        with pytest.raises(checks.ArgumentError, match=message):
            checks.check_finite_array("x", bad)


def test_file_paths(tmp_path):
    (tmp_path / "a.npz").write_bytes(b"x")
    assert checks.check_file_path("path", str(tmp_path / "a.npz")) == tmp_path / "a.npz"
    assert checks.check_file_path("path", tmp_path / "a.npz", must_exist=True).name == "a.npz"
    with pytest.raises(ValueError, match="does not exist"):
        checks.check_file_path("path", tmp_path / "missing.npz", must_exist=True)
    with pytest.raises(ValueError, match="is a folder"):
        checks.check_file_path("path", tmp_path, must_exist=True)
    with pytest.raises(ValueError, match="empty path"):
        checks.check_file_path("path", "")
    with pytest.raises(TypeError, match="must be a file path"):
        checks.check_file_path("path", 3)
    assert isinstance(checks.check_file_path("path", Path("x")), os.PathLike)


def test_seed_may_be_a_number_or_a_generator():
    a = checks.random_generator(5).normal(size=3)
    np.testing.assert_array_equal(a, np.random.default_rng(5).normal(size=3))
    shared = np.random.default_rng(1)
    assert checks.random_generator(shared) is shared  # used as it is: one stream
    assert isinstance(checks.random_generator(None), np.random.Generator)
    for bad in (-1, 1.5, True, "1"):
        with pytest.raises(ValueError, match="seed must be a non-negative whole number"):
            checks.random_generator(bad)


def test_format_bytes_uses_binary_units():
    assert memory.format_bytes(0) == "0 bytes"
    assert memory.format_bytes(1023) == "1,023 bytes"
    assert memory.format_bytes(1024) == "1.0 KiB"
    assert memory.format_bytes(3 * 2**30) == "3.0 GiB"
    assert memory.format_bytes(16 * 10**15) == "14.2 PiB"
    assert memory.format_bytes(2**40, unit="GiB") == "1,024.0 GiB"
    with pytest.raises(ValueError, match="unit must be one of"):
        memory.format_bytes(1, unit="GB")


def test_require_memory_refuses_more_than_the_machine_has(monkeypatch):
    monkeypatch.setattr(memory, "physical_memory", lambda: 8 * 2**30)
    memory.require_memory(8 * 2**30, "the weights", "use fewer nodes")  # exactly fits
    with pytest.raises(
        ValueError,
        match=r"^the weights: 16\.0 GiB of memory needed, more than this machine's 8\.0 GiB; "
        r"use fewer nodes$",
    ):
        memory.require_memory(16 * 2**30, "the weights", "use fewer nodes")
    monkeypatch.setattr(memory, "physical_memory", lambda: None)  # unknown: numpy decides
    memory.require_memory(10**30, "the weights", "use fewer nodes")


def test_physical_memory_is_plausible():
    total = memory.physical_memory()
    assert total is None or 2**26 < total < 2**60


def test_plot_names_follow_one_rule():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from mynn.plots import altimetry as altitude_plots
    from mynn.plots import mnist

    assert mnist.show_digit is mnist.draw_digit and mnist.show_digits is mnist.plot_digits
    assert mnist.plot_sweep is mnist.draw_sweep
    figure = mnist.plot_digits(np.zeros((3, 784)), [0, 1, 2])
    assert isinstance(figure, Figure)
    # the altimetry confusion picture is the same function, with its own words
    matrix = np.array([[5, 1], [0, 4]])
    picture = altitude_plots.plot_confusion(matrix, ("ocean", "land"))
    (ax, _) = picture.axes
    assert ax.get_ylabel() == "true surface"
    assert sorted(t.get_text() for t in ax.texts) == ["1", "4", "5"]  # empty cells blank
    plt.close("all")


def test_altimetry_takes_seed_and_still_its_older_rng():
    from mynn import altimetry as alt

    by_seed, by_rng = alt.make_dataset(10, seed=3), alt.make_dataset(10, rng=3)
    np.testing.assert_array_equal(by_seed.labels, by_rng.labels)
    np.testing.assert_array_equal(by_seed.waveforms, by_rng.waveforms)
    shared = np.random.default_rng(4)
    first = alt.add_speckle(np.ones(5), seed=shared)
    assert not np.array_equal(first, alt.add_speckle(np.ones(5), seed=shared))  # one stream
    with pytest.raises(ValueError, match="give seed= or rng="):
        alt.simulate_track(seed=1, rng=1)


@pytest.mark.parametrize("window", [1, 2, 3, 8, 49])
def test_moving_averages_are_the_mean_of_each_window(window):
    """The loss curves' smoother and the altimetry running mean, against their definitions."""
    from mynn.altimetry.retrackers import running_mean
    from mynn.plots.gan import _smooth

    values = np.random.default_rng(window).random(50)
    runs = np.array([values[k : k + window].mean() for k in range(50 - window + 1)])
    np.testing.assert_allclose(_smooth(values, window), runs, rtol=1e-12)
    if window % 2:
        half = window // 2
        padded = np.concatenate([[values[0]] * half, values, [values[-1]] * half])
        centred = np.array([padded[k : k + window].mean() for k in range(50)])
        np.testing.assert_allclose(running_mean(values, window), centred, rtol=1e-12)


def test_convsize_whole_number_errors_are_value_errors_too():
    """convsize raised TypeError alone; now the error is also the ValueError all mynn raises."""
    from mynn.convsize import Reshape, conv_output_size

    for call in (lambda: conv_output_size(28.0, 3), lambda: Reshape((2.5, 4))):
        with pytest.raises(checks.ArgumentTypeError, match="whole number") as caught:
            call()
        assert isinstance(caught.value, ValueError) and isinstance(caught.value, TypeError)
