"""The notebooks' own checks, run over the values the notebooks invite the reader to try.

Notebook 11 says its checks hold for any start and any learning rate from 0.01 to 3; the
checks are functions in :mod:`mynn.games_checks`, tested here over that range, and the
notebook's own code cells are re-run with the learning rates its "Things to try" suggests.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mynn import games  # noqa: E402
from mynn import games_checks as checks  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LEARNING_RATES = [0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 1 / math.sqrt(3), 1.0, 1.5, 2.0, 2.5, 3.0]
STARTS = [(0.6, 0.7), (0.6, 0.8), (-2.0, 0.0), (0.0, 1e-3)]
STEPS = 499


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------- notebook 11
@pytest.mark.parametrize("lr", LEARNING_RATES)
@pytest.mark.parametrize("start", STARTS)
def test_spiral_and_circle_checks_hold_for_every_lr_and_start(lr, start):
    x0, y0 = start
    book = games.simulate("simultaneous", x0, y0, lr, STEPS)
    ratios, predicted = checks.spiral_growth(book, lr)
    assert len(ratios) == STEPS
    assert predicted == pytest.approx(math.hypot(x0, y0) * (1 + lr * lr) ** (STEPS / 2))
    low, high = checks.circle_distances(x0, y0, lr * np.arange(STEPS + 1))
    assert low == pytest.approx(math.hypot(x0, y0)) == pytest.approx(high)


def test_spiral_check_looks_only_at_the_finite_part_of_an_overflowing_path():
    path = games.simulate("simultaneous", 0.6, 0.7, 3.0, 2000)  # overflows near step 620
    assert not np.all(np.isfinite(path))
    ratios, _ = checks.spiral_growth(path, 3.0)
    assert 500 < len(ratios) < 2000


def test_spiral_check_fails_for_a_path_that_does_not_spiral_by_sqrt_1_plus_lr2():
    wrong = games.simulate("alternating", 0.6, 0.7, 0.1, STEPS)
    with pytest.raises(AssertionError, match="sqrt"):
        checks.spiral_growth(wrong, 0.1)
    with pytest.raises(AssertionError, match="sqrt"):  # the right rule, the wrong lr
        checks.spiral_growth(games.simulate("simultaneous", 0.6, 0.7, 0.1, STEPS), 0.1001)


def test_failed_claims_are_raised_under_python_optimise():
    """``python -O`` strips assert statements; the checks raise ClaimFailed themselves."""
    import subprocess
    import sys

    code = (
        "from mynn import games, games_checks as checks\n"
        "try:\n"
        "    checks.spiral_growth(games.simulate('alternating', 0.6, 0.7, 0.1, 50), 0.1)\n"
        "except checks.ClaimFailed as error:\n"
        "    assert isinstance(error, AssertionError)\n"
        "    print('refused:', error)\n"
    )
    result = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused: every step should multiply the distance")


@pytest.mark.parametrize(
    "lr",
    LEARNING_RATES
    + [0.5 - 1e-9, 0.5 + 1e-9, 0.5 - 1e-6, 0.5 + 1e-6, 2 - 1e-9, 2 + 1e-9, 1 - 1e-9, 1 + 1e-9],
)
def test_growth_factor_formulas_agree_with_the_matrix_even_at_repeated_eigenvalues(lr):
    agreed = checks.growth_factors_agree(lr)
    assert set(agreed) == set(games.CLOSED_FORM_SCHEMES)


def test_growth_factor_tolerance_still_catches_a_wrong_formula():
    # the smallest difference between two of the rules' formulas at lr = 0.1 is
    # extragradient against proximal, 5e-7 relative: a formula that far off must fail
    extragradient = games.closed_form_growth_factor("extragradient", 0.1)
    proximal = games.closed_form_growth_factor("proximal", 0.1)
    assert abs(extragradient / proximal - 1) > checks.REPEATED_EIGENVALUE
    assert not math.isclose(extragradient, proximal, rel_tol=checks.REPEATED_EIGENVALUE)


@pytest.mark.parametrize("lr", LEARNING_RATES)
def test_torch_sgd_is_the_book_rule_to_rounding_for_every_lr(lr):
    book = games.simulate("simultaneous", 0.6, 0.7, lr, STEPS)
    torch_sgd = games.play_with_torch("sgd", 0.6, 0.7, lr, STEPS)
    assert checks.same_path(torch_sgd, book, rtol=checks.ROUNDING) < checks.ROUNDING


@pytest.mark.parametrize("lr", LEARNING_RATES)
def test_torch_adam_matches_numpy_in_float64_and_float32_for_every_lr(lr):
    numpy_adam = games.simulate("adam", 0.6, 0.7, lr, STEPS)
    torch_adam = games.play_with_torch("adam", 0.6, 0.7, lr, STEPS)
    checks.same_path(torch_adam, numpy_adam, rtol=checks.ROUNDING, floor=lr)
    torch_adam_32 = games.play_with_torch("adam", 0.6, 0.7, lr, STEPS, dtype="float32")
    worst = checks.same_path(torch_adam_32, numpy_adam, rtol=checks.FLOAT32, floor=lr)
    assert worst > 1e-9  # float32 really is coarser: the check is not comparing float64 twice


def test_same_path_is_relative_to_the_distance_and_fails_on_a_real_difference():
    book = games.simulate("simultaneous", 0.6, 0.7, 0.1, STEPS)
    nudged = book * (1 + 1e-13)
    assert checks.same_path(nudged, book, rtol=checks.ROUNDING) < 1e-12  # x crosses 0: fine
    with pytest.raises(AssertionError, match="differ"):
        checks.same_path(games.simulate("simultaneous", 0.6, 0.7, 0.1001, STEPS), book, 1e-6)
    with pytest.raises(ValueError, match="shape"):
        checks.same_path(book[:-1], book, 1e-6)


@pytest.mark.parametrize("gamma", [0.5, 1.0, 1.9])
@pytest.mark.parametrize("lr", LEARNING_RATES)
def test_damped_game_moves_at_its_growth_factor_for_every_lr(lr, gamma):
    def damped(x, y):
        return x * y - 0.5 * gamma * x**2

    path = games.simulate("simultaneous", 0.6, 0.7, lr, STEPS, objective=damped)
    rho, spread, relative = checks.damped_distance(path, lr, gamma)
    assert rho == pytest.approx(math.sqrt(1 - lr * gamma + lr * lr), rel=1e-12)
    assert 1 / spread <= relative <= spread
    end = games.radius(path)[-1]
    if rho < 1 - 1e-3:
        assert end < games.radius(path)[0]
    if rho > 1 + 1e-3:
        assert not np.isfinite(end) or end > games.radius(path)[0]


def test_damped_check_fails_for_the_undamped_game():
    path = games.simulate("simultaneous", 0.6, 0.7, 0.1, STEPS)  # plain x·y: it spirals out
    with pytest.raises(AssertionError, match="cond"):
        checks.damped_distance(path, 0.1, 0.5)


# ---------------------------------------------------------------------------- the explorer
def test_explorer_draws_every_point_and_changes_with_steps_for_a_diverging_rule():
    from mynn.plots import games as pictures

    lines = []
    for steps in (400, 499):
        figure = pictures.explore("simultaneous", 1.0, steps)
        right = figure.axes[1]
        lines.append(right.get_lines()[0].get_ydata())
    assert len(lines[0]) == 401 and len(lines[1]) == 500  # nothing dropped at 1e6
    assert lines[1][-1] > 1e70


def test_explorer_marks_where_a_path_leaves_what_floating_point_can_hold():
    from mynn.plots import games as pictures

    figure = pictures.explore("simultaneous", 3.0, 2000)
    title = figure.axes[0].get_title()
    assert "beyond" in title and "marked X" in title
    drawn = figure.axes[1].get_lines()[0].get_ydata()
    assert np.all(np.isfinite(drawn)) and drawn.max() <= pictures.DRAW_LIMIT


def test_explorer_widget_reaches_499_steps_and_learning_rates_past_2():
    pytest.importorskip("ipywidgets")
    from mynn.plots import games as pictures

    explorer = pictures.explore_widget(0.6, 0.7, lr=0.1, steps=499)
    controls = {child.description: child for child in explorer.children[:-1]}
    steps, lr = controls["steps"], controls["lr"]
    assert steps.value == 499 and steps.step == 1 and steps.max >= 2000
    assert lr.value == pytest.approx(0.1)
    assert lr.base**lr.max > 3 and lr.base**lr.min <= 0.01
    assert explorer.kwargs == {"scheme": "simultaneous", "lr": 0.1, "steps": 499}


def test_one_colour_per_rule_in_every_picture():
    from mynn.plots import games as pictures

    assert set(pictures.SCHEME_COLOURS) == set(games.SCHEMES)
    assert len(set(pictures.SCHEME_COLOURS.values())) == len(games.SCHEMES)
    paths = {s: games.simulate(s, 0.6, 0.7, 0.1, 50) for s in games.SCHEMES}
    figure, (left, right) = plt.subplots(1, 2)
    pictures.radius_against_step(left, paths)
    lrs = np.linspace(0.1, 2, 5)
    pictures.growth_factor_curves(
        right, lrs, {s: games.growth_factor(s, lrs) for s in reversed(games.LINEAR_SCHEMES)}
    )
    for ax in (left, right):
        for line in ax.get_lines():
            if line.get_label() in pictures.SCHEME_COLOURS:
                colour = matplotlib.colors.to_hex(line.get_color())
                expected = pictures.SCHEME_COLOURS[line.get_label()]
                assert colour == matplotlib.colors.to_hex(expected)


# ---------------------------------------------------------------------------- the notebook
def _notebook_code(name: str) -> list[str]:
    import json

    cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


@pytest.mark.filterwarnings("error")  # a warning would show in the reader's notebook
@pytest.mark.parametrize("lr", [0.01, 0.1, 0.5, 1.0, 3.0])
def test_notebook_11_cells_pass_with_the_learning_rates_it_suggests(lr, monkeypatch):
    """Run notebook 11's code with LR changed, as Things to try asks (not the 40,000-step
    Adam cell, which doesn't use LR, nor the widget, which needs a browser)."""
    pytest.importorskip("torch")
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: plt.close("all"))
    code = _notebook_code("11_adversarial_gradient_descent.ipynb")
    knobs = [cell for cell in code if cell.lstrip().startswith("X0, Y0")]
    assert len(knobs) == 1 and "LR = 0.1" in knobs[0]
    namespace: dict[str, object] = {"display": lambda *args: None}
    ran = 0
    for cell in code:
        if "ADAM_STEPS" in cell or "explore_widget" in cell:
            continue
        cell = cell.replace("LR = 0.1", f"LR = {lr!r}") if cell is knobs[0] else cell
        cell = cell.replace("from IPython.display import display\n", "")
        exec(compile(cell, f"notebook 11, lr {lr}", "exec"), namespace)
        ran += 1
    assert ran >= 14 and namespace["LR"] == lr


