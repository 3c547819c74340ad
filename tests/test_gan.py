"""GANs: the book's models, the one training loop, the quality measures and ``mynn gan``."""

import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

from mynn import datasets
from mynn.cli import main
from mynn.gan import quality
from mynn.gan.models import (
    BOOK_1010_RESULT,
    Discriminator,
    Generator,
    MnistDiscriminator,
    MnistGenerator,
    PatternDiscriminator,
    PatternGenerator,
    first_attempt,
    improved,
    pattern_1010,
    seeded,
)
from mynn.gan.recipes import RECIPES, Recipe, get_recipe
from mynn.gan.training import generate, one_hot, pick_device, torch_threads, train_gan

pytestmark = pytest.mark.usefixtures("classifier_cache")  # tests/conftest.py


def adam(module, lr=1e-4):
    return torch.optim.Adam(module.parameters(), lr=lr, betas=(0.5, 0.999))


def digits(n=40):
    images, _ = datasets.load_mnist("train")
    return images[:n]


# --------------------------------------------------------------------------- models


def test_import_mynn_gan_and_recipes_does_not_import_torch():
    code = (
        "import mynn.gan, mynn.gan.recipes, mynn.plots.gan, sys; assert 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_shapes_and_seeds_of_the_books_models():
    generator = torch.Generator().manual_seed(0)
    d, g = PatternDiscriminator(), PatternGenerator()
    assert torch.equal(g.random_seeds(3, generator), torch.full((3, 1), 0.5))
    assert g(g.random_seeds(3)).shape == (3, 4) and d(torch.rand(3, 4)).shape == (3, 1)
    assert [m.out_features for m in d.model if isinstance(m, nn.Linear)] == [3, 1]

    d, g = first_attempt()
    seeds = g.random_seeds(500, generator)
    assert seeds.shape == (500, 1) and 0 <= seeds.min() and seeds.max() < 1
    assert not any(isinstance(m, (nn.LayerNorm, nn.LeakyReLU)) for m in [*d.model, *g.model])
    out = g(seeds)
    assert out.shape == (500, 784) and 0 <= out.min() and out.max() <= 1
    assert d(out).shape == (500, 1)

    d, g = improved()
    seeds = g.random_seeds(500, generator)
    assert seeds.shape == (500, 100) and seeds.min() < 0 < seeds.max()  # randn, not rand
    assert isinstance(d.model[1], nn.LeakyReLU) and d.model[1].negative_slope == 0.02
    assert isinstance(g.model[2], nn.LayerNorm) and g.model[2].normalized_shape == (200,)
    assert g(seeds).shape == (500, 784)
    assert not d.conditional and not g.conditional


def test_bad_model_settings_are_refused():
    with pytest.raises(ValueError, match="activation"):
        MnistDiscriminator("relu")
    with pytest.raises(ValueError, match="seed_distribution"):
        MnistGenerator(10, "poisson")
    with pytest.raises(ValueError, match="seed_size"):
        MnistGenerator(0)
    with pytest.raises(ValueError, match="hidden"):
        MnistGenerator(hidden=())
    with pytest.raises(ValueError, match="pack"):
        MnistDiscriminator(pack=0)


def test_generator_stacks_hidden_layers_given_as_a_tuple():
    g = MnistGenerator(hidden=(256, 512))
    linear = [m for m in g.model if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linear] == [(100, 256), (256, 512), (512, 784)]
    norms = [m.normalized_shape for m in g.model if isinstance(m, nn.LayerNorm)]
    assert norms == [(256,), (512,)]
    assert g(torch.randn(3, 100)).shape == (3, 784)


def test_real_1010_data_is_the_books_noisy_pattern():
    real = pattern_1010(1000, torch.Generator().manual_seed(0))
    assert real.shape == (1000, 4)
    assert real[:, [0, 2]].min() >= 0.8 and real[:, [0, 2]].max() <= 1.0
    assert real[:, [1, 3]].min() >= 0.0 and real[:, [1, 3]].max() <= 0.2


def test_the_1010_gan_learns_the_books_pattern():
    """The book's 1010 GAN, per sample, SGD 0.01, MSE, 10,000 steps -> near the book's result."""
    with seeded(1):
        d, g = PatternDiscriminator(), PatternGenerator()
    history = train_gan(
        d,
        g,
        pattern_1010(10_000, torch.Generator().manual_seed(1)),
        epochs=1,
        d_optimizer=torch.optim.SGD(d.parameters(), lr=0.01),
        g_optimizer=torch.optim.SGD(g.parameters(), lr=0.01),
        loss="mse",
        seed=1,
        progress=False,
        threads=1,
        callback=lambda step, d, g: generate(g, 1)[0],
        callback_every=5000,
    )
    assert history.steps == 10_000 and history.batch_size == 1
    halfway, final = history.snapshots[0][1], history.snapshots[1][1]
    assert np.abs(final - np.array(BOOK_1010_RESULT)).max() < 0.06, final
    assert np.abs(halfway - 0.5).max() < 0.35  # still far from the pattern halfway
    # D ends unable to tell: the book's D loss settles near 0.25 (MSE of a 0.5 answer)
    assert 0.2 < history.d[-500:].mean() < 0.3


# --------------------------------------------------------------------------- the loop


def train_small(seed, threads=1, **options):
    with seeded(seed):
        d, g = improved()
    history = train_gan(
        d,
        g,
        digits(),
        epochs=1,
        batch_size=options.pop("batch_size", 4),
        d_optimizer=adam(d),
        g_optimizer=adam(g),
        loss="bce",
        seed=seed,
        progress=False,
        threads=threads,
        **options,
    )
    return d, g, history


def weights(*modules):
    return torch.cat([p.detach().flatten() for m in modules for p in m.parameters()])


def test_a_few_steps_change_both_networks_and_record_losses():
    with seeded(0):
        d0, g0 = improved()
    d, g, history = train_small(0)
    assert not torch.equal(weights(d0), weights(d))
    assert not torch.equal(weights(g0), weights(g))
    assert history.steps == 10 and history.d_real.shape == history.g.shape == (10,)
    assert np.isfinite(history.d).all() and (history.g > 0).all()
    assert history.examples_per_second > 0


def test_same_seed_same_weights_other_seed_other_weights():
    d1, g1, h1 = train_small(3)
    d2, g2, h2 = train_small(3)
    _, g3, _ = train_small(4)
    assert torch.equal(weights(d1, g1), weights(d2, g2))
    np.testing.assert_array_equal(h1.g, h2.g)
    assert not torch.equal(weights(g1), weights(g3))


def test_thread_count_is_scoped_and_restored():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    # torch's thread count changes the rounding of its sums (and so a GAN's weights);
    # threads=1 makes a run independent of the machine's thread setting
    with torch_threads(2):
        d2, g2, _ = train_small(0, threads=1, batch_size=20)
        assert torch.get_num_threads() == 2
    with torch_threads(1):
        d1, g1, _ = train_small(0, threads=1, batch_size=20)
    assert torch.equal(weights(d1, g1), weights(d2, g2))
    assert torch.get_num_threads() == before


def test_per_sample_mode_is_the_books_three_steps():
    """batch_size=1: every real image gives one D step on it, one on a fake, one G step."""
    calls = []

    class Counting(torch.optim.SGD):
        def step(self, closure=None):
            calls.append(self.name)
            return super().step(closure)

    with seeded(0):
        d, g = first_attempt()
    d_opt, g_opt = Counting(d.parameters(), lr=0.01), Counting(g.parameters(), lr=0.01)
    d_opt.name, g_opt.name = "D", "G"
    history = train_gan(d, g, digits(5), epochs=2, d_optimizer=d_opt, g_optimizer=g_opt,
                        loss="mse", progress=False)  # fmt: skip
    assert history.steps == 10
    assert calls == ["D", "D", "G"] * 10


def test_loop_refuses_bad_input():
    with seeded(0):
        d, g = improved()
    kwargs = dict(epochs=1, d_optimizer=adam(d), g_optimizer=adam(g), loss="bce", progress=False)
    with pytest.raises(ValueError, match="not conditional"):
        train_gan(d, g, digits(4), np.zeros(4, dtype=int), **kwargs)
    with pytest.raises(ValueError, match="NaN"):
        train_gan(d, g, np.full((4, 784), np.nan), **kwargs)
    with pytest.raises(ValueError, match="loss"):
        train_gan(d, g, digits(4), **{**kwargs, "loss": "hinge"})
    with pytest.raises(ValueError, match="epochs"):
        train_gan(d, g, digits(4), **{**kwargs, "epochs": 0})
    with pytest.raises(ValueError, match="Discriminator"):
        train_gan(nn.Linear(784, 1), g, digits(4), **kwargs)


def test_pick_device():
    assert pick_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert pick_device().type == expected
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA"):
            pick_device("cuda")


# --------------------------------------------------------------------------- conditional path


class ToyConditionalD(Discriminator):
    """Records what it is shown: (images, one-hot labels)."""

    conditional, n_classes = True, 3

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(2 + 3, 1)
        self.seen = []

    def forward(self, images, onehot):
        self.seen.append((images.detach().clone(), onehot.clone()))
        return torch.sigmoid(self.layer(torch.cat([images, onehot], dim=1)))


class ToyConditionalG(Generator):
    """Draws negative numbers (so fakes are told from the non-negative reals)."""

    conditional, n_classes, seed_size = True, 3, 4

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(4 + 3, 2)
        self.labels = []

    def forward(self, seeds, onehot):
        self.labels.append(onehot.clone())
        return -torch.sigmoid(self.layer(torch.cat([seeds, onehot], dim=1)))


def test_conditional_path_feeds_real_labels_with_reals_and_random_labels_with_fakes():
    labels = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0])
    reals = np.stack([labels / 10, labels / 10 + 0.5], axis=1).astype(np.float32)  # label in data
    with seeded(0):
        d, g = ToyConditionalD(), ToyConditionalG()
    history = train_gan(d, g, reals, labels, epochs=3, batch_size=2, d_optimizer=adam(d),
                        g_optimizer=adam(g), loss="bce", progress=False)  # fmt: skip
    assert history.steps == 3 * 5
    real_calls = [(x, h) for x, h in d.seen if (x >= 0).all()]
    fake_calls = [(x, h) for x, h in d.seen if (x < 0).all()]
    assert len(real_calls) == 15 and len(fake_calls) == 30  # D on fakes, then G's step
    for images, onehot in real_calls:
        assert torch.equal(onehot.argmax(dim=1), torch.round(images[:, 0] * 10).long())
    # every fake reaches D with the label G drew it for
    for (_, onehot), g_label in zip(fake_calls, g.labels):
        assert torch.equal(onehot, g_label)
    drawn = torch.cat(g.labels).argmax(dim=1)
    assert set(drawn.tolist()) == {0, 1, 2}  # random labels, all classes
    assert torch.equal(torch.cat(g.labels).sum(dim=1), torch.ones(len(drawn)))
    out = generate(g, 6, labels=[0, 1, 2, 0, 1, 2])
    assert out.shape == (6, 2)
    with pytest.raises(ValueError, match="need labels"):
        train_gan(d, g, reals, epochs=1, d_optimizer=adam(d), g_optimizer=adam(g), loss="bce")
    with pytest.raises(ValueError, match="labels must be whole numbers"):
        train_gan(d, g, reals, labels + 1, epochs=1, d_optimizer=adam(d), g_optimizer=adam(g),
                  loss="bce", progress=False)  # fmt: skip


