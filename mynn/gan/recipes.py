"""Named GAN recipes: the networks, optimisers, loss and defaults behind ``python -m mynn gan``.

:data:`RECIPES` maps a model name (``--model``) to a :class:`Recipe`. This module imports
no torch: a recipe's ``build`` and ``optimizers`` functions import what they need when
called, so the command line can list the names cheaply. To add a GAN, write its models in
its own module and :func:`register` a recipe here whose functions import that module.

>>> recipe = RECIPES["mnist"]
>>> discriminator, generator, history = recipe.train(epochs=1, progress=False)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mynn.errors import UsageError


@dataclass(frozen=True)
class Recipe:
    """How to build and train one GAN on MNIST digits.

    Attributes
    ----------
    name, summary
        The ``--model`` name and a line for ``--help``.
    build : () -> (discriminator, generator)
        Makes fresh networks (called under a fixed torch seed).
    optimizers : (discriminator, generator) -> (d_optimizer, g_optimizer)
    loss : "mse", "bce" or an ``nn.Module`` factory result
    epochs, batch_size : the defaults of ``python -m mynn gan --model name``
    conditional : the networks take the one-hot label too (trained with the real labels)
    image_shape : the shape of one image as D takes it: (784,) or (1, 28, 28)
    threads : torch's CPU thread count while training (None leaves it; see ``train_gan``)
    label_smoothing, ema : beyond the book (:mod:`mynn.gan.stable`): D's real target
        ``1 - label_smoothing``, and the decay of the generator's weight average (None: none)
    """

    name: str
    summary: str
    build: Callable[[], tuple[Any, Any]]
    optimizers: Callable[[Any, Any], tuple[Any, Any]]
    loss: Any
    epochs: int
    batch_size: int
    conditional: bool = False
    image_shape: tuple[int, ...] = (784,)
    threads: int | None = 1
    label_smoothing: float = 0.0
    ema: float | None = None

    def setup(self, seed: int = 0):
        """Fresh ``(discriminator, generator, d_optimizer, g_optimizer)``, weights from ``seed``."""
        from mynn.gan.models import seeded

        with seeded(seed):
            discriminator, generator = self.build()
        return (discriminator, generator, *self.optimizers(discriminator, generator))

    def prepare(self, images: np.ndarray) -> np.ndarray:
        """uint8 (n, 784) digits -> float32 0..1 in the shape D takes."""
        return (np.asarray(images, dtype=np.float32) / 255.0).reshape(
            len(images), *self.image_shape
        )

    def train(
        self,
        images: np.ndarray | None = None,
        labels: np.ndarray | None = None,
        *,
        epochs: int | None = None,
        seed: int = 0,
        device=None,
        progress: bool | None = None,
        **options,
    ):
        """Build and train the GAN: returns ``(discriminator, generator, history)``.

        ``images``/``labels`` default to the 4,000 bundled training digits (uint8, (n, 784)).
        Other keyword ``options`` go to :func:`mynn.gan.training.train_gan` (e.g. a callback).
        With a weight average (``ema``), the generator returned is the averaged one
        (``history.average``), the one to draw samples from.
        """
        from mynn import datasets
        from mynn.gan.training import train_gan

        if images is None:
            images, labels = datasets.load_mnist("train")
        discriminator, generator, d_optimizer, g_optimizer = self.setup(seed)
        options.setdefault("threads", self.threads)
        options.setdefault("label_smoothing", self.label_smoothing)
        options.setdefault("ema", self.ema)
        history = train_gan(
            discriminator,
            generator,
            self.prepare(images),
            labels if self.conditional else None,
            epochs=self.epochs if epochs is None else epochs,
            batch_size=options.pop("batch_size", self.batch_size),
            d_optimizer=d_optimizer,
            g_optimizer=g_optimizer,
            loss=self.loss,
            seed=seed,
            device=device,
            progress=progress,
            **options,
        )
        if history.average is not None:
            generator = history.average
        return discriminator, generator, history

    def generate(self, generator, n: int, seed: int = 0) -> np.ndarray:
        """``n`` digits as float32 (n, 784), 0..1, 1 = ink.

        A conditional GAN is asked for each digit in turn, in digit order: the first
        ``n // 10`` are asked to be 0s, the next 1s, and so on (:meth:`requested`).
        """
        from mynn.gan.training import generate

        labels = self.requested(n, generator.n_classes) if self.conditional else None
        return generate(generator, n, seed=seed, labels=labels).reshape(n, 784)

    def requested(self, n: int, n_classes: int = 10) -> np.ndarray:
        """The digits a conditional GAN is asked for by :meth:`generate`: (n,), 0s first."""
        return np.arange(n) * n_classes // n


EPOCHS_MNIST = 200

RECIPES: dict[str, Recipe] = {}
"""Every GAN the command line can train, by ``--model`` name."""


def register(recipe: Recipe) -> Recipe:
    """Add ``recipe`` to :data:`RECIPES` (a name may be registered once)."""
    if recipe.name in RECIPES:
        raise UsageError(f"a GAN recipe named {recipe.name!r} is already registered")
    RECIPES[recipe.name] = recipe
    return recipe


def get_recipe(name: str) -> Recipe:
    """The recipe called ``name``, or a ValueError listing the known names."""
    if name not in RECIPES:
        raise UsageError(
            f"no GAN recipe named {name!r}; choose one of {', '.join(sorted(RECIPES))}"
        )
    return RECIPES[name]


# --------------------------------------------------------------------------- the book's GANs


def _improved_mnist():
    from mynn.gan.models import improved

    return improved()


def _first_attempt_mnist():
    from mynn.gan.models import first_attempt

    return first_attempt()


def _adam(lr: float, betas: tuple[float, float]):
    def make(discriminator, generator):
        import torch

        return (
            torch.optim.Adam(discriminator.parameters(), lr=lr, betas=betas),
            torch.optim.Adam(generator.parameters(), lr=lr, betas=betas),
        )

    return make


def _sgd(lr: float):
    def make(discriminator, generator):
        import torch

        return (
            torch.optim.SGD(discriminator.parameters(), lr=lr),
            torch.optim.SGD(generator.parameters(), lr=lr),
        )

    return make


MNIST_PACK = 2
"""Images D judges at once in the default recipe (PacGAN, :func:`mynn.gan.stable.pack_rows`)."""

MNIST_GENERATOR_HIDDEN = (256, 512)
"""The default recipe's generator: seed -> 256 -> 512 -> 784 (the book's: seed -> 200 -> 784)."""


def stable_discriminator(pack: int = MNIST_PACK, minibatch_std: bool = True):
    """The default recipe's judge, shared by the ``mnist`` and ``conv`` recipes: the book's
    improved MNIST discriminator (784 -> 200, LeakyReLU(0.02), LayerNorm), packed and given
    the minibatch's spread."""
    from mynn.gan.models import MnistDiscriminator

    return MnistDiscriminator(minibatch_std=minibatch_std, pack=pack)


