"""The book's discriminators and generators: the 1010 pattern and MNIST digits.

*Make Your First GAN With PyTorch* builds every network as a small stack of
``nn.Linear`` layers:

- the **1010 pattern** (part 1): discriminator 4 -> 3 -> 1 and generator 1 -> 3 -> 4, a
  sigmoid after every layer; the generator's input is always the number 0.5;
- the **first MNIST GAN** (part 1): discriminator 784 -> 200 -> 1 and generator
  1 -> 200 -> 784, sigmoid layers, the generator fed one random number ``rand(1)``. It
  collapses: every image it draws is the same blurry one;
- the **improved MNIST GAN** (part 1, "refining GANs"): LeakyReLU(0.02) after the hidden
  layer, then LayerNorm, a sigmoid output; the generator fed 100 numbers from ``randn``.

:class:`MnistDiscriminator` and :class:`MnistGenerator` take the book's improvements as
switches (``activation``, ``layer_norm``, ``seed_size``, ``seed_distribution``), so the
first attempt, the improved networks and every step between are the same two classes.

Every generator derives from :class:`Generator` (``seed_size``, :meth:`Generator.random_seeds`,
``conditional``) and every discriminator from :class:`Discriminator` (``conditional``), so
:func:`mynn.gan.training.train_gan` trains any of them. A conditional model (``conditional =
True``, with ``n_classes``) takes the one-hot label as a second argument, ``G(seeds, onehot)``
and ``D(images, onehot)``, and concatenates it to its input as the book does.

Weights start from PyTorch's default ``nn.Linear`` initialisation, as in the book. Build
models inside :func:`seeded` for repeatable weights.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from mynn.errors import UsageError
from mynn.gan.stable import MinibatchStd, pack_rows, unpack_scores

#: The pattern the 1010 GAN learns: high, low, high, low.
PATTERN_1010 = (1.0, 0.0, 1.0, 0.0)

#: What the book's 1010 generator outputs after its 10,000 training steps (the book's printout).
#: mynn's run of the same GAN ends within 0.06 of it (tests/test_gan.py, notebook 20).
BOOK_1010_RESULT = (0.9387, 0.0527, 0.9389, 0.0474)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run the block with torch's global generator seeded by ``seed``, then restore it.

    >>> with seeded(0):
    ...     discriminator = MnistDiscriminator()
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


class Discriminator(nn.Module):
    """Base class: a network scoring inputs between 0 (fake) and 1 (real).

    ``conditional`` is True for discriminators that also take the one-hot label,
    ``D(images, onehot)``; they carry ``n_classes`` as well.
    """

    conditional: bool = False
    n_classes: int = 0


class Generator(nn.Module):
    """Base class: a network turning random seeds into fake data.

    Subclasses set ``seed_size`` (the length of one seed) and may override
    :meth:`random_seeds` (the default draws from the standard normal, ``randn``).
    ``conditional`` is True for generators that also take the one-hot label,
    ``G(seeds, onehot)``; they carry ``n_classes`` as well.
    """

    conditional: bool = False
    n_classes: int = 0
    seed_size: int = 1

    def random_seeds(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """``n`` seeds of length ``seed_size`` on the model's device: ``randn`` by default."""
        return torch.randn(
            n, self.seed_size, generator=generator, device=_device_of(self, generator)
        )


