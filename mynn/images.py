"""Your own handwriting: load an image file and make it look like an MNIST digit.

The book (part 3, "Your Own Handwriting") draws 28 x 28 digits in a paint program, reads
them as grey scale, inverts them (MNIST is white ink on black) and scales the pixels to
0.01..1.0. A photo of a digit on paper needs more: MNIST's digits were *made* a certain
way, and the network only knows digits made that way. LeCun, Cortes and Burges describe it:
the digits were "size normalized to fit in a 20x20 pixel box while preserving their aspect
ratio", with grey levels from the anti-aliasing, then "centered in a 28x28 image by
computing the center of mass of the pixels, and translating the image so as to position
this point at the center of the 28x28 field". Measured on the bundled sample: the longer
side of every digit's ink box is 20 pixels, and the centre of mass sits at row 14.0,
column 14.0 (index coordinates) with a spread of 0.29 pixels, which is what a whole-pixel
translation gives.

:func:`prepare_digit` repeats those steps on any picture of one dark digit on light paper
(or light on dark):

1. grey scale 0..255 (:func:`load_image` / :func:`to_grey`; transparent areas are paper),
   with a margin of paper added when the ink touches the picture's edges, as in a tightly
   cropped digit (:func:`pad_with_paper`; the paper's level is the commonest level on the
   paper's side of Otsu's threshold, :func:`paper_level`);
2. invert if the paper is light, so that ink is bright and paper dark (:func:`to_ink`);
3. remove the paper's level, even when it is uneven: the paper is estimated by a grey-scale
   opening (a minimum then a maximum filter, wider than any pen stroke) and subtracted
   (:func:`remove_paper`);
4. find the ink: Otsu's threshold splits ink from paper, faint specks are dropped, and a
   picture without clear ink raises :class:`BlankImageError` (:func:`find_ink`);
5. crop to the ink's bounding box and scale its longer side to 20 pixels, keeping the aspect
   ratio (Pillow's anti-aliased resampling);
6. place it in 28 x 28 with its centre of mass at (14, 14), a whole-pixel move;
7. the book's input scaling, 0.01..1.0 (:func:`mynn.network.scale_inputs`).

:func:`prepare_digit` with ``steps=True`` returns every intermediate picture
(:class:`DigitSteps`) so that a notebook can show them. :func:`naive_digit` is the book's
way (resize the whole picture to 28 x 28, invert, scale) for comparison.

Images are read with imageio's v3 API (``imageio.v3.imread``). The book's code first used
``scipy.misc.imread(f, flatten=True)`` (removed in SciPy 1.2), then
``imageio.imread(f, as_gray=True)`` (imageio v2); today's call is ``imageio.v3.imread``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike
from scipy import ndimage

from mynn.datasets import BUNDLED_DATA_DIR
from mynn.errors import MynnError
from mynn.network import scale_inputs

#: The sample images made by ``scripts/make_my_own_images.py``.
MY_OWN_IMAGES_DIR = BUNDLED_DATA_DIR / "my_own_images"

#: MNIST's geometry: the ink's longer side is 20 px, centre of mass at (14, 14) of 28 x 28.
SIDE = 28
BOX = 20
CENTRE = 14.0

#: Pictures whose longer side exceeds this are first reduced (anti-aliased) to this size:
#: a digit needs no more, and the filters stay fast on phone photos.
WORKING_SIDE = 1024
#: Smaller pictures cannot hold a readable digit.
MIN_SIDE = 8
#: The ink's strong strokes must stand at least this far from the paper (grey levels of
#: 255), and at least eight times the paper's noise.
MIN_CONTRAST = 16.0
#: A separate piece of ink is kept when it holds at least this fraction of the ink.
MIN_PIECE = 0.02
#: The ink's bounding box must be at least this long (in the working picture).
MIN_INK_SIDE = 5

#: ITU-R 601-2 luma weights, the ones Pillow's ``convert("L")`` uses.
LUMA = np.array([0.299, 0.587, 0.114])

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
_LABEL_IN_NAME = re.compile(r"my_own_(\d)(?![0-9])")


class ImageError(MynnError, ValueError):
    """A picture mynn can't make into a digit: not an image, damaged, too small, ..."""


