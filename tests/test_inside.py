"""Inside the network: back-query images, rotated training copies, and their pictures."""

import matplotlib
import numpy as np
import pytest
from scipy import ndimage

import mynn
from mynn.datasets import augmented, load_mnist, rotated
from mynn.inside import backquery_correlation, backquery_images, class_means
from mynn.training import fit

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def sample():
    images, labels = load_mnist("train")
    return images[:2000], labels[:2000]


@pytest.fixture(scope="module")
def trained(sample):
    images, labels = sample
    return fit(mynn.NeuralNetwork(784, 100, 10, 0.1, seed=0), images, labels, epochs=2)


# --------------------------------------------------------------------------- back-query


@pytest.mark.parametrize("bias", [False, True])
def test_backquery_image_shape_and_range(sample, bias):
    images, labels = sample
    network = mynn.NeuralNetwork(784, 50, 10, 0.1, seed=1, bias=bias)
    fit(network, images[:500], labels[:500])
    for label in range(10):
        image = network.backquery(label)
        assert image.shape == (784,)
        assert np.all(np.isfinite(image))
        # rescaled into 0.01..0.99, touching both ends
        assert image.min() == pytest.approx(0.01, abs=1e-12)
        assert image.max() == pytest.approx(0.99, abs=1e-12)
    np.testing.assert_array_equal(backquery_images(network)[7], network.backquery(7))


def test_each_backquery_image_looks_most_like_its_own_digit(trained, sample):
    """The ten back-query images against the ten digits' mean images: the largest
    correlation in every row sits on the diagonal (a 3's image is most like the mean 3)."""
    images, labels = sample
    correlation = backquery_correlation(trained, images, labels)
    assert correlation.shape == (10, 10) and np.all(np.abs(correlation) <= 1 + 1e-12)
    np.testing.assert_array_equal(np.argmax(correlation, axis=1), np.arange(10))
    assert np.all(np.diag(correlation) > 0.3)
    # and an untrained network's images do not have this structure
    untrained = mynn.NeuralNetwork(784, 100, 10, 0.1, seed=0)
    chance = backquery_correlation(untrained, images, labels)
    assert np.sum(np.argmax(chance, axis=1) == np.arange(10)) < 5
    assert np.all(np.abs(np.diag(chance)) < 0.3)


def test_backquery_correlation_properties(trained, sample):
    """Properties any correct implementation has, without re-deriving it."""
    images, labels = sample
    correlation = backquery_correlation(trained, images, labels)
    # row k compares back-query image k with every class mean; a perfect copy correlates 1
    row = backquery_correlation(trained, np.tile(trained.backquery(4), (10, 1)), np.arange(10))
    np.testing.assert_allclose(row[4], 1.0, atol=1e-12)
    # correlation ignores the pixels' scale: raw 0..255 or the book's 0.01..1.0 agree
    scaled = backquery_correlation(trained, mynn.scale_inputs(images), labels)
    np.testing.assert_allclose(scaled, correlation, atol=1e-12)
    # renaming the classes moves the columns with them
    renamed = (labels + 3) % 10
    np.testing.assert_allclose(
        backquery_correlation(trained, images, renamed), np.roll(correlation, 3, axis=1)
    )


def test_class_means(sample):
    images, labels = sample
    means = class_means(images, labels)
    np.testing.assert_allclose(means[3], images[labels == 3].mean(axis=0))
    with pytest.raises(ValueError, match="every label"):
        class_means(images[labels < 9], labels[labels < 9])
    with pytest.raises(ValueError, match="labels of shape"):
        class_means(images, labels[:-1])


# --------------------------------------------------------------------------- rotation


def test_zero_rotation_is_the_identity(sample):
    images = sample[0][:50]
    np.testing.assert_array_equal(rotated(images, 0), images)
    floats = mynn.scale_inputs(images)
    np.testing.assert_allclose(rotated(floats, [0], blank=0.01)[0], floats, atol=1e-12)


