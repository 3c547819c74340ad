"""Training runs: fit's chunked scaling, its up-front checks, divergence, and the BLAS threads."""

import sys

import numpy as np
import pytest

import mynn
from mynn.training import TrainingDiverged, fit, score


@pytest.fixture(scope="module")
def sample():
    images, labels = mynn.datasets.load_mnist("train")
    return images[:1200], labels[:1200]


def test_chunked_scaling_gives_the_weights_of_scaling_everything_first(sample):
    images, labels = sample
    network = mynn.NeuralNetwork(784, 30, 10, 0.1, seed=0, bias=True)
    reference = mynn.NeuralNetwork(784, 30, 10, 0.1, seed=0, bias=True)
    fit(network, images, labels, epochs=2)
    # The former way: a float64 copy of the whole set, trained in chunks of 500.
    inputs, targets = mynn.scale_inputs(images), mynn.make_targets(labels)
    for _ in range(2):
        for first in range(0, len(inputs), 500):
            reference.train_epoch(inputs[first : first + 500], targets[first : first + 500])
    for name in ("wih", "who", "bh", "bo"):
        np.testing.assert_array_equal(getattr(network, name), getattr(reference, name))


def test_fit_never_makes_a_float_copy_of_the_whole_set(sample, monkeypatch):
    images, labels = sample
    largest = []
    real_scale = mynn.training.scale_inputs
    monkeypatch.setattr(
        mynn.training, "scale_inputs", lambda x: largest.append(len(x)) or real_scale(x)
    )
    fit(mynn.NeuralNetwork(784, 10, 10, 0.1, seed=0), images, labels, chunk=250)
    assert max(largest) == 250


@pytest.mark.parametrize(
    ("labels_change", "kwargs", "message"),
    [
        (lambda y: np.concatenate([y, [1]]), {}, "one label per image: 1200 images"),
        (lambda y: y[:-1], {}, "one label per image: 1200 images"),
        (lambda y: np.where(y == 3, 10, y), {}, "labels must lie in 0..9"),
        (lambda y: y.astype(float), {}, "whole-number class labels"),
        (lambda y: y, {"chunk": 0}, "chunk must be a positive"),
        (lambda y: y, {"epochs": 2.0}, "epochs must be a whole number"),
        (lambda y: y, {"epochs": 0}, "epochs must be at least 1"),
    ],
)
def test_everything_is_checked_before_the_first_update(sample, labels_change, kwargs, message):
    images, labels = sample
    network = mynn.NeuralNetwork(784, 10, 10, 0.1, seed=0)
    before = network.wih.copy()
    with pytest.raises(ValueError, match=message):
        fit(network, images, labels_change(labels), **kwargs)
    np.testing.assert_array_equal(network.wih, before)


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (np.full((3, 784), 300.0), "raw pixels 0..255"),
        (np.full((3, 784), np.nan), "NaN or infinity"),
        (np.zeros((3, 783)), r"shape \(n, 784\)"),
        (np.zeros((0, 784)), "no images"),
    ],
)
def test_bad_images_are_refused(images, message):
    with pytest.raises(ValueError, match=message):
        fit(mynn.NeuralNetwork(784, 10, 10, 0.1), images, np.zeros(len(images), dtype=int))


def test_divergence_stops_with_the_last_finite_weights(sample):
    images, labels = sample
    network = mynn.NeuralNetwork(784, 20, 10, 1e308, seed=0)
    start = network.wih.copy()
    with pytest.raises(TrainingDiverged, match="became NaN or infinite .* smaller learning rate"):
        fit(network, images, labels)
    assert network.weights_are_finite()
    np.testing.assert_array_equal(network.wih, start)  # it failed in the first chunk


def test_score_scales_raw_images_in_chunks(sample):
    images, labels = sample
    network = fit(mynn.NeuralNetwork(784, 30, 10, 0.1, seed=0), images, labels)
    expected = mynn.accuracy(network.predict(mynn.scale_inputs(images)), labels)
    assert score(network, images, labels) == expected


def test_progress_bar_is_skipped_when_stderr_is_gone(sample, monkeypatch):
    images, labels = sample
    quiet = fit(mynn.NeuralNetwork(784, 5, 10, 0.1, seed=0), images[:100], labels[:100])
    monkeypatch.setattr(sys, "stderr", None)
    network = mynn.NeuralNetwork(784, 5, 10, 0.1, seed=0)
    start = network.wih.copy()
    fit(network, images[:100], labels[:100], progress=True)  # a tqdm bar would raise here
    # it trained fully, exactly as without a bar
    assert not np.array_equal(network.wih, start)
    np.testing.assert_array_equal(network.wih, quiet.wih)
    np.testing.assert_array_equal(network.who, quiet.who)


def test_stderr_usable_tells_missing_and_closed_streams(monkeypatch, tmp_path):
    import io

    from mynn.progress import stderr_usable

    closed = open(tmp_path / "log", "w")  # noqa: SIM115
    closed.close()
    for stream, usable in ((None, False), (closed, False), (io.StringIO(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        assert stderr_usable() is usable


def test_progress_none_means_a_bar_only_on_a_terminal(monkeypatch):
    """mynn's one progress rule: None shows a bar on a terminal, not in notebooks or pipes."""
    import io

    from mynn.progress import progress_bar, wanted

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        assert wanted(None) is shown and wanted(True) is True and wanted(False) is False
        with progress_bar(None, total=3) as bar:
            assert bar.disable is not shown
    with pytest.raises(ValueError, match="progress must be True, False or None"):
        wanted("yes")
