"""The drawing board (mynn.widgets): strokes -> page -> prepare_digit -> query, without a browser."""

import re
import subprocess
import sys
from datetime import UTC, datetime

import numpy as np
import pytest

from mynn import NeuralNetwork
from mynn.datasets import load_mnist
from mynn.images import MY_OWN_IMAGES_DIR, prepare_digit
from mynn.training import fit
from mynn.widgets import BRUSH, PAGE, DigitPad, Reading, png

UPLOAD_TIME = datetime(2026, 1, 1, tzinfo=UTC)
ANSWER = re.compile(r"answer: (\d) \(output (0\.\d\d|1\.00)\)")


def one_stroke():
    """A vertical stroke top to bottom as the canvas sends it: float canvas pixels with the
    hand's wobble, a point every few pixels."""
    ys = np.arange(52.0, 232.0, 3.7)
    return [(141.3 + 2.5 * np.sin(y / 23.0), y) for y in ys]


def zero_stroke():
    """A closed loop, an upright oval drawn anticlockwise from the top and back to it."""
    angles = np.linspace(0.0, 2 * np.pi, 60)
    return [(140.0 - 58.0 * np.sin(a) + 0.4, 140.0 - 88.0 * np.cos(a) + 0.3) for a in angles]


@pytest.fixture(scope="module")
def network():
    """The book's network (784-200-10, learning rate 0.1) trained 5 epochs on the bundled
    MNIST sample, as in notebook 03 (about a second of CPU)."""
    images, labels = load_mnist("train")
    return fit(NeuralNetwork(784, 200, 10, 0.1, seed=0), images, labels, epochs=5)


@pytest.fixture
def pad(network):
    return DigitPad(network)


def test_a_drawn_one_reads_as_1_with_the_prepared_image_and_answer_text(pad, network):
    reading = pad.add_stroke(one_stroke())
    assert reading is pad.reading
    match = ANSWER.fullmatch(reading.text)
    assert match, reading.text
    assert reading.answer == 1 and match.group(1) == "1"
    assert float(match.group(2)) == pytest.approx(reading.outputs[1], abs=0.005)
    # The prepared image is exactly what prepare_digit makes of the rendered page: MNIST's
    # geometry (ink 20 px tall, centre of mass at (14, 14)), white ink on black, 0.01..1.0.
    assert reading.digit.shape == (28, 28)
    np.testing.assert_array_equal(reading.digit.ravel(), prepare_digit(pad.render()))
    np.testing.assert_allclose(reading.outputs, network.query(reading.digit.ravel()))
    ink = reading.digit > 0.5
    rows = np.flatnonzero(ink.any(axis=1))
    assert rows[-1] - rows[0] + 1 in (19, 20)
    weights = reading.digit - 0.01
    centre = (np.indices((28, 28)) * weights).sum(axis=(1, 2)) / weights.sum()
    np.testing.assert_allclose(centre, [14.0, 14.0], atol=0.75)
    assert reading.digit.min() == pytest.approx(0.01) and reading.digit.max() == pytest.approx(1.0)


def test_a_drawn_loop_reads_as_0(pad):
    reading = pad.add_stroke(zero_stroke())
    assert reading.answer == 0, reading.text
    assert ANSWER.fullmatch(reading.text).group(1) == "0"
    assert reading.outputs[0] == reading.outputs.max() > 0.5


def test_pointer_events_give_the_same_reading_as_a_whole_stroke(network):
    whole, events = DigitPad(network), DigitPad(network)
    whole.add_stroke(zero_stroke())
    points = zero_stroke()
    events.begin(*points[0])
    assert events.drawing and events.reading.text == "answer: -"  # read only when it ends
    for point in points[1:]:
        events.extend(*point)
    events.extend(*points[-1])  # a repeated point (pointer at rest) is not stored twice
    reading = events.end()
    assert events.strokes == whole.strokes and len(events.strokes[0]) == len(points)
    np.testing.assert_array_equal(reading.outputs, whole.reading.outputs)
    events.extend(10.0, 10.0)  # the pointer moving while up draws nothing
    assert events.strokes == whole.strokes


