"""The reverse questions: which padding gives the output size I want?

:func:`conv_paddings` solves the convolution's size formula for the padding,
:func:`conv_transpose_paddings` the transposed convolution's for (padding,
output_padding), and :func:`output_padding_to_restore` finds the output_padding with which
a transposed convolution undoes a convolution's size. Each takes ints or per-dimension
tuples like the formulas of :mod:`mynn.convsize.sizes`, and says why when no answer exists.
"""

from __future__ import annotations

import itertools
import math

from mynn.convsize.dimensions import (
    _check_at_least,
    _check_kernel_stride_dilation,
    _check_size,
    _per_dimension,
    _span,
    _split_dimensions,
)
from mynn.convsize.sizes import _conv_one_dimension
from mynn.errors import UsageError

__all__ = ["conv_paddings", "conv_transpose_paddings", "output_padding_to_restore"]

# --------------------------------------------------------------------------------------
# reverse questions: which padding gives the size I want?
# --------------------------------------------------------------------------------------


def _solutions_of_every_dimension(one_dimension, arguments):
    """Combine per-dimension lists of solutions into solutions for the whole layer."""
    as_tuple, per_dimension = _split_dimensions(arguments)
    options = [one_dimension(**values) for values in per_dimension]
    if not as_tuple:
        return options[0]
    return [_transpose_solution(combination) for combination in itertools.product(*options)]


def _transpose_solution(combination):
    """((p_h, op_h), (p_w, op_w)) -> ((p_h, p_w), (op_h, op_w)); plain ints stay a tuple."""
    if isinstance(combination[0], tuple):
        return tuple(zip(*combination, strict=True))
    return tuple(combination)


def _conv_paddings_one_dimension(size, output_size, kernel_size, stride, dilation, where=""):
    size = _check_size(size, where)
    output_size = _check_at_least(
        "output_size", output_size, 1, where, "a layer's output has at least one cell"
    )
    kernel_size, stride, dilation = _check_kernel_stride_dilation(
        kernel_size, stride, dilation, where
    )
    span = _span(kernel_size, dilation)
    # s(out-1) <= n + 2p - span <= s*out - 1, solved for p
    lowest = max(0, math.ceil((stride * (output_size - 1) - size + span) / 2))
    highest = (stride * output_size - 1 - size + span) // 2
    paddings = list(range(lowest, highest + 1))
    if paddings:
        return paddings
    if highest < 0:
        smallest = _conv_one_dimension(size, kernel_size, stride, 0, dilation)
        raise UsageError(
            f"no padding takes {size} down to {output_size}{where}: with padding 0 the output is "
            f"already {smallest}, and padding only makes it larger; use a larger stride or "
            "kernel_size"
        )
    # stride 1: the output steps by 2 with the padding and skips the size asked for
    possible = [(size + 2 * p - span) + 1 for p in (lowest - 1, lowest) if p >= 0]
    possible = " or ".join(str(out) for out in possible if out >= 1)
    fix = f"kernel_size={kernel_size + 1}" if dilation % 2 else f"dilation={dilation - 1}"
    same = " (or padding='same', which pads unevenly)" if output_size == size else ""
    raise UsageError(
        f"no padding takes {size} to {output_size}{where}: with stride 1 each step of padding "
        f"adds 2 to the output, so it can be {possible} but not {output_size}; d(k-1) must "
        f"change by an odd number, for example {fix}{same}"
    )


def conv_paddings(size, output_size, kernel_size, stride=1, dilation=1):
    """All paddings with which a convolution maps ``size`` to ``output_size``.

    Solves out = floor((n + 2p - d(k-1) - 1) / s) + 1 for p >= 0:

        s(out - 1) <= n + 2p - d(k-1) - 1 <= s*out - 1

    With stride 1 there is at most one answer, and none when d(k-1) and out - n differ in
    parity (then ``padding='same'``, which pads unevenly, may do when out = n). With stride
    s there can be up to ceil(s/2) answers, because the floor hides the last cells.

    Parameters
    ----------
    size, output_size : int or tuple of int
    kernel_size, stride, dilation : int or tuple of int

    Returns
    -------
    list
        The paddings, smallest first: ints, or tuples (one per dimension, every
        combination) if any argument is a tuple. Each can be passed as ``padding=``.

    Raises
    ------
    ValueError
        If no padding works, saying why and what to change.

    Examples
    --------
    >>> conv_paddings(28, 14, kernel_size=3, stride=2)
    [1]
    >>> conv_paddings(6, 4, kernel_size=2, stride=2)
    [1]
    """
    return _solutions_of_every_dimension(
        _conv_paddings_one_dimension,
        dict(
            size=size,
            output_size=output_size,
            kernel_size=kernel_size,
            stride=stride,
            dilation=dilation,
        ),
    )