def test_one_hot():
    assert torch.equal(one_hot(torch.tensor([2, 0]), 3), torch.tensor([[0, 0, 1.0], [1.0, 0, 0]]))


# --------------------------------------------------------------------------- quality


def test_real_digits_cover_all_ten_classes_and_set_the_reference():
    real = quality.reference_quality()
    assert real.classes_covered == 10 and real.n == 1000
    assert real.mean_confidence > 0.9
    assert real.frechet_distance < 20
    assert 0.15 < real.variety < 0.25
    assert quality.classifier_accuracy() > 0.93


def test_one_repeated_image_covers_one_class_and_is_far_from_real():
    images, labels = datasets.load_mnist("test")
    same = quality.score_digits(np.repeat(images[:1], 1000, axis=0))
    assert same.classes_covered == 1 and same.variety < 1e-6
    assert same.confident_counts[labels[0]] == 1000
    assert same.frechet_distance > 10 * quality.reference_quality().frechet_distance
    blank = quality.score_digits(np.zeros((100, 784), np.float32))
    assert blank.classes_covered <= 1


def test_frechet_distance_of_a_set_with_itself_is_zero():
    features = np.random.default_rng(0).normal(size=(500, 20))
    assert quality.frechet_distance(features, features) == pytest.approx(0, abs=1e-8)
    shifted = quality.frechet_distance(features, features + 1)
    assert shifted == pytest.approx(20, rel=1e-6)  # |mu1 - mu2|^2 = 20 * 1^2
    with pytest.raises(ValueError, match="feature rows"):
        quality.frechet_distance(features, features[:, :5])


