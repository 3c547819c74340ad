"""mynn.convsize against PyTorch, and the pictures of mynn.plots.convolution.

The property tests build the real torch layer for random configurations -- rectangular
ones, 'same'/'valid' padding, dilation, ceil_mode, output_padding, and invalid values --
run it on a zero tensor, and check that mynn gives the same size where torch accepts,
and a ValueError where torch refuses.
"""

import subprocess
import sys
import warnings

import imageio.v3 as iio
import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from mynn.convsize import (
    BOOK_CELEBA_DISCRIMINATOR,
    BOOK_CELEBA_GENERATOR,
    BOOK_MNIST_CNN,
    Conv,
    ConvTranspose,
    Flatten,
    Linear,
    MaxPool,
    Reshape,
    Unchanged,
    conv_output_size,
    conv_paddings,
    conv_transpose_output_size,
    conv_transpose_paddings,
    output_padding_to_restore,
    padding_sides,
    pool_output_size,
    torch_output_size,
    trace,
)
from mynn.plots.convolution import (
    conv_diagram,
    conv_frames,
    conv_transpose_diagram,
    conv_transpose_frames,
    gif_bytes,
    plot_conv,
    plot_conv_steps,
    plot_conv_transpose,
    plot_conv_transpose_steps,
    write_gif,
)

matplotlib.use("Agg")
SIZES = settings(max_examples=200, deadline=None)
REFUSALS = settings(max_examples=100, deadline=None)

# Parameter ranges: VALID holds values torch accepts on their own (the layer may still be
# refused, as when the kernel is larger than the input); ANY adds the values torch
# always refuses (size 0, kernel 0, stride 0, dilation 0, negative padding).
VALID = dict(size=(1, 20), kernel=(1, 6), stride=(1, 4), dilation=(1, 3), padding=(0, 4))
ANY = dict(size=(0, 20), kernel=(0, 6), stride=(0, 4), dilation=(0, 3), padding=(-1, 4))


def per_dimension(values):
    """An int for both dimensions, or a (height, width) pair."""
    return st.one_of(values, st.tuples(values, values))


def layer_arguments(ranges, *names):
    """Hypothesis strategies for the named arguments: a 2-D size, per-dimension the rest."""
    arguments = {name: per_dimension(st.integers(*ranges[name])) for name in names}
    arguments["size"] = st.tuples(st.integers(*ranges["size"]), st.integers(*ranges["size"]))
    return arguments