def _conv_transpose_paddings_one_dimension(
    size, output_size, kernel_size, stride, dilation, where=""
):
    size = _check_size(size, where)
    output_size = _check_at_least(
        "output_size", output_size, 1, where, "a layer's output has at least one cell"
    )
    kernel_size, stride, dilation = _check_kernel_stride_dilation(
        kernel_size, stride, dilation, where
    )
    # out = (n-1)s - 2p + d(k-1) + op + 1  =>  2p - op = (n-1)s + d(k-1) + 1 - out
    excess = (size - 1) * stride + dilation * (kernel_size - 1) + 1 - output_size
    output_paddings = range(max(stride, dilation))
    solutions = [
        ((excess + op) // 2, op)
        for op in output_paddings
        if excess + op >= 0 and (excess + op) % 2 == 0
    ]
    if solutions:
        return solutions
    largest = output_size + excess + output_paddings[-1]
    if excess + output_paddings[-1] < 0:
        raise UsageError(
            f"no padding takes {size} up to {output_size}{where}: the largest output is {largest} "
            f"(padding 0, output_padding {output_paddings[-1]}); use a larger stride or kernel_size"
        )
    # Only stride 1 with dilation 1 gets here: output_padding must then be 0, and the
    # padding changes the output 2 at a time.
    other = f"kernel_size={kernel_size + 1}" + (f" or {kernel_size - 1}" if kernel_size > 1 else "")
    raise UsageError(
        f"no padding takes {size} to {output_size}{where}: with stride 1 each step of padding "
        f"removes 2 from the output, so it can be {output_size - 1} or {output_size + 1} but not "
        f"{output_size}; use {other}"
    )


def conv_transpose_paddings(size, output_size, kernel_size, stride=1, dilation=1):
    """All (padding, output_padding) pairs with which a transposed convolution gives ``output_size``.

    Solves out = (n - 1)s - 2p + d(k-1) + op + 1 for p >= 0 and 0 <= op < max(s, d)::

        2p - op = (n - 1)s + d(k-1) + 1 - out

    so op must have the parity of the right-hand side. PyTorch offers one more route:
    ``layer(x, output_size=...)`` chooses op itself, for sizes up to s-1 above the size
    with op = 0.

    Parameters
    ----------
    size, output_size : int or tuple of int
    kernel_size, stride, dilation : int or tuple of int

    Returns
    -------
    list of (padding, output_padding)
        Smallest output_padding first, so the first pair is usually the one to use. With
        tuple arguments each entry is a pair of tuples, one value per dimension.

    Raises
    ------
    ValueError
        If no pair works, saying why and what to change.

    Examples
    --------
    >>> conv_transpose_paddings(3, 6, kernel_size=2, stride=2)
    [(0, 0)]
    >>> conv_transpose_paddings(7, 14, kernel_size=3, stride=2)
    [(1, 1)]
    """
    return _solutions_of_every_dimension(
        _conv_transpose_paddings_one_dimension,
        dict(
            size=size,
            output_size=output_size,
            kernel_size=kernel_size,
            stride=stride,
            dilation=dilation,
        ),
    )


def _restoring_output_padding_one_dimension(size, kernel_size, stride, padding, dilation, where=""):
    if isinstance(padding, str):
        raise UsageError(
            f"give padding as a number here, not {padding!r}: a transposed convolution has no "
            "'same' padding to mirror it"
        )
    _conv_one_dimension(size, kernel_size, stride, padding, dilation, where)
    return (size + 2 * padding - _span(kernel_size, dilation)) % stride


def output_padding_to_restore(size, kernel_size, stride=1, padding=0, dilation=1):
    """The output_padding that makes a transposed convolution undo a convolution's size.

    ``nn.Conv2d(k, s, p, d)`` maps n to m; ``nn.ConvTranspose2d`` with the same k, s, p,
    d maps m back to n when::

        output_padding = (n + 2p - d(k-1) - 1) mod s

    the number of cells the convolution's floor dropped. This is the usual cure for
    decoder outputs that come out one pixel short.

    Parameters
    ----------
    size : int or tuple of int
        The convolution's input size n, which the transposed convolution should restore.
    kernel_size, stride, padding, dilation : int or tuple of int

    Returns
    -------
    int or tuple of int

    Examples
    --------
    >>> output_padding_to_restore(28, kernel_size=3, stride=2, padding=1)
    1
    """
    return _per_dimension(
        _restoring_output_padding_one_dimension,
        dict(size=size, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation),
    )
