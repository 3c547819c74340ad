"""Pictures of a kernel moving over an image, for convolutions and transposed convolutions.

These redraw the diagrams of the article "Calculating the output size of convolutions and
transpose convolutions" (Make Your First GAN With PyTorch):

* a convolution: the kernel's positions over the padded input, one small picture per
  output cell, arranged like the output itself;
* a transposed convolution: the same, over the intermediate grid that makes it an
  ordinary convolution -- the input cells spaced out by the stride with zeros between,
  the edges extended by d(k-1) - p zeros, output_padding more at the end -- with the
  kernel moving one cell at a time.

:func:`plot_conv_steps` and :func:`plot_conv_transpose_steps` draw every step in one
figure; :func:`plot_conv` and :func:`plot_conv_transpose` draw one summary picture (grid,
where the kernel starts, which cells it never reaches, the output); :func:`conv_frames`
and :func:`conv_transpose_frames` render the steps as animation frames, and
:func:`write_gif` / :func:`gif_bytes` save them with imageio.

Sizes come from :mod:`mynn.convsize`, so an impossible configuration raises the same
ValueError as there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import imageio.v3 as iio
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from mynn.convsize import conv_output_size, conv_transpose_output_size, padding_sides
from mynn.errors import UsageError

__all__ = [
    "ConvolutionDiagram",
    "conv_diagram",
    "conv_frames",
    "conv_transpose_diagram",
    "conv_transpose_frames",
    "diagram_frames",
    "explore_widget",
    "gif_bytes",
    "plot_conv",
    "plot_conv_steps",
    "plot_conv_transpose",
    "plot_conv_transpose_steps",
    "plot_diagram",
    "plot_steps",
    "write_gif",
]

# The kinds of cell in a diagram's grid, with their colours and legend labels. Where a
# row and a column of different kinds cross, the cell takes the larger kind.
INPUT, INSERTED, PADDING, OUTPUT_PADDING = range(4)
CELL_COLOURS = ("#9ecae1", "#ffffff", "#e8e8e8", "#fdd49e")
CELL_LABELS = ("input", "zeros between (stride)", "padding", "output_padding")
KERNEL_COLOUR = "#e6550d"
OUTPUT_COLOUR = "#a1d99b"
LINE_COLOUR = "#707070"


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
    return _diagram(
        "ConvTranspose2d",
        settings,
        size,
        kernel,
        dilations,
        grid,
        positions,
        output_shape,
        formula,
        edge_label=edge_label,
    )


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


# --------------------------------------------------------------------------------------
# drawing
# --------------------------------------------------------------------------------------


def _draw_grid(ax, grid):
    """Cells coloured by kind, with thin lines between them."""
    colours = ListedColormap(CELL_COLOURS)
    ax.imshow(grid, cmap=colours, vmin=-0.5, vmax=len(CELL_COLOURS) - 0.5)
    _draw_cell_lines(ax, *grid.shape)


def _draw_cell_lines(ax, rows, columns):
    ax.hlines(np.arange(rows + 1) - 0.5, -0.5, columns - 0.5, color=LINE_COLOUR, linewidth=0.5)
    ax.vlines(np.arange(columns + 1) - 0.5, -0.5, rows - 0.5, color=LINE_COLOUR, linewidth=0.5)
    ax.set_xlim(-0.6, columns - 0.4)
    ax.set_ylim(rows - 0.4, -0.6)
    ax.set_axis_off()


def _draw_kernel(ax, diagram, position):
    """The kernel's cells at one position, and an outline of the area it spans."""
    row, column = position
    patches = [
        Rectangle(
            (column + dc - 0.5, row + dr - 0.5),
            1,
            1,
            facecolor=KERNEL_COLOUR,
            alpha=0.6,
            edgecolor="black",
            linewidth=0.5,
            gid="kernel",
        )
        for dr, dc in diagram.kernel_cells
    ]
    span_rows, span_columns = diagram.kernel_span
    patches.append(
        Rectangle(
            (column - 0.5, row - 0.5),
            span_columns,
            span_rows,
            fill=False,
            edgecolor="black",
            linewidth=1.5,
            gid="kernel span",
        )
    )
    for patch in patches:
        ax.add_patch(patch)
    return patches