def torch_size(make_layer, size):
    """The spatial size torch gives for a 1 x 1 x H x W input, or None if it refuses.

    An output with a 0-size dimension counts as refused: torch's native kernels refuse it
    ("Output size is too small"), but on CPU its oneDNN path for some transposed
    convolutions returns an empty tensor instead. mynn refuses it in every case.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zero-size kernels, 'same' with even kernels
            output = torch_output_size(make_layer(), size)
    except (RuntimeError, ValueError):
        return None
    return output if min(output) > 0 else None


def mynn_size(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------
# forward sizes against torch
# --------------------------------------------------------------------------------------


def conv2d_arguments(ranges):
    arguments = layer_arguments(ranges, "kernel", "stride", "dilation", "padding")
    arguments["padding"] = st.one_of(arguments["padding"], st.sampled_from(["same", "valid"]))
    return arguments


def check_conv2d(size, kernel, stride, padding, dilation):
    expected = torch_size(
        lambda: nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation),
        size,
    )
    assert mynn_size(conv_output_size, size, kernel, stride, padding, dilation) == expected


@SIZES
@given(**conv2d_arguments(VALID))
def test_conv2d_size_agrees_with_torch(**arguments):
    check_conv2d(**arguments)


@REFUSALS
@given(**conv2d_arguments(ANY))
def test_conv2d_refusals_agree_with_torch(**arguments):
    check_conv2d(**arguments)


def conv_transpose2d_arguments(ranges, output_paddings):
    arguments = layer_arguments(ranges, "kernel", "stride", "dilation", "padding")
    arguments["output_padding"] = per_dimension(st.integers(*output_paddings))
    return arguments


def check_conv_transpose2d(size, kernel, stride, padding, output_padding, dilation):
    expected = torch_size(
        lambda: nn.ConvTranspose2d(
            1,
            1,
            kernel,
            stride=stride,
            padding=padding,
            output_padding=output_padding,
            dilation=dilation,
        ),
        size,
    )
    got = mynn_size(
        conv_transpose_output_size, size, kernel, stride, padding, output_padding, dilation
    )
    assert got == expected


@SIZES
@given(**conv_transpose2d_arguments(VALID, (0, 3)))
def test_conv_transpose2d_size_agrees_with_torch(**arguments):
    check_conv_transpose2d(**arguments)


@REFUSALS
@given(**conv_transpose2d_arguments(ANY, (-1, 3)))
def test_conv_transpose2d_refusals_agree_with_torch(**arguments):
    check_conv_transpose2d(**arguments)


def pool2d_arguments(ranges, *names):
    arguments = layer_arguments({**ranges, "padding": (ranges["padding"][0], 3)}, *names)
    arguments["stride"] = st.one_of(st.none(), arguments["stride"])
    arguments["ceil_mode"] = st.booleans()
    return arguments


def check_maxpool2d(size, kernel, stride, padding, dilation, ceil_mode):
    expected = torch_size(
        lambda: nn.MaxPool2d(
            kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode
        ),
        size,
    )
    got = mynn_size(pool_output_size, size, kernel, stride, padding, dilation, ceil_mode)
    assert got == expected


@SIZES
@given(**pool2d_arguments(VALID, "kernel", "stride", "dilation", "padding"))
def test_maxpool2d_size_agrees_with_torch(**arguments):
    check_maxpool2d(**arguments)


@REFUSALS
@given(**pool2d_arguments(ANY, "kernel", "stride", "dilation", "padding"))
def test_maxpool2d_refusals_agree_with_torch(**arguments):
    check_maxpool2d(**arguments)


@REFUSALS
@given(**pool2d_arguments(VALID, "kernel", "stride", "padding"))
def test_avgpool2d_size_agrees_with_torch(size, kernel, stride, padding, ceil_mode):
    expected = torch_size(
        lambda: nn.AvgPool2d(kernel, stride=stride, padding=padding, ceil_mode=ceil_mode), size
    )
    assert mynn_size(pool_output_size, size, kernel, stride, padding, 1, ceil_mode) == expected


def test_the_articles_examples():
    assert conv_output_size(6, 2) == 5
    assert conv_output_size(6, 2, stride=2) == 3
    assert conv_output_size(6, 2, stride=2, padding=1) == 4
    assert conv_output_size(6, 3, stride=2) == 2  # the last row and column are never reached
    assert conv_transpose_output_size(5, 2) == 6
    assert conv_transpose_output_size(3, 2, stride=2) == 6
    assert conv_transpose_output_size(4, 2, stride=2, padding=1) == 6


def test_ints_give_ints_and_tuples_give_tuples():
    assert conv_output_size(28, 5, stride=2) == 12
    assert conv_output_size((28, 20), 5, stride=2) == (12, 8)
    assert conv_output_size(28, (5, 3), stride=[2, 1]) == (12, 26)
    assert pool_output_size((5,), 2) == (2,)
    with pytest.raises(ValueError, match="different numbers of dimensions"):
        conv_output_size((28, 28), (5, 5, 5))
    with pytest.raises(TypeError, match="whole number"):
        conv_output_size(28, 2.5)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: conv_output_size(2, 3), ["spans 3 cells", "padding=1"]),
        (lambda: conv_output_size((8, 2), 3), ["dimension 1 (width)"]),
        (lambda: conv_output_size(8, 3, stride=2, padding="same"), ["stride=1", "padding=1"]),
        (lambda: conv_output_size(8, 3, padding="full"), ["'same' or 'valid'"]),
        (lambda: conv_output_size(8, 3, padding=-1), ["at least 0", "slice"]),
        (lambda: conv_output_size(8, 3, stride=0), ["stride must be at least 1"]),
        (
            lambda: conv_transpose_output_size(5, 3, stride=2, output_padding=2),
            ["smaller than the stride or the dilation", "output_padding=1 or less"],
        ),
        (lambda: conv_transpose_output_size(1, 1, padding=1), ["-1 cells", "padding=0 or less"]),
        (lambda: conv_transpose_output_size(5, 3, padding="same"), ["conv_transpose_paddings"]),
        (lambda: pool_output_size(9, 3, padding=2), ["half the kernel", "padding=1 or less"]),
        (lambda: pool_output_size(2, 3), ["spans 3 cells"]),
    ],
)
def test_refusals_say_what_is_wrong_and_what_would_fix_it(call, words):
    with pytest.raises(ValueError) as caught:
        call()
    for word in words:
        assert word in str(caught.value)


# --------------------------------------------------------------------------------------
# reverse questions
# --------------------------------------------------------------------------------------


def conv_fits(size, output_size, kernel, stride, dilation, padding):
    return mynn_size(conv_output_size, size, kernel, stride, padding, dilation) == output_size


@SIZES
@given(
    size=st.integers(1, 40),
    output_size=st.integers(1, 40),
    kernel=st.integers(1, 7),
    stride=st.integers(1, 4),
    dilation=st.integers(1, 3),
)
def test_conv_paddings_are_exactly_those_that_work(size, output_size, kernel, stride, dilation):
    # output grows with padding, so no padding above size + output * stride can work
    working = [
        p
        for p in range(size + output_size * stride + kernel * dilation)
        if conv_fits(size, output_size, kernel, stride, dilation, p)
    ]
    if working:
        assert conv_paddings(size, output_size, kernel, stride, dilation) == working
    else:
        with pytest.raises(ValueError, match="no padding"):
            conv_paddings(size, output_size, kernel, stride, dilation)


@SIZES
@given(
    size=st.integers(1, 30),
    output_size=st.integers(1, 80),
    kernel=st.integers(1, 7),
    stride=st.integers(1, 4),
    dilation=st.integers(1, 3),
)
def test_conv_transpose_paddings_are_exactly_those_that_work(
    size, output_size, kernel, stride, dilation
):
    working = [
        (p, op)
        for op in range(max(stride, dilation))
        for p in range(size * stride + kernel * dilation)
        if mynn_size(conv_transpose_output_size, size, kernel, stride, p, op, dilation)
        == output_size
    ]
    if working:
        assert conv_transpose_paddings(size, output_size, kernel, stride, dilation) == working
    else:
        with pytest.raises(ValueError, match="no padding"):
            conv_transpose_paddings(size, output_size, kernel, stride, dilation)


def test_reverse_questions_with_tuples_round_trip_through_torch():
    for padding in conv_paddings((28, 20), (14, 10), (3, 4), stride=2):
        layer = nn.Conv2d(1, 1, (3, 4), stride=2, padding=padding)
        assert layer(torch.zeros(1, 1, 28, 20)).shape[2:] == (14, 10)
    for padding, output_padding in conv_transpose_paddings((7, 5), (14, 11), 3, stride=2):
        layer = nn.ConvTranspose2d(
            1, 1, 3, stride=2, padding=padding, output_padding=output_padding
        )
        assert layer(torch.zeros(1, 1, 7, 5)).shape[2:] == (14, 11)


@SIZES
@given(
    size=st.integers(1, 40),
    kernel=st.integers(1, 7),
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
)
def test_output_padding_to_restore_undoes_the_convolution(size, kernel, stride, padding, dilation):
    down = mynn_size(conv_output_size, size, kernel, stride, padding, dilation)
    if down is None:
        with pytest.raises(ValueError):
            output_padding_to_restore(size, kernel, stride, padding, dilation)
        return
    extra = output_padding_to_restore(size, kernel, stride, padding, dilation)
    assert conv_transpose_output_size(down, kernel, stride, padding, extra, dilation) == size


# --------------------------------------------------------------------------------------
# trace
# --------------------------------------------------------------------------------------


def test_trace_of_the_books_networks():
    assert trace(BOOK_MNIST_CNN, 28).sizes[:5] == [(28, 28), (12, 12), (12, 12), (12, 12), (5, 5)]
    assert trace(BOOK_MNIST_CNN, 28).output.features == 10
    discriminator = trace(BOOK_CELEBA_DISCRIMINATOR, (128, 128))
    spatial = [size for size in discriminator.sizes if size is not None]
    assert sorted(set(spatial), reverse=True) == [(128, 128), (61, 61), (27, 27), (10, 10)]
    assert discriminator.output.features == 1
    generator = trace(BOOK_CELEBA_GENERATOR, features=100)
    assert [str(row.shape) for row in generator.rows if row.layer.startswith(("Re", "ConvT"))] == [
        "3 x 11 x 11",
        "256 x 28 x 28",
        "256 x 62 x 62",
        "3 x 128 x 128",
    ]


class View(nn.Module):
    """Reshapes like the book's View module (which stores ``shape`` wrapped in a tuple)."""

    def __init__(self, shape):
        super().__init__()
        self.shape = (shape,)

    def forward(self, x):
        return x.view(*self.shape)