# ---------------------------------------------------------------------------- notebook 10
def test_convolution_explorer_is_one_widget_with_the_notebook_settings():
    pytest.importorskip("ipywidgets")
    from mynn.plots.convolution import explore_widget

    controls = explore_widget(size=6, kernel_size=3, stride=2, padding=0)
    assert controls.kwargs == {
        "size": 6,
        "kernel_size": 3,
        "stride": 2,
        "padding": 0,
        "transposed": False,
    }
    assert len(plt.get_fignums()) <= 1  # drawn once, inside the widget's output


def test_animation_frames_carry_a_legend(tmp_path, monkeypatch):
    from mynn.plots import convolution

    frames = convolution.conv_frames(6, kernel_size=2, stride=2, padding=1)
    labels = [
        h.get_label()
        for h in convolution._frame_legend_handles(
            convolution.conv_diagram(6, kernel_size=2, stride=2, padding=1)
        )
    ]
    assert {"input", "padding", "kernel", "output cells done"} <= set(labels)
    monkeypatch.setattr(convolution, "_frame_legend_handles", lambda diagram: [])
    bare = convolution.conv_frames(6, kernel_size=2, stride=2, padding=1)
    assert frames[0].shape == bare[0].shape
    assert not np.array_equal(frames[0], bare[0])  # the legend is really drawn
    path = convolution.write_gif(frames, tmp_path / "conv.gif")
    assert path.read_bytes().startswith(b"GIF89a")


