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

What is drawn (the grid, the kernel's steps, the sizes) is worked out in
:mod:`mynn.plots.conv_diagram` (:func:`conv_diagram`, :func:`conv_transpose_diagram`, re-exported
here) from :mod:`mynn.convsize`, so an impossible configuration raises the same ValueError
as there.
"""

from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from mynn.errors import UsageError
from mynn.plots.conv_diagram import (
    CELL_LABELS,
    INPUT,
    PADDING,
    ConvolutionDiagram,
    _size_text,
    conv_diagram,
    conv_transpose_diagram,
)

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

# The colours of the kinds of cell (mynn.plots.conv_diagram), the kernel and the output.
CELL_COLOURS = ("#9ecae1", "#ffffff", "#e8e8e8", "#fdd49e")
KERNEL_COLOUR = "#e6550d"
OUTPUT_COLOUR = "#a1d99b"
LINE_COLOUR = "#707070"


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
