"""Arguments given as an int or one value per dimension, and the checks every size formula makes.

The size functions of :mod:`mynn.convsize.sizes` and :mod:`mynn.convsize.paddings` take
each argument as an int (the same in every dimension) or a tuple (one value per
dimension, (height, width) for images). :func:`_per_dimension` splits such arguments
into one call per dimension, naming the dimension in any error ("in dimension 1
(width)"), and gives back an int or a tuple to match. The checks refuse what PyTorch
refuses, saying how to fix it.
"""

from __future__ import annotations

from mynn.checks import ArgumentError, ArgumentTypeError, is_whole_number
from mynn.errors import UsageError

DIMENSION_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
"""What each dimension is called, by the number of dimensions."""


def _whole_number(name, value):
    if not is_whole_number(value):
        raise ArgumentTypeError(
            f"{name} must be a whole number (or a tuple of them), got {value!r}"
        )
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
        raise UsageError(
            f"the tuples give different numbers of dimensions ({listed}); give one value per "
            "dimension in each, or a single int that applies to all of them"
        )
    if not lengths:
        return False, [dict(arguments)]
    ndim = next(iter(lengths.values()))
    if ndim == 0:
        raise UsageError("empty tuples give no dimensions; give at least one size")
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
        raise ArgumentError(f"{name} must be at least {smallest}, got {value}{where}; {fix}")
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