def test_write_gif_leaves_an_existing_file_alone_when_it_fails(tmp_path):
    from mynn.plots import convolution

    path = tmp_path / "conv.gif"
    path.write_bytes(b"keep me")
    with pytest.raises(ValueError):
        convolution.write_gif([], path)
    assert path.read_bytes() == b"keep me"
    assert list(tmp_path.iterdir()) == [path]


# ---------------------------------------------------------------------------- notebook 02
def test_sweep_axis_is_labelled_with_the_values_tried_and_marks_rounding_decided_points():
    from mynn.plots.mnist import plot_sweep

    rates = [0.01, 0.03, 0.1, 0.3, 0.6, 1.0, 2.0]
    ax = plot_sweep(
        rates,
        [0.75, 0.83, 0.88, 0.91, 0.9, 0.85, 0.6],
        "learning rate",
        log_x=True,
        rounding_decides=[r > 0.6 for r in rates],
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "0.01",
        "0.03",
        "0.1",
        "0.3",
        "0.6",
        "1",
        "2",
    ]
    assert len(ax.xaxis.get_minorticklocs()) == 0  # no unlabelled 10^k clutter
    assert ax.get_legend() is not None  # the hollow points are explained
    with pytest.raises(ValueError, match="accuracies"):
        plot_sweep(rates, [0.5], "learning rate")