def test_a_blank_page_answers_dash_and_asks_no_guess(pad):
    reading = pad.read()
    assert reading.text == "answer: -"
    assert reading.answer is None and reading.outputs is None and reading.digit is None
    assert pad.backquery() is None
    assert (pad.render() == 255).all()


def test_clear_empties_the_page_and_the_answer(pad):
    pad.add_stroke(one_stroke())
    pad.add_stroke(zero_stroke())
    assert pad.reading.answer is not None
    reading = pad.clear()
    assert pad.strokes == [] and reading.text == "answer: -"
    assert (pad.render() == 255).all()
    assert pad.add_stroke(zero_stroke()).answer == 0  # the page is usable again


def test_undo_takes_back_only_the_last_stroke(pad):
    first = pad.add_stroke(one_stroke())
    # A bar across the top of the 1 changes what the network sees ...
    with_bar = pad.add_stroke([(95.0, 55.0), (185.0, 55.0)])
    assert len(pad.strokes) == 2
    assert not np.array_equal(with_bar.outputs, first.outputs)
    # ... and Undo brings back exactly the 1.
    undone = pad.undo()
    assert pad.strokes == [[(x, y) for x, y in one_stroke()]]
    np.testing.assert_array_equal(undone.outputs, first.outputs)
    assert undone.text == first.text and undone.answer == 1
    assert pad.undo().text == "answer: -"
    assert pad.undo().text == "answer: -"  # nothing left to undo: no error


def test_undo_during_a_stroke_drops_that_stroke(pad):
    pad.add_stroke(one_stroke())
    pad.begin(20.0, 20.0)
    pad.extend(60.0, 60.0)
    assert pad.undo().answer == 1 and len(pad.strokes) == 1 and not pad.drawing


def test_the_brush_is_round_and_of_the_given_width(network):
    pad = DigitPad(network, brush=20)
    pad.add_stroke([(100.0, 100.0)])  # a tap leaves a dot of the brush's size
    ink = pad.render() < 128
    rows, columns = np.nonzero(ink)
    height, width = rows.max() - rows.min() + 1, columns.max() - columns.min() + 1
    assert height == width and width in (20, 21)
    assert 0.72 < ink.sum() / width**2 < 0.85  # a disc (pi / 4 = 0.785 of its box), no square
    pad.clear()
    pad.add_stroke([(50.0, 140.0), (230.0, 140.0)])  # a line: width 20, rounded ends
    ink = pad.render() < 128
    assert ink[:, 140].sum() in (20, 21)
    columns = np.flatnonzero(ink.any(axis=0))
    assert (columns[0], columns[-1]) == (40, 240)
    assert not ink[130, 40] and ink[140, 40]  # the end cap is round


def test_default_page_and_brush(pad):
    assert pad.size == PAGE == 280 and pad.brush == BRUSH
    assert pad.render().shape == (280, 280) and pad.render().dtype == np.uint8


def test_a_tiny_scribble_gets_no_guess_but_a_reason(network):
    pad = DigitPad(network, brush=1)
    reading = pad.add_stroke([(100.0, 100.0), (101.0, 101.0)])
    assert reading.text == "answer: -" and "too small" in reading.reason


def test_an_uploaded_photo_takes_the_same_path(pad, network):
    path = MY_OWN_IMAGES_DIR / "photo_my_own_5_marker.jpg"
    pad.add_stroke(one_stroke())
    reading = pad.load_photo(path.read_bytes())
    assert pad.strokes == [] and pad.photo is not None
    np.testing.assert_allclose(reading.outputs, network.query(prepare_digit(path)))
    np.testing.assert_array_equal(reading.digit.ravel(), prepare_digit(path))
    assert reading.answer == 5
    assert pad.load_photo(path).text == reading.text  # a path works as well
    assert pad.undo().text == "answer: -" and pad.photo is None  # Undo takes the photo away
    pad.load_photo(path)
    pad.add_stroke(zero_stroke())  # drawing after a photo starts a new page
    assert pad.photo is None and pad.reading.answer == 0