def _legend_handles(diagram):
    kinds = [kind for kind in range(len(CELL_LABELS)) if np.any(diagram.grid == kind)]
    labels = [diagram.edge_label if k == PADDING else CELL_LABELS[k] for k in kinds]
    handles = [
        Patch(facecolor=CELL_COLOURS[k], edgecolor=LINE_COLOUR, label=label)
        for k, label in zip(kinds, labels, strict=True)
    ]
    handles.append(Patch(facecolor=KERNEL_COLOUR, alpha=0.6, edgecolor="black", label="kernel"))
    return handles


def _frame_legend_handles(diagram):
    return [
        *_legend_handles(diagram),
        Patch(facecolor=OUTPUT_COLOUR, edgecolor=LINE_COLOUR, label="output cells done"),
        Patch(facecolor=KERNEL_COLOUR, edgecolor=LINE_COLOUR, label="this step's output cell"),
    ]


def plot_steps(diagram, *, panel_inches=None, max_steps=100):
    """Every kernel position of a diagram, one small picture per output cell.

    The pictures are arranged like the output: the one in row i, column j shows where the
    kernel sits to compute output cell (i, j).

    Parameters
    ----------
    diagram : ConvolutionDiagram
    panel_inches : float, optional
        Width of one picture; by default chosen so the figure is about 9 inches wide.
    max_steps : int
        Refuse to draw more pictures than this (a figure of hundreds is unreadable).

    Returns
    -------
    matplotlib.figure.Figure
        Made with pyplot, so ``plt.show()`` displays it. Its step axes are labelled
        ``'step'``; each holds one patch with gid ``'kernel'`` per kernel cell.
    """
    rows, columns = diagram.output_shape
    if rows * columns > max_steps:
        raise UsageError(
            f"{rows * columns} steps are too many to draw one by one (max_steps={max_steps}); "
            "use a smaller input, or plot_conv / plot_conv_transpose for one summary picture"
        )
    grid_rows, grid_columns = diagram.grid.shape
    if panel_inches is None:
        panel_inches = min(1.6, 9 / columns)
    panel_height = panel_inches * grid_rows / grid_columns
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(panel_inches * columns, panel_height * rows + 1.1),
        squeeze=False,
        layout="constrained",
    )
    for ax, position, (i, j) in zip(
        axes.flat, diagram.positions, np.ndindex(rows, columns), strict=True
    ):
        ax.set_label("step")
        _draw_grid(ax, diagram.grid)
        _draw_kernel(ax, diagram, position)
        ax.set_title(f"({i}, {j})", fontsize=8, pad=2)
    fig.suptitle(diagram.title, fontsize=11)
    fig.legend(handles=_legend_handles(diagram), loc="outside lower center", ncols=5, fontsize=8)
    return fig


def plot_conv_steps(input_size, kernel_size, stride=1, padding=0, dilation=1, **options):
    """Every kernel position of a 2-D convolution (see :func:`plot_steps`).

    Examples
    --------
    >>> fig = plot_conv_steps(6, kernel_size=2, stride=2)   # 3 x 3 pictures
    """
    return plot_steps(conv_diagram(input_size, kernel_size, stride, padding, dilation), **options)


def plot_conv_transpose_steps(
    input_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1, **options
):
    """Every kernel position of a 2-D transposed convolution over its intermediate grid."""
    diagram = conv_transpose_diagram(
        input_size, kernel_size, stride, padding, output_padding, dilation
    )
    return plot_steps(diagram, **options)


