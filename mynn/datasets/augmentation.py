"""New training images from old: the book's rotated copies.

*Make Your Own Neural Network*, part 3, "Creating new training data: rotations": each
training digit is rotated by +10 and -10 degrees to make two more, which the network then
learns as well.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from mynn.datasets.readers import PIXELS
from mynn.errors import UsageError


def rotated(
    images: ArrayLike, angles: float | Sequence[float] = (-10, 10), blank: float = 0.0
) -> np.ndarray:
    """Each image rotated by each angle (degrees, positive = anticlockwise), as the book does.

    The book makes new training digits by rotating each one by +10 and -10 degrees with
    ``scipy.ndimage.rotate``: bilinear interpolation (``order=1``), the same 28 x 28 frame
    (``reshape=False``), and the corners that rotate in from outside filled with the blank
    level (``cval``). This function does exactly that, for a whole stack at once.

    Parameters
    ----------
    images : array of shape (n, 784) or (784,)
        Raw 0..255 images (uint8 or any integer type), or float images (for example already
        scaled by :func:`~mynn.network.scale_inputs`).
    angles : float or sequence of floats
        Rotation angles in degrees; ``0`` gives the images back unchanged.
    blank : float
        The background level the corners are filled with: ``0`` (white paper) for raw
        0..255 images, the default. The book rotates images already scaled to 0.01..1.0
        and fills with ``0.01``: pass ``blank=0.01`` for such images.

    Returns
    -------
    ndarray
        For a sequence of angles, shape ``(len(angles), *images.shape)``: ``result[k]``
        holds every image rotated by ``angles[k]``. For a single number, the images' own
        shape. Integer images come back in their own dtype (rounded to the nearest whole
        value; bilinear interpolation never leaves the range of the pixels and the blank
        level, so nothing is clipped away); float images come back as float64.
    """
    from scipy import ndimage

    single_angle = np.ndim(angles) == 0
    try:
        angle_list = [float(a) for a in np.atleast_1d(np.asarray(angles, dtype=np.float64))]
    except (TypeError, ValueError):
        raise UsageError(
            f"angles must be a number or a sequence of numbers, got {angles!r}"
        ) from None
    if not angle_list or not np.all(np.isfinite(angle_list)):
        raise UsageError(f"angles must be one or more finite numbers of degrees, got {angles!r}")
    stack = _image_stack(images, "images")
    integer = np.issubdtype(stack.dtype, np.integer)
    if not np.isfinite(blank):
        raise UsageError(f"blank must be a finite number, got {blank!r}")
    if integer:
        info = np.iinfo(stack.dtype)
        if not info.min <= blank <= info.max:
            raise UsageError(
                f"blank={blank!r} does not fit {stack.dtype} images ({info.min}..{info.max}); "
                "use blank=0 for raw 0..255 images"
            )
    side = int(round(np.sqrt(stack.shape[-1])))
    squares = stack.reshape(-1, side, side).astype(np.float64)
    result = np.empty((len(angle_list),) + squares.shape)
    for k, angle in enumerate(angle_list):
        # axes=(2, 1) turns each 28 x 28 square the way ndimage.rotate turns one image.
        ndimage.rotate(
            squares, angle, axes=(2, 1), reshape=False, order=1, mode="constant",
            cval=blank, output=result[k],
        )  # fmt: skip
    if integer:
        result = np.clip(np.rint(result), info.min, info.max).astype(stack.dtype)
    result = result.reshape((len(angle_list),) + np.shape(images))
    return result[0] if single_angle else result


def augmented(
    images: ArrayLike,
    labels: ArrayLike,
    angles: Sequence[float] = (-10, 10),
    blank: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The book's augmented training set: every image followed by its rotated copies.

    Returns ``(images, labels)`` with ``(1 + len(angles)) * n`` rows in the order the book
    trains them: image 0, image 0 rotated by ``angles[0]``, by ``angles[1]``, ..., then
    image 1 and its copies, and so on; each copy keeps its original's label. The book
    rotates by +10 then -10 degrees: ``augmented(images, labels, angles=(10, -10))``.
    ``blank`` is as in :func:`rotated` (0 for raw 0..255 images).
    """
    stack = _image_stack(images, "images")
    labels = np.asarray(labels)
    if stack.ndim != 2 or labels.shape != (len(stack),):
        raise UsageError(
            f"expected images of shape (n, {PIXELS}) and labels of shape (n,); got "
            f"{np.shape(images)} and {labels.shape}"
        )
    if np.ndim(angles) != 1:
        raise UsageError(f"angles must be a sequence of degrees, e.g. (10, -10); got {angles!r}")
    copies = rotated(stack, angles, blank=blank)  # (len(angles), n, pixels)
    everything = np.concatenate([stack[None].astype(copies.dtype), copies])
    out_images = everything.transpose(1, 0, 2).reshape(-1, stack.shape[1])
    return out_images, np.repeat(labels, len(everything))


def _image_stack(images: ArrayLike, name: str) -> np.ndarray:
    """Check for square images of PIXELS values, one per row (or a single 1-D image)."""
    array = np.asarray(images)
    if array.ndim not in (1, 2) or array.shape[-1] != PIXELS:
        raise UsageError(
            f"{name} must have shape (n, {PIXELS}) or ({PIXELS},), one 28 x 28 image per row; "
            f"got shape {array.shape}. Reshape with images.reshape(len(images), -1)"
        )
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise UsageError(f"{name} must be numbers, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        raise UsageError(f"{name} contains NaN or infinity; clean the data first")
    return array