def test_a_bad_upload_is_refused_and_the_drawing_kept(pad):
    pad.add_stroke(one_stroke())
    with pytest.raises(ValueError, match="not an image file"):
        pad.load_photo(b"this is not a picture")
    assert len(pad.strokes) == 1 and pad.reading.answer == 1


def test_backquery_shows_what_the_network_has_in_mind_for_its_answer(pad, network):
    pad.add_stroke(zero_stroke())
    image = pad.backquery()
    np.testing.assert_array_equal(image, network.backquery(0).reshape(28, 28))


@pytest.mark.parametrize(
    "points, message",
    [
        ([], "at least one"),
        ([(1.0, float("nan"))], "finite numbers"),
        ([(1.0, 2.0, 3.0)], "pair"),
        ([("a", 2.0)], "finite numbers"),
    ],
)
def test_bad_points_are_refused_with_the_reason(pad, points, message):
    with pytest.raises(ValueError, match=message):
        pad.add_stroke(points)
    assert pad.strokes == [] and not pad.drawing


def test_a_network_that_does_not_read_28_by_28_is_refused():
    with pytest.raises(ValueError, match="784 inputs"):
        DigitPad(NeuralNetwork(3, 3, 3, 0.1, seed=0))
    with pytest.raises(ValueError, match="brush"):
        DigitPad(NeuralNetwork(784, 10, 10, 0.1, seed=0), brush=0)


def test_reading_text_rounds_the_largest_output():
    outputs = np.array([0.1, 0.2, 0.876, 0.3])
    assert Reading(digit=None, outputs=outputs).text == "answer: 2 (output 0.88)"


def test_png_is_a_zoomed_grey_picture():
    from io import BytesIO

    from PIL import Image

    picture = Image.open(BytesIO(png(np.eye(28), zoom=5)))
    assert picture.size == (140, 140) and picture.mode == "L"
    pixels = np.asarray(picture)
    assert pixels[0, 0] == 255 and pixels[0, 5] == 0 and pixels[7, 7] == 255