def test_rotation_keeps_shape_dtype_and_range(sample):
    images = sample[0][:50]
    out = rotated(images, (-10, 10, 45))
    assert out.shape == (3, 50, 784) and out.dtype == np.uint8
    assert not np.array_equal(out[0], images)
    # raw float pixels 0..255 stay in 0..255; scaled inputs stay in 0.01..1.0
    raw = rotated(images.astype(np.float64), 30)
    assert raw.shape == images.shape and raw.dtype == np.float64
    assert raw.min() >= -1e-9 and raw.max() <= 255 + 1e-9
    scaled = rotated(mynn.scale_inputs(images), 30, blank=0.01)
    assert scaled.min() >= 0.01 - 1e-12 and scaled.max() <= 1.0 + 1e-12
    # a single image works too
    assert rotated(images[0], (5, 6)).shape == (2, 784)


def test_rotation_is_scipy_bilinear_with_blank_corners(sample):
    image = sample[0][7]
    expected = ndimage.rotate(
        image.reshape(28, 28).astype(float), 10, order=1, reshape=False, cval=0.0
    )
    np.testing.assert_array_equal(
        rotated(sample[0][:10], 10)[7].reshape(28, 28), np.rint(expected).astype(np.uint8)
    )
    # corners rotated in from outside the frame are the blank level
    square = np.full(784, 200, dtype=np.uint8)
    turned = rotated(square, 45).reshape(28, 28)
    assert turned[0, 0] == 0 and turned[14, 14] == 200
    turned = rotated(mynn.scale_inputs(square), 45, blank=0.01).reshape(28, 28)
    assert turned[0, 0] == pytest.approx(0.01)


def test_positive_angles_turn_anticlockwise():
    # a horizontal bar pointing right from the centre, turned by +90, points up
    image = np.zeros((28, 28), dtype=np.uint8)
    image[14, 15:25] = 255
    turned = rotated(image.reshape(784), 90).reshape(28, 28)
    rows, columns = np.nonzero(turned > 128)
    assert rows.mean() < 14 and abs(columns.mean() - 14) < 1.5


def test_rotation_undoes_itself_approximately(sample):
    images = sample[0][:20]
    back = rotated(rotated(images, 10), -10).astype(float)
    # bilinear blurs a little; the centre of mass of the ink returns
    assert np.abs(back - images).mean() < 12


def test_augmented_keeps_labels_in_step(sample):
    images, labels = sample[0][:30], sample[1][:30]
    out_images, out_labels = augmented(images, labels, angles=(10, -10))
    assert out_images.shape == (90, 784) and out_images.dtype == np.uint8
    np.testing.assert_array_equal(out_labels, np.repeat(labels, 3))
    np.testing.assert_array_equal(out_images[0::3], images)
    np.testing.assert_array_equal(out_images[1::3], rotated(images, 10))
    np.testing.assert_array_equal(out_images[2::3], rotated(images, -10))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rotated(np.zeros((3, 28, 28)), 10), "shape \\(n, 784\\)"),
        (lambda: rotated(np.zeros(100), 10), "shape \\(n, 784\\)"),
        (lambda: rotated(np.full(784, np.nan), 10), "NaN"),
        (lambda: rotated(np.zeros(784), []), "one or more finite"),
        (lambda: rotated(np.zeros(784), "ten"), "angles must be"),
        (lambda: rotated(np.zeros(784, dtype=np.uint8), 10, blank=-1), "blank=-1"),
        (lambda: augmented(np.zeros((3, 784)), [1, 2], (10,)), "labels of shape"),
        (lambda: augmented(np.zeros((3, 784)), [1, 2, 3], 10), "sequence of degrees"),
    ],
)
def test_bad_rotation_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- pictures


def test_pictures_draw(trained, tmp_path):
    import matplotlib.pyplot as plt

    from mynn.plots.inside import plot_accuracy_by_angle, plot_backqueries, plot_hidden_weights

    figure = plot_backqueries(trained, title="back-query")
    assert len([ax for ax in figure.axes if ax.images]) == 10
    assert len(figure.axes) == 11  # and the colour bar
    figure.savefig(tmp_path / "backquery.png")
    figure = plot_hidden_weights(trained, nodes=range(5), columns=5)
    assert len([ax for ax in figure.axes if ax.images]) == 5
    ax = plot_accuracy_by_angle([-10, 0, 10], {"plain": [0.8, 0.9, 0.8]})
    assert len(ax.lines) == 1
    with pytest.raises(ValueError, match="hidden node numbers"):
        plot_hidden_weights(trained, nodes=[100])
    with pytest.raises(ValueError, match="2 accuracies for 3 angles"):
        plot_accuracy_by_angle([-10, 0, 10], {"plain": [0.8, 0.9]})
    plt.close("all")