# ---------------------------------------------------------------------------- the book's code
def test_the_books_way_of_calling_runs_through_mynn_and_gives_the_same_weights():
    """What 00_start_here and the README promise: the book's training loop, with numpy 2's
    replacement for ``numpy.asfarray``, runs with ``from mynn import NeuralNetwork as
    neuralNetwork`` and gives the weights of the literal transcription of the book's
    algorithm (tests/book_reference.py) to rounding."""
    import gzip

    from book_reference import BookNetwork

    from mynn import NeuralNetwork as neuralNetwork
    from mynn.datasets import BUNDLED_DATA_DIR

    data = BUNDLED_DATA_DIR / "mnist_sample_train.csv.gz"
    with gzip.open(data, "rt") as handle:
        training_data_list = handle.readlines()[:1000]
    input_nodes, hidden_nodes, output_nodes, learning_rate = 784, 200, 10, 0.1
    n = neuralNetwork(input_nodes, hidden_nodes, output_nodes, learning_rate)  # positional
    book = BookNetwork(n.wih, n.who, n.lr)
    for _ in range(2):  # epochs
        for record in training_data_list:
            all_values = record.split(",")
            inputs = (np.asarray(all_values[1:], dtype=float) / 255.0 * 0.99) + 0.01
            targets = np.zeros(output_nodes) + 0.01
            targets[int(all_values[0])] = 0.99
            n.train(inputs, targets)
            book.train(inputs, targets)
    assert np.max(np.abs(n.wih - book.wih)) < 1e-13
    assert np.max(np.abs(n.who - book.who)) < 1e-13
    outputs = n.query(inputs)
    assert outputs.shape == (10,) and book.query(inputs).shape == (10, 1)  # the one difference
    assert np.argmax(outputs) == np.argmax(book.query(inputs))
    assert n.query(np.stack([inputs, inputs])).shape == (2, 10)  # a batch: one row per sample
