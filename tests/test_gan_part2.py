"""GANs part 2: the convolutional GANs (digits, the book's faces) and the conditional GAN."""

import re

import numpy as np
import pytest
import torch
from torch import nn

from mynn import datasets
from mynn.cli import main
from mynn.convsize import (
    BOOK_CELEBA_DISCRIMINATOR,
    BOOK_CELEBA_GENERATOR,
    trace,
)
from mynn.gan.conditional import (
    ConditionalDiscriminator,
    ConditionalGenerator,
    each_digit,
    recognition,
)
from mynn.gan.conv import (
    ConvDiscriminator,
    ConvGenerator,
    FaceDiscriminator,
    FaceGenerator,
)
from mynn.gan.models import Discriminator, Generator, MnistDiscriminator, seeded
from mynn.gan.recipes import CONV_CHANNELS, RECIPES, conv_digits, get_recipe
from mynn.gan.training import generate, one_hot

pytestmark = pytest.mark.usefixtures("classifier_cache")  # tests/conftest.py


def shapes_by_running(sequential, x):
    """The shape after each layer, by really running the layers (no batch dimension)."""
    shapes = [tuple(x.shape[1:])]
    with torch.no_grad():
        for layer in sequential:
            x = layer(x)
            shapes.append(tuple(x.shape[1:]))
    return shapes


def traced_shapes(result):
    return [
        (row.shape.features,) if row.shape.size is None else (row.shape.channels, *row.shape.size)
        for row in result.rows
    ]


# --------------------------------------------------------------------------- conv, digits


def test_conv_digit_networks_halve_and_double_the_image():
    with seeded(0):
        d, g = ConvDiscriminator(), ConvGenerator()
    d_trace = trace(d.model, 28)
    convs = [row.shape.size for row in d_trace.rows if row.layer.startswith(("input", "Conv"))]
    assert convs == [(28, 28), (14, 14), (7, 7)]
    assert d_trace.output.features == 1
    g_trace = trace(g.model, features=100)
    g_convs = [row.shape.size for row in g_trace.rows if row.layer.startswith(("Unflat", "Conv"))]
    assert g_convs == [(7, 7), (14, 14), (28, 28)]
    assert g_trace.output.channels == 1
    # the traced table is what really happens
    d.eval(), g.eval()
    assert traced_shapes(d_trace) == shapes_by_running(d.model, torch.rand(2, 1, 28, 28))
    assert traced_shapes(g_trace) == shapes_by_running(g.model, torch.randn(2, 100))


def test_conv_digit_networks_speak_784_values_like_the_other_gans():
    with seeded(0):
        d, g = ConvDiscriminator(channels=8), ConvGenerator(seed_size=20, channels=8)
    assert isinstance(d, Discriminator) and isinstance(g, Generator)
    assert not d.conditional and not g.conditional and g.seed_size == 20
    seeds = g.random_seeds(5, torch.Generator().manual_seed(0))
    assert seeds.shape == (5, 20)
    images = g(seeds)
    assert images.shape == (5, 784) and 0 <= images.min() and images.max() <= 1
    flat, square = d(images), d(images.reshape(5, 1, 28, 28))
    assert flat.shape == (5, 1) and torch.equal(flat, square)
    assert ((0 < flat) & (flat < 1)).all()
    with pytest.raises(ValueError, match="784 values"):
        d(torch.rand(5, 100))
    with pytest.raises(ValueError, match="activation"):
        ConvDiscriminator(activation="relu")
    with pytest.raises(ValueError, match="seed_size"):
        ConvGenerator(seed_size=0)


def test_conv_recipe_trains_through_the_one_loop():
    recipe = get_recipe("conv")
    images, _ = datasets.load_mnist("train")
    d, g, history = recipe.train(images[:48], epochs=1, progress=False, batch_size=16)
    # the generator is convolutional; the judge is the default recipe's packed D (see recipes)
    assert isinstance(d, MnistDiscriminator) and d.pack == 2 and d.minibatch_std
    assert isinstance(g, ConvGenerator) and g.hidden == 256
    assert history.steps == 3 and np.isfinite(history.g).all()
    digits = recipe.generate(g, 12, seed=1)
    assert digits.shape == (12, 784) and digits.dtype == np.float32
    np.testing.assert_array_equal(digits, recipe.generate(g, 12, seed=1))


