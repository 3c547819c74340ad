"""What a picture of a convolution shows, as numbers: the grid, the kernel's steps, the sizes.

:func:`conv_diagram` and :func:`conv_transpose_diagram` describe one 2-D layer as a
:class:`ConvolutionDiagram` (the kinds of cell in the grid the kernel moves over, the
kernel's cells and its position at each step, the output's shape, the size formula with
the layer's numbers); :mod:`mynn.plots.convolution` draws and animates it. Sizes come
from :mod:`mynn.convsize`, so an impossible configuration raises the same error as there.
No matplotlib here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mynn.convsize import conv_output_size, conv_transpose_output_size, padding_sides

__all__ = [
    "CELL_LABELS",
    "INPUT",
    "INSERTED",
    "OUTPUT_PADDING",
    "PADDING",
    "ConvolutionDiagram",
    "conv_diagram",
    "conv_transpose_diagram",
]

# The kinds of cell in a diagram's grid, with their legend labels. Where a row and a
# column of different kinds cross, the cell takes the larger kind.
INPUT, INSERTED, PADDING, OUTPUT_PADDING = range(4)
CELL_LABELS = ("input", "zeros between (stride)", "padding", "output_padding")


def _pair(value):
    return tuple(value) if isinstance(value, tuple | list) else (value, value)


@dataclass(frozen=True)
class ConvolutionDiagram:
    """Everything a picture of one layer needs.

    Attributes
    ----------
    grid : numpy.ndarray
        Cell kinds (INPUT, PADDING, INSERTED, OUTPUT_PADDING) of the grid the kernel moves
        over: the padded input, or a transposed convolution's intermediate grid.
    kernel_cells : tuple of (row, column)
        Offsets of the kernel's cells from its top-left cell (spread out by the dilation).
    positions : tuple of (row, column)
        The kernel's top-left cell at each step, in the order of the output cells.
    output_shape : (rows, columns)
    title : str
    formula : str
        The size formula with this layer's numbers in it.
    edge_label : str
        What the grey edge cells are called in the legend: "padding" for a convolution;
        for a transposed convolution they are the d(k-1) - p zeros it adds at each edge of
        its intermediate grid (not its ``padding``, which removes cells).
    """

    grid: np.ndarray
    kernel_cells: tuple
    positions: tuple
    output_shape: tuple
    title: str
    formula: str
    edge_label: str = CELL_LABELS[PADDING]

    @property
    def kernel_span(self):
        """(rows, columns) covered by the kernel, gaps from dilation included."""
        return tuple(max(cells) + 1 for cells in zip(*self.kernel_cells, strict=True))

    def covered(self):
        """Boolean grid: which cells the kernel touches at some step."""
        touched = np.zeros(self.grid.shape, dtype=bool)
        for row, column in self.positions:
            for dr, dc in self.kernel_cells:
                touched[row + dr, column + dc] = True
        return touched


def _describe(name, values):
    shown = [f"{key}={value}" for key, value in values.items() if value != 0 or key == "padding"]
    return f"{name}({', '.join(shown)})"


def _per_dimension_text(texts):
    """One line for a square layer, 'height: ...  width: ...' otherwise."""
    height, width = texts
    return height if height == width else f"height: {height}\nwidth: {width}"


def _size_text(shape):
    return " x ".join(str(n) for n in shape)


def conv_diagram(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """Describe a 2-D convolution for drawing: padded input grid and kernel positions.

    Parameters
    ----------
    input_size, kernel_size, stride, dilation : int or (int, int)
    padding : int, (int, int), 'same' or 'valid'

    Returns
    -------
    ConvolutionDiagram
    """
    size, kernel, strides, dilations = map(_pair, (input_size, kernel_size, stride, dilation))
    paddings = padding if isinstance(padding, tuple | list) else (padding, padding)
    output_shape = conv_output_size(size, kernel, strides, padding, dilations)
    sides = [padding_sides(p, k, d) for p, k, d in zip(paddings, kernel, dilations, strict=True)]
    grid = np.full([b + n + a for n, (b, a) in zip(size, sides, strict=True)], PADDING)
    grid[sides[0][0] : sides[0][0] + size[0], sides[1][0] : sides[1][0] + size[1]] = INPUT
    positions = tuple(
        (i * strides[0], j * strides[1])
        for i in range(output_shape[0])
        for j in range(output_shape[1])
    )
    formula = (
        "out = floor((in + 2p - d(k-1) - 1) / s) + 1"
        if padding != "same"
        else "padding='same': out = in (stride 1)"
    )
    if padding != "same":
        p = [b for b, _ in sides]
        formula += "\n" + _per_dimension_text(
            f"floor(({n} + 2*{pp} - {d}*({k}-1) - 1) / {s}) + 1 = {o}"
            for n, pp, d, k, s, o in zip(
                size, p, dilations, kernel, strides, output_shape, strict=True
            )
        )
    settings = {
        "kernel_size": kernel_size,
        "stride": stride,
        "padding": repr(padding) if isinstance(padding, str) else padding,
        "dilation": dilation,
    }
    return _diagram(
        "Conv2d", settings, size, kernel, dilations, grid, positions, output_shape, formula
    )


def _kernel_cells(kernel, dilations):
    return tuple(
        (a * dilations[0], b * dilations[1]) for a in range(kernel[0]) for b in range(kernel[1])
    )


def _intermediate_line(size, kernel_size, stride, padding, output_padding, dilation, output):
    """Cell kinds of a transposed convolution's intermediate grid, in one dimension.

    The input cells are spaced ``stride`` apart, with d(k-1) zeros at each edge; the first
    ``padding`` cells are cut off, and the line is cut (or extended with zeros) so that a
    stride-1 kernel spanning d(k-1)+1 cells gives ``output`` positions.
    """
    edge = dilation * (kernel_size - 1)
    spaced = [INPUT if i % stride == 0 else INSERTED for i in range((size - 1) * stride + 1)]
    line = [PADDING] * edge + spaced + [PADDING] * (edge + output_padding)
    line = line[padding : padding + output + edge]
    for i in range(len(line) - output_padding, len(line)):
        if line[i] != INPUT:
            line[i] = OUTPUT_PADDING
    return line


def conv_transpose_diagram(
    input_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1
):
    """Describe a 2-D transposed convolution for drawing: its intermediate grid.

    A transposed convolution is an ordinary stride-1 convolution over an intermediate
    grid: the input cells spaced ``stride`` apart (stride-1 zeros between), d(k-1) - p
    zeros added at each edge and ``output_padding`` more at the end. The kernel, moving
    one cell at a time, then gives (n-1)s - 2p + d(k-1) + output_padding + 1 outputs.

    Parameters
    ----------
    input_size, kernel_size, stride, padding, output_padding, dilation : int or (int, int)

    Returns
    -------
    ConvolutionDiagram
    """
    size, kernel, strides, paddings, extras, dilations = map(
        _pair, (input_size, kernel_size, stride, padding, output_padding, dilation)
    )
    output_shape = conv_transpose_output_size(size, kernel, strides, paddings, extras, dilations)
    rows, columns = (
        _intermediate_line(*values)
        for values in zip(size, kernel, strides, paddings, extras, dilations, output_shape)
    )
    grid = np.maximum.outer(rows, columns)
    positions = tuple((i, j) for i in range(output_shape[0]) for j in range(output_shape[1]))
    formula = "out = (in - 1)s - 2p + d(k-1) + output_padding + 1\n" + _per_dimension_text(
        f"({n}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1 = {o}"
        for n, s, p, d, k, op, o in zip(
            size, strides, paddings, dilations, kernel, extras, output_shape, strict=True
        )
    )
    settings = {
        "kernel_size": kernel_size,
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "dilation": dilation,
    }
    edges = {d * (k - 1) - p for d, k, p in zip(dilations, kernel, paddings, strict=True)}
    edge_label = "edge zeros, d(k-1) - p" + (f" = {edges.pop()}" if len(edges) == 1 else "")
    return _diagram("ConvTranspose2d", settings, size, kernel, dilations, grid, positions,
                    output_shape, formula, edge_label=edge_label)  # fmt: skip


def _diagram(
    layer_name,
    settings,
    size,
    kernel,
    dilations,
    grid,
    positions,
    output_shape,
    formula,
    edge_label=CELL_LABELS[PADDING],
):
    """The ConvolutionDiagram both kinds of layer end with; the title shows the layer's call
    (settings left at PyTorch's defaults are not shown, padding always is)."""
    if settings["dilation"] == 1:
        settings = {**settings, "dilation": 0}
    title = _describe(layer_name, settings)
    return ConvolutionDiagram(
        grid=grid,
        kernel_cells=_kernel_cells(kernel, dilations),
        positions=positions,
        output_shape=output_shape,
        title=f"{title}: {_size_text(size)} -> {_size_text(output_shape)}",
        formula=formula,
        edge_label=edge_label,
    )