def stable_mnist(
    pack: int = MNIST_PACK,
    minibatch_std: bool = True,
    hidden: int | tuple[int, ...] = MNIST_GENERATOR_HIDDEN,
):
    """The default recipe's networks: the book's improved layers (LeakyReLU(0.02), LayerNorm,
    100 normal numbers per seed), D packed and given the minibatch's spread
    (:func:`stable_discriminator`), G two hidden layers deep. The arguments take one change
    away (``benchmarks/bench_gan.py --ablation``)."""
    from mynn.gan.models import MnistGenerator

    return stable_discriminator(pack, minibatch_std), MnistGenerator(hidden=hidden)


register(
    Recipe(
        name="mnist",
        summary="the book's improved MNIST networks, made to draw every digit: D judges pairs "
        "of images (packing) and sees the minibatch's spread, G two hidden layers deep, "
        "minibatches of 128, Adam 4e-4, label smoothing 0.1, G's weights averaged",
        build=stable_mnist,
        optimizers=_adam(4e-4, (0.5, 0.999)),
        loss="bce",
        epochs=EPOCHS_MNIST,
        batch_size=128,
        label_smoothing=0.1,
        ema=0.999,
    )
)
"""The default of ``python -m mynn gan``: the book's improved networks plus the field's tools
against mode collapse (:mod:`mynn.gan.stable`). Why each setting:

- The book's improved GAN, trained in small batches on the 4,000 bundled digits, covered 4
  to 8 of the 10 digit classes, and training longer made it worse; large batches collapsed
  faster (batch 64 with Adam 2e-4 covered 4 classes after 60 s, batch 4 covered 7;
  measured for the project's GAN notes).
- **Packing** (PacGAN, :data:`MNIST_PACK` = 2) is what beats the collapse: D judges two
  images side by side, so a generator that draws few kinds of digit is caught in every
  pair. The previous default (the same tools without packing: book-sized networks,
  minibatch std, batch 64, Adam 2e-4) ended with 5 classes (85% confident) after 220 epochs
  and swung between 5 and 8 classes from one checkpoint to the next; with packing added
  and nothing else changed it covered 10 classes at every checkpoint from epoch 40 on
  but one (9), but only 67-72% of its samples were read confidently. Taken out of the
  final recipe (the rest unchanged), packing leaves 9 classes and a Fréchet distance of
  39.5 instead of 13.6 (84% confident; ``bench_gan.py --ablation packing``).
- **A deeper generator** (:data:`MNIST_GENERATOR_HIDDEN`, seed -> 256 -> 512 -> 784, the
  book's LeakyReLU(0.02) and LayerNorm after each) draws sharper digits: 77% confident
  after 120 epochs (123 s) where the book's one layer of 200 had 69%. A larger D (784 x 2 ->
  512 -> 256) cost more and did no better; LeakyReLU(0.2) instead of the book's 0.02 did
  worse (64% after 100 epochs).
- **Minibatches of 128 with Adam 4e-4** (beta1 = 0.5, DCGAN's): a step of these small
  networks costs only about 1.25 times as much CPU for 128 images as for 64, so twice the batch (and twice
  the learning rate) buys about 1.5 times the progress per CPU second (75% confident after
  65 s against 74% after 101 s at batch 64). Batch 256 with the same lr covered
  only 5-7 classes in its first 80 epochs; two time-scale rates (D 4e-4, G 1e-4, batch 64) kept 7-9.
- The minibatch-std feature (Karras et al. 2018) stays: D also sees how much the images of
  the whole minibatch differ. Label smoothing 0.1 (without it the previous default collapsed
  to one class) and the weight average (decay 0.999, about the last 1,000 steps, i.e. 31
  epochs; samples come from it) as before.
- 200 epochs (6,400 steps): 135 s of CPU on one thread in the tuning run, 166 s in the
  benchmark while eight sessions shared two cores: within the 3-minute budget.

Measured (seed 0, one thread, benchmarks/RESULTS.md): 10 of 10 classes, 82% of 1,000
samples read confidently, precision 0.72, recall 0.79, Fréchet distance 13.6 (real
held-out digits: 10, 96%, 0.86, 0.87, 6.8). Scored every 20 epochs of the same run, the
classes covered were 10 from epoch 60 on and the confident share rose steadily (0.68, 0.70,
0.75, 0.77, 0.79, 0.82, 0.84, 0.82 at epochs 60 to 200): the end point is not a lucky
checkpoint. These settings were chosen on seed 0 by about ten runs; seed 1 ends at 10
classes, 82% confident, precision 0.71, recall 0.77, seed 2 at 10 classes, 83%, 0.72, 0.76
(benchmarks/RESULTS.md).
"""