def test_conv_generator_lays_out_then_draws_and_hidden_none_drops_the_first_layer():
    with seeded(0):
        g = ConvGenerator(seed_size=20, channels=8)
        flat = ConvGenerator(seed_size=20, channels=8, hidden=None)
    linears = [m.out_features for m in g.model if isinstance(m, nn.Linear)]
    assert linears == [256, 16 * 7 * 7]
    assert [m.out_features for m in flat.model if isinstance(m, nn.Linear)] == [16 * 7 * 7]
    seeds = flat.random_seeds(3, torch.Generator().manual_seed(0))
    assert flat(seeds).shape == g(seeds).shape == (3, 784)
    with pytest.raises(ValueError, match="hidden"):
        ConvGenerator(hidden=0)


# --------------------------------------------------------------------------- conv, faces


def test_face_networks_are_the_books_layer_for_layer():
    with seeded(0):
        d, g = FaceDiscriminator(), FaceGenerator()
    d_trace, g_trace = trace(d.model, 128), trace(g.model, features=100)
    assert traced_shapes(d_trace) == traced_shapes(trace(BOOK_CELEBA_DISCRIMINATOR, 128))
    assert traced_shapes(g_trace) == traced_shapes(trace(BOOK_CELEBA_GENERATOR, features=100))
    d_convs = [row.shape.size for row in d_trace.rows if row.layer.startswith(("input", "Conv"))]
    assert d_convs == [(128, 128), (61, 61), (27, 27), (10, 10)]
    g_convs = [row.shape.size for row in g_trace.rows if row.layer.startswith(("Unflat", "Conv"))]
    assert g_convs == [(11, 11), (28, 28), (62, 62), (128, 128)]
    assert [m.padding for m in g.model if isinstance(m, nn.ConvTranspose2d)] == [
        (0, 0),
        (0, 0),
        (1, 1),
    ]
    leaky = [m.negative_slope for m in d.model if isinstance(m, nn.LeakyReLU)]
    assert leaky == [0.2, 0.2, 0.2]
    assert g.seed_size == 100


def test_face_networks_run_on_a_batch():
    with seeded(0):
        d, g = FaceDiscriminator(), FaceGenerator(activation="gelu")
    assert any(isinstance(m, nn.GELU) for m in g.model)
    with torch.no_grad():
        faces = g(g.random_seeds(2, torch.Generator().manual_seed(0)))
        scores = d(faces)
    assert faces.shape == (2, 3, 128, 128) and 0 <= faces.min() and faces.max() <= 1
    assert scores.shape == (2, 1)


# --------------------------------------------------------------------------- conditional


def test_conditional_networks_take_the_one_hot_beside_their_input():
    with seeded(0):
        d, g = ConditionalDiscriminator(), ConditionalGenerator()
    assert d.conditional and g.conditional and d.n_classes == g.n_classes == 10
    assert d.model[0].in_features == 784 + 10 and g.model[0].in_features == 100 + 10
    assert g.model[-2].out_features == 784
    seeds = g.random_seeds(4, torch.Generator().manual_seed(0))
    threes, sevens = one_hot(torch.full((4,), 3), 10), one_hot(torch.full((4,), 7), 10)
    with torch.no_grad():
        images = g(seeds, threes)
        assert images.shape == (4, 784)
        assert torch.equal(images, g.model(torch.cat([seeds, threes], dim=1)))
        assert not torch.allclose(images, g(seeds, sevens))  # the label changes the picture
        scores = d(images, threes)
        assert scores.shape == (4, 1)
        assert torch.equal(scores, d.model(torch.cat([images, threes], dim=1)))
        assert torch.equal(scores, d(images.reshape(4, 1, 28, 28), threes))
    with pytest.raises(ValueError, match="one-hot label of 10"):
        d(images, threes[:, :9])
    with pytest.raises(ValueError, match="one-hot label of 10"):
        g(seeds, threes[:3])


def test_each_digit_asks_in_digit_order():
    with seeded(0):
        g = ConditionalGenerator()
    images = each_digit(g, 3, seed=5)
    assert images.shape == (30, 784)
    wanted = np.repeat(np.arange(10), 3)
    np.testing.assert_array_equal(images, generate(g, 30, seed=5, labels=wanted))
    np.testing.assert_array_equal(
        get_recipe("conditional").requested(1000), np.repeat(range(10), 100)
    )
    with pytest.raises(ValueError, match="per_digit"):
        each_digit(g, 0)


