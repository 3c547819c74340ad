"""Output sizes of convolutions, transposed convolutions and pooling, without torch.

The book's convolutional networks (*Make Your First GAN With PyTorch*, and the article
"Calculating the output size of convolutions and transpose convolutions") need the size of
the image after every layer: the MNIST classifier goes 28 -> 12 -> 5, the CelebA
discriminator 128 -> 61 -> 27 -> 10, the generator 11 -> 28 -> 62 -> 128. This module
works those sizes out with PyTorch's own formulas, per spatial dimension:

convolution            out = floor((in + 2p - d(k-1) - 1) / s) + 1
transposed convolution out = (in - 1)s - 2p + d(k-1) + output_padding + 1
pooling                like convolution, with stride s = k by default and ceil_mode

where k is the kernel size, s the stride, p the padding on each side and d the dilation.

Every function takes plain ints, or tuples with one value per dimension (height, width),
and returns the same kind. Where PyTorch would refuse a configuration, a ValueError says
what is wrong and what would fix it. The reverse questions (which padding gives the size
I want?) are :mod:`mynn.convsize.paddings`; the layer tracer (:mod:`mynn.convsize.tracer`)
builds on these functions.
"""

from __future__ import annotations

import math

import numpy as np

from mynn.convsize.dimensions import (
    DIMENSION_NAMES,
    _check_at_least,
    _check_kernel_stride_dilation,
    _check_padding,
    _check_size,
    _per_dimension,
    _span,
)
from mynn.errors import UsageError

__all__ = [
    "DIMENSION_NAMES",
    "conv_output_size",
    "conv_transpose_output_size",
    "padding_sides",
    "pool_output_size",
]


# --------------------------------------------------------------------------------------
# forward questions: the output size
# --------------------------------------------------------------------------------------


def _conv_one_dimension(size, kernel_size, stride, padding, dilation, where=""):
    size = _check_size(size, where)
    kernel_size, stride, dilation = _check_kernel_stride_dilation(
        kernel_size, stride, dilation, where
    )
    if isinstance(padding, str):
        padding = _resolve_padding_string(padding, size, kernel_size, stride, dilation, where)
        if padding == "same":
            return size
    padding = _check_padding(padding, where)
    span = _span(kernel_size, dilation)
    padded = size + 2 * padding
    if span > padded:
        raise UsageError(_kernel_too_large(size, kernel_size, padding, dilation, where))
    return (padded - span) // stride + 1


def _resolve_padding_string(padding, size, kernel_size, stride, dilation, where):
    """Turn 'valid' into 0; keep 'same' (checked against the stride); refuse the rest."""
    if padding == "valid":
        return 0
    if padding != "same":
        raise UsageError(
            f"padding must be a number, a tuple of numbers, 'same' or 'valid', got {padding!r}"
        )
    if stride != 1:
        numeric = dilation * (kernel_size - 1) // 2
        out = (size + 2 * numeric - _span(kernel_size, dilation)) // stride + 1
        raise UsageError(
            f"padding='same' needs stride 1, got stride {stride}{where}; use stride=1, or give "
            f"the padding as a number: padding={numeric} gives an output of {out} here"
        )
    return padding


def padding_sides(padding, kernel_size, dilation=1):
    """Zeros added (before, after) the input in one dimension, for a number, 'valid' or 'same'.

    'same' pads d(k-1) cells in total; when that is odd PyTorch puts the extra cell at the
    end (right or bottom).
    """
    kernel_size, _, dilation = _check_kernel_stride_dilation(kernel_size, 1, dilation, "")
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            total = dilation * (kernel_size - 1)
            return total // 2, total - total // 2
        raise UsageError(f"padding must be a number, 'same' or 'valid', got {padding!r}")
    padding = _check_padding(padding, "")
    return padding, padding


