"""Exercises for notebooks 03, 04 and 05: a photo into inputs, the book's files, back-query.

* 03: the book's preparation of its own 28 x 28 images: invert (``255 - pixels``, MNIST is
  light ink on dark), flatten to 784 values and scale with pixel / 255 * 0.99 + 0.01, as
  :func:`mynn.images.naive_digit` does.
* 04: the book's way of saving a trained network, ``numpy.save`` of ``wih`` into
  ``saved_wih.npy`` and of ``who`` into ``saved_who.npy``
  (:func:`mynn.storage.save_book_weights`).
* 05: one layer of the book's back-query (:meth:`mynn.network.NeuralNetwork.backquery`):
  signals into the layer = weights.T @ logit(signals out), rescaled into 0.01..0.99 by
  ``(s - min) / (max - min) * 0.98 + 0.01``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from mynn.exercises.compare import compare_arrays
from mynn.exercises.core import Exercise, Mistake

# ---------------------------------------------------------------------------- 03.invert_and_scale


def my_invert_and_scale(image: np.ndarray) -> np.ndarray:
    inverted = 255.0 - image.reshape(784)
    return inverted / 255.0 * 0.99 + 0.01


def _photo(rng, paper, ink):
    """A 28 x 28 grey picture, dark strokes on light paper, as uint8 0..255."""
    picture = np.clip(rng.normal(paper, 6.0, (28, 28)), 0, 255)
    rows = rng.integers(4, 24, 3)
    picture[rows[0] : rows[0] + 3, 5:23] = ink
    picture[4:24, rows[1] : rows[1] + 2] = ink + 20
    picture[rows[2], :] = ink + 40
    return picture.round().astype(np.uint8)


def _photo_cases(rng):
    return [(_photo(rng, 235, 20),), (_photo(rng, 250, 0),), (_photo(rng, 200, 60),)]


def _scale(p):
    return p / 255.0 * 0.99 + 0.01


INVERT_AND_SCALE = Exercise(
    id="03.invert_and_scale",
    title="a 28 x 28 photo of a digit (dark ink on light paper) into the network's 784 inputs",
    function_name="my_invert_and_scale",
    parameters="image",
    task="return 784 inputs: invert the 28 x 28 image (255 - pixel), flatten, scale to 0.01..1.00",
    reference=my_invert_and_scale,
    cases=_photo_cases,
    mistakes=(
        Mistake(
            "not inverted",
            lambda image: _scale(image.reshape(784).astype(float)),
            "the image is not inverted: MNIST digits are light ink on a dark background, so "
            "use 255 - pixels before scaling (paper should end up near 0.01)",
        ),
        Mistake(
            "not flattened",
            lambda image: _scale(255.0 - image),
            "the network takes 784 values in a row, not a 28 x 28 grid: flatten the image "
            "with .reshape(784) (or .ravel())",
        ),
        Mistake(
            "inverted after scaling",
            lambda image: 1.0 - _scale(image.reshape(784).astype(float)),
            "you inverted after scaling (1 - scaled): that gives 0..0.99, not 0.01..1.00; "
            "invert the pixels first (255 - pixels), then scale",
        ),
        Mistake(
            "not scaled",
            lambda image: 255.0 - image.reshape(784),
            "the pixels are inverted but not scaled: divide by 255, multiply by 0.99, add 0.01",
        ),
    ),
    hints=(
        "Three steps, in this order: invert (255.0 - image), flatten (.reshape(784)), "
        "scale (/ 255.0 * 0.99 + 0.01).",
        "Use 255.0, a float, so that nothing is done in whole-number (uint8) arithmetic.",
    ),
)

# ---------------------------------------------------------------------------- 04.save_weights

BOOK_FILES = ("saved_wih.npy", "saved_who.npy")


def my_save_weights(wih: np.ndarray, who: np.ndarray, folder: str | os.PathLike) -> None:
    np.save(os.path.join(folder, "saved_wih.npy"), wih)
    np.save(os.path.join(folder, "saved_who.npy"), who)


def _weight_pair_cases(rng):
    cases = []
    for n_in, n_hidden, n_out in ((784, 20, 10), (3, 3, 3), (6, 4, 2)):
        wih = rng.normal(0.0, n_in**-0.5, (n_hidden, n_in))
        who = rng.normal(0.0, n_hidden**-0.5, (n_out, n_hidden))
        cases.append((wih, who))
    return cases


def _observe_files(function, args):
    """Run ``function(wih, who, folder)`` in a fresh folder; read back what it wrote.

    The current directory is a second fresh folder meanwhile, so files written to the
    wrong place are seen (and nothing lands in the reader's notebook folder).
    """
    wih, who = args
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as elsewhere:
        before = os.getcwd()
        os.chdir(elsewhere)
        try:
            function(wih, who, folder)
        finally:
            os.chdir(before)
        found = {}
        for path in sorted(Path(folder).iterdir()):
            try:
                found[path.name] = np.load(path, allow_pickle=False)
            except Exception:  # noqa: BLE001 - any unreadable file is reported as such
                found[path.name] = None
        stray = sorted(p.name for p in Path(elsewhere).iterdir())
    return found, stray


def _compare_files(expected, got):
    """None if the folder holds what the reference wrote (files and arrays), else what is wrong."""
    (want, want_stray), (found, stray) = expected, got
    names = ", ".join(found) or "no files"
    for name in BOOK_FILES:
        if name not in want:
            continue
        if name not in found:
            if name in stray and name not in want_stray:
                return (
                    f"{name} was written into the current folder, not into `folder`: give "
                    f"np.save the path os.path.join(folder, '{name}')"
                )
            return f"there is no {name} in the folder (found {names}); write it with np.save"
        if want[name] is None or found[name] is None:
            if want[name] is None and found[name] is None:
                continue
            return (
                f"{name} is not a file numpy.load can read: write it with np.save (not "
                "np.savetxt, pickle or open().write)"
            )
        problem = compare_arrays(want[name], found[name])
        if problem:
            return f"{name} does not hold the right weights: {problem}"
    if set(want) != set(found) or want_stray != stray:
        return f"the folder should hold {', '.join(want) or 'nothing'}, and holds {names}"
    return None


def _swapped(wih, who, folder):
    np.save(os.path.join(folder, BOOK_FILES[0]), who)
    np.save(os.path.join(folder, BOOK_FILES[1]), wih)


def _text_files(wih, who, folder):
    np.savetxt(os.path.join(folder, BOOK_FILES[0]), wih)
    np.savetxt(os.path.join(folder, BOOK_FILES[1]), who)


def _current_folder(wih, who, folder):
    np.save(BOOK_FILES[0], wih)
    np.save(BOOK_FILES[1], who)


SAVE_WEIGHTS = Exercise(
    id="04.save_weights",
    title="the book's way of saving a network: two .npy files",
    function_name="my_save_weights",
    parameters="wih, who, folder",
    task="save wih as saved_wih.npy and who as saved_who.npy inside folder, with numpy.save",
    reference=my_save_weights,
    cases=_weight_pair_cases,
    observe=_observe_files,
    compare=_compare_files,
    imports="import os\n\nimport numpy as np",
    mistakes=(
        Mistake(
            "swapped",
            _swapped,
            "the two files are swapped: saved_wih.npy must hold wih (input to hidden) and "
            "saved_who.npy who (hidden to output)",
        ),
        Mistake(
            "savetxt",
            _text_files,
            "np.savetxt writes text, which numpy.load can't read as .npy: use np.save",
        ),
        Mistake(
            "current folder",
            _current_folder,
            "the files went into the current folder, not into `folder`: give np.save the path "
            "os.path.join(folder, 'saved_wih.npy')",
        ),
    ),
    hints=(
        "np.save(path, array) writes one array to one .npy file.",
        "The path is the folder plus the file name: os.path.join(folder, 'saved_wih.npy').",
    ),
)

# ---------------------------------------------------------------------------- 05.backquery_layer


def my_backquery_layer(weights: np.ndarray, signals: np.ndarray) -> np.ndarray:
    layer_inputs = np.log(signals / (1.0 - signals))  # logit, the inverse of the sigmoid
    previous = np.dot(weights.T, layer_inputs)
    previous = previous - np.min(previous)
    previous = previous / np.max(previous)
    return previous * 0.98 + 0.01


def _backquery_cases(rng):
    cases = []
    for n_out, n_in in ((3, 3), (10, 20), (4, 7), (2, 5)):
        weights = rng.normal(0.0, n_in**-0.5, (n_out, n_in))
        cases.append((weights, rng.uniform(0.01, 0.99, n_out)))
    return cases


def _logit(s):
    return np.log(s / (1.0 - s))


def _rescale(v, low=0.01, width=0.98):
    v = v - np.min(v)
    return v / np.max(v) * width + low


BACKQUERY_LAYER = Exercise(
    id="05.backquery_layer",
    title="one layer of back-query: the signals out of a layer back to the signals into it",
    function_name="my_backquery_layer",
    parameters="weights, signals",
    task="return weights.T . logit(signals), rescaled into 0.01..0.99 as the book does",
    reference=my_backquery_layer,
    cases=_backquery_cases,
    mistakes=(
        Mistake(
            "sigmoid",
            lambda w, s: _rescale(w.T @ (1 / (1 + np.exp(-s)))),
            "going backwards undoes the sigmoid with its inverse, logit(s) = log(s / (1 - s)), "
            "not with the sigmoid itself",
        ),
        Mistake(
            "log only",
            lambda w, s: _rescale(w.T @ np.log(s)),
            "log(s) alone is not the sigmoid's inverse: use logit(s) = log(s / (1 - s))",
        ),
        Mistake(
            "not rescaled",
            lambda w, s: w.T @ _logit(s),
            "the result must be rescaled into 0.01..0.99 (the next layer back takes its logit, "
            "which needs values strictly between 0 and 1): subtract the minimum, divide by the "
            "maximum, times 0.98, plus 0.01",
        ),
        Mistake(
            "0..1",
            lambda w, s: _rescale(w.T @ _logit(s), 0.0, 1.0),
            "you rescaled into 0..1; the book uses 0.01..0.99 (times 0.98, plus 0.01) so that "
            "the logit of the next layer back stays finite",
        ),
        Mistake(
            "no transpose",
            lambda w, s: _rescale(w @ _logit(s)),
            "backwards through a layer means the transposed weights: np.dot(weights.T, ...) "
            "(weights has one row per node the signals come out of)",
        ),
    ),
    hints=(
        "Undo the sigmoid first: its inverse is logit(s) = log(s / (1 - s)).",
        "Then undo the weights with their transpose: np.dot(weights.T, ...).",
        "Rescale the result into 0.01..0.99: subtract its minimum, divide by the new maximum, "
        "multiply by 0.98 and add 0.01.",
    ),
)

EXERCISES = (INVERT_AND_SCALE, SAVE_WEIGHTS, BACKQUERY_LAYER)