def test_recognition_of_real_digits_and_of_wrong_requests():
    images, labels = datasets.load_mnist("test")
    right = recognition(images, labels)
    assert right.overall > 0.93 and min(right.per_digit) > 0.8
    assert right.counts == tuple(np.bincount(labels, minlength=10))
    assert right.confusion.sum() == len(labels)
    assert right.overall == pytest.approx(np.trace(right.confusion) / len(labels))
    assert re.fullmatch(r"requested digit recognised: \d\.\d\d", right.line())
    wrong = recognition(images, (labels + 1) % 10)
    assert wrong.overall < 0.05
    only_sevens = recognition(images[labels == 7], labels[labels == 7])
    assert np.isnan(only_sevens.per_digit[0]) and only_sevens.per_digit[7] > 0.8
    with pytest.raises(ValueError, match="one whole-number digit per image"):
        recognition(images, labels[:-1])
    with pytest.raises(ValueError, match="0..9"):
        recognition(images, labels + 10)


def test_recipes_registered():
    assert {"mnist", "conv", "conditional"} <= set(RECIPES)
    conv, conditional = get_recipe("conv"), get_recipe("conditional")
    assert conv.image_shape == (784,) and not conv.conditional
    # the conv recipe is the mnist recipe's training with other networks and epochs
    mnist = get_recipe("mnist")
    assert (conv.batch_size, conv.label_smoothing, conv.ema) == (
        mnist.batch_size, mnist.label_smoothing, mnist.ema,
    )  # fmt: skip
    d, g = conv_digits(conv_discriminator=True, hidden=None)
    assert isinstance(d, ConvDiscriminator) and d.pack == 2 and d.minibatch_std
    assert isinstance(g, ConvGenerator) and g.hidden is None and g.channels == CONV_CHANNELS
    assert conditional.conditional
    d, g, d_opt, g_opt = conditional.setup(seed=0)
    assert isinstance(d, ConditionalDiscriminator) and isinstance(g, ConditionalGenerator)
    assert isinstance(d_opt, torch.optim.Adam) and conditional.loss == "bce"


def test_cli_conditional_writes_100_per_digit_in_order_and_the_recognition_line(tmp_path, capsys):
    out, samples = tmp_path / "grid.png", tmp_path / "digits.npy"
    code = main(["gan", "--model", "conditional", "--epochs", "1", "--out", str(out),
                 "--samples", str(samples), "--no-progress"])  # fmt: skip
    stdout = capsys.readouterr().out
    assert code == 0, stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = np.load(samples)
    assert pixels.dtype == np.uint8 and pixels.shape == (1000, 784)
    lines = [x for x in stdout.splitlines() if x.startswith("requested digit recognised:")]
    assert len(lines) == 1 and re.fullmatch(r"requested digit recognised: \d\.\d\d", lines[0])
    printed = float(lines[0].split(":")[1])
    in_order = recognition(pixels, np.repeat(np.arange(10), 100))
    assert in_order.overall == pytest.approx(printed, abs=0.011)  # uint8 rounding
    assert "100 per digit asked for, 0s first" in stdout


def test_conditional_recipe_generates_in_digit_order():
    recipe = get_recipe("conditional")
    _, g, _, _ = recipe.setup(seed=3)
    digits = recipe.generate(g, 1000, seed=4)
    np.testing.assert_array_equal(
        digits, generate(g, 1000, seed=4, labels=np.repeat(np.arange(10), 100))
    )
    np.testing.assert_array_equal(digits[:200], each_digit(g, 100, seed=4)[:200])


def test_same_seeds_each_digit_keeps_one_seed_per_column():
    from mynn.gan.conditional import same_seeds_each_digit

    with seeded(0):
        g = ConditionalGenerator()
    grid = same_seeds_each_digit(g, 3, seed=5)
    assert grid.shape == (30, 784)
    seeds = g.random_seeds(3, torch.Generator().manual_seed(5))
    for digit in (0, 7):
        for column in range(3):
            alone = generate(g, 1, seeds=seeds[column : column + 1], labels=[digit])
            np.testing.assert_allclose(grid[digit * 3 + column], alone[0], rtol=1e-5, atol=1e-6)
    assert not np.allclose(grid[0], grid[1]) and not np.allclose(grid[0], grid[3])
    with pytest.raises(ValueError, match="n_seeds"):
        same_seeds_each_digit(g, 0)