def _kernel_too_large(size, kernel_size, padding, dilation, where):
    span = _span(kernel_size, dilation)
    spans = f"{span} cells" if dilation == 1 else f"d(k-1)+1 = {span} cells"
    need = math.ceil((span - size) / 2)
    smaller = "a smaller kernel_size" if dilation == 1 else "a smaller kernel_size or dilation"
    return (
        f"the kernel spans {spans} but the padded input is only {size} + 2*{padding} = "
        f"{size + 2 * padding} cells{where} (PyTorch: 'Kernel size can't be greater than actual "
        f"input size'); use {smaller} (at most {size + 2 * padding} cells), padding={need} or "
        "more, or a larger input"
    )


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Size of the output of a convolution (``nn.Conv1d``/``Conv2d``/``Conv3d``).

    Per dimension, with input size n, kernel size k, stride s, padding p (added on each
    side) and dilation d::

        out = floor((n + 2p - d(k-1) - 1) / s) + 1

    The kernel covers d(k-1)+1 cells. It starts at the first cell of the padded input and
    moves s cells at a time while it still fits, so cells it cannot reach at the end are
    dropped: that is the floor. ``padding='valid'`` is p = 0; ``padding='same'`` (stride 1
    only) pads d(k-1) in total, the odd cell going to the end, so out = n.

    Parameters
    ----------
    size : int or tuple of int
        Input size, for example 28 or ``(28, 28)``.
    kernel_size, stride, dilation : int or tuple of int
    padding : int, tuple of int, 'same' or 'valid'

    Returns
    -------
    int or tuple of int
        An int if every argument is an int, otherwise a tuple with one size per dimension.

    Raises
    ------
    ValueError
        Where PyTorch refuses: a kernel larger than the padded input, a stride, dilation or
        kernel below 1, negative padding, ``'same'`` with a stride above 1.

    Examples
    --------
    >>> conv_output_size(6, kernel_size=2)
    5
    >>> conv_output_size((28, 28), kernel_size=5, stride=2)
    (12, 12)
    """
    return _per_dimension(
        _conv_one_dimension,
        dict(size=size, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation),
    )


def _conv_transpose_one_dimension(
    size, kernel_size, stride, padding, output_padding, dilation, where=""
):
    size = _check_size(size, where)
    kernel_size, stride, dilation = _check_kernel_stride_dilation(
        kernel_size, stride, dilation, where
    )
    if isinstance(padding, str):
        raise UsageError(
            f"a transposed convolution takes padding as numbers, not {padding!r}; "
            "conv_transpose_paddings() finds the padding and output_padding for the output "
            "size you want"
        )
    padding = _check_padding(padding, where)
    output_padding = _check_at_least(
        "output_padding",
        output_padding,
        0,
        where,
        "output_padding adds cells at the end of the output; to remove cells use more padding",
    )
    largest = max(stride, dilation) - 1
    if output_padding > largest:
        raise UsageError(
            f"output_padding must be smaller than the stride or the dilation, got "
            f"output_padding={output_padding} with stride={stride}, dilation={dilation}{where}; "
            f"use output_padding={largest} or less (it only restores the up to stride-1 cells a "
            "strided convolution drops), or change the padding, which moves the size 2 at a time"
        )
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        most = ((size - 1) * stride + dilation * (kernel_size - 1) + output_padding) // 2
        raise UsageError(
            f"the output would have {out} cells{where}: (n-1)s - 2p + d(k-1) + output_padding + 1"
            f" = ({size}-1)*{stride} - 2*{padding} + {dilation}*({kernel_size}-1) + "
            f"{output_padding} + 1 = {out} (PyTorch: 'Output size is too small'); use "
            f"padding={most} or less, or a larger kernel_size or stride"
        )
    return out


def conv_transpose_output_size(
    size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1
):
    """Size of the output of a transposed convolution (``nn.ConvTranspose2d`` and friends).

    Per dimension, with input size n, kernel size k, stride s, padding p, dilation d and
    output padding op::

        out = (n - 1)s - 2p + d(k-1) + op + 1

    Picture it as an ordinary stride-1 convolution over an intermediate grid: the n input
    cells spaced s apart (s-1 zeros between neighbours), with d(k-1)-p zeros added at each
    edge and op more at the end. The output padding picks one of the s sizes that a
    stride-s convolution maps to the same size, and must be below max(s, d).

    Parameters
    ----------
    size : int or tuple of int
    kernel_size, stride, padding, output_padding, dilation : int or tuple of int

    Returns
    -------
    int or tuple of int
        The transposed convolution's output size (a tuple when any argument is a tuple).

    Raises
    ------
    ValueError
        Where PyTorch refuses: output_padding not below max(stride, dilation), negative
        padding or output_padding, a kernel, stride or dilation below 1, an output below 1
        cell, or padding given as a string.

    Examples
    --------
    >>> conv_transpose_output_size(3, kernel_size=2, stride=2)
    6
    >>> conv_transpose_output_size(62, kernel_size=8, stride=2, padding=1)
    128
    """
    return _per_dimension(
        _conv_transpose_one_dimension,
        dict(
            size=size,
            kernel_size=kernel_size,
            stride=stride,
            padding=padding,
            output_padding=output_padding,
            dilation=dilation,
        ),
    )


def _pool_one_dimension(size, kernel_size, stride, padding, dilation, ceil_mode, where=""):
    size = _check_size(size, where)
    if stride is None:
        stride = kernel_size
    kernel_size, stride, dilation = _check_kernel_stride_dilation(
        kernel_size, stride, dilation, where
    )
    padding = _check_padding(padding, where)
    if padding > kernel_size // 2:
        raise UsageError(
            f"pooling padding must be at most half the kernel size (kernel_size // 2 = "
            f"{kernel_size // 2}), got padding={padding} with kernel_size={kernel_size}{where}; "
            f"use padding={kernel_size // 2} or less, or a larger kernel_size"
        )
    span = _span(kernel_size, dilation)
    room = size + 2 * padding - span
    if ceil_mode:
        out = (room + stride - 1) // stride + 1
        # PyTorch drops a last window that would start in the right-hand padding.
        if (out - 1) * stride >= size + padding:
            out -= 1
    else:
        out = room // stride + 1
    if out < 1:
        raise UsageError(
            f"the pooling window spans {span} cells but the padded input is only "
            f"{size + 2 * padding} cells{where} (PyTorch: 'Output size is too small'); use a "
            "smaller kernel_size or dilation, more padding (up to kernel_size // 2), or a "
            "larger input"
        )
    return out


def pool_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Size of the output of max or average pooling (``nn.MaxPool2d``, ``nn.AvgPool2d``).

    The stride defaults to the kernel size, so windows do not overlap. Per dimension::

        out = floor((n + 2p - d(k-1) - 1) / s) + 1                 ceil_mode=False
        out = ceil((n + 2p - d(k-1) - 1) / s) + 1                  ceil_mode=True

    With ``ceil_mode=True`` a last, partial window is kept, except that a window must start
    inside the input or the left padding: if (out-1)s >= n + p, out is one less. PyTorch
    also requires p <= k // 2. ``nn.AvgPool2d`` has no dilation: leave it at 1.

    Parameters
    ----------
    size : int or tuple of int
    kernel_size : int or tuple of int
    stride : int, tuple of int or None
        None (the default) means the kernel size.
    padding, dilation : int or tuple of int
    ceil_mode : bool

    Returns
    -------
    int or tuple of int
        The pooled size, per dimension if any argument is a tuple.

    Raises
    ------
    ValueError
        PyTorch refuses these too: padding above kernel_size // 2, an output below 1 cell, a
        kernel, stride or dilation below 1, negative padding.

    Examples
    --------
    >>> pool_output_size(5, kernel_size=2)
    2
    >>> pool_output_size(5, kernel_size=2, ceil_mode=True)
    3
    """
    if not isinstance(ceil_mode, bool | np.bool_):
        raise TypeError(
            f"ceil_mode must be True or False, got {ceil_mode!r}; a string such as 'no' would "
            "count as true"
        )
    return _per_dimension(
        _pool_one_dimension,
        dict(
            size=size,
            kernel_size=kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            ceil_mode=ceil_mode,
        ),
    )


_PADDING_QUESTIONS = ("conv_paddings", "conv_transpose_paddings", "output_padding_to_restore")


def __getattr__(name):
    # The reverse questions live in mynn.convsize.paddings, which builds on this module (so
    # it cannot be imported at the top here); they stay importable from here too.
    if name in _PADDING_QUESTIONS:
        from mynn.convsize import paddings

        return getattr(paddings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