class BlankImageError(ImageError):
    """The picture holds no ink the network could read: no guess is made."""


# --------------------------------------------------------------------------- loading


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as a float grey-scale array, 0 (black) .. 255 (white).

    Uses ``imageio.v3.imread`` with its Pillow plugin (PNG, JPEG, GIF, BMP, TIFF, WebP...;
    the first frame of an animation, turned upright by its EXIF orientation as a phone
    photo should be), then :func:`to_grey`: grey,
    RGB, RGBA / grey + alpha (transparent areas count as white paper), palette, 1-bit and
    16-bit images all give the same 0..255 scale as the book's pixels.

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        The file is not an image imageio can read, is damaged, or has too many pixels.
    """
    import warnings

    import imageio.v3 as iio
    from PIL import Image

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not an image file")
    if not path.is_file():
        raise ImageError(
            f"{path}: not a regular file (a named pipe, a socket or a device); give an image file"
        )
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a picture a little over its limit: refuse it as well.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with iio.imopen(path, "r", plugin="pillow") as reader:
                mode = reader.metadata(index=0, exclude_applied=False).get("mode")
                # CMYK (print) and the other colour spaces become RGB by Pillow's conversion;
                # read as they are, K would be taken for alpha and a photo turn white.
                convert = {"mode": "RGB"} if mode in _CONVERT_TO_RGB else {}
                pixels = reader.read(index=0, rotate=True, **convert)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(path, error) from None
    except (OSError, SyntaxError, ValueError, RuntimeError) as error:
        if isinstance(error, (FileNotFoundError, PermissionError)):
            raise
        causes = _causes(error)
        for cause in causes:
            if isinstance(cause, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
                raise _too_many_pixels(path, cause) from None
            if "decompressed data too large" in str(cause).lower():
                raise ImageError(
                    f"{path}: holds a compressed text chunk that unpacks to too much data (a "
                    "decompression bomb), refused; re-save the picture without its metadata"
                ) from None
        detail = ""
        for cause in causes:
            text = str(cause).strip()
            if text and "unknown error occurred" not in text:
                detail = text.splitlines()[0]
                break
        if not detail or "can not handle" in detail or "cannot identify" in detail:
            detail = "not a known image format, or damaged"
        raise ImageError(
            f"{path} is not an image file that can be read ({detail}); save it as PNG or JPEG"
        ) from None
    return to_grey(pixels, name=str(path))


#: Pillow modes read through a conversion to RGB.
_CONVERT_TO_RGB = {"CMYK", "YCbCr", "LAB", "HSV"}


def _causes(error: BaseException) -> list[BaseException]:
    """The error and the errors behind it (imageio wraps Pillow's)."""
    chain = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


def _too_many_pixels(path: Path, error: BaseException) -> ImageError:
    from PIL import Image

    limit = (Image.MAX_IMAGE_PIXELS or 0) / 1e6
    return ImageError(
        f"{path}: too many pixels to read safely ({str(error).split('.')[0]}); a digit needs "
        f"far fewer: shrink or crop the picture below {limit:.0f} megapixels first"
    )


def to_grey(pixels: ArrayLike, name: str = "image") -> np.ndarray:
    """Any image array as float64 grey scale 0 (black) .. 255 (white paper).

    Shapes (H, W), (H, W, 1), (H, W, 2) grey + alpha, (H, W, 3) RGB and (H, W, 4) RGBA.
    Integers are read on their type's scale (uint8 0..255, uint16 0..65535, bool 0..1;
    other integer types by the range their values fit); floats are 0..1 if no value exceeds
    1, otherwise 0..255. Colour becomes grey by the ITU-R 601-2 luma weights (as Pillow's
    ``convert("L")``); alpha is composited onto white, so transparent areas are paper.
    """
    array = np.asarray(pixels)
    kind = array.dtype
    if not (
        np.issubdtype(kind, np.bool_)
        or np.issubdtype(kind, np.integer)
        or np.issubdtype(kind, np.floating)
    ):
        raise ImageError(f"{name}: pixels must be real numbers, got dtype {array.dtype}")
    if array.ndim == 3 and array.shape[2] in (1, 2, 3, 4):
        channels = array.shape[2]
    elif array.ndim == 2:
        channels = 0
    else:
        raise ImageError(
            f"{name}: expected an image of shape (H, W), (H, W, 3) or (H, W, 4); got shape "
            f"{array.shape}"
        )
    if np.issubdtype(kind, np.floating) and array.size and not np.all(np.isfinite(array)):
        raise ImageError(f"{name} contains NaN or infinity")
    scale = 255.0 / _full_scale(array, name)
    if channels == 0:
        return array.astype(np.float64) * scale

    def channel(index: int) -> np.ndarray:  # one channel at a time: big photos stay small
        return array[..., index].astype(np.float64) * scale

    if channels >= 3:
        grey = LUMA[0] * channel(0)
        grey += LUMA[1] * channel(1)
        grey += LUMA[2] * channel(2)
    else:
        grey = channel(0)
    if channels in (2, 4):
        alpha = channel(-1) / 255.0
        grey = grey * alpha + 255.0 * (1.0 - alpha)
    return grey


def _full_scale(array: np.ndarray, name: str) -> float:
    """The value that means white for this array's type."""
    if array.dtype == bool:
        return 1.0
    if array.size == 0:
        return 255.0
    low, high = float(array.min()), float(array.max())
    if low < 0:
        raise ImageError(f"{name}: pixel values must not be negative (got {low:g})")
    if np.issubdtype(array.dtype, np.floating):
        if high <= 1.0:
            return 1.0
        if high <= 255.0:
            return 255.0
        raise ImageError(f"{name}: float pixels must be 0..1 or 0..255, got values up to {high:g}")
    if array.dtype == np.uint8:
        return 255.0
    if array.dtype == np.uint16:
        return 65535.0
    for full in (255.0, 65535.0, 2.0**32 - 1):  # int32 etc.: Pillow's "I" mode, e.g.
        if high <= full:
            return full
    raise ImageError(f"{name}: integer pixels up to {high:g} are not an image scale")


def _as_grey(image: str | os.PathLike | ArrayLike) -> np.ndarray:
    if isinstance(image, (str, os.PathLike)):
        return load_image(image)
    if image is None or not isinstance(image, (np.ndarray, list, tuple)) and not hasattr(
        image, "__array__"
    ):
        raise ImageError(
            f"expected a picture: an image file's path or an array of pixels; got "
            f"{type(image).__name__}"
        )
    return to_grey(image)


# --------------------------------------------------------------------------- the steps


def paper_level(grey: np.ndarray) -> tuple[float, float, bool]:
    """``(paper, ink, flat)``: the typical grey levels of the paper and of the ink.

    Otsu's threshold splits the pixels into a darker and a lighter group. The paper is the
    group most of the picture's border belongs to (its median side of the threshold), which
    stays right when the ink touches the edges at a few places, and its level is that
    group's mode (the peak of its histogram), not its mean or the border's: in a tightly
    cropped digit the ink may cover half the picture or more, but the paper is still the
    commonest level on its side. The ink level is the other group's median. ``flat`` says
    whether the paper has one clear level (its histogram's peak, of 32 bins, holds at
    least 2.5 times the average bin; a gradient's is close to 1): False for a shaded page or a gradient.
    """
    grey = np.asarray(grey, dtype=np.float64)
    threshold = otsu_threshold(grey)
    dark, light = grey[grey < threshold], grey[grey >= threshold]
    if not dark.size or not light.size:
        level = float(np.median(grey))
        return level, level, False
    border = np.concatenate([grey[0], grey[-1], grey[1:-1, 0], grey[1:-1, -1]])
    paper, ink = (light, dark) if np.median(border) >= threshold else (dark, light)
    counts, edges = np.histogram(paper, bins=32)
    peak = int(np.argmax(counts))
    flat = bool(counts[peak] >= 2.5 * counts.mean())
    return float((edges[peak] + edges[peak + 1]) / 2), float(np.median(ink)), flat


def pad_with_paper(grey: np.ndarray) -> np.ndarray:
    """Add a margin of paper around a picture whose ink touches its edges (a tight crop).

    Each step after this one expects a digit with paper around it: the paper's level is
    estimated from the picture's commonest levels and the ink must not touch the border.
    A reader who crops close to the digit, a scanned digit box or a small drawing break
    that, and a quarter of tightly cropped MNIST digits were once refused as blank. When
    the paper has one clear level, the border holds pixels nearer the ink's level than the
    paper's and the two differ clearly (by at least 2 x :data:`MIN_CONTRAST`), or the picture is narrower than
    :data:`MIN_SIDE`, a margin of a quarter of the longer side (at least :data:`MIN_SIDE`)
    at the paper's level (:func:`paper_level`) is added on every side. Other pictures are
    returned unchanged.
    """
    grey = np.asarray(grey, dtype=np.float64)
    paper, ink, flat = paper_level(grey)
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    clear = flat and abs(ink - paper) >= 2 * MIN_CONTRAST
    touching = clear and bool(np.any(np.abs(border - paper) > np.abs(ink - paper) / 2))
    if not touching and min(grey.shape) >= MIN_SIDE:
        return grey
    margin = max(MIN_SIDE, -(-max(grey.shape) // 4))
    return np.pad(grey, margin, mode="constant", constant_values=paper)


def to_ink(grey: np.ndarray) -> tuple[np.ndarray, bool]:
    """Ink bright, paper dark, as in MNIST: ``(255 - grey, True)`` if the ink is dark.

    Ink is the minority that stands out from its surroundings. The picture, lightly
    smoothed (Gaussian, 1 pixel), is compared with a heavily smoothed copy (Gaussian, a
    quarter of the shorter side) that follows the paper and its shading: if the strongest
    departure is towards dark, the picture is dark ink on light paper and is inverted.
    Shading and gradients across the paper do not fool it; MNIST's own white-on-black
    digits are left alone.
    """
    grey = np.asarray(grey, dtype=np.float64)
    detail = ndimage.gaussian_filter(grey, 1.0, mode="nearest")
    detail -= ndimage.gaussian_filter(grey, max(1.0, min(grey.shape) / 4), mode="nearest")
    dark_ink = bool(-detail.min() > detail.max())
    return (255.0 - grey if dark_ink else grey.copy()), dark_ink


def remove_paper(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(ink - paper, paper)``: subtract the paper's level, even or uneven.

    The paper is estimated by a grey-scale opening of the (bright-ink) picture: a minimum
    filter wipes out every stroke narrower than the window, the following maximum filter
    restores the paper's shape. The window is a quarter of the shorter side (at least
    3 pixels), far wider than a pen stroke, so smooth shading and gradients are kept in the
    estimate and removed with it; a box blur of the same size smooths the estimate.
    """
    size = max(3, min(ink.shape) // 4)
    paper = ndimage.grey_opening(ink, size=(size, size), mode="nearest")
    paper = ndimage.uniform_filter(paper, size=size, mode="nearest")
    return np.clip(ink - paper, 0.0, None), paper


def otsu_threshold(values: ArrayLike, bins: int = 256) -> float:
    """Otsu's threshold: the level that best splits the values into two groups.

    It maximises the between-class variance w0 * w1 * (m0 - m1) ** 2 over a histogram of
    ``bins`` bins (Otsu, 1979). Values at or above the returned level form the bright group.
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return high
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    centres = (edges[:-1] + edges[1:]) / 2.0
    weight0 = np.cumsum(counts)[:-1].astype(np.float64)
    weight1 = counts.sum() - weight0
    mass0 = np.cumsum(counts * centres)[:-1]
    mean0 = mass0 / np.maximum(weight0, 1)
    mean1 = (np.sum(counts * centres) - mass0) / np.maximum(weight1, 1)
    between = weight0 * weight1 * (mean0 - mean1) ** 2
    return float(edges[1 + int(np.argmax(between))])


def find_ink(foreground: np.ndarray) -> tuple[np.ndarray, float]:
    """``(mask, threshold)``: where the ink is, after :func:`remove_paper`.

    The paper's level and noise are the median and the robust spread (1.4826 x the median
    absolute deviation) of all pixels, most of which are paper. Otsu's threshold, computed
    on the pixels that rise above the noise (three spreads), splits the ink's cores from
    its faint edges however small the digit is in the picture. Pixels above the noise
    (four spreads, at least a tenth of the threshold) and connected to the ink form the
    strokes; pieces holding less than :data:`MIN_PIECE` of the ink (dust, paper grain, JPEG
    noise) are dropped, and the strokes' fainter anti-aliased edges (the pixels around them
    above the noise) are added.

    Raises
    ------
    BlankImageError
        The ink's strong strokes (90th percentile above the threshold) stand less than
        :data:`MIN_CONTRAST` grey levels, or less than eight noise spreads, above the
        paper: there is nothing to read, and no guess is made.
    """
    foreground = np.asarray(foreground, dtype=np.float64)
    paper_level = float(np.median(foreground))
    spread = 1.4826 * float(np.median(np.abs(foreground - paper_level)))
    rising = foreground[foreground > paper_level + 3.0 * spread]
    threshold = otsu_threshold(rising) if rising.size else paper_level
    strong = foreground >= threshold
    ink_level = float(np.percentile(foreground[strong], 90)) if rising.size else paper_level
    contrast = ink_level - paper_level
    if not rising.size or threshold <= paper_level or contrast < max(MIN_CONTRAST, 8 * spread):
        raise BlankImageError(
            f"no ink found: the darkest marks stand {max(contrast, 0):.0f} grey levels (of "
            f"255) from the paper, whose noise is {spread:.1f}; at least "
            f"{max(MIN_CONTRAST, 8 * spread):.0f} needed. Is the digit in the picture, and "
            "dark enough?"
        )
    low = min(threshold / 2.0, max(paper_level + 4.0 * spread, threshold / 10.0))
    pieces, count = ndimage.label(foreground >= low, structure=np.ones((3, 3)))
    strength = ndimage.sum(strong, pieces, index=np.arange(1, count + 1))
    keep = np.concatenate([[False], strength >= MIN_PIECE * strength.sum()])
    # The faintest anti-aliased edge pixels next to the strokes, if above the noise.
    edges = ndimage.binary_dilation(keep[pieces], structure=np.ones((3, 3)))
    return edges & (foreground > max(paper_level + 4.0 * spread, 0.5)), float(threshold)


def ink_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """``(top, bottom, left, right)`` of the ink, bottom and right exclusive."""
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(columns[0]), int(columns[-1]) + 1


def resize(picture: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resample a float picture to (height, width) with Pillow, anti-aliased.

    Shrinking uses the box filter (each new pixel is the area-weighted mean of the old
    pixels it covers, the anti-aliasing MNIST's grey edges come from); enlarging uses
    bilinear interpolation.
    """
    from PIL import Image

    picture = np.asarray(picture, dtype=np.float32)
    if picture.shape == (height, width):
        return picture.astype(np.float64)
    shrinking = height <= picture.shape[0] and width <= picture.shape[1]
    method = Image.Resampling.BOX if shrinking else Image.Resampling.BILINEAR
    resized = Image.fromarray(picture).resize((width, height), resample=method)
    return np.asarray(resized, dtype=np.float64)


def fit_box(ink: np.ndarray, box: int = BOX) -> np.ndarray:
    """Scale a cropped digit so its longer side is ``box`` pixels, keeping the aspect ratio.

    The result is stretched so its brightest pixel is 255: a thin or faint stroke comes out
    as bright as MNIST's pen strokes.
    """
    height, width = ink.shape
    scale = box / max(height, width)
    new_height = max(1, min(box, round(height * scale)))
    new_width = max(1, min(box, round(width * scale)))
    resized = np.clip(resize(ink, new_height, new_width), 0.0, None)
    peak = resized.max()
    return resized / peak * 255.0 if peak > 0 else resized


def centre_by_mass(digit: np.ndarray, side: int = SIDE, centre: float = CENTRE) -> np.ndarray:
    """Place a digit in a ``side`` x ``side`` field with its centre of mass at ``centre``.

    As MNIST: a whole-pixel translation (no resampling), the centre of mass from
    ``scipy.ndimage.center_of_mass``. A digit whose mass sits far off its box's middle is
    moved only as far as keeps all of it inside the field.
    """
    height, width = digit.shape
    mass_row, mass_column = ndimage.center_of_mass(digit)
    top = int(np.clip(round(centre - mass_row), 0, side - height))
    left = int(np.clip(round(centre - mass_column), 0, side - width))
    field = np.zeros((side, side))
    field[top : top + height, left : left + width] = digit
    return field


@dataclass
class DigitSteps:
    """Every intermediate picture of :func:`prepare_digit` (arrays are 0..255 floats)."""

    grey: np.ndarray  #: the picture as grey scale (with a paper margin if the ink touched its edges; reduced to WORKING_SIDE if larger)
    inverted: bool  #: whether the picture was dark on light and so was inverted
    ink: np.ndarray  #: ink bright, paper dark
    paper: np.ndarray  #: the estimated paper level
    foreground: np.ndarray  #: ink with the paper removed
    threshold: float  #: Otsu's threshold between paper and ink
    mask: np.ndarray  #: bool, the ink kept
    box: tuple[int, int, int, int]  #: (top, bottom, left, right) of the ink in ``grey``
    cropped: np.ndarray  #: the ink's bounding box, contrast stretched to 0..255
    scaled: np.ndarray  #: longer side 20 px
    centred: np.ndarray  #: 28 x 28, centre of mass at (14, 14): an MNIST digit
    inputs: np.ndarray  #: (784,) in 0.01..1.0, what the network is given


def prepare_digit(
    image: str | os.PathLike | ArrayLike, steps: bool = False
) -> np.ndarray | DigitSteps:
    """Make a picture of one handwritten digit into the network's 784 inputs, as MNIST was made.

    Parameters
    ----------
    image : path or array
        An image file, or an array (H, W), (H, W, 3) or (H, W, 4), uint8 / uint16 / float
        (see :func:`to_grey`). Dark ink on light paper or light on dark, any size from
        :data:`MIN_SIDE` pixels up.
    steps : bool
        Return a :class:`DigitSteps` with every intermediate picture instead of the inputs.

    Returns
    -------
    ndarray, shape (784,)
        The book's inputs: pixel / 255 * 0.99 + 0.01 of a 28 x 28 white-on-black digit
        whose ink fits a 20 x 20 box and whose centre of mass is at (14, 14).

    Raises
    ------
    BlankImageError
        No ink (a blank page, a flat colour): the network is not asked to guess.
    ValueError
        Not an image, a picture too small to hold a digit, ink too small to read.
    FileNotFoundError
        ``image`` names a file that does not exist.
    """
    grey = _as_grey(image)
    if max(grey.shape) < MIN_SIDE or min(grey.shape) < 1:
        raise ImageError(
            f"the picture is {grey.shape[1]} x {grey.shape[0]} pixels; a digit needs at least "
            f"{MIN_SIDE} x {MIN_SIDE} (MNIST's are 28 x 28; a tightly cropped one at least "
            f"{MIN_SIDE} pixels on its longer side)"
        )
    if min(grey.shape) >= MIN_SIDE:
        try:
            found = _digit_steps(grey)
        except (BlankImageError, _TooSmall) as error:
            found = error
    else:
        found = _TooSmall("narrower than MIN_SIDE")
    if isinstance(found, Exception) or _touches_edge(found.box, found.grey.shape):
        # Ink at the edges (a tight crop) or none found: try again with a paper margin.
        padded = pad_with_paper(grey)
        if padded.shape != grey.shape:
            found = _digit_steps(padded)
    if isinstance(found, _TooSmall):
        raise ImageError(
            f"the picture is {grey.shape[1]} x {grey.shape[0]} pixels; a digit needs at least "
            f"{MIN_SIDE} x {MIN_SIDE} (MNIST's are 28 x 28), or a clear digit touching its edges"
        ) from None
    if isinstance(found, Exception):
        raise found
    return found if steps else found.inputs


class _TooSmall(ImageError):
    """The first attempt's picture was too small (retried with a paper margin)."""


def _touches_edge(box: tuple[int, int, int, int], shape: tuple[int, int]) -> bool:
    top, bottom, left, right = box
    return top == 0 or left == 0 or bottom == shape[0] or right == shape[1]


def _digit_steps(grey: np.ndarray) -> DigitSteps:
    """Steps 2..7 of :func:`prepare_digit` on a grey picture."""
    longest = max(grey.shape)
    if longest > WORKING_SIDE:
        factor = WORKING_SIDE / longest
        grey = resize(
            grey,
            max(MIN_SIDE, round(grey.shape[0] * factor)),
            max(MIN_SIDE, round(grey.shape[1] * factor)),
        )
    ink, inverted = to_ink(grey)
    foreground, paper = remove_paper(ink)
    mask, threshold = find_ink(foreground)
    top, bottom, left, right = ink_box(mask)
    if max(bottom - top, right - left) < MIN_INK_SIDE:
        raise ImageError(
            f"the ink covers only {right - left} x {bottom - top} pixels of a "
            f"{grey.shape[1]} x {grey.shape[0]} picture: too small to read. Crop the picture "
            "closer to the digit or photograph it larger"
        )
    kept = np.where(mask, foreground, 0.0)[top:bottom, left:right]
    # Contrast: the ink's typical strong level becomes full white, as MNIST's pen strokes.
    level = np.percentile(kept[kept >= threshold], 90)
    cropped = np.clip(kept / level * 255.0, 0.0, 255.0)
    scaled = fit_box(cropped)
    centred = centre_by_mass(scaled)
    inputs = scale_inputs(np.clip(centred, 0.0, 255.0).ravel())
    return DigitSteps(
        grey=grey,
        inverted=inverted,
        ink=ink,
        paper=paper,
        foreground=foreground,
        threshold=threshold,
        mask=mask,
        box=(top, bottom, left, right),
        cropped=cropped,
        scaled=scaled,
        centred=centred,
        inputs=inputs,
    )


def naive_digit(image: str | os.PathLike | ArrayLike) -> np.ndarray:
    """The book's way, for comparison: resize the whole picture to 28 x 28, invert, scale.

    The book's own images were drawn 28 x 28, so it only inverts (``255 - pixels``) and
    scales to 0.01..1.0; a bigger picture is first resized to 28 x 28 as a whole (Pillow,
    anti-aliased), ignoring where the digit is, how big, and the paper's colour.
    """
    grey = _as_grey(image)
    if min(grey.shape) < 1:
        raise ImageError(f"the picture is empty (shape {grey.shape})")
    contrast = float(grey.max() - grey.min())
    if contrast < MIN_CONTRAST:
        raise BlankImageError(
            f"no ink found: the picture's darkest and lightest pixels differ by {contrast:.0f} "
            f"grey levels (of 255); at least {MIN_CONTRAST:.0f} needed. Is the digit in the "
            "picture, and dark enough?"
        )
    small = np.clip(resize(grey, SIDE, SIDE), 0.0, 255.0)
    return scale_inputs((255.0 - small).ravel())


# --------------------------------------------------------------------------- labelled files


def label_from_name(path: str | os.PathLike) -> int:
    """The digit in a file name of the book's convention ``2828_my_own_3.png`` -> 3.

    The digit follows ``my_own_``; anything may come after it (``photo_my_own_3_grey.jpg``).
    """
    match = _LABEL_IN_NAME.search(Path(path).name)
    if match is None:
        raise ImageError(
            f"{Path(path).name}: no label in the name; name the file like the book's "
            "2828_my_own_3.png (the digit after 'my_own_')"
        )
    return int(match.group(1))


def load_my_own_images(
    folder: str | os.PathLike | None = None, pattern: str = "*my_own_*"
) -> tuple[list[Path], np.ndarray]:
    """``(paths, labels)`` of the labelled image files in ``folder``, sorted by name.

    Files are matched by ``pattern`` and labelled by :func:`label_from_name`; files that
    are not images (by suffix) are skipped. The default folder holds the project's
    samples, :data:`MY_OWN_IMAGES_DIR`.
    """
    folder = Path(MY_OWN_IMAGES_DIR if folder is None else folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder")
    paths = sorted(
        path
        for path in folder.glob(pattern)
        if path.suffix.lower() in _IMAGE_SUFFIXES and _LABEL_IN_NAME.search(path.name)
    )
    if not paths:
        raise ImageError(
            f"no labelled images matching {pattern!r} in {folder}; name them like the book's "
            "2828_my_own_3.png"
        )
    return paths, np.array([label_from_name(path) for path in paths], dtype=np.int64)


# --------------------------------------------------------------------------- test pictures


def tight_crop(digit: ArrayLike) -> np.ndarray:
    """A 28 x 28 white-on-black MNIST digit cropped to its ink and drawn dark on white.

    What a reader who crops close to the digit gives :func:`prepare_digit`: the bounding
    box of the non-zero pixels, inverted (``255 - pixels``), as float 0..255. The ink
    touches all four edges.
    """
    digit = np.asarray(digit, dtype=np.float64).reshape(SIDE, SIDE)
    rows, columns = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    if not rows.size:
        raise ImageError("the digit has no ink to crop to")
    return 255.0 - digit[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]



def photograph(
    digit: ArrayLike,
    rng: np.random.Generator,
    size: tuple[int, int] = (240, 320),
    scale: tuple[float, float] = (4.0, 7.0),
) -> np.ndarray:
    """A "photo" of a white-on-black 28 x 28 digit: dark ink on grey, shaded, tinted paper.

    The digit is enlarged by a random factor in ``scale`` (Pillow, bilinear), put at a
    random place in a ``size`` (height, width) picture, and drawn in dark ink (black or
    blue) on paper whose brightness runs across the picture in a random direction; a
    little sensor noise is added. Returns uint8 RGB, shape (height, width, 3). The network
    has never seen such a picture: it tests :func:`prepare_digit`, not the network.
    """
    digit = np.asarray(digit, dtype=np.float64).reshape(SIDE, SIDE) / 255.0
    height, width = size
    factor = rng.uniform(*scale)
    side = min(round(SIDE * factor), height, width)
    alpha = np.clip(resize(digit, side, side), 0.0, 1.0)
    top, left = rng.integers(0, height - side + 1), rng.integers(0, width - side + 1)
    coverage = np.zeros((height, width))
    coverage[top : top + side, left : left + side] = alpha
    angle = rng.uniform(0, 2 * np.pi)
    rows, columns = np.mgrid[0:height, 0:width]
    ramp = (np.cos(angle) * columns / width + np.sin(angle) * rows / height) - 0.5
    paper_level = rng.uniform(150, 215) + rng.uniform(20, 50) * ramp
    paper = paper_level[..., None] * np.array([1.0, 0.97, rng.uniform(0.82, 0.95)])
    ink = np.array([25.0, 25.0, 30.0]) if rng.random() < 0.5 else np.array([30.0, 35.0, 110.0])
    ink = ink + rng.uniform(0, 20)
    picture = paper * (1 - coverage[..., None]) + ink * coverage[..., None]
    picture += rng.normal(0.0, 3.0, picture.shape)
    return np.clip(np.round(picture), 0, 255).astype(np.uint8)
