"""Exercises for notebooks 10 and 11: convolution sizes and the x·y game.

* 10: PyTorch's output sizes (dilation 1, no output padding), as
  :func:`mynn.convsize.conv_output_size` and :func:`~mynn.convsize.conv_transpose_output_size`
  compute them::

      convolution            out = floor((n + 2p - k) / s) + 1
      transposed convolution out = (n - 1)s - 2p + k

* 11: one step of the book's simultaneous gradient update for f = x·y, x maximising and y
  minimising, both from the old values (``simulate("simultaneous", ...)`` in
  :mod:`mynn.games`)::

      x_new = x + lr * df/dx = x + lr * y
      y_new = y - lr * df/dy = y - lr * x
"""

from __future__ import annotations

import math

from mynn.exercises.core import Exercise, Mistake

# ---------------------------------------------------------------------------- 10.conv_output_size


def my_conv_output_size(n: int, kernel: int, stride: int, padding: int) -> int:
    return (n + 2 * padding - kernel) // stride + 1


def _conv_cases(rng):
    return [
        (6, 2, 1, 0),
        (6, 2, 2, 0),
        (6, 2, 2, 1),
        (7, 2, 2, 0),
        (28, 5, 2, 0),
        (12, 3, 2, 0),
        (28, 4, 2, 1),
        (128, 8, 2, 0),
        (int(rng.integers(20, 60)), 3, 3, 1),
    ]


CONV_OUTPUT_SIZE = Exercise(
    id="10.conv_output_size",
    title="the output size of a convolution",
    function_name="my_conv_output_size",
    parameters="n, kernel, stride, padding",
    task="return the output size: floor((n + 2*padding - kernel) / stride) + 1, a whole number",
    reference=my_conv_output_size,
    cases=_conv_cases,
    imports="",
    mistakes=(
        Mistake(
            "no +1",
            lambda n, k, s, p: (n + 2 * p - k) // s,
            "one short: count the kernel's first position too, so add 1 (a 2-wide kernel over "
            "6 cells at stride 1 has 5 positions, not 4)",
        ),
        Mistake(
            "padding once",
            lambda n, k, s, p: (n + p - k) // s + 1,
            "padding is added on both sides of the input: n + 2*padding",
        ),
        Mistake(
            "ceil",
            lambda n, k, s, p: math.ceil((n + 2 * p - k) / s) + 1,
            "you rounded up: a kernel that would run past the end of the input is not used, so "
            "round down (//)",
        ),
        Mistake(
            "no stride",
            lambda n, k, s, p: n + 2 * p - k + 1,
            "the stride is missing: the kernel moves stride cells at a time, so divide the "
            "room it has, n + 2p - k, by the stride (rounding down) before adding 1",
        ),
        Mistake(
            "n / stride",
            lambda n, k, s, p: n // s,
            "n // stride ignores the kernel and the padding: out = (n + 2p - k) // s + 1",
        ),
    ),
    hints=(
        "The kernel's first position is at the start; then it moves stride cells while it "
        "still fits inside the padded input of n + 2*padding cells.",
        "It has n + 2*padding - kernel cells of room to move; // stride counts the moves; "
        "+1 counts the first position.",
    ),
)

# ---------------------------------------------------------------------------- 10.transposed_output_size


def my_transposed_output_size(n: int, kernel: int, stride: int, padding: int) -> int:
    return (n - 1) * stride - 2 * padding + kernel


def _transposed_cases(rng):
    return [
        (5, 2, 1, 0),
        (3, 2, 2, 0),
        (4, 2, 2, 1),
        (7, 4, 2, 1),
        (11, 8, 2, 0),
        (62, 8, 2, 1),
        (int(rng.integers(5, 30)), 3, 3, 1),
    ]


