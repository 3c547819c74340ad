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
what is wrong and what would fix it. The layer tracer (:mod:`mynn.convsize.tracer`) builds
on these functions.
"""

from __future__ import annotations

import itertools
import math
import numbers

import numpy as np

__all__ = [
    "conv_output_size",
    "conv_paddings",
    "conv_transpose_output_size",
    "conv_transpose_paddings",
    "output_padding_to_restore",
    "padding_sides",
    "pool_output_size",
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
    kernel_size, _, dilation = _check_kernel_stride_dilation(kernel_size, 1, dilation, "")
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            total = dilation * (kernel_size - 1)
            return total // 2, total - total // 2
        raise ValueError(f"padding must be a number, 'same' or 'valid', got {padding!r}")
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