def book_mnist_cnn_in_torch():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5, stride=2),
        nn.LeakyReLU(0.02),
        nn.BatchNorm2d(10),
        nn.Conv2d(10, 10, kernel_size=3, stride=2),
        nn.LeakyReLU(0.02),
        nn.BatchNorm2d(10),
        View(250),
        nn.Linear(250, 10),
        nn.Sigmoid(),
    )


def test_trace_reads_a_torch_model_without_running_it():
    model = book_mnist_cnn_in_torch()
    traced = trace(model, 28)
    assert traced.sizes == trace(BOOK_MNIST_CNN, 28).sizes
    assert str(traced.output) == "10"
    table = str(traced)
    assert "Conv2d(1, 10, kernel_size=(5, 5), stride=(2, 2))" in table
    assert "10 x 12 x 12" in table and "10 x 5 x 5" in table and "View(250)" in table
    # and the model really does give those shapes
    model.eval()
    with torch.no_grad():
        shapes = [torch.zeros(1, 28, 28).unsqueeze(0)]
        for layer in model[:6]:
            shapes.append(layer(shapes[-1]))
    assert [tuple(t.shape[2:]) for t in shapes] == traced.sizes[:7]


def test_trace_of_a_torch_network_with_pools_and_flatten_matches_running_it():
    model = nn.Sequential(
        nn.Conv1d(2, 4, 3, padding="same"),
        nn.MaxPool1d(2, ceil_mode=True),
        nn.Sequential(nn.ReLU(), nn.Dropout(0.1)),
        nn.AvgPool1d(3, stride=2, padding=1),
        nn.ConvTranspose1d(4, 3, 4, stride=3, output_padding=2),
        nn.Flatten(),
        nn.Linear(3 * 21, 5),
        nn.Unflatten(1, (5, 1)),
    )
    traced = trace(model, 23)
    assert traced.rows[0].shape.channels == 2
    with torch.no_grad():
        out = model(torch.zeros(1, 2, 23))
    assert str(traced.output) == " x ".join(map(str, out.shape[1:]))


