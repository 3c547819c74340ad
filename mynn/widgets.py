"""Draw a digit in the notebook and watch the network answer.

:func:`draw_digit` shows a square of white paper (an ipycanvas ``Canvas``) on which the
reader draws a digit with the mouse, a finger or a pen. When a stroke ends, the drawing
goes through **the same preparation as a photo** (:func:`mynn.images.prepare_digit`:
invert, crop to the ink, longer side 20 px, centre of mass at (14, 14), the book's
0.01..1.0 scaling) and then the network's :meth:`~mynn.network.NeuralNetwork.query`. The
widget shows the prepared 28 x 28 image, the ten outputs as bars and a line
``answer: N (output 0.xx)``, where N is the largest output's label; a blank page answers
``answer: -``: the network is not asked to guess when there is nothing to read.

The strokes are handled by :class:`DigitPad`, plain Python without a browser or any widget
library: it keeps the strokes as lists of (x, y) canvas points, renders them with a round
brush (Pillow's ``ImageDraw``) onto a 280 x 280 grey-scale page and reads the page with the
network. The widget only forwards the canvas's events to it and shows its
:class:`Reading`, so everything it does can be tested (and used) without a browser.

The widget libraries (ipywidgets, ipycanvas) are the ``notebooks`` extra, imported only
when :func:`draw_digit` is called.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from mynn.errors import UsageError
from mynn.images import SIDE, BlankImageError, prepare_digit
from mynn.network import NeuralNetwork

#: The drawing area's side in canvas pixels: ten times MNIST's 28.
PAGE = 280
#: The brush's diameter in canvas pixels. A digit drawn to fill most of the page (about
#: 200 px tall) is scaled by 1/10 into MNIST's 20 px box, so the stroke becomes 2.4 px wide,
#: about as wide as MNIST's pen strokes.
BRUSH = 24
#: Paper and ink grey levels of the page (0 black .. 255 white): dark ink on white paper,
#: like a photo, so that the drawing takes exactly a photo's path through prepare_digit.
PAPER, INK = 255, 0

if TYPE_CHECKING:
    import ipywidgets

Point = tuple[float, float]


@dataclass(frozen=True)
class Reading:
    """What the network makes of the page.

    Attributes
    ----------
    digit : ndarray of shape (28, 28), or None
        The prepared image the network is given (0.01..1.0, white ink on black), None for a
        blank page.
    outputs : ndarray of shape (output_nodes,), or None
        The network's ``query`` of the prepared image, None for a blank page.
    reason : str
        Why there is no answer (empty when there is one).
    """

    digit: np.ndarray | None
    outputs: np.ndarray | None
    reason: str = ""

    @property
    def answer(self) -> int | None:
        """The label with the largest output (``argmax``, the book's answer), or None."""
        return None if self.outputs is None else int(np.argmax(self.outputs))

    @property
    def text(self) -> str:
        """``answer: N (output 0.xx)``, or ``answer: -`` when nothing was read."""
        if self.outputs is None:
            return "answer: -"
        return f"answer: {self.answer} (output {self.outputs[self.answer]:.2f})"


BLANK = Reading(digit=None, outputs=None, reason="the page is blank")


class DigitPad:
    """Strokes on a page of paper, read by a network the way a photo is read.

    A stroke is the list of (x, y) points the pointer passed through while pressed, in
    canvas pixels (x to the right, y down, origin at the top left corner), exactly as the
    canvas sends them. Strokes are drawn in the order made; :meth:`render` paints each as
    a round brush of diameter ``brush`` swept along its points (a disc at every point and
    a line of the same width between neighbours), dark ink on white paper.

    After every change (a stroke ended, :meth:`undo`, :meth:`clear`, a photo loaded) the
    page is read: ``inputs = prepare_digit(page)`` and ``outputs = network.query(inputs)``;
    the result is :attr:`reading`. A blank page, or ink too small to read, gives a
    :class:`Reading` without an answer.

    Parameters
    ----------
    network : NeuralNetwork
        A network with 784 inputs (28 x 28), e.g. the book's 784-200-10 trained on MNIST.
    size : int
        The page's side in canvas pixels (default :data:`PAGE`, 280).
    brush : float
        The brush's diameter in canvas pixels (default :data:`BRUSH`).
    """

    def __init__(self, network: NeuralNetwork, size: int = PAGE, brush: float = BRUSH) -> None:
        if not hasattr(network, "query") or getattr(network, "inodes", None) != SIDE * SIDE:
            raise UsageError(
                f"the drawing board needs a network with {SIDE * SIDE} inputs (28 x 28 pixels) and a "
                f"query method, such as NeuralNetwork(784, 200, 10, 0.1); got {network!r}"
            )
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2 * SIDE:
            raise UsageError(f"size must be a whole number of pixels >= {2 * SIDE}, got {size!r}")
        if not _is_number(brush) or not 1 <= brush <= size / 4:
            raise UsageError(
                f"brush must be a diameter between 1 and {size / 4:g} pixels, got {brush!r}"
            )
        self.network = network
        self.size = int(size)
        self.brush = float(brush)
        self._strokes: list[list[Point]] = []
        self._drawing: list[Point] | None = None
        self._photo: np.ndarray | None = None
        self.reading: Reading = BLANK

    # ------------------------------------------------------------------ the strokes
    @property
    def strokes(self) -> list[list[Point]]:
        """The finished strokes (copies), oldest first."""
        return [list(stroke) for stroke in self._strokes]

    @property
    def drawing(self) -> bool:
        """True while a stroke is being drawn (between :meth:`begin` and :meth:`end`)."""
        return self._drawing is not None

    @property
    def tip(self) -> Point | None:
        """The last point of the stroke being drawn, or None."""
        return self._drawing[-1] if self._drawing else None

    @property
    def photo(self) -> np.ndarray | None:
        """The loaded photo (grey 0..255) that replaces the page, or None."""
        return self._photo

    def begin(self, x: float, y: float) -> None:
        """The pointer went down at (x, y): a new stroke starts there.

        A stroke begun on a loaded photo starts a new drawing: the photo is put away.
        """
        if self._drawing is not None:
            self.end()
        self._photo = None
        self._drawing = [_point(x, y)]

    def extend(self, x: float, y: float) -> None:
        """The pointer moved to (x, y) while pressed; ignored when no stroke is under way."""
        if self._drawing is not None:
            point = _point(x, y)
            if point != self._drawing[-1]:
                self._drawing.append(point)

    def end(self) -> Reading:
        """The pointer went up (or left the page): the stroke is finished and the page read."""
        if self._drawing is not None:
            self._strokes.append(self._drawing)
            self._drawing = None
        return self.read()

    def add_stroke(self, points: Iterable[ArrayLike]) -> Reading:
        """A whole stroke at once (the points the canvas sent, in order); returns the reading."""
        points = [_point(*_pair(point)) for point in points]
        if not points:
            raise UsageError("a stroke needs at least one (x, y) point; got none")
        self.begin(*points[0])
        for point in points[1:]:
            self.extend(*point)
        return self.end()

    def undo(self) -> Reading:
        """Take back the last stroke (or the loaded photo); returns the new reading."""
        if self._drawing is not None:
            self._drawing = None
        elif self._photo is not None:
            self._photo = None
        elif self._strokes:
            self._strokes.pop()
        return self.read()

    def clear(self) -> Reading:
        """A clean page: every stroke and any photo removed; answers ``-``."""
        self._strokes, self._drawing, self._photo = [], None, None
        return self.read()

    def load_photo(self, image: str | os.PathLike | bytes | ArrayLike) -> Reading:
        """Read a photo (a file, its bytes, or an image array) instead of the drawing.

        The strokes are cleared; the photo goes through the same :func:`prepare_digit`
        and ``query`` as the drawing, at its own resolution.
        """
        from mynn.images import load_image, to_grey

        if isinstance(image, (bytes, bytearray, memoryview)):
            grey = _grey_from_bytes(bytes(image))
        elif isinstance(image, (str, os.PathLike)):
            grey = load_image(image)
        else:
            grey = to_grey(image, name="photo")
        self._strokes, self._drawing, self._photo = [], None, grey
        return self.read()

    # ------------------------------------------------------------------ the page
    def render(self) -> np.ndarray:
        """The page as a (size, size) uint8 grey image: dark strokes on white paper.

        Each stroke is painted with a round brush of diameter :attr:`brush`: a filled disc
        at every point and a line of width :attr:`brush` joining consecutive points
        (Pillow's ``ImageDraw``), so a single tap leaves a dot and a fast stroke has no gaps.
        A stroke still being drawn is included.
        """
        from PIL import Image, ImageDraw

        page = Image.new("L", (self.size, self.size), PAPER)
        pen = ImageDraw.Draw(page)
        radius = self.brush / 2
        strokes = self._strokes + ([self._drawing] if self._drawing else [])
        for stroke in strokes:
            if len(stroke) > 1:
                pen.line(stroke, fill=INK, width=round(self.brush), joint="curve")
            for x, y in stroke:
                pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=INK)
        return np.asarray(page)

    def read(self) -> Reading:
        """Prepare the page (or the photo) as MNIST was made, and query the network.

        ``prepare_digit`` raises for a page without ink (:class:`BlankImageError`) and for
        ink too small to read; both give a :class:`Reading` without an answer, whose
        :attr:`~Reading.reason` says why.
        """
        if self._photo is None and not self._strokes and self._drawing is None:
            self.reading = BLANK
            return self.reading
        page = self._photo if self._photo is not None else self.render()
        try:
            inputs = prepare_digit(page)
        except BlankImageError:
            self.reading = BLANK
        except ValueError as error:  # ink too small to read, a picture too small
            self.reading = Reading(digit=None, outputs=None, reason=str(error))
        else:
            outputs = np.asarray(self.network.query(inputs), dtype=np.float64)
            self.reading = Reading(digit=inputs.reshape(SIDE, SIDE), outputs=outputs)
        return self.reading

    def backquery(self) -> np.ndarray | None:
        """The back-query image (28 x 28) of the current answer: what the network "has in
        mind" for that label (:meth:`~mynn.network.NeuralNetwork.backquery`), or None."""
        answer = self.reading.answer
        if answer is None:
            return None
        return np.asarray(self.network.backquery(answer)).reshape(SIDE, SIDE)


