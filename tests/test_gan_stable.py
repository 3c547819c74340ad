"""Beyond the book: precision and recall, minibatch std, packing, label smoothing, the weight average."""

import numpy as np
import pytest
import torch
from torch import nn

from mynn import datasets
from mynn.gan import quality
from mynn.gan.conv import ConvDiscriminator
from mynn.gan.models import MnistDiscriminator, improved, seeded
from mynn.gan.stable import MinibatchStd, WeightAverage, pack_rows, unpack_scores
from mynn.gan.training import generate, train_gan

pytestmark = pytest.mark.usefixtures("classifier_cache")  # tests/conftest.py


# --------------------------------------------------------------------------- precision, recall


def test_precision_recall_by_hand_on_a_line():
    """Points on a line, k = 1: each ball reaches the nearest other point of its own set."""
    real = np.array([[0.0], [1.0], [2.0], [3.0]])  # every real ball has radius 1: covers 0..4
    fake = np.array([[0.5], [3.9], [10.0], [10.2]])  # fake radii: 3.4, 3.4, 0.2, 0.2
    precision, recall = quality.precision_recall(real, fake, k=1)
    assert precision == pytest.approx(2 / 4)  # 0.5 and 3.9 lie within 1 of a real point
    # real 0, 1, 2, 3 within 3.4 of 0.5 or 3.9: all four
    assert recall == pytest.approx(1.0)
    precision, recall = quality.precision_recall(real, fake[2:], k=1)
    assert (precision, recall) == (0.0, 0.0)
    with pytest.raises(ValueError, match="more than k"):
        quality.precision_recall(real, fake[:1], k=1)
    with pytest.raises(ValueError, match="equal width"):
        quality.precision_recall(real, np.zeros((4, 2)))


def test_precision_recall_calibration_on_digits():
    """Real held-out digits: high on both; noise: low precision; one digit: low recall."""
    images, labels = datasets.load_mnist("test")
    real = quality.score_digits(images)
    assert real.precision > 0.75 and real.recall > 0.75  # measured 0.86, 0.87
    noise = np.random.default_rng(0).random((1000, 784)).astype(np.float32)
    assert quality.score_digits(noise).precision < 0.05  # measured 0.0
    one = quality.score_digits(np.repeat(images[:1], 1000, axis=0))
    assert one.recall < 0.05 and one.precision > 0.9  # a real digit, but only one
    threes = quality.score_digits(np.repeat(images[labels == 3][:100], 10, axis=0))
    assert threes.recall < 0.2 < real.recall  # one class of many real 3s: recall stays low
    assert real.confident_share > 0.9
    assert real.confident_share == sum(real.confident_counts) / 1000


# --------------------------------------------------------------------------- minibatch std


def test_grey_share_counts_grey_among_inked_pixels():
    solid = np.zeros((2, 784), np.float32)
    solid[:, 100:140] = 1.0
    assert quality.grey_share(solid) == 0.0
    haze = np.full((2, 784), 0.5, np.float32)
    assert quality.grey_share(haze) == 1.0
    mixed = solid.copy()
    mixed[:, 140:150] = 0.5  # 10 grey pixels beside 40 solid ones, per image
    mixed[:, 200:210] = 0.05  # below the ink threshold: not counted
    assert quality.grey_share(mixed) == pytest.approx(10 / 50)
    assert np.isnan(quality.grey_share(np.zeros((1, 784))))
    with pytest.raises(ValueError, match="ink"):
        quality.grey_share(solid, ink=0.9, solid=0.5)
    # blurring real digits makes their strokes greyer
    real, _ = datasets.load_mnist("test")
    digits = real[:200].astype(np.float32) / 255
    squares = digits.reshape(-1, 28, 28)
    blurred = (squares + np.roll(squares, 1, 1) + np.roll(squares, 1, 2)) / 3
    assert 0.3 < quality.grey_share(digits) < 0.7
    assert quality.grey_share(blurred.reshape(-1, 784)) > quality.grey_share(digits) + 0.1


def test_minibatch_std_appends_the_mean_spread_of_the_batch():
    h = torch.tensor([[0.0, 1.0], [2.0, 1.0], [4.0, 4.0]])
    out = MinibatchStd(eps=0.0)(h)
    expected = (np.std([0, 2, 4]) + np.std([1, 1, 4])) / 2  # population std per feature
    assert out.shape == (3, 3)
    torch.testing.assert_close(out[:, :2], h)
    np.testing.assert_allclose(out[:, 2].numpy(), expected, rtol=1e-6)
    same = MinibatchStd()(torch.ones(5, 7))
    assert same[:, -1].max() < 1e-3  # a collapsed batch: no spread


