"""Figures the notebooks rely on to make their point: legends that name what is drawn,
wrong answers marked, lines that are not hidden, tables not cut where it matters."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mynn  # noqa: E402
from mynn import games  # noqa: E402
from mynn.plots import convolution, images  # noqa: E402
from mynn.plots import games as game_pictures  # noqa: E402
from mynn.plots.inside import plot_backqueries  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _legend_labels(figure):
    return [text.get_text() for legend in figure.legends for text in legend.get_texts()]


def test_transposed_convolution_edge_cells_are_not_called_padding():
    diagram = convolution.conv_transpose_diagram(3, kernel_size=2, stride=2, padding=0)
    assert diagram.edge_label == "edge zeros, d(k-1) - p = 1"
    labels = _legend_labels(convolution.plot_diagram(diagram))
    assert "edge zeros, d(k-1) - p = 1" in labels and "padding" not in labels
    labels = _legend_labels(convolution.plot_conv_transpose_steps(5, kernel_size=3, padding=1))
    assert "edge zeros, d(k-1) - p = 1" in labels
    dilated = convolution.conv_transpose_diagram(3, kernel_size=2, dilation=2)
    assert dilated.edge_label.endswith("= 2")
    rectangular = convolution.conv_transpose_diagram((3, 3), kernel_size=(3, 2))
    assert rectangular.edge_label == "edge zeros, d(k-1) - p"  # 2 and 1: no single number


def test_convolution_padding_is_still_called_padding():
    labels = _legend_labels(convolution.plot_conv(6, kernel_size=2, stride=2, padding=1))
    assert "padding" in labels


def test_trace_shows_every_setting_of_a_layer_with_a_kernel():
    nn = pytest.importorskip("torch.nn")
    from mynn.convsize import trace

    model = nn.Sequential(
        nn.ConvTranspose2d(256, 3, kernel_size=8, stride=2, padding=1), nn.BatchNorm2d(3)
    )
    table = str(trace(model, 62))
    assert "ConvTranspose2d(256, 3, kernel_size=(8, 8), stride=(2, 2), padding=(1, 1))" in table
    assert "BatchNorm2d(3, eps=1e-05, momentum=0.1, ...)" in table  # settings that don't size


def test_close_rules_zoom_tells_optimistic_from_extragradient():
    paths = {name: games.simulate(name, 0.6, 0.7, 0.1, 499) for name in game_pictures.CLOSE_RULES}
    ax = plt.figure().add_subplot()
    game_pictures.close_rules_against_step(ax, paths)
    lines = {line.get_label(): line.get_ydata() for line in ax.lines}
    assert np.all(lines["extragradient"] == 1.0)
    # growth factors 0.994936 against 0.995038 per step: the ratio falls by that much a step
    optimistic = lines["optimistic"]
    assert optimistic[-1] / optimistic[-101] == pytest.approx(
        (0.9949362 / 0.9950377) ** 100, rel=1e-4
    )
    assert 0.9 < optimistic[-1] < 0.98
    assert abs(lines["proximal"][-1] - 1) < 1e-3
    with pytest.raises(ValueError, match="no path"):
        game_pictures.close_rules_against_step(ax, {"extragradient": paths["extragradient"]})


def test_optimistic_is_drawn_differently_from_the_rules_it_overlaps():
    styles = {name: game_pictures.scheme_style(name) for name in game_pictures.CLOSE_RULES}
    drawn = {(s.get("linestyle", "-"), s.get("linewidth")) for s in styles.values()}
    assert len(drawn) == 3


def test_backquery_images_are_drawn_large():
    network = mynn.NeuralNetwork(784, 20, 10, 0.1, seed=0)
    figure = plot_backqueries(network)
    width, height = figure.get_size_inches()
    assert width >= 9 and height >= 4  # two rows of five, each image 1.8 inches
    assert len([ax for ax in figure.axes if ax.images]) == 10
    small = plot_backqueries(network, columns=10, image_inches=1.1)
    assert small.get_size_inches()[1] < height
    with pytest.raises(ValueError, match="image_inches"):
        plot_backqueries(network, image_inches=0)


def test_photos_and_prepared_marks_wrong_answers_red():
    photos = [np.full((24, 32, 3), 200, dtype=np.uint8)] * 3
    prepared = np.full((3, 784), 0.01)
    figure = images.show_photos_and_prepared(photos, prepared, [7, 9, 2], [7, 4, 2])
    titles = [(ax.get_title(), ax.title.get_color()) for ax in figure.axes[3:]]
    assert titles == [
        ("prepared: says 7", "tab:green"),
        ("prepared: says 4", "tab:red"),
        ("prepared: says 2", "tab:green"),
    ]
    with pytest.raises(ValueError, match="one prepared input"):
        images.show_photos_and_prepared(photos, prepared[:2], [7, 9, 2], [7, 4, 2])
