"""Loading pictures for :mod:`mynn.images`: image files and arrays as grey scale 0..255.

:func:`load_image` reads any image file (imageio v3 with its Pillow plugin), :func:`to_grey`
turns any image array into float grey scale (luma weights; alpha composited onto white
paper), and :func:`load_my_own_images` lists labelled files named as the book names them.
Every problem is an :class:`ImageError` naming the file and what to do.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from mynn.datasets import BUNDLED_DATA_DIR
from mynn.errors import MynnError

#: The sample images made by ``scripts/make_my_own_images.py``.
MY_OWN_IMAGES_DIR = BUNDLED_DATA_DIR / "my_own_images"

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