def test_trace_stops_with_the_layer_and_the_table_so_far():
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(100, 1))
    with pytest.raises(ValueError) as caught:
        trace(model, 12)
    message = str(caught.value)
    assert "layer 2" in message and "expects 100 features" in message
    assert "in_features=800" in message and "8 x 10 x 10" in message
    with pytest.raises(ValueError, match="layer 1.*spans 5 cells"):
        trace([Conv(3, stride=2), Conv(5)], 7)
    with pytest.raises(ValueError, match="does not know"):
        trace(nn.Sequential(nn.Upsample(scale_factor=2)), 8)
    with pytest.raises(ValueError, match="expects 3 input channels but gets 1"):
        trace(nn.Sequential(nn.Conv2d(3, 3, 3)), 8, channels=1)


def test_trace_of_specs_without_torch():
    layers = [
        Conv(3, padding=1, out_channels=4),
        Unchanged("ReLU()"),
        MaxPool(2),
        ConvTranspose(2, stride=2),
        Flatten(),
    ]
    traced = trace(layers, (9, 8))
    assert traced.sizes[:5] == [(9, 8), (9, 8), (9, 8), (4, 4), (8, 8)]
    assert str(traced.output) == "?"  # ConvTranspose without out_channels: unknown channels
    assert repr(Conv(5, stride=2)) == "Conv(5, stride=2)"
    assert str(trace([Conv(3, out_channels=2), Flatten(), Linear(50, 1)], 7).output) == "1"
    assert str(trace([Reshape((3, 11, 11))], features=363).output) == "3 x 11 x 11"
    with pytest.raises(ValueError, match="multiply to the same total"):
        trace([Reshape((3, 10, 10))], features=363)
    assert str(trace([Conv(5, stride=2)], 28, ndim=1).output) == "12"


