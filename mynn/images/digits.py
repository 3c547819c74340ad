"""The steps of :func:`prepare_digit`: a picture of one digit made into MNIST's form.

The rules (MNIST's 20-pixel box and centre of mass at (14, 14), and each step's
estimate) are described in :mod:`mynn.images`. This module also holds the book's naive
way (:func:`naive_digit`) and the test pictures made from MNIST digits (:func:`tight_crop`,
:func:`photograph`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import ndimage

from mynn.images.loading import BlankImageError, ImageError, _as_grey
from mynn.network import scale_inputs

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