def _is_number(value) -> bool:
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _point(x, y) -> Point:
    if not (_is_number(x) and _is_number(y)):
        raise UsageError(f"a point must be two finite numbers (x, y); got ({x!r}, {y!r})")
    return (float(x), float(y))


def _pair(point) -> tuple:
    try:
        x, y = point
    except (TypeError, ValueError):
        raise UsageError(f"a point must be a pair (x, y); got {point!r}") from None
    return x, y


def _grey_from_bytes(content: bytes) -> np.ndarray:
    """An uploaded file's bytes as grey 0..255 (via a temporary file and ``load_image``)."""
    import tempfile
    from pathlib import Path

    from mynn.images import load_image

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(content)
        return load_image(path)


# ---------------------------------------------------------------------------- the widget

#: How big the 28 x 28 pictures are shown (pixels of the screen per pixel of the image).
ZOOM = 5


def png(image: ArrayLike, zoom: int = ZOOM) -> bytes:
    """A 0..1 grey image (white ink on black) as PNG bytes, each pixel a ``zoom`` square."""
    from PIL import Image

    pixels = np.clip(np.asarray(image, dtype=np.float64), 0.0, 1.0)
    picture = Image.fromarray(np.round(pixels * 255).astype(np.uint8))
    picture = picture.resize(
        (picture.width * zoom, picture.height * zoom), Image.Resampling.NEAREST
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def draw_digit(network: NeuralNetwork, brush: float = BRUSH) -> ipywidgets.HBox:
    """A drawing board: draw a digit and see what the network answers.

    Parameters
    ----------
    network : NeuralNetwork
        A trained 784-input network (28 x 28 pixels), e.g. the book's 784-200-10.
    brush : float
        The brush's diameter in canvas pixels on the 280 x 280 page.

    Returns
    -------
    ipywidgets.HBox
        Left: the 280 x 280 canvas (mouse, touch or pen) with Undo, Clear, an upload
        button for a photo, and a "what does it see?" toggle. Right: the answer line
        (``answer: N (output 0.xx)`` or ``answer: -``), the prepared 28 x 28 image the
        network reads (and, with the toggle on, the back-query image of its answer), and
        the ten outputs as bars. The :class:`DigitPad` behind it is the box's ``pad``
        attribute and its parts are in ``parts`` (a dict by name), for scripts and tests.

    The widget needs a live kernel: each finished stroke is sent to Python, prepared with
    :func:`mynn.images.prepare_digit` and queried. Requires ipywidgets >= 8 and ipycanvas
    (``pip install "mynn[notebooks]"``).
    """
    pad = DigitPad(network, brush=brush)
    try:
        import ipywidgets as widgets
        from ipycanvas import Canvas, hold_canvas
    except ImportError as error:
        raise ImportError(
            f"draw_digit needs ipywidgets and ipycanvas ({error}); install them with "
            "pip install 'mynn[notebooks]' (or pip install ipywidgets ipycanvas)"
        ) from None
    canvas = Canvas(width=pad.size, height=pad.size)
    canvas.layout = widgets.Layout(
        width=f"{pad.size}px", height=f"{pad.size}px", border="1px solid #888"
    )
    undo = widgets.Button(description="Undo", icon="undo", layout=widgets.Layout(width="80px"))
    clear = widgets.Button(description="Clear", icon="eraser", layout=widgets.Layout(width="80px"))
    upload = widgets.FileUpload(
        accept="image/*",
        multiple=False,
        description="Photo",
        tooltip="read a photo of one digit, the same way as the drawing",
        layout=widgets.Layout(width="110px"),
    )
    see = widgets.ToggleButton(
        value=False,
        description="what does it see?",
        tooltip="show the back-query image of the answer: the input the network has in mind",
        layout=widgets.Layout(width="150px"),
    )
    note = widgets.Label(value="draw a digit", layout=widgets.Layout(width=f"{pad.size}px"))
    answer = widgets.Label(value=BLANK.text, style={"font_size": "20px", "font_weight": "bold"})
    blank_image = png(np.zeros((SIDE, SIDE)))
    prepared = widgets.Image(value=blank_image, format="png", width=SIDE * ZOOM, height=SIDE * ZOOM)
    backquery = widgets.Image(
        value=blank_image, format="png", width=SIDE * ZOOM, height=SIDE * ZOOM
    )
    backquery_box = widgets.VBox(
        [widgets.Label("what it has in mind"), backquery], layout=widgets.Layout(display="none")
    )
    bars = [
        widgets.FloatProgress(
            value=0.0,
            min=0.0,
            max=1.0,
            orientation="vertical",
            layout=widgets.Layout(height="120px", width="20px"),
        )
        for _ in range(network.onodes)
    ]
    bar_chart = widgets.HBox(
        [
            widgets.VBox(
                [bar, widgets.Label(str(label), layout=widgets.Layout(width="20px"))],
                layout=widgets.Layout(align_items="center"),
            )
            for label, bar in enumerate(bars)
        ]
    )

    def paint(points: list[Point]) -> None:
        """Paint a stroke (or the tip of one) on the canvas, as :meth:`DigitPad.render` does."""
        if not points:
            return
        with hold_canvas():
            canvas.fill_style = canvas.stroke_style = "black"
            canvas.line_width = pad.brush
            canvas.line_cap = canvas.line_join = "round"
            if len(points) == 1:
                canvas.fill_circle(points[0][0], points[0][1], pad.brush / 2)
            else:
                canvas.stroke_lines(points)

    def repaint() -> None:
        with hold_canvas():
            canvas.clear()
            canvas.fill_style = "white"
            canvas.fill_rect(0, 0, pad.size, pad.size)
            if pad.photo is not None:
                canvas.put_image_data(_photo_for_canvas(pad.photo, pad.size), 0, 0)
            for stroke in pad.strokes:
                paint(stroke)

    def show(reading: Reading) -> None:
        answer.value = reading.text
        prepared.value = png(reading.digit) if reading.digit is not None else blank_image
        outputs = reading.outputs if reading.outputs is not None else np.zeros(len(bars))
        for label, bar in enumerate(bars):
            bar.value = float(outputs[label])
            bar.bar_style = "success" if label == reading.answer else "info"
        if reading.outputs is None:
            note.value = reading.reason if reading.reason != BLANK.reason else "draw a digit"
        else:
            note.value = f"{len(pad.strokes)} stroke(s)" if pad.photo is None else "a photo"
        show_backquery()

    def show_backquery(*_) -> None:
        image = pad.backquery() if see.value else None
        backquery_box.layout.display = "flex" if see.value else "none"
        backquery.value = png(image) if image is not None else blank_image

    # Pointer events: the canvas sends (x, y) in canvas pixels.
    def pointer_down(x, y):
        had_photo = pad.photo is not None
        pad.begin(x, y)
        if had_photo:  # drawing starts a new page: the photo goes
            repaint()
        paint([pad.tip])

    def pointer_move(x, y):
        last = pad.tip
        if last is not None:
            pad.extend(x, y)
            paint([last, pad.tip])

    def pointer_up(*_):
        if pad.drawing:
            show(pad.end())

    def touch_start(touches):
        if touches:
            pointer_down(*touches[0])

    def touch_move(touches):
        if touches:
            pointer_move(*touches[0])

    canvas.on_mouse_down(pointer_down)
    canvas.on_mouse_move(pointer_move)
    canvas.on_mouse_up(pointer_up)
    canvas.on_mouse_out(pointer_up)
    canvas.on_touch_start(touch_start)
    canvas.on_touch_move(touch_move)
    canvas.on_touch_end(pointer_up)
    canvas.on_touch_cancel(pointer_up)
    canvas.on_client_ready(repaint)  # a new view (page reloaded): draw the page again

    def on_undo(_):
        show(pad.undo())
        repaint()

    def on_clear(_):
        show(pad.clear())
        repaint()

    def on_upload(change):
        files = change["new"]
        if not files:
            return
        try:
            reading = pad.load_photo(bytes(files[0]["content"]))
        except ValueError as error:
            note.value = str(error)
            return
        show(reading)
        repaint()
        note.value = f"photo: {files[0]['name']} (draw to start again)"

    undo.on_click(on_undo)
    clear.on_click(on_clear)
    upload.observe(on_upload, names="value")
    see.observe(show_backquery, names="value")

    repaint()
    left = widgets.VBox([canvas, widgets.HBox([undo, clear, upload]), note])
    right = widgets.VBox(
        [
            answer,
            widgets.HBox([widgets.VBox([widgets.Label("what it reads"), prepared]), backquery_box]),
            see,
            bar_chart,
        ],
        layout=widgets.Layout(margin="0 0 0 16px"),
    )
    board = widgets.HBox([left, right])
    board.pad = pad
    board.parts = {
        "canvas": canvas,
        "undo": undo,
        "clear": clear,
        "upload": upload,
        "see": see,
        "note": note,
        "answer": answer,
        "prepared": prepared,
        "backquery": backquery,
        "bars": bars,
    }
    return board


def _photo_for_canvas(grey: np.ndarray, size: int) -> np.ndarray:
    """A grey photo fitted into a size x size white square, as RGB for the canvas."""
    from PIL import Image

    picture = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
    picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    page = Image.new("L", (size, size), PAPER)
    page.paste(picture, ((size - picture.width) // 2, (size - picture.height) // 2))
    return np.repeat(np.asarray(page)[:, :, None], 3, axis=2)