def test_importing_convsize_does_not_import_torch():
    code = "import mynn.convsize, sys; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------------------
# pictures
# --------------------------------------------------------------------------------------


def kernel_patches(ax):
    return [patch for patch in ax.patches if patch.get_gid() == "kernel"]


@pytest.mark.parametrize(
    ("arguments", "steps", "kernel_cells"),
    [
        ((6, 2), 25, 4),
        ((6, 2, 2), 9, 4),
        ((6, 2, 2, 1), 16, 4),
        ((6, 3, 2), 4, 9),
        (((6, 5), 2, 1, 0, 2), 12, 4),
        ((5, (3, 1), 1, "same"), 25, 3),
    ],
)
def test_conv_steps_draw_one_picture_per_output_cell(arguments, steps, kernel_cells):
    fig = plot_conv_steps(*arguments)
    panels = [ax for ax in fig.axes if ax.get_label() == "step"]
    assert len(panels) == steps
    assert all(len(kernel_patches(ax)) == kernel_cells for ax in panels)
    plt.close(fig)


def test_transposed_steps_sweep_the_intermediate_grid():
    fig = plot_conv_transpose_steps(3, 2, stride=2)
    panels = [ax for ax in fig.axes if ax.get_label() == "step"]
    assert len(panels) == 36 and all(len(kernel_patches(ax)) == 4 for ax in panels)
    plt.close(fig)


def test_intermediate_grid_spaces_the_input_and_extends_the_edges():
    diagram = conv_transpose_diagram(3, 3, stride=2, padding=1, output_padding=1)
    # 3 inputs 2 apart (5 cells), d(k-1) - p = 1 zero each side, 1 more for output_padding
    assert diagram.grid.shape == (8, 8)
    assert (diagram.grid == 0).sum() == 9
    assert diagram.output_shape == (6, 6) and len(diagram.positions) == 36
    cut = conv_transpose_diagram(2, 1, stride=2, padding=1, output_padding=1)
    assert cut.output_shape == (2, 2) and (cut.grid == 0).sum() == 1  # x1 survives the crop


def test_summary_pictures_mark_what_the_kernel_never_reaches():
    fig = plot_conv(6, 3, stride=2)
    uncovered = [p for ax in fig.axes for p in ax.patches if p.get_gid() == "uncovered"]
    assert len(uncovered) == 11  # the last row and column of the 6 x 6 input
    plt.close(fig)
    fig = plot_conv_transpose(3, 3, stride=2, padding=1, output_padding=1)
    assert len(fig.axes) == 2
    plt.close(fig)
    assert conv_diagram(6, 2, padding="same").grid.shape == (7, 7)


def test_frames_and_gif(tmp_path):
    frames = conv_frames(6, 2, stride=2)
    assert len(frames) == 9 and frames[0].ndim == 3 and frames[0].dtype.name == "uint8"
    assert len({frame.shape for frame in frames}) == 1
    path = write_gif(frames, tmp_path / "conv.gif")
    assert iio.imread(path, index=None).shape[0] == 9
    transposed = conv_transpose_frames(2, 2, stride=2)
    assert len(transposed) == 16
    assert gif_bytes(transposed)[:6] == b"GIF89a"


