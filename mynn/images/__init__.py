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


from mynn.images.digits import (
    BOX,
    CENTRE,
    MIN_CONTRAST,
    MIN_INK_SIDE,
    MIN_PIECE,
    MIN_SIDE,
    SIDE,
    WORKING_SIDE,
    DigitSteps,
    centre_by_mass,
    find_ink,
    fit_box,
    ink_box,
    naive_digit,
    otsu_threshold,
    pad_with_paper,
    paper_level,
    photograph,
    prepare_digit,
    remove_paper,
    resize,
    tight_crop,
    to_ink,
)
from mynn.images.loading import (
    LUMA,
    MY_OWN_IMAGES_DIR,
    BlankImageError,
    ImageError,
    label_from_name,
    load_image,
    load_my_own_images,
    to_grey,
)

__all__ = [
    "BOX",
    "CENTRE",
    "LUMA",
    "MIN_CONTRAST",
    "MIN_INK_SIDE",
    "MIN_PIECE",
    "MIN_SIDE",
    "MY_OWN_IMAGES_DIR",
    "SIDE",
    "WORKING_SIDE",
    "BlankImageError",
    "DigitSteps",
    "ImageError",
    "centre_by_mass",
    "find_ink",
    "fit_box",
    "ink_box",
    "label_from_name",
    "load_image",
    "load_my_own_images",
    "naive_digit",
    "otsu_threshold",
    "pad_with_paper",
    "paper_level",
    "photograph",
    "prepare_digit",
    "remove_paper",
    "resize",
    "tight_crop",
    "to_grey",
    "to_ink",
]