def _device_of(module: nn.Module, generator: torch.Generator | None) -> torch.device:
    if generator is not None:
        return generator.device
    parameter = next(module.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")


def _check_activation(activation: str) -> None:
    if activation not in ("sigmoid", "leaky_relu"):
        raise UsageError(f"activation must be 'sigmoid' or 'leaky_relu', got {activation!r}")


def _hidden(n_in: int, n_out: int, activation: str, layer_norm: bool) -> list[nn.Module]:
    """The book's hidden layer: Linear, then sigmoid or LeakyReLU(0.02), then LayerNorm."""
    _check_activation(activation)
    layers = [nn.Linear(n_in, n_out)]
    layers.append(nn.Sigmoid() if activation == "sigmoid" else nn.LeakyReLU(0.02))
    if layer_norm:
        layers.append(nn.LayerNorm(n_out))
    return layers


# --------------------------------------------------------------------------- the 1010 pattern


def pattern_1010(n: int, generator: torch.Generator | None = None) -> Tensor:
    """``n`` real examples of the 1010 pattern, as the book draws them.

    Each row is [U(0.8, 1), U(0, 0.2), U(0.8, 1), U(0, 0.2)]: a noisy 1, 0, 1, 0.
    """
    if n < 1:
        raise UsageError(f"n must be at least 1, got {n}")
    noise = torch.rand(n, 4, generator=generator) * 0.2
    return torch.tensor([0.8, 0.0, 0.8, 0.0]) + noise


class PatternDiscriminator(Discriminator):
    """The book's 1010 discriminator: 4 -> 3 -> 1, a sigmoid after each layer."""

    def __init__(self) -> None:
        super().__init__()
        self.model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class PatternGenerator(Generator):
    """The book's 1010 generator: 1 -> 3 -> 4, a sigmoid after each layer.

    Its seed is not random: the book always feeds it the single number 0.5.
    """

    seed_size = 1

    def __init__(self) -> None:
        super().__init__()
        self.model = nn.Sequential(nn.Linear(1, 3), nn.Sigmoid(), nn.Linear(3, 4), nn.Sigmoid())

    def random_seeds(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """The book's seed for the 1010 generator: always 0.5."""
        return torch.full((n, 1), 0.5, device=_device_of(self, generator))

    def forward(self, seeds: Tensor) -> Tensor:
        return self.model(seeds)


# --------------------------------------------------------------------------- MNIST


class MnistDiscriminator(Discriminator):
    """The book's MNIST discriminator, 784 -> 200 -> 1, first attempt or improved.

    Parameters
    ----------
    activation : {"leaky_relu", "sigmoid"}
        After the hidden layer: the first attempt uses sigmoid, the improved LeakyReLU(0.02).
    layer_norm : bool
        LayerNorm(200) after the hidden layer's activation (the improved network).
    hidden : int
        Hidden nodes (the book: 200).
    minibatch_std : bool
        Beyond the book: append the minibatch's spread to the hidden values before the
        output layer (:class:`mynn.gan.stable.MinibatchStd`, hidden + 1 -> 1), so D can see
        a collapsed batch. False (the default) is the book's network.
    pack : int
        Beyond the book (PacGAN): judge ``pack`` images at once, side by side (the input
        layer takes ``pack * 784`` values) and give each of them the pack's score
        (:func:`mynn.gan.stable.pack_rows`). 1 (the default) is the book's network. A
        minibatch must split into whole packs.

    The output layer is always a sigmoid: a score between 0 (fake) and 1 (real).
    ``MnistDiscriminator("sigmoid", layer_norm=False)`` is the first attempt.
    """

    def __init__(
        self,
        activation: str = "leaky_relu",
        layer_norm: bool = True,
        hidden: int = 200,
        minibatch_std: bool = False,
        pack: int = 1,
    ):
        super().__init__()
        if pack < 1:
            raise UsageError(f"pack must be at least 1, got {pack}")
        self.activation, self.layer_norm = activation, layer_norm
        self.minibatch_std, self.pack = minibatch_std, pack
        spread = [MinibatchStd()] if minibatch_std else []
        self.model = nn.Sequential(
            *_hidden(784 * pack, hidden, activation, layer_norm),
            *spread,
            nn.Linear(hidden + len(spread), 1),
            nn.Sigmoid(),
        )

    def forward(self, images: Tensor) -> Tensor:
        if self.pack == 1:
            return self.model(images)
        return unpack_scores(self.model(pack_rows(images, self.pack)), self.pack)


class MnistGenerator(Generator):
    """The book's MNIST generator, seed -> 200 -> 784, first attempt or improved.

    Parameters
    ----------
    seed_size : int
        Numbers per seed: the first attempt 1, the improved 100.
    seed_distribution : {"normal", "uniform"}
        ``randn`` (the improved) or ``rand`` in [0, 1) (the first attempt).
    activation, layer_norm
        After each hidden layer, as in :class:`MnistDiscriminator`.
    hidden : int or tuple of int
        Hidden nodes (the book: one layer of 200). Beyond the book, a tuple stacks several
        hidden layers, e.g. ``(256, 512)``: seed -> 256 -> 512 -> 784.

    The output layer is a sigmoid: 784 pixel values in 0..1, 1 = ink, MNIST's orientation.
    ``MnistGenerator(1, "uniform", "sigmoid", layer_norm=False)`` is the first attempt.
    """

    def __init__(
        self,
        seed_size: int = 100,
        seed_distribution: str = "normal",
        activation: str = "leaky_relu",
        layer_norm: bool = True,
        hidden: int | tuple[int, ...] = 200,
    ):
        super().__init__()
        sizes = (hidden,) if isinstance(hidden, int) else tuple(hidden)
        if not sizes or min(sizes) < 1:
            raise UsageError(f"hidden must be a positive size or sizes, got {hidden!r}")
        if seed_size < 1:
            raise UsageError(f"seed_size must be at least 1, got {seed_size}")
        if seed_distribution not in ("normal", "uniform"):
            raise UsageError(
                f"seed_distribution must be 'normal' or 'uniform', got {seed_distribution!r}"
            )
        self.seed_size, self.seed_distribution = seed_size, seed_distribution
        self.activation, self.layer_norm = activation, layer_norm
        layers: list[nn.Module] = []
        for n_in, n_out in zip((seed_size, *sizes), sizes):
            layers += _hidden(n_in, n_out, activation, layer_norm)
        self.model = nn.Sequential(*layers, nn.Linear(sizes[-1], 784), nn.Sigmoid())

    def random_seeds(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """``randn(n, seed_size)``, or ``rand`` for the first attempt's uniform seeds."""
        draw = torch.randn if self.seed_distribution == "normal" else torch.rand
        return draw(n, self.seed_size, generator=generator, device=_device_of(self, generator))

    def forward(self, seeds: Tensor) -> Tensor:
        return self.model(seeds)


def first_attempt() -> tuple[MnistDiscriminator, MnistGenerator]:
    """The book's first MNIST GAN (sigmoid layers, one uniform random number per seed)."""
    return (
        MnistDiscriminator("sigmoid", layer_norm=False),
        MnistGenerator(1, "uniform", "sigmoid", layer_norm=False),
    )


def improved() -> tuple[MnistDiscriminator, MnistGenerator]:
    """The book's improved MNIST GAN (LeakyReLU(0.02), LayerNorm, 100 normal numbers per seed)."""
    return MnistDiscriminator(), MnistGenerator()


# --------------------------------------------------------------------------- the book's refinements


@dataclass(frozen=True)
class BookStep:
    """One stage of the book's MNIST GAN, from the first attempt to the improved one."""

    name: str
    change: str
    loss: str
    activation: str
    layer_norm: bool
    optimizer: str
    seed_size: int
    seed_distribution: str

    def build(self) -> tuple[MnistDiscriminator, MnistGenerator]:
        """Fresh D and G for this stage (use :func:`seeded` for repeatable weights)."""
        return (
            MnistDiscriminator(self.activation, self.layer_norm),
            MnistGenerator(
                self.seed_size, self.seed_distribution, self.activation, self.layer_norm
            ),
        )

    def recipe(self, epochs: int, batch_size: int):
        """This stage as a :class:`~mynn.gan.recipes.Recipe`: its networks, loss and optimiser,
        trained for ``epochs`` in minibatches of ``batch_size`` on one torch thread."""
        from mynn.gan.recipes import Recipe

        # Recipe fields in order: name, summary, build, optimizers, loss, epochs, batch_size
        return Recipe(
            self.name, self.change, self.build, self.optimizers, self.loss, epochs, batch_size
        )

    def optimizers(self, discriminator: nn.Module, generator: nn.Module):
        """The book's optimiser for this stage: SGD lr 0.01, or Adam lr 1e-4."""
        if self.optimizer == "sgd":
            return (
                torch.optim.SGD(discriminator.parameters(), lr=0.01),
                torch.optim.SGD(generator.parameters(), lr=0.01),
            )
        return (
            torch.optim.Adam(discriminator.parameters(), lr=1e-4),
            torch.optim.Adam(generator.parameters(), lr=1e-4),
        )


BOOK_STEPS = (
    BookStep("first attempt", "sigmoid, MSE, SGD 0.01, seed rand(1)", "mse", "sigmoid", False, "sgd", 1, "uniform"),
    BookStep("+ BCE loss", "binary cross-entropy instead of MSE", "bce", "sigmoid", False, "sgd", 1, "uniform"),
    BookStep("+ LeakyReLU", "LeakyReLU(0.02) in the hidden layers", "bce", "leaky_relu", False, "sgd", 1, "uniform"),
    BookStep("+ LayerNorm", "LayerNorm after the hidden layers", "bce", "leaky_relu", True, "sgd", 1, "uniform"),
    BookStep("+ Adam", "Adam lr 1e-4 instead of SGD", "bce", "leaky_relu", True, "adam", 1, "uniform"),
    BookStep("+ seed randn(100)", "100 normal random numbers per seed", "bce", "leaky_relu", True, "adam", 100, "normal"),
)  # fmt: skip
"""The book's MNIST GAN step by step ("refining GANs"), each stage adding one change."""