def test_discriminators_take_the_spread_as_one_more_input():
    d = MnistDiscriminator(minibatch_std=True)
    assert d.model[-2].in_features == 201 and isinstance(d.model[-3], MinibatchStd)
    assert d(torch.rand(6, 784)).shape == (6, 1)
    book = MnistDiscriminator()
    assert not any(isinstance(m, MinibatchStd) for m in book.model)
    conv = ConvDiscriminator(channels=8, minibatch_std=True)
    assert conv.model[-2].in_features == 16 * 7 * 7 + 1
    assert conv(torch.rand(4, 784)).shape == (4, 1)


# --------------------------------------------------------------------------- packing (PacGAN)


def test_pack_rows_puts_consecutive_images_side_by_side():
    images = torch.arange(4 * 3, dtype=torch.float32).reshape(4, 3)
    packed = pack_rows(images, 2)
    assert packed.shape == (2, 6)
    torch.testing.assert_close(packed[1], torch.cat((images[2], images[3])))
    torch.testing.assert_close(pack_rows(images, 1), images)
    scores = torch.tensor([[0.25], [0.75]])
    torch.testing.assert_close(
        unpack_scores(scores, 2), torch.tensor([[0.25], [0.25], [0.75], [0.75]])
    )
    with pytest.raises(ValueError, match="packs of 3"):
        pack_rows(images, 3)
    with pytest.raises(ValueError, match="at least 1"):
        pack_rows(images, 0)


def test_packed_discriminator_scores_each_image_with_its_partner():
    with seeded(0):
        d = MnistDiscriminator(minibatch_std=True, pack=2)
    assert d.model[0].in_features == 2 * 784
    images = torch.rand(6, 784, generator=torch.Generator().manual_seed(0))
    scores = d(images)
    assert scores.shape == (6, 1)
    torch.testing.assert_close(scores[0::2], scores[1::2])  # one score per pair
    changed = images.clone()
    changed[1] = 0.0  # the partner of image 0 changes: so does image 0's score
    assert not torch.allclose(d(changed)[0], scores[0])
    with pytest.raises(ValueError, match="packs of 2"):
        d(torch.rand(5, 784))
    conv = ConvDiscriminator(channels=8, minibatch_std=True, pack=2)
    assert conv.model[0].in_channels == 2  # the pair stacked as two channels
    conv_scores = conv(images)
    assert conv_scores.shape == (6, 1)
    torch.testing.assert_close(conv_scores[0::2], conv_scores[1::2])


# --------------------------------------------------------------------------- label smoothing


class RecordingBCE(nn.BCELoss):
    def __init__(self):
        super().__init__()
        self.targets = []

    def forward(self, scores, target):
        self.targets.append(target.detach().clone())
        return super().forward(scores, target)


def _train(steps, **options):
    with seeded(0):
        d, g = improved()
    images, _ = datasets.load_mnist("train")
    criterion = options.pop("loss", "bce")
    history = train_gan(d, g, images[: 4 * steps], epochs=1, batch_size=4,
                        d_optimizer=options.pop("d_optimizer", None) or torch.optim.Adam(d.parameters()),
                        g_optimizer=options.pop("g_optimizer", None) or torch.optim.Adam(g.parameters()),
                        loss=criterion, progress=False, threads=1, **options)  # fmt: skip
    return d, g, history


def test_label_smoothing_lowers_only_ds_real_target():
    criterion = RecordingBCE()
    _train(3, loss=criterion, label_smoothing=0.1)
    # per step: D on reals, D on fakes, G's step
    real, fake, g = criterion.targets[0::3], criterion.targets[1::3], criterion.targets[2::3]
    assert len(real) == 3 and all(torch.allclose(t, torch.full((4, 1), 0.9)) for t in real)
    assert all(torch.equal(t, torch.zeros(4, 1)) for t in fake)
    assert all(torch.equal(t, torch.ones(4, 1)) for t in g)
    criterion = RecordingBCE()
    _train(1, loss=criterion)
    assert torch.equal(criterion.targets[0], torch.ones(4, 1))  # the book's target 1
    with pytest.raises(ValueError, match="label_smoothing"):
        _train(1, label_smoothing=1.0)


# --------------------------------------------------------------------------- weight average


def _flat(model):
    return torch.cat([p.detach().flatten() for p in model.parameters()])


def test_weight_average_is_the_hand_computed_moving_average():
    layer = nn.Linear(2, 1)
    average = WeightAverage(layer, decay=0.75)
    start = _flat(layer).clone()
    values = [start]
    for value in (1.0, -2.0, 5.0):
        with torch.no_grad():
            for p in layer.parameters():
                p.fill_(value)
        average.update(layer)
        values.append(_flat(layer).clone())
    expected = start
    for t, current in enumerate(values[1:], start=1):
        d = min(0.75, (1 + t) / (10 + t))  # the warm-up: 2/11, 3/12, 4/13
        expected = d * expected + (1 - d) * current
    torch.testing.assert_close(_flat(average.model), expected)
    for _ in range(30):  # after the warm-up, the plain decay
        average.update(layer)
    before = _flat(average.model).clone()
    with torch.no_grad():
        for p in layer.parameters():
            p.fill_(9.0)
    average.update(layer)
    torch.testing.assert_close(_flat(average.model), 0.75 * before + 0.25 * 9.0)
    assert not any(p.requires_grad for p in average.model.parameters())
    with pytest.raises(ValueError, match="decay"):
        WeightAverage(layer, 1.0)