def _draw_output(ax, output_shape, done=None, current=None):
    """The output grid; cells before ``done`` filled in, ``current`` highlighted."""
    rows, columns = output_shape
    filled = np.zeros(output_shape)
    if done is None:
        filled[:] = 1
    else:
        filled.flat[:done] = 1
    if current is not None:
        filled.flat[current] = 2
    image = ax.imshow(
        filled, cmap=ListedColormap(["#ffffff", OUTPUT_COLOUR, KERNEL_COLOUR]), vmin=0, vmax=2
    )
    _draw_cell_lines(ax, rows, columns)
    ax.set_title(f"output {_size_text(output_shape)}", fontsize=10)
    return image


def _summary_axes(fig, diagram):
    grid_columns = diagram.grid.shape[1]
    output_columns = diagram.output_shape[1]
    return fig.subplots(1, 2, width_ratios=[grid_columns, max(output_columns, grid_columns / 3)])


def _figure_size(diagram, extra_height=1.4):
    grid_rows, grid_columns = diagram.grid.shape
    cell = min(0.45, 6 / max(grid_rows, grid_columns))
    width = cell * (grid_columns + max(diagram.output_shape[1], grid_columns / 3)) + 0.6
    return (max(width, 5.5), cell * grid_rows + extra_height)


def plot_diagram(diagram, *, mark_uncovered=True):
    """One summary picture: the grid with the kernel at its first position, a dot where
    each later step starts, the cells the kernel never reaches hatched, and the output.

    Returns
    -------
    matplotlib.figure.Figure
        Made with pyplot. Hatched cells carry gid ``'uncovered'``.
    """
    heading = f"{diagram.title}\n{diagram.formula}"
    width, height = _figure_size(diagram)
    widest_line = max(len(line) for line in heading.splitlines())
    fig = plt.figure(figsize=(max(width, 0.075 * widest_line), height), layout="constrained")
    grid_ax, output_ax = _summary_axes(fig, diagram)
    _draw_grid(grid_ax, diagram.grid)
    _draw_kernel(grid_ax, diagram, diagram.positions[0])
    starts = np.array(diagram.positions)
    grid_ax.plot(starts[:, 1], starts[:, 0], "k.", markersize=4)
    handles = _legend_handles(diagram)
    if mark_uncovered:
        missed = np.argwhere(~diagram.covered() & (diagram.grid == INPUT))
        for row, column in missed:
            grid_ax.add_patch(
                Rectangle(
                    (column - 0.5, row - 0.5),
                    1,
                    1,
                    fill=False,
                    hatch="///",
                    edgecolor="#cb181d",
                    linewidth=0,
                    gid="uncovered",
                )
            )
        if len(missed):
            handles.append(
                Patch(fill=False, hatch="///", edgecolor="#cb181d", label="never reached")
            )
    grid_ax.set_title(
        f"{len(diagram.positions)} kernel positions (dots: where each starts)", fontsize=10
    )
    _draw_output(output_ax, diagram.output_shape)
    fig.suptitle(heading, fontsize=10)
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8)
    return fig