TRANSPOSED_OUTPUT_SIZE = Exercise(
    id="10.transposed_output_size",
    title="the output size of a transposed convolution",
    function_name="my_transposed_output_size",
    parameters="n, kernel, stride, padding",
    task="return the output size: (n - 1)*stride - 2*padding + kernel",
    reference=my_transposed_output_size,
    cases=_transposed_cases,
    imports="",
    mistakes=(
        Mistake(
            "n * stride",
            lambda n, k, s, p: n * s - 2 * p + k,
            "n cells spaced stride apart span (n - 1)*stride + 1 cells, not n*stride: use "
            "(n - 1)*stride",
        ),
        Mistake(
            "+ padding",
            lambda n, k, s, p: (n - 1) * s + 2 * p + k,
            "padding works the other way round in a transposed convolution: it removes "
            "2*padding cells from the output (it is the padding of the convolution it undoes)",
        ),
        Mistake(
            "padding once",
            lambda n, k, s, p: (n - 1) * s - p + k,
            "padding is taken off both ends of the output: subtract 2*padding",
        ),
        Mistake(
            "k - 1",
            lambda n, k, s, p: (n - 1) * s - 2 * p + k - 1,
            "one short: PyTorch's form is (n-1)s - 2p + (k-1) + 1, and the +1 cancels the -1, "
            "leaving + kernel",
        ),
        Mistake(
            "convolution formula",
            lambda n, k, s, p: (n + 2 * p - k) // s + 1,
            "that is the forward convolution's formula; a transposed convolution runs it "
            "backwards: (n - 1)*stride - 2*padding + kernel",
        ),
    ),
    hints=(
        "Solve the convolution's formula backwards: a convolution maps this output size back to n.",
        "Each of the n input cells places a kernel-wide patch, stride cells after the last "
        "one: (n - 1)*stride + kernel cells; padding then trims padding cells off each end.",
    ),
)

# ---------------------------------------------------------------------------- 11.simultaneous_step


def my_simultaneous_step(x: float, y: float, lr: float) -> tuple[float, float]:
    x_new = x + lr * y  # x climbs its gradient, df/dx = y
    y_new = y - lr * x  # y descends its gradient, df/dy = x, using the OLD x
    return x_new, y_new


def _game_cases(rng):
    return [
        (1.0, 1.0, 0.1),
        (0.5, -2.0, 0.3),
        (-1.5, 0.25, 0.05),
        (float(rng.uniform(-3, 3)), float(rng.uniform(-3, 3)), 0.2),
    ]


def _alternating_y_first(x, y, lr):
    y_new = y - lr * x
    return x + lr * y_new, y_new


def _alternating(x, y, lr):
    x_new = x + lr * y
    return x_new, y - lr * x_new


SIMULTANEOUS_STEP = Exercise(
    id="11.simultaneous_step",
    title="one simultaneous gradient step of the x·y game",
    function_name="my_simultaneous_step",
    parameters="x, y, lr",
    task="return (x_new, y_new): x climbs f = x*y, y descends it, both from the old x and y",
    reference=my_simultaneous_step,
    cases=_game_cases,
    imports="",
    mistakes=(
        Mistake(
            "alternating",
            _alternating,
            "this is the alternating update: y used the new x. In the simultaneous step both "
            "players move from the old values, so keep the old x for y's step",
        ),
        Mistake(
            "alternating, y first",
            _alternating_y_first,
            "this is the alternating update with y moving first: x used the new y. Both must "
            "use the old values",
        ),
        Mistake(
            "roles swapped",
            lambda x, y, lr: (x - lr * y, y + lr * x),
            "the players' roles are swapped: x maximises f, so it climbs (x + lr*y), and y "
            "minimises, so it descends (y - lr*x)",
        ),
        Mistake(
            "both descend",
            lambda x, y, lr: (x - lr * y, y - lr * x),
            "both players descend here, but x maximises f = x*y: x climbs its gradient, x + lr*y",
        ),
        Mistake(
            "both climb",
            lambda x, y, lr: (x + lr * y, y + lr * x),
            "both players climb here, but y minimises f = x*y: y descends its gradient, y - lr*x",
        ),
        Mistake(
            "own gradient",
            lambda x, y, lr: (x + lr * x, y - lr * y),
            "each player's gradient is the other's value: df/dx = y and df/dy = x, so "
            "x + lr*y and y - lr*x",
        ),
    ),
    hints=(
        "df/dx = y and df/dy = x. x wants f bigger (climb: +), y wants it smaller (descend: -).",
        "Compute both new values from the old x and y before returning them: "
        "return x + lr*y, y - lr*x.",
    ),
)

EXERCISES = (CONV_OUTPUT_SIZE, TRANSPOSED_OUTPUT_SIZE, SIMULTANEOUS_STEP)