def test_train_gan_keeps_the_average_of_gs_weights_after_every_step():
    seen = []

    class Recording(torch.optim.Adam):
        def step(self, closure=None):
            result = super().step(closure)
            seen.append(torch.cat([p.detach().flatten().clone() for g in self.param_groups
                                   for p in g["params"]]))  # fmt: skip
            return result

    with seeded(0):
        _, g0 = improved()
    start = _flat(g0)
    with seeded(0):
        d, g = improved()
    images, _ = datasets.load_mnist("train")
    history = train_gan(d, g, images[:12], epochs=1, batch_size=4,
                        d_optimizer=torch.optim.Adam(d.parameters()),
                        g_optimizer=Recording(g.parameters()), loss="bce", progress=False,
                        threads=1, ema=0.5)  # fmt: skip
    assert len(seen) == 3
    expected = start
    for t, weights in enumerate(seen, start=1):
        d = min(0.5, (1 + t) / (10 + t))
        expected = d * expected + (1 - d) * weights
    torch.testing.assert_close(_flat(history.average), expected)
    assert not torch.equal(_flat(history.average), _flat(g))  # the average, not G itself
    assert _train(1)[2].average is None


# --------------------------------------------------------------------------- shipped generators


def test_the_showcase_scripts_first_steps_reproduce_the_shipped_run():
    """Re-run each stage's first steps as scripts/train_gan_showcase.py does; compare losses."""
    from mynn.gan import showcase
    from mynn.gan.models import BOOK_STEPS

    generators, first_losses, info = showcase.load_stages()
    assert list(generators) == [stage.name for stage in BOOK_STEPS]
    assert info["epochs"] == showcase.STAGE_EPOCHS and info["batch_size"] == showcase.STAGE_BATCH
    assert first_losses.shape == (len(BOOK_STEPS), showcase.CHECKED_STEPS, 3)
    images, _ = datasets.load_mnist("train")
    for stage, shipped in zip(BOOK_STEPS, first_losses):
        # one epoch visits the digits in the same order as the first of the shipped run's
        _, history = showcase.train_stage(stage, images, epochs=1, device="cpu")
        again = showcase.first_losses(history)
        np.testing.assert_allclose(again, shipped, rtol=1e-4, err_msg=stage.name)


def test_the_shipped_recipe_generators_reproduce_and_meet_the_conv_target():
    """scripts/train_gan_showcase.py --recipes: the same first steps, and the shipped conv
    generator covers all 10 digits with at least 75% of its samples read confidently."""
    from mynn.gan import showcase
    from mynn.gan.quality import score_digits
    from mynn.gan.recipes import get_recipe

    generators, first_losses, info = showcase.load_recipes()
    assert list(generators) == list(showcase.SHOWN_RECIPES) == ["conv", "mnist"]
    assert info["epochs"] == {name: get_recipe(name).epochs for name in showcase.SHOWN_RECIPES}
    for name, shipped in zip(showcase.SHOWN_RECIPES, first_losses):
        _, history = showcase.train_recipe(name, epochs=1, device="cpu")
        np.testing.assert_allclose(showcase.first_losses(history), shipped, rtol=1e-4, err_msg=name)
    conv = score_digits(get_recipe("conv").generate(generators["conv"], 1000))
    assert conv.classes_covered == 10 and conv.confident_share >= 0.75


def test_shipped_generators_load_and_draw_digits():
    from mynn.gan import showcase

    generators, _, _ = showcase.load_stages()
    last = generators["+ seed randn(100)"]
    assert last.seed_size == 100 and not last.training
    digits = generate(last, 200, seed=0)
    assert digits.shape == (200, 784) and 0 <= digits.min() and digits.max() <= 1
    assert digits.std(axis=0).mean() > 0.05  # a trained generator draws different digits


def test_quality_table_has_a_row_per_set_with_its_numbers():
    from mynn.gan.quality import DigitQuality, quality_table

    good = DigitQuality(10, 10, (1,) * 10, 0.9, 6.8, 0.11, 0.86, 0.87)
    bad = DigitQuality(10, 1, (5, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0.5, 371.0, 0.01, 0.9, 0.0)
    lines = quality_table({"real": good, "collapsed": bad}, variety=True).splitlines()
    assert len(lines) == 3 and lines[0].split() == [
        "classes", "confident", "precision", "recall", "Fréchet", "variety",
    ]  # fmt: skip
    assert lines[1].split() == ["real", "10", "of", "10", "1.00", "0.86", "0.87", "7", "0.110"]
    assert lines[2].split() == [
        "collapsed",
        "1",
        "of",
        "10",
        "0.50",
        "0.90",
        "0.00",
        "371",
        "0.010",
    ]
    assert "variety" not in quality_table({"real": good})
