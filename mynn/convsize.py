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
what is wrong and what would fix it. Importing this module does not import torch; only
:func:`trace` imports it, and only when it is handed a torch model.
"""

from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import dataclass, field, fields

__all__ = [
    "AvgPool",
    "BOOK_CELEBA_DISCRIMINATOR",
    "BOOK_CELEBA_GENERATOR",
    "BOOK_MNIST_CNN",
    "Conv",
    "ConvTranspose",
    "Flatten",
    "LayerShape",
    "Linear",
    "MaxPool",
    "Reshape",
    "Trace",
    "TraceRow",
    "Unchanged",
    "conv_output_size",
    "conv_paddings",
    "conv_transpose_output_size",
    "conv_transpose_paddings",
    "output_padding_to_restore",
    "padding_sides",
    "pool_output_size",
    "trace",
]

DIMENSION_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


# --------------------------------------------------------------------------------------
# ints or per-dimension tuples
# --------------------------------------------------------------------------------------


def _whole_number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number (or a tuple of them), got {value!r}")
    return int(value)


def _split_dimensions(arguments):
    """Split arguments given as ints or tuples into one dict per dimension.

    Returns ``(as_tuple, per_dimension)``: whether any argument was a tuple (so the
    answer should be one too), and a list with one ``{name: value}`` dict per dimension.
    An int applies to every dimension; strings such as ``'same'`` are passed through.
    """
    lengths = {
        name: len(value) for name, value in arguments.items() if isinstance(value, tuple | list)
    }
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(
            f"the tuples give different numbers of dimensions ({listed}); give one value per "
            "dimension in each, or a single int that applies to all of them"
        )
    if not lengths:
        return False, [dict(arguments)]
    ndim = next(iter(lengths.values()))
    if ndim == 0:
        raise ValueError("empty tuples give no dimensions; give at least one size")
    per_dimension = [
        {
            name: value[i] if isinstance(value, tuple | list) else value
            for name, value in arguments.items()
        }
        for i in range(ndim)
    ]
    names = DIMENSION_NAMES.get(ndim)
    for i, values in enumerate(per_dimension):
        values["where"] = f" in dimension {i}" + (f" ({names[i]})" if names else "")
    return True, per_dimension


def _per_dimension(one_dimension, arguments):
    """Apply ``one_dimension(**values)`` to each dimension, returning an int or a tuple."""
    as_tuple, per_dimension = _split_dimensions(arguments)
    answers = [one_dimension(**values) for values in per_dimension]
    return tuple(answers) if as_tuple else answers[0]


def _check_at_least(name, value, smallest, where, fix):
    value = _whole_number(name, value)
    if value < smallest:
        raise ValueError(f"{name} must be at least {smallest}, got {value}{where}; {fix}")
    return value


def _check_size(size, where):
    return _check_at_least(
        "the input size",
        size,
        1,
        where,
        "an image needs at least one pixel; if an earlier layer shrank it away, use smaller "
        "kernels or strides there, or a larger input",
    )


def _check_kernel_stride_dilation(kernel_size, stride, dilation, where):
    kernel_size = _check_at_least(
        "kernel_size", kernel_size, 1, where, "the smallest kernel is 1 cell wide"
    )
    stride = _check_at_least(
        "stride", stride, 1, where, "stride 1 moves the kernel one cell at a time"
    )
    dilation = _check_at_least(
        "dilation", dilation, 1, where, "dilation 1 means the kernel's cells touch (no gaps)"
    )
    return kernel_size, stride, dilation


def _check_padding(padding, where):
    return _check_at_least(
        "padding",
        padding,
        0,
        where,
        "padding adds zeros around the input and cannot remove cells; to crop, slice the "
        "tensor instead (for example x[..., 1:-1, 1:-1])",
    )


def _span(kernel_size, dilation):
    """Number of input cells a (dilated) kernel covers: d(k-1) + 1."""
    return dilation * (kernel_size - 1) + 1


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
        raise ValueError(_kernel_too_large(size, kernel_size, padding, dilation, where))
    return (padded - span) // stride + 1


def _resolve_padding_string(padding, size, kernel_size, stride, dilation, where):
    """Turn 'valid' into 0; keep 'same' (checked against the stride); refuse the rest."""
    if padding == "valid":
        return 0
    if padding != "same":
        raise ValueError(
            f"padding must be a number, a tuple of numbers, 'same' or 'valid', got {padding!r}"
        )
    if stride != 1:
        numeric = dilation * (kernel_size - 1) // 2
        out = (size + 2 * numeric - _span(kernel_size, dilation)) // stride + 1
        raise ValueError(
            f"padding='same' needs stride 1, got stride {stride}{where}; use stride=1, or give "
            f"the padding as a number: padding={numeric} gives an output of {out} here"
        )
    return padding


def padding_sides(padding, kernel_size, dilation=1):
    """Zeros added (before, after) the input in one dimension, for a number, 'valid' or 'same'.

    'same' pads d(k-1) cells in total; when that is odd PyTorch puts the extra cell at the
    end (right or bottom).
    """
    if padding == "valid":
        return 0, 0
    if padding == "same":
        total = dilation * (kernel_size - 1)
        return total // 2, total - total // 2
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
        raise ValueError(
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
        raise ValueError(
            f"output_padding must be smaller than the stride or the dilation, got "
            f"output_padding={output_padding} with stride={stride}, dilation={dilation}{where}; "
            f"use output_padding={largest} or less (it only restores the up to stride-1 cells a "
            "strided convolution drops), or change the padding, which moves the size 2 at a time"
        )
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        most = ((size - 1) * stride + dilation * (kernel_size - 1) + output_padding) // 2
        raise ValueError(
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
        An int if every argument is an int, otherwise a tuple with one size per dimension.

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
        raise ValueError(
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
        raise ValueError(
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
        An int if every argument is an int, otherwise a tuple with one size per dimension.

    Raises
    ------
    ValueError
        Where PyTorch refuses: padding above kernel_size // 2, an output below 1 cell, a
        kernel, stride or dilation below 1, negative padding.

    Examples
    --------
    >>> pool_output_size(5, kernel_size=2)
    2
    >>> pool_output_size(5, kernel_size=2, ceil_mode=True)
    3
    """
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
        raise ValueError(
            f"no padding takes {size} down to {output_size}{where}: with padding 0 the output is "
            f"already {smallest}, and padding only makes it larger; use a larger stride or "
            "kernel_size"
        )
    # stride 1: the output steps by 2 with the padding and skips the size asked for
    possible = [(size + 2 * p - span) + 1 for p in (lowest - 1, lowest) if p >= 0]
    possible = " or ".join(str(out) for out in possible if out >= 1)
    fix = f"kernel_size={kernel_size + 1}" if dilation % 2 else f"dilation={dilation - 1}"
    same = " (or padding='same', which pads unevenly)" if output_size == size else ""
    raise ValueError(
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
        raise ValueError(
            f"no padding takes {size} up to {output_size}{where}: the largest output is {largest} "
            f"(padding 0, output_padding {output_paddings[-1]}); use a larger stride or kernel_size"
        )
    # Only stride 1 with dilation 1 gets here: output_padding must then be 0, and the
    # padding changes the output 2 at a time.
    other = f"kernel_size={kernel_size + 1}" + (f" or {kernel_size - 1}" if kernel_size > 1 else "")
    raise ValueError(
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
        raise ValueError(
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


# --------------------------------------------------------------------------------------
# tracing a network: layer specs
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerShape:
    """The shape of the data between two layers, without the batch dimension.

    ``size`` is the spatial size (a tuple, one entry per dimension) while the data is an
    image; after a flatten it is None and ``features`` counts the numbers. ``channels`` is
    None where the layer specs did not say.
    """

    channels: int | None = None
    size: tuple[int, ...] | None = None
    features: int | None = None

    def __str__(self):
        if self.size is None:
            return "?" if self.features is None else str(self.features)
        numbers_ = ([] if self.channels is None else [self.channels]) + list(self.size)
        return " x ".join(str(n) for n in numbers_)

    @property
    def total(self):
        """How many numbers the data holds, or None if the channels are unknown."""
        if self.size is None:
            return self.features
        if self.channels is None:
            return None
        return self.channels * math.prod(self.size)


def _as_size_tuple(size):
    return tuple(size) if isinstance(size, tuple | list) else (size,)


class _Layer:
    """Behaviour shared by the layer specs: a short repr of the non-default fields."""

    def __repr__(self):
        shown = [
            repr(getattr(self, f.name)) if not f.kw_only else f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)
            if not f.kw_only or getattr(self, f.name) != f.default
        ]
        return f"{type(self).__name__}({', '.join(shown)})"

    def _image_size(self, shape):
        if shape.size is None:
            raise ValueError(
                f"{type(self).__name__} needs an image (channels x height x width) but gets "
                f"{shape} flat features; put a Reshape (nn.Unflatten) before it"
            )
        return shape.size

    def _check_channels(self, shape):
        expected = getattr(self, "in_channels", None)
        if None not in (expected, shape.channels) and expected != shape.channels:
            raise ValueError(
                f"the layer expects {expected} input channels but gets {shape.channels}; make "
                f"in_channels={shape.channels}, or change the layer before it"
            )


@dataclass(frozen=True, repr=False)
class Conv(_Layer):
    """A convolution layer, like ``nn.Conv2d``: see :func:`conv_output_size`."""

    kernel_size: int | tuple
    stride: int | tuple = field(default=1, kw_only=True)
    padding: int | tuple | str = field(default=0, kw_only=True)
    dilation: int | tuple = field(default=1, kw_only=True)
    in_channels: int | None = field(default=None, kw_only=True)
    out_channels: int | None = field(default=None, kw_only=True)

    def apply(self, shape):
        self._check_channels(shape)
        size = conv_output_size(
            self._image_size(shape), self.kernel_size, self.stride, self.padding, self.dilation
        )
        return LayerShape(self.out_channels, _as_size_tuple(size))


@dataclass(frozen=True, repr=False)
class ConvTranspose(_Layer):
    """A transposed convolution, like ``nn.ConvTranspose2d``: see :func:`conv_transpose_output_size`."""

    kernel_size: int | tuple
    stride: int | tuple = field(default=1, kw_only=True)
    padding: int | tuple = field(default=0, kw_only=True)
    output_padding: int | tuple = field(default=0, kw_only=True)
    dilation: int | tuple = field(default=1, kw_only=True)
    in_channels: int | None = field(default=None, kw_only=True)
    out_channels: int | None = field(default=None, kw_only=True)

    def apply(self, shape):
        self._check_channels(shape)
        size = conv_transpose_output_size(
            self._image_size(shape),
            self.kernel_size,
            self.stride,
            self.padding,
            self.output_padding,
            self.dilation,
        )
        return LayerShape(self.out_channels, _as_size_tuple(size))


@dataclass(frozen=True, repr=False)
class MaxPool(_Layer):
    """Max pooling, like ``nn.MaxPool2d``: see :func:`pool_output_size`."""

    kernel_size: int | tuple
    stride: int | tuple | None = field(default=None, kw_only=True)
    padding: int | tuple = field(default=0, kw_only=True)
    dilation: int | tuple = field(default=1, kw_only=True)
    ceil_mode: bool = field(default=False, kw_only=True)

    def apply(self, shape):
        return _pooled(self, shape, self.dilation)


@dataclass(frozen=True, repr=False)
class AvgPool(_Layer):
    """Average pooling, like ``nn.AvgPool2d`` (no dilation): see :func:`pool_output_size`."""

    kernel_size: int | tuple
    stride: int | tuple | None = field(default=None, kw_only=True)
    padding: int | tuple = field(default=0, kw_only=True)
    ceil_mode: bool = field(default=False, kw_only=True)

    def apply(self, shape):
        return _pooled(self, shape, dilation=1)


def _pooled(layer, shape, dilation):
    """The shape after a pooling spec: the channels stay, the size follows pool_output_size."""
    size = pool_output_size(
        layer._image_size(shape),
        layer.kernel_size,
        layer.stride,
        layer.padding,
        dilation,
        layer.ceil_mode,
    )
    return LayerShape(shape.channels, _as_size_tuple(size))


@dataclass(frozen=True, repr=False)
class Unchanged(_Layer):
    """A layer that keeps the shape: an activation, batch norm, dropout. ``name`` is shown."""

    name: str = "Identity()"

    def __repr__(self):
        return self.name

    def apply(self, shape):
        return shape


@dataclass(frozen=True, repr=False)
class Flatten(_Layer):
    """Flattens channels x height x width into one row of features (``nn.Flatten()``)."""

    def apply(self, shape):
        return LayerShape(features=shape.total)


@dataclass(frozen=True, repr=False)
class Linear(_Layer):
    """A fully connected layer, like ``nn.Linear(in_features, out_features)``."""

    in_features: int
    out_features: int

    def apply(self, shape):
        if shape.total is not None and shape.total != self.in_features:
            given = str(shape) if shape.size is None else f"{shape} = {shape.total}"
            raise ValueError(
                f"Linear expects {self.in_features} features but gets {given}; "
                f"make in_features={shape.total}, or change the layers before it"
            )
        return LayerShape(features=self.out_features)


@dataclass(frozen=True, repr=False)
class Reshape(_Layer):
    """A reshape without the batch dimension: ``Reshape((250,))`` flattens, ``Reshape((3, 11, 11))``
    makes 3 channels of 11 x 11 (like ``nn.Unflatten(1, (3, 11, 11))`` or the book's View).
    One entry may be -1, meaning whatever is left over."""

    shape: tuple

    def apply(self, shape):
        target = list(self.shape)
        if -1 in target:
            known = math.prod(n for n in target if n != -1)
            if shape.total is None or shape.total % known:
                raise ValueError(f"cannot work out the -1 in {self!r} from {shape}")
            target[target.index(-1)] = shape.total // known
        if shape.total is not None and math.prod(target) != shape.total:
            raise ValueError(
                f"cannot reshape {shape} = {shape.total} numbers into "
                f"{' x '.join(map(str, target))} = {math.prod(target)}; the sizes must "
                "multiply to the same total"
            )
        if len(target) == 1:
            return LayerShape(features=target[0])
        return LayerShape(target[0], tuple(target[1:]))


# The book's networks (Make Your First GAN With PyTorch), as layer specs. The book writes
# its own View module for the reshapes; Reshape does the same job here.

BOOK_MNIST_CNN = (
    Conv(5, stride=2, in_channels=1, out_channels=10),
    Unchanged("LeakyReLU(0.02)"),
    Unchanged("BatchNorm2d(10)"),
    Conv(3, stride=2, in_channels=10, out_channels=10),
    Unchanged("LeakyReLU(0.02)"),
    Unchanged("BatchNorm2d(10)"),
    Reshape((250,)),
    Linear(250, 10),
    Unchanged("Sigmoid()"),
)
"""The book's convolutional MNIST classifier: 1 x 28 x 28 -> 10 x 12 x 12 -> 10 x 5 x 5 -> 10."""

BOOK_CELEBA_DISCRIMINATOR = (
    Conv(8, stride=2, in_channels=3, out_channels=256),
    Unchanged("BatchNorm2d(256)"),
    Unchanged("LeakyReLU(0.2)"),
    Conv(8, stride=2, in_channels=256, out_channels=256),
    Unchanged("BatchNorm2d(256)"),
    Unchanged("LeakyReLU(0.2)"),
    Conv(8, stride=2, in_channels=256, out_channels=3),
    Unchanged("LeakyReLU(0.2)"),
    Reshape((300,)),
    Linear(300, 1),
    Unchanged("Sigmoid()"),
)
"""The book's convolutional CelebA discriminator: 3 x 128 x 128 -> 61 -> 27 -> 3 x 10 x 10 -> 1."""

BOOK_CELEBA_GENERATOR = (
    Linear(100, 363),
    Unchanged("LeakyReLU(0.2)"),
    Reshape((3, 11, 11)),
    ConvTranspose(8, stride=2, in_channels=3, out_channels=256),
    Unchanged("BatchNorm2d(256)"),
    Unchanged("LeakyReLU(0.2)"),
    ConvTranspose(8, stride=2, in_channels=256, out_channels=256),
    Unchanged("BatchNorm2d(256)"),
    Unchanged("LeakyReLU(0.2)"),
    ConvTranspose(8, stride=2, padding=1, in_channels=256, out_channels=3),
    Unchanged("BatchNorm2d(3)"),
    Unchanged("Sigmoid()"),
)
"""The book's convolutional CelebA generator: 100 -> 3 x 11 x 11 -> 28 -> 62 -> 3 x 128 x 128."""


# --------------------------------------------------------------------------------------
# tracing a network: the table
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceRow:
    """One line of a :class:`Trace`: the layer (None for the input) and the shape after it."""

    index: int | None
    layer: str
    shape: LayerShape


@dataclass(frozen=True)
class Trace:
    """The shape after every layer of a network; prints as a table.

    ``rows[0]`` is the input; ``sizes`` lists the spatial sizes (None once flattened).
    """

    rows: tuple[TraceRow, ...]

    @property
    def sizes(self):
        return [row.shape.size for row in self.rows]

    @property
    def output(self):
        """The shape after the last layer."""
        return self.rows[-1].shape

    def __str__(self):
        header = ("#", "layer", "output shape")
        lines = [
            ("" if r.index is None else str(r.index), r.layer, str(r.shape)) for r in self.rows
        ]
        widths = [max(len(line[i]) for line in [header, *lines]) for i in range(3)]
        rule = tuple("-" * w for w in widths)
        return "\n".join(
            f"{a:>{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip()
            for a, b, c in [header, rule, *lines]
        )

    __repr__ = __str__


def trace(layers, input_size=None, *, channels=None, features=None, ndim=None):
    """The shape of the data after each layer of a network, without running it.

    Parameters
    ----------
    layers : torch.nn.Sequential, or a sequence of layer specs
        A torch model (``nn.Sequential``, nested ones too) whose layers are read from
        their attributes: Conv1d/2d/3d, ConvTranspose1d/2d/3d, MaxPool and AvgPool,
        Flatten, Unflatten, Linear, and layers that keep the shape (activations, batch
        and other norms, dropout, Identity). A module named ``View`` with a ``shape``
        attribute (as in the book) is read as a reshape, a leading batch entry dropped.
        Or a list of specs from this module: :class:`Conv`, :class:`ConvTranspose`,
        :class:`MaxPool`, :class:`AvgPool`, :class:`Unchanged`, :class:`Flatten`,
        :class:`Linear`, :class:`Reshape` -- no torch needed.
    input_size : int or tuple of int, optional
        The input's spatial size; an int means the same in every dimension.
    channels : int, optional
        The input's channels. Taken from the first layer's ``in_channels`` if not given.
    features : int, optional
        For a network that starts with flat features (a generator's noise), their number,
        instead of ``input_size``.
    ndim : int, optional
        Spatial dimensions, for an int ``input_size``. Taken from the first layer with a
        tuple kernel size (Conv2d has 2), otherwise 2 (images).

    Returns
    -------
    Trace
        Prints as a table of layer and output shape (channels x height x width).

    Raises
    ------
    ValueError
        At the first layer that cannot take its input (a kernel larger than the image, a
        Linear with the wrong in_features, ...), naming the layer and showing the table
        up to it.

    Examples
    --------
    >>> trace(BOOK_MNIST_CNN, 28).sizes[:2]
    [(28, 28), (12, 12)]
    """
    specs = _layer_specs(layers)
    shape = _input_shape(specs, input_size, channels, features, ndim)
    rows = [TraceRow(None, "input", shape)]
    for index, (label, spec) in enumerate(specs):
        try:
            shape = spec.apply(shape)
        except ValueError as err:
            so_far = Trace(tuple(rows))
            raise ValueError(
                f"layer {index}, {label}, cannot take input {shape}: {err}\n\n"
                f"shapes up to there:\n{so_far}"
            ) from None
        rows.append(TraceRow(index, label, shape))
    return Trace(tuple(rows))


def _input_shape(specs, input_size, channels, features, ndim):
    if (input_size is None) == (features is None):
        raise ValueError(
            "give the input as input_size= (an image's height and width) or as features= "
            "(a flat vector, such as a generator's noise), one of the two"
        )
    if features is not None:
        return LayerShape(features=_whole_number("features", features))
    if channels is None and specs and hasattr(specs[0][1], "in_channels"):
        channels = specs[0][1].in_channels
    if isinstance(input_size, tuple | list):
        return LayerShape(channels, tuple(_whole_number("input_size", n) for n in input_size))
    if ndim is None:
        ndim = next(
            (
                len(spec.kernel_size)
                for _, spec in specs
                if isinstance(getattr(spec, "kernel_size", None), tuple)
            ),
            2,
        )
    return LayerShape(channels, (_whole_number("input_size", input_size),) * ndim)


def _layer_specs(layers):
    """[(label, spec)] for a list of specs or a torch model."""
    if all(isinstance(layer, _Layer) for layer in layers):
        return [(repr(layer), layer) for layer in layers]
    return [(_short_repr(module), _spec_of_module(module)) for module in _leaf_modules(layers)]


def _leaf_modules(model):
    import torch.nn as nn  # only here, so that importing mynn.convsize stays torch-free

    for module in model:
        if isinstance(module, nn.Sequential):
            yield from _leaf_modules(module)
        else:
            yield module


def _short_repr(module, width=52):
    """``Conv2d(1, 10, kernel_size=(5, 5), stride=(2, 2))``, long argument lists cut short."""
    name = type(module).__name__
    if name == "View" and isinstance(getattr(module, "shape", None), tuple):
        return f"View{module.shape}".replace(",)", ")")  # the book's View keeps (shape,)
    parts = module.extra_repr().split(", ") if hasattr(module, "extra_repr") else []
    shown = f"{name}({', '.join(parts)})"
    while len(shown) > width and len(parts) > 1:
        parts = parts[:-1]
        shown = f"{name}({', '.join(parts)}, ...)"
    return shown


def _spec_of_module(module):
    """The layer spec that has the same effect on the shape as a torch module."""
    import torch.nn as nn

    sized_layers = (
        ((nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d), ConvTranspose),
        ((nn.Conv1d, nn.Conv2d, nn.Conv3d), Conv),
        ((nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d), MaxPool),
        ((nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d), AvgPool),
    )
    for module_types, spec in sized_layers:
        if isinstance(module, module_types):
            # Each spec's keyword fields are named after the torch module's attributes.
            settings = {f.name: getattr(module, f.name) for f in fields(spec) if f.kw_only}
            return spec(module.kernel_size, **settings)
    if isinstance(module, _shape_keeping_modules(nn)):
        return Unchanged(_short_repr(module))
    if isinstance(module, nn.Linear):
        return Linear(module.in_features, module.out_features)
    if isinstance(module, nn.Flatten) and (module.start_dim, module.end_dim) == (1, -1):
        return Flatten()
    if isinstance(module, nn.Unflatten) and module.dim in (1, -1):
        return Reshape(tuple(module.unflattened_size))
    if type(module).__name__ == "View" and isinstance(getattr(module, "shape", None), tuple):
        return _book_view(module.shape)
    raise ValueError(
        f"trace does not know how {_short_repr(module)} changes the shape; trace the layers "
        "before it and after it separately (trace(model[:i], ...), trace(model[i + 1:], ...)), "
        "or describe it with a layer spec such as Reshape"
    )


def _shape_keeping_modules(nn):
    return (
        nn.ReLU, nn.LeakyReLU, nn.PReLU, nn.ReLU6, nn.ELU, nn.SELU, nn.CELU, nn.GELU, nn.SiLU,
        nn.Mish, nn.Sigmoid, nn.Tanh, nn.Hardtanh, nn.Softplus, nn.Softmax, nn.LogSoftmax,
        nn.Identity, nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.InstanceNorm1d,
        nn.InstanceNorm2d, nn.InstanceNorm3d, nn.LayerNorm, nn.GroupNorm, nn.LocalResponseNorm,
        nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout,
    )  # fmt: skip


def _book_view(shape):
    """The book's ``View(250)`` keeps ``(250,)``; ``View((1, 3, 11, 11))`` keeps it nested."""
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    if len(shape) in (2, 4):  # a batch entry first: (1, 250) or (1, 3, 11, 11)
        shape = shape[1:]
    return Reshape(tuple(shape))