def test_digit_array_accepts_pixels_and_shapes_and_refuses_nonsense():
    pixels = np.full((2, 28, 28), 255, np.uint8)
    np.testing.assert_array_equal(quality.as_digit_array(pixels), np.ones((2, 784), np.float32))
    assert quality.as_digit_array(torch.zeros(3, 1, 28, 28)).shape == (3, 784)
    with pytest.raises(ValueError, match="shaped"):
        quality.as_digit_array(np.zeros((3, 100)))
    with pytest.raises(ValueError, match="0..1"):
        quality.as_digit_array(np.full((3, 784), 200.0))


def test_classifier_cache_round_trip_and_bad_cache(tmp_path):
    model = quality.digit_classifier()
    path = tmp_path / "classifier.pt"
    quality._save_cached(path, model, "fingerprint")
    loaded = quality._load_cached(path, "fingerprint")
    assert torch.equal(weights(loaded), weights(model))
    assert quality._load_cached(path, "other data") is None  # made from other data: retrain
    path.write_bytes(b"not a torch file")
    assert quality._load_cached(path, "fingerprint") is None  # unreadable: retrain
    assert quality.default_cache_path().name == "digit_classifier-v1.pt"


# --------------------------------------------------------------------------- recipes and CLI


def test_recipes_registry():
    assert {"mnist", "mnist-first"} <= set(RECIPES)
    recipe = get_recipe("mnist")
    d, g, d_opt, g_opt = recipe.setup(seed=0)
    assert isinstance(d, MnistDiscriminator) and g.seed_size == 100
    assert isinstance(d_opt, torch.optim.Adam)
    with pytest.raises(ValueError, match="choose one of"):
        get_recipe("nope")
    with pytest.raises(ValueError, match="already registered"):
        from mynn.gan.recipes import register

        register(Recipe("mnist", "", recipe.build, recipe.optimizers, "bce", 1, 1))