register(
    Recipe(
        name="mnist-book",
        summary="the book's improved MNIST GAN as the book trains it: LeakyReLU, LayerNorm, "
        "BCE, 100-number seeds, Adam 1e-4, one image at a time, 4 epochs",
        build=_improved_mnist,
        optimizers=_adam(1e-4, (0.9, 0.999)),
        loss="bce",
        epochs=4,
        batch_size=1,
    )
)
"""The book's improved GAN, faithful: its networks, BCE, Adam lr 1e-4 with PyTorch's default
betas, one image at a time, 4 epochs (the book: of all 60,000 digits, 30 minutes on a CPU;
here of the 4,000 bundled ones, 16,000 steps)."""

register(
    Recipe(
        name="mnist-first",
        summary="the book's first MNIST GAN (sigmoid, MSE, SGD 0.01, one-number seeds), "
        "one image at a time: it collapses",
        build=_first_attempt_mnist,
        optimizers=_sgd(0.01),
        loss="mse",
        epochs=1,
        batch_size=1,
    )
)
"""The book's first MNIST GAN, faithful (one epoch, as the book's first run)."""


# --------------------------------------------------------------------------- part 2 (gan2)


def conv_digits(conv_discriminator: bool = False, **generator_options):
    """The ``conv`` recipe's networks: the ``mnist`` recipe's discriminator
    (:func:`stable_discriminator`) and a :class:`~mynn.gan.conv.ConvGenerator` of
    :data:`CONV_CHANNELS` channels.

    The arguments make one change (``benchmarks/bench_gan.py --ablation conv-...``):
    ``conv_discriminator=True`` judges with a packed
    :class:`~mynn.gan.conv.ConvDiscriminator` instead, and ``generator_options`` (such as
    ``hidden=None`` or ``channels=32``) go to the generator.
    """
    from mynn.gan.conv import ConvDiscriminator, ConvGenerator

    if conv_discriminator:
        discriminator = ConvDiscriminator(CONV_CHANNELS, minibatch_std=True, pack=MNIST_PACK)
    else:
        discriminator = stable_discriminator()
    generator_options.setdefault("channels", CONV_CHANNELS)
    return discriminator, ConvGenerator(**generator_options)


