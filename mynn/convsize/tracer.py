"""The shape of the data after every layer of a network, without running it.

:func:`trace` follows an image through a list of layer specs (:class:`Conv`,
:class:`ConvTranspose`, :class:`MaxPool`, :class:`AvgPool`, :class:`Unchanged`,
:class:`Flatten`, :class:`Linear`, :class:`Reshape`) or through a torch ``nn.Sequential``,
using the size formulas of :mod:`mynn.convsize.sizes`, and prints the shapes as a table.
The book's three convolutional networks are here as specs. Importing this module does not
import torch; only :func:`trace` imports it, and only when it is handed a torch model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

from mynn.checks import ArgumentError, ArgumentTypeError, is_whole_number
from mynn.convsize.dimensions import _whole_number
from mynn.convsize.sizes import (
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
)
from mynn.errors import UsageError

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
    "torch_output_size",
    "trace",
]


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


def _count(name, value, optional=False):
    """A whole number of at least 1 (channels, features); None where ``optional``."""
    if value is None and optional:
        return None
    value = _integer(name, value)
    if value < 1:
        raise ArgumentError(f"{name} must be at least 1, got {value}")
    return value


def _integer(name, value):
    if not is_whole_number(value):
        raise ArgumentTypeError(f"{name} must be a whole number, got {value!r}")
    return int(value)


class _Layer:
    """Behaviour shared by the layer specs: a short repr of the non-default fields."""

    def __post_init__(self):
        for name in ("in_channels", "out_channels", "in_features", "out_features"):
            if hasattr(self, name):
                _count(f"{type(self).__name__} {name}", getattr(self, name), optional=True)

    def __repr__(self):
        shown = [
            repr(getattr(self, f.name)) if not f.kw_only else f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)
            if not f.kw_only or getattr(self, f.name) != f.default
        ]
        return f"{type(self).__name__}({', '.join(shown)})"

    def _image_size(self, shape):
        if shape.size is None:
            raise UsageError(
                f"{type(self).__name__} needs an image (channels x height x width) but gets "
                f"{shape} flat features; put a Reshape (nn.Unflatten) before it"
            )
        return shape.size

    def _resized(self, shape, formula, *settings, channels):
        """The shape after a layer whose image size is ``formula(size, *settings)`` (one of
        :mod:`mynn.convsize.sizes`), with ``channels`` channels."""
        return LayerShape(channels, _as_size_tuple(formula(self._image_size(shape), *settings)))

    def _check_channels(self, shape):
        expected = getattr(self, "in_channels", None)
        if None not in (expected, shape.channels) and expected != shape.channels:
            raise UsageError(
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
        settings = (self.kernel_size, self.stride, self.padding, self.dilation)
        return self._resized(shape, conv_output_size, *settings, channels=self.out_channels)


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
        settings = (self.kernel_size, self.stride, self.padding, self.output_padding, self.dilation)
        return self._resized(
            shape, conv_transpose_output_size, *settings, channels=self.out_channels
        )


@dataclass(frozen=True, repr=False)
class MaxPool(_Layer):
    """Max pooling, like ``nn.MaxPool2d``: see :func:`pool_output_size`."""

    kernel_size: int | tuple
    stride: int | tuple | None = field(default=None, kw_only=True)
    padding: int | tuple = field(default=0, kw_only=True)
    dilation: int | tuple = field(default=1, kw_only=True)
    ceil_mode: bool = field(default=False, kw_only=True)

    def apply(self, shape):
        settings = (self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode)
        return self._resized(shape, pool_output_size, *settings, channels=shape.channels)


@dataclass(frozen=True, repr=False)
class AvgPool(_Layer):
    """Average pooling, like ``nn.AvgPool2d`` (no dilation): see :func:`pool_output_size`."""

    kernel_size: int | tuple
    stride: int | tuple | None = field(default=None, kw_only=True)
    padding: int | tuple = field(default=0, kw_only=True)
    ceil_mode: bool = field(default=False, kw_only=True)

    def apply(self, shape):
        settings = (self.kernel_size, self.stride, self.padding, 1, self.ceil_mode)  # no dilation
        return self._resized(shape, pool_output_size, *settings, channels=shape.channels)


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
            raise UsageError(
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

    def __post_init__(self):
        if not isinstance(self.shape, tuple | list) or not self.shape:
            raise TypeError(
                f"Reshape takes a tuple of sizes such as (250,) or (3, 11, 11), got {self.shape!r}"
            )
        for n in self.shape:
            if _integer(f"each size in Reshape({self.shape!r})", n) < 1 and n != -1:
                raise UsageError(
                    f"Reshape sizes must be at least 1 (or one -1 for whatever is left over), got "
                    f"{n} in {self.shape!r}"
                )
        if list(self.shape).count(-1) > 1:
            raise UsageError(f"only one Reshape size may be -1, got {self.shape!r}")

    def apply(self, shape):
        target = list(self.shape)
        if -1 in target:
            known = math.prod(n for n in target if n != -1)
            if shape.total is None or shape.total % known:
                raise UsageError(f"cannot work out the -1 in {self!r} from {shape}")
            target[target.index(-1)] = shape.total // known
        if shape.total is not None and math.prod(target) != shape.total:
            raise UsageError(
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


def torch_output_size(layer, size):
    """What PyTorch itself gives: ``layer`` run on one 1-channel image of ``size`` (zeros).

    Returns the output's spatial size, e.g. ``(3, 3)`` for ``nn.Conv2d(1, 1, 4)`` on
    ``(6, 6)``: the number the formulas of :mod:`mynn.convsize` are checked against. The
    layer must take one input channel; torch's own error is raised if it refuses the size.
    """
    import torch

    with torch.no_grad():
        return tuple(layer(torch.zeros(1, 1, *size)).shape[2:])


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
            raise UsageError(
                f"layer {index}, {label}, cannot take input {shape}: {err}\n\n"
                f"shapes up to there:\n{so_far}"
            ) from None
        rows.append(TraceRow(index, label, shape))
    return Trace(tuple(rows))


def _input_shape(specs, input_size, channels, features, ndim):
    if (input_size is None) == (features is None):
        raise UsageError(
            "give the input as input_size= (an image's height and width) or as features= "
            "(a flat vector, such as a generator's noise), one of the two"
        )
    if features is not None:
        return LayerShape(features=_count("features", features))
    channels = _count("channels", channels, optional=True)
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
    if isinstance(layers, _Layer):
        layers = [layers]
    if isinstance(layers, str | bytes) or not hasattr(layers, "__iter__"):
        name = type(layers).__name__
        raise TypeError(
            f"trace takes an nn.Sequential or a list of layer specs, not a {name} object: it "
            "cannot follow a custom forward(). If the layers run one after another, wrap them "
            "in order: trace(nn.Sequential(model.conv1, model.act, ...), ...), or "
            "trace(nn.Sequential(*model.children()), ...) when forward() uses them in the "
            "order they were defined"
        )
    layers = list(layers)
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
    """``Conv2d(1, 10, kernel_size=(5, 5), stride=(2, 2))``, long argument lists cut short.

    Only layers whose settings don't change the shape (BatchNorm's eps, momentum, ...) are
    cut; a layer with a kernel shows every setting, since each one (a ``padding=(1, 1)`` at
    the end) decides its output size.
    """
    name = type(module).__name__
    if name == "View" and isinstance(getattr(module, "shape", None), tuple):
        return f"View{module.shape}".replace(",)", ")")  # the book's View keeps (shape,)
    parts = module.extra_repr().split(", ") if hasattr(module, "extra_repr") else []
    shown = f"{name}({', '.join(parts)})"
    while len(shown) > width and len(parts) > 1 and not hasattr(module, "kernel_size"):
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
    raise UsageError(
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