def test_cli_gan_trains_saves_samples_and_reports_quality(tmp_path, capsys):
    out, samples = tmp_path / "grid.png", tmp_path / "digits.npy"
    code = main(["gan", "--epochs", "5", "--seed", "2", "--out", str(out), "--samples",
                 str(samples), "--no-progress"])  # fmt: skip
    stdout = capsys.readouterr().out
    assert code == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = np.load(samples)
    assert pixels.dtype == np.uint8 and pixels.shape == (1000, 784)
    assert pixels.std() > 0
    # MNIST's orientation and polarity: ink where real digits have ink, not transposed
    real_mean = digits(1000).mean(axis=0)
    mean = pixels.mean(axis=0)
    assert np.corrcoef(mean, real_mean)[0, 1] > 0.5
    assert (
        np.corrcoef(mean, real_mean.reshape(28, 28).T.ravel())[0, 1]
        < np.corrcoef(mean, real_mean)[0, 1]
    )
    # the printed measures are those of the saved digits (rounded to uint8 pixels)
    printed = re.search(r"classes covered: (\d+) of 10", stdout)
    shares = re.search(r"confident readings: (\d+)% \(([0-9: ]+)\)", stdout)
    counts = [int(pair.split(":")[1]) for pair in shares.group(2).split()]
    assert len(counts) == 10 and int(printed.group(1)) == sum(c >= 20 for c in counts)
    assert int(shares.group(1)) == round(100 * sum(counts) / 1000)
    again = quality.score_digits(pixels)
    assert abs(sum(again.confident_counts) - sum(counts)) <= 10
    assert abs(again.classes_covered - int(printed.group(1))) <= 1
    precision, recall = map(
        float, re.search(r"precision ([\d.]+), recall ([\d.]+)", stdout).groups()
    )
    assert precision == pytest.approx(again.precision, abs=0.02)
    assert recall == pytest.approx(again.recall, abs=0.02)
    assert "Fréchet distance" in stdout


def test_cli_gan_errors_are_one_line(tmp_path, capsys):
    assert main(["gan", "--samples", str(tmp_path / "x.txt")]) == 1
    assert "must end in .npy" in capsys.readouterr().err
    assert main(["gan", "--out", str(tmp_path / "missing" / "x.png")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["gan", "--epochs", "0"]) == 1


def test_cli_model_choices_come_from_the_registry():
    from mynn.cli import build_parser

    recipe = get_recipe("mnist")
    added = Recipe("later-gan", "registered after import", recipe.build, recipe.optimizers,
                   "bce", 1, 8)  # fmt: skip
    RECIPES["later-gan"] = added
    try:
        assert build_parser().parse_args(["gan", "--model", "later-gan"]).model == "later-gan"
    finally:
        del RECIPES["later-gan"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["gan", "--model", "later-gan"])