def _conditional_digits():
    from mynn.gan.conditional import ConditionalDiscriminator, ConditionalGenerator

    return ConditionalDiscriminator(), ConditionalGenerator()


CONV_CHANNELS = 16
"""Channels of the convolutional generator's 14 x 14 layer (32 at 7 x 7)."""

EPOCHS_CONV = 125
EPOCHS_CONDITIONAL = 24

register(
    # every training setting of the default recipe; only the networks and epochs differ
    replace(
        RECIPES["mnist"],
        name="conv",
        summary="a convolutional generator for digits (seed -> 256 -> 7 x 7, ConvTranspose2d "
        "7->14->28, BatchNorm) against the default recipe's packed discriminator; "
        "minibatches of 128, Adam 4e-4, label smoothing, G's weights averaged",
        build=conv_digits,
        epochs=EPOCHS_CONV,
    )
)
"""The convolutional GAN for digits: :class:`mynn.gan.conv.ConvGenerator` draws, the
``mnist`` recipe's discriminator judges. Every setting but the generator is the ``mnist``
recipe's, so the two recipes compare generators. Why each choice (seed 0, one thread,
1,000 samples of the averaged generator scored by :mod:`mynn.gan.quality`; the tuning runs
scored every 600 or 800 steps and ran two at a time on two cores, so their CPU seconds
are a little high):

- **The discriminator is not convolutional.** Every convolutional judge that fits the CPU
  budget held its generator at a precision near 0.3 (samples off the real digits'
  manifold): the previous ``conv`` recipe (``ConvDiscriminator`` and a generator without
  the hidden layer, 32 channels, batch 64, Adam 2e-4, 38 epochs) ended at 9 classes, 67%
  confident, precision 0.32 after 183 s; 16 channels, packed, batch 128, Adam 4e-4: 10
  classes, 68%, 0.31 after 167 s. The same generator judged by the ``mnist`` recipe's
  packed fully connected D (1,568 -> 200, LayerNorm, minibatch std): 10 classes, 73%, 0.54
  after 147 s. With the final generator, the packed ``ConvDiscriminator`` (16 channels)
  reached 70%, precision 0.36, recall 0.42 after 4,000 steps (196 s), where the fully
  connected one reached 80%, 0.65, 0.85 (145 s). ``benchmarks/bench_gan.py --ablation
  conv-discriminator`` runs that comparison with the recipe's own settings: 9 classes, 72%,
  precision 0.38, recall 0.37, Fréchet distance 69.5, against the recipe's 10, 82%, 0.66,
  0.86, 16.1. Its 16 and 32 channels see the image through a narrow window; a wider one
  costs more per step than the budget allows.
- **A hidden layer before the 7 x 7 map** (``hidden=256``, BatchNorm, ReLU) lays out the
  digit; without it (the seed straight to 7 x 7, as DCGAN does) the digits were wobbly
  blobs: 74% confident against 82%, precision 0.51 against 0.66, Fréchet distance 30.3
  against 16.1 (``--ablation conv-hidden``, benchmarks/RESULTS.md). 512 hidden nodes did
  no better per CPU second (81% after 171 s).
- **16 channels** (:data:`CONV_CHANNELS`): a step costs half of 32 channels' (41 against
  83 ms for a minibatch of 64), so twice the steps fit the budget; 24 channels did no
  better per CPU second. BatchNorm in the generator stays: without it, 4 to 5 classes.
- Tried and not adopted: a learned bias per pixel before the sigmoid (no change with the
  hidden layer: 80% either way), Adam 2e-4 in minibatches of 64 (73% after 171 s), a
  weight average of decay 0.9995, random shifts of D's input by up to 2 pixels
  (DiffAugment-style; 64% with the first generator).
- :data:`EPOCHS_CONV` = 125 (4,000 steps of 128): 158 to 171 s of CPU on one thread,
  measured with a second process busy on the two cores. Scored every 800 steps (samples
  of seed 0): seed 1 66%, 75%, 79%, 80%, 81% confident, seed 2 66%, 75%, 77%, 79%, 80%,
  all 10 classes at every checkpoint: the end point is not a lucky one. Final scores
  (benchmarks/RESULTS.md): seed 0 10 classes, 82%, precision 0.66, recall 0.86, Fréchet
  distance 16.1 in 158 s; seeds 1 and 2 82% and 81%.
"""

register(
    Recipe(
        name="conditional",
        summary="the book's conditional GAN (the label one-hot beside the pixels and the "
        "seed), drawing the digit asked for",
        build=_conditional_digits,
        optimizers=_adam(1e-3, (0.5, 0.999)),
        loss="bce",
        epochs=EPOCHS_CONDITIONAL,
        batch_size=32,
        conditional=True,
    )
)
"""The book's conditional GAN (:mod:`mynn.gan.conditional`), its networks and loss. Why the
training differs from the book's (one image at a time, Adam 1e-4, 12 epochs of 60,000 digits):
on the 4,000 bundled digits the book's lr 1e-4 in minibatches of 4 left the generator
mostly ignoring its label after 16 epochs (0.16 of its samples read as the digit asked for);
minibatches of 32 with Adam 1e-3 and beta1 = 0.5 reached 0.83 in 16 epochs (2,000 steps),
still rising: the label is the last thing the generator learns, so the recipe trains 24.
No weight average here: at 16 epochs it lowered recognition to 0.73, as the average still
remembers the steps before the label was learned.
"""