def test_too_many_steps_are_refused():
    with pytest.raises(ValueError, match="too many"):
        plot_conv_steps(30, 3)


@pytest.mark.parametrize("kernel", [2, 3, 4])
@pytest.mark.parametrize("dilation", [1, 2])
def test_padding_sides_for_same_is_where_torch_pads(kernel, dilation):
    """Padding by padding_sides, then a 'valid' convolution, equals torch's padding='same'."""
    torch.manual_seed(0)
    layer = nn.Conv2d(1, 1, kernel, dilation=dilation, padding="same", bias=False)
    x = torch.rand(1, 1, 7, 6)
    before, after = padding_sides("same", kernel, dilation)
    assert before + after == dilation * (kernel - 1)
    padded = torch.nn.functional.pad(x, (before, after, before, after))
    expected = torch.nn.functional.conv2d(padded, layer.weight, dilation=dilation)
    torch.testing.assert_close(layer(x), expected)
    assert padding_sides("valid", kernel, dilation) == (0, 0)
    assert padding_sides(2, kernel, dilation) == (2, 2)


# --------------------------------------------------------------------------------------
# nonsense is refused, with a message that names it
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: padding_sides("bogus", 3), ValueError, "'same' or 'valid', got 'bogus'"),
        (lambda: padding_sides("same", 0), ValueError, "kernel_size must be at least 1"),
        (lambda: padding_sides(-1, 3), ValueError, "padding must be at least 0"),
        (lambda: padding_sides(2, 3, dilation=0), ValueError, "dilation must be at least 1"),
        (lambda: pool_output_size(5, 2, ceil_mode="no"), TypeError, "True or False, got 'no'"),
        (lambda: pool_output_size(5, 2, ceil_mode=1), TypeError, "True or False"),
        (lambda: Reshape((2.5, 4)), TypeError, "must be a whole number, got 2.5"),
        (lambda: Reshape((0, -1)), ValueError, "at least 1 .* got 0 in"),
        (lambda: Reshape((-1, -1)), ValueError, "only one"),
        (lambda: Reshape(250), TypeError, "tuple of sizes"),
        (lambda: Linear(-5, -5), ValueError, "Linear in_features must be at least 1, got -5"),
        (lambda: Linear(5, 0), ValueError, "out_features must be at least 1"),
        (lambda: Conv(3, in_channels=0), ValueError, "in_channels must be at least 1"),
        (lambda: ConvTranspose(3, out_channels=2.0), TypeError, "whole number"),
        (lambda: trace(BOOK_MNIST_CNN, 28, channels=-3), ValueError, "channels must be at least 1"),
        (lambda: trace(BOOK_MNIST_CNN, 28, channels="3"), TypeError, "whole number, got '3'"),
        (lambda: trace([Reshape((2, 2))], features=0), ValueError, "features must be at least 1"),
    ],
)
def test_nonsense_is_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_ceil_mode_accepts_real_booleans():
    import numpy as np

    assert pool_output_size(5, 2, ceil_mode=np.True_) == 3
    assert pool_output_size(5, 2, ceil_mode=False) == 2


def test_trace_of_a_custom_module_says_how_to_wrap_it():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3)
            self.act = nn.ReLU()

        def forward(self, x):
            return self.act(self.conv(x))

    with pytest.raises(TypeError, match=r"nn.Sequential or a list of layer specs, not a Net"):
        trace(Net(), 28)
    assert str(trace(nn.Sequential(*Net().children()), 28).output) == "4 x 26 x 26"
    with pytest.raises(TypeError, match="not a str"):
        trace("Conv2d", 28)


def test_package_re_exports_every_name_of_its_modules():
    import mynn.convsize
    from mynn.convsize import sizes
    from mynn.convsize import tracer as trace_module

    for module in (sizes, trace_module):
        for name in module.__all__:
            assert getattr(mynn.convsize, name) is getattr(module, name)