def test_importing_mynn_widgets_imports_no_widget_library():
    code = (
        "import sys, mynn, mynn.widgets; "
        "print(sorted(m for m in ('ipywidgets', 'ipycanvas', 'torch') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------- the widget's wiring


@pytest.fixture
def board(network):
    pytest.importorskip("ipycanvas")
    from mynn.widgets import draw_digit

    return draw_digit(network)


def send(board, event, x, y):
    """What the browser's canvas sends to the kernel for a mouse event (ipycanvas's message)."""
    board.parts["canvas"]._handle_frontend_event(None, {"event": event, "x": x, "y": y}, [])


def draw(board, points):
    send(board, "mouse_down", *points[0])
    for point in points[1:]:
        send(board, "mouse_move", *point)
    send(board, "mouse_up", *points[-1])


def test_the_widget_shows_the_answer_image_and_bars_of_a_drawn_digit(board, network):
    parts = board.parts
    assert parts["answer"].value == "answer: -"
    send(board, "mouse_move", 30.0, 30.0)  # moving without pressing draws nothing
    assert board.pad.strokes == []
    draw(board, one_stroke())
    reading = board.pad.reading
    assert parts["answer"].value == reading.text and reading.answer == 1
    assert parts["prepared"].value == png(reading.digit)
    np.testing.assert_allclose([bar.value for bar in parts["bars"]], reading.outputs)
    assert [bar.bar_style for bar in parts["bars"]] == [
        "success" if k == 1 else "info" for k in range(10)
    ]
    parts["clear"].click()
    assert parts["answer"].value == "answer: -" and board.pad.strokes == []
    assert all(bar.value == 0 for bar in parts["bars"])
    draw(board, zero_stroke())
    assert parts["answer"].value.startswith("answer: 0 ")


def test_the_widget_ends_a_stroke_that_leaves_the_canvas_and_undoes_it(board):
    points = one_stroke()
    send(board, "mouse_down", *points[0])
    for point in points[1:]:
        send(board, "mouse_move", *point)
    send(board, "mouse_out", 141.0, 281.0)
    assert board.parts["answer"].value.startswith("answer: 1 ")
    board.parts["undo"].click()
    assert board.parts["answer"].value == "answer: -" and board.pad.strokes == []


def test_the_widget_reads_touch_events(board):
    canvas = board.parts["canvas"]
    points = zero_stroke()
    canvas._handle_frontend_event(
        None, {"event": "touch_start", "touches": [dict(x=points[0][0], y=points[0][1])]}, []
    )
    for x, y in points[1:]:
        canvas._handle_frontend_event(
            None, {"event": "touch_move", "touches": [dict(x=x, y=y)]}, []
        )
    canvas._handle_frontend_event(None, {"event": "touch_end", "touches": []}, [])
    assert board.parts["answer"].value.startswith("answer: 0 ")


def test_the_widget_reads_an_uploaded_photo_and_shows_the_backquery(board, network):
    path = MY_OWN_IMAGES_DIR / "photo_my_own_5_marker.jpg"
    upload = board.parts["upload"]
    upload.value = (
        {
            "name": path.name,
            "type": "image/jpeg",
            "size": path.stat().st_size,
            "content": memoryview(path.read_bytes()),
            "last_modified": UPLOAD_TIME,
        },
    )
    assert board.parts["answer"].value.startswith("answer: 5 ")
    assert path.name in board.parts["note"].value
    see = board.parts["see"]
    see.value = True
    assert board.parts["backquery"].value == png(network.backquery(5).reshape(28, 28))
    see.value = False
    upload.value = (
        {
            "name": "notes.txt",
            "type": "text/plain",
            "size": 5,
            "content": memoryview(b"hello"),
            "last_modified": UPLOAD_TIME,
        },
    )
    assert "not an image file" in board.parts["note"].value
    assert board.parts["answer"].value.startswith("answer: 5 ")  # the photo's reading kept


# ------------------------------------------------- tools/run_notebooks.py keeps widget state


def load_run_notebooks():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "run_notebooks.py"
    spec = importlib.util.spec_from_file_location("run_notebooks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def model(name, **state):
    return {"model_name": name, "state": {"_model_name": name, **state}}


def test_run_notebooks_keeps_the_state_of_displayed_widgets_only():
    nbformat = pytest.importorskip("nbformat")
    tool = load_run_notebooks()
    nb = nbformat.v4.new_notebook()
    shown = nbformat.v4.new_code_cell("board")
    shown.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={tool.WIDGET_VIEW: {"model_id": "box", "version_major": 2}, "text/plain": "HBox"},
        )
    ]
    nb.cells = [nbformat.v4.new_code_cell("1 + 1"), shown]
    nb.metadata["widgets"] = {
        tool.WIDGET_STATE: {
            "state": {
                "box": model("HBoxModel", children=["IPY_MODEL_label"], layout="IPY_MODEL_l1"),
                "label": model("LabelModel", value="answer: -", style="IPY_MODEL_s1"),
                "l1": model("LayoutModel"),
                "s1": model("LabelStyleModel"),
                "bar": model("FloatProgressModel"),  # made, never shown: dropped
            },
            "version_major": 2,
            "version_minor": 0,
        }
    }
    nb.metadata["stray"] = {"from": "a run"}
    cleaned = tool.clean(nb)
    kept = cleaned.metadata["widgets"][tool.WIDGET_STATE]["state"]
    assert sorted(kept) == ["box", "l1", "label", "s1"]
    assert "stray" not in cleaned.metadata
    shown.outputs = []  # a notebook that shows no widget keeps no widget state
    assert "widgets" not in tool.clean(cleaned).metadata


def test_draw_digit_without_ipycanvas_says_how_to_install_it(network, monkeypatch):
    from mynn.widgets import draw_digit

    monkeypatch.setitem(sys.modules, "ipycanvas", None)  # import ipycanvas now fails
    with pytest.raises(ImportError, match=r"pip install 'mynn\[notebooks\]'"):
        draw_digit(network)