def plot_conv(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """A summary picture of a 2-D convolution (see :func:`plot_diagram`)."""
    return plot_diagram(conv_diagram(input_size, kernel_size, stride, padding, dilation))


def plot_conv_transpose(input_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """A summary picture of a 2-D transposed convolution over its intermediate grid."""
    diagram = conv_transpose_diagram(
        input_size, kernel_size, stride, padding, output_padding, dilation
    )
    return plot_diagram(diagram, mark_uncovered=False)


# --------------------------------------------------------------------------------------
# animation
# --------------------------------------------------------------------------------------


def diagram_frames(diagram, *, dpi=72):
    """Render each step as an image: the kernel on the grid, the output filling up.

    Each frame carries the same legend as the still pictures (the kinds of cell, the
    kernel) and says what the output's colours mean (cells done, this step's cell).

    Drawn off-screen (no pyplot), so it works anywhere and leaves no figures open.

    Returns
    -------
    list of numpy.ndarray
        One (height, width, 3) uint8 image per kernel position.
    """
    fig = Figure(figsize=_figure_size(diagram, extra_height=1.5), dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    grid_ax, output_ax = _summary_axes(fig, diagram)
    _draw_grid(grid_ax, diagram.grid)
    fig.suptitle(diagram.title, fontsize=10)
    fig.legend(
        handles=_frame_legend_handles(diagram), loc="outside lower center", ncols=3, fontsize=8
    )
    kernel = _draw_kernel(grid_ax, diagram, diagram.positions[0])
    output = _draw_output(output_ax, diagram.output_shape, done=0, current=0)
    canvas.draw()
    fig.set_layout_engine("none")  # keep every frame's layout identical
    frames = []
    for step, (row, column) in enumerate(diagram.positions):
        for patch, (dr, dc) in zip(kernel, [*diagram.kernel_cells, (0, 0)], strict=True):
            patch.set_xy((column + dc - 0.5, row + dr - 0.5))
        filled = np.zeros(diagram.output_shape)
        filled.flat[:step] = 1
        filled.flat[step] = 2
        output.set_data(filled)
        grid_ax.set_title(f"step {step + 1} of {len(diagram.positions)}", fontsize=10)
        canvas.draw()
        frames.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    return frames


def conv_frames(input_size, kernel_size, stride=1, padding=0, dilation=1, *, dpi=72):
    """Animation frames of a 2-D convolution, one per kernel position."""
    diagram = conv_diagram(input_size, kernel_size, stride, padding, dilation)
    return diagram_frames(diagram, dpi=dpi)


def conv_transpose_frames(
    input_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1, *, dpi=72
):
    """Animation frames of a 2-D transposed convolution, one per kernel position."""
    diagram = conv_transpose_diagram(
        input_size, kernel_size, stride, padding, output_padding, dilation
    )
    return diagram_frames(diagram, dpi=dpi)


def gif_bytes(frames, *, seconds_per_frame=0.6):
    """The frames as an endlessly looping GIF, in memory (for ``IPython.display.Image``)."""
    return iio.imwrite(
        "<bytes>",
        np.stack(frames),
        extension=".gif",
        duration=int(seconds_per_frame * 1000),
        loop=0,
    )


def write_gif(frames, path, *, seconds_per_frame=0.6):
    """Write the frames to ``path`` as an endlessly looping GIF; returns the path.

    The file is written whole or not at all (a temporary file renamed into place), so an
    interrupted call never leaves a half-written GIF over an existing one.
    """
    from mynn.files import atomic_writer

    path = Path(path)
    data = gif_bytes(frames, seconds_per_frame=seconds_per_frame)
    with atomic_writer(path) as handle:
        handle.write(data)
    return path


# --------------------------------------------------------------------------------------
# interactive
# --------------------------------------------------------------------------------------


def explore_widget(size=6, kernel_size=3, stride=2, padding=0, transposed=False):
    """Sliders for the summary picture: input size 2..8, kernel 1..5, stride 1..3,
    padding 0..2, and a box to switch to the transposed convolution.

    One live picture, redrawn as the sliders move; settings PyTorch refuses print the
    reason instead. Needs ipywidgets and a running kernel; returns the
    ``ipywidgets.interactive`` to display.
    """
    import ipywidgets as widgets

    def draw(size, kernel_size, stride, padding, transposed):
        try:
            if transposed:
                plot_conv_transpose(size, kernel_size, stride, padding)
            else:
                plot_conv(size, kernel_size, stride, padding)
            plt.show()
        except ValueError as error:
            print(error)

    return widgets.interactive(
        draw,
        size=widgets.IntSlider(value=size, min=2, max=8, description="size"),
        kernel_size=widgets.IntSlider(value=kernel_size, min=1, max=5, description="kernel"),
        stride=widgets.IntSlider(value=stride, min=1, max=3, description="stride"),
        padding=widgets.IntSlider(value=padding, min=0, max=2, description="padding"),
        transposed=widgets.Checkbox(value=transposed, description="transposed"),
    )
