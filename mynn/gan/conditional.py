"""The book's conditional GAN: ask the generator for a particular digit.

A plain GAN draws whichever digit its random seed leads to. The conditional GAN of
*Make Your First GAN With PyTorch* (part 2, "conditional GAN") gives both networks the
digit's label as a one-hot vector of 10 numbers (a 1 at the label's place), concatenated
to their usual input:

- the discriminator takes 784 pixels + 10 = 794 inputs -> 200 (LeakyReLU(0.02),
  LayerNorm) -> 1, sigmoid: "is this a real image *of this digit*?";
- the generator takes 100 random numbers + 10 = 110 inputs -> 200 (LeakyReLU(0.02),
  LayerNorm) -> 784, sigmoid.

During training (:func:`mynn.gan.training.train_gan` with ``labels``) D sees each real
image with its true label and each fake with the random label G was asked for, so G only
fools D by drawing the digit it was asked for. Afterwards, ``G(seed, onehot(3))`` draws a 3.

:func:`recognition` measures how well that works: the share of generated images that a
separate digit classifier (:func:`mynn.gan.quality.digit_classifier`) reads as the digit
that was asked for, per digit and overall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from mynn.errors import UsageError
from mynn.gan.models import Discriminator, Generator
from mynn.gan.training import generate

__all__ = [
    "ConditionalDiscriminator",
    "ConditionalGenerator",
    "Recognition",
    "each_digit",
    "recognition",
    "same_seeds_each_digit",
]


def _check_onehot(onehot: Tensor, rows: int, n_classes: int) -> None:
    if onehot.shape != (rows, n_classes):
        raise UsageError(
            f"expected one one-hot label of {n_classes} numbers per image, shape "
            f"({rows}, {n_classes}); got {tuple(onehot.shape)}"
        )


class ConditionalDiscriminator(Discriminator):
    """The book's conditional discriminator: 784 + 10 -> 200 -> 1.

    ``D(images, onehot)``: images (n, 784) in 0..1 and their labels one-hot (n, 10),
    concatenated into 794 inputs; Linear, LeakyReLU(0.02), LayerNorm(200), Linear, sigmoid.
    """

    conditional = True

    def __init__(self, n_classes: int = 10, hidden: int = 200):
        super().__init__()
        self.n_classes = n_classes
        self.model = nn.Sequential(
            nn.Linear(784 + n_classes, hidden),
            nn.LeakyReLU(0.02),
            nn.LayerNorm(hidden),
            nn.Linear(hidden, 1),
            nn.Sigmoid(),
        )

    def forward(self, images: Tensor, onehot: Tensor) -> Tensor:
        images = images.reshape(len(images), -1)
        _check_onehot(onehot, len(images), self.n_classes)
        return self.model(torch.cat((images, onehot), dim=1))


class ConditionalGenerator(Generator):
    """The book's conditional generator: 100 + 10 -> 200 -> 784.

    ``G(seeds, onehot)``: seeds (n, 100) from ``randn`` and the wanted digits one-hot
    (n, 10), concatenated into 110 inputs; Linear, LeakyReLU(0.02), LayerNorm(200), Linear,
    sigmoid. Returns (n, 784) pixels in 0..1 (1 = ink).
    """

    conditional = True

    def __init__(self, seed_size: int = 100, n_classes: int = 10, hidden: int = 200):
        super().__init__()
        if seed_size < 1:
            raise UsageError(f"seed_size must be at least 1, got {seed_size}")
        self.seed_size, self.n_classes = seed_size, n_classes
        self.model = nn.Sequential(
            nn.Linear(seed_size + n_classes, hidden),
            nn.LeakyReLU(0.02),
            nn.LayerNorm(hidden),
            nn.Linear(hidden, 784),
            nn.Sigmoid(),
        )

    def forward(self, seeds: Tensor, onehot: Tensor) -> Tensor:
        _check_onehot(onehot, len(seeds), self.n_classes)
        return self.model(torch.cat((seeds, onehot), dim=1))


def each_digit(generator: Generator, per_digit: int, seed: int = 0) -> np.ndarray:
    """``per_digit`` images of each class in class order (all 0s first): float32, (10 n, 784).

    Row ``k`` was asked to be digit ``k // per_digit``.
    """
    if per_digit < 1:
        raise UsageError(f"per_digit must be at least 1, got {per_digit}")
    labels = np.repeat(np.arange(generator.n_classes), per_digit)
    return generate(generator, len(labels), seed=seed, labels=labels).reshape(len(labels), -1)


def same_seeds_each_digit(generator: Generator, n_seeds: int, seed: int = 0) -> np.ndarray:
    """The same ``n_seeds`` seeds asked for every digit: float32, (10 n_seeds, 784).

    Row ``k`` is digit ``k // n_seeds`` drawn from seed ``k % n_seeds``: laid out
    ``n_seeds`` to a row, each row asks for one digit and each column keeps one seed, so a
    column shows what the seed carries across the labels (the style of the handwriting).
    """
    if n_seeds < 1:
        raise UsageError(f"n_seeds must be at least 1, got {n_seeds}")
    device = next(generator.parameters()).device
    seeds = generator.random_seeds(n_seeds, torch.Generator(device=device).manual_seed(seed))
    n = generator.n_classes * n_seeds
    labels = np.repeat(np.arange(generator.n_classes), n_seeds)
    return generate(
        generator, n, seeds=seeds.repeat(generator.n_classes, 1), labels=labels
    ).reshape(n, -1)


@dataclass(frozen=True)
class Recognition:
    """How often the classifier reads a generated image as the digit that was asked for.

    ``per_digit[d]`` is the share for digit ``d`` (``nan`` where none was asked for),
    ``overall`` the share over all images, ``counts[d]`` how many images asked for ``d``,
    and ``confusion[d, r]`` how many images asked to be ``d`` were read as ``r``.
    """

    per_digit: tuple[float, ...]
    overall: float
    counts: tuple[int, ...]
    confusion: np.ndarray

    def line(self) -> str:
        """The line ``python -m mynn gan --model conditional`` prints."""
        return f"requested digit recognised: {self.overall:.2f}"

    def table(self) -> str:
        """Per digit: asked for, share recognised."""
        shares = " ".join(f"{d}:{share:.2f}" for d, share in enumerate(self.per_digit))
        return f"recognised per requested digit: {shares}"


def recognition(images: Any, requested: Any, cache=None) -> Recognition:
    """Score a conditional GAN: the share of ``images`` read as the ``requested`` digit.

    Parameters
    ----------
    images : array (n, 784) of 0..1 floats or 0..255 uint8 (or (n, 28, 28), torch too)
    requested : int array (n,)
        The digit each image was asked to be.
    cache : path, optional
        The digit classifier's cache file (see :func:`mynn.gan.quality.digit_classifier`).

    The reading is the classifier's most probable digit (no confidence threshold).
    """
    from mynn.gan.quality import as_digit_array, digit_classifier
    from mynn.gan.training import torch_threads
    from mynn.network import confusion_matrix

    x = as_digit_array(images)
    wanted = np.asarray(requested)
    if wanted.shape != (len(x),) or not np.issubdtype(wanted.dtype, np.integer):
        raise UsageError(
            f"requested must hold one whole-number digit per image, shape ({len(x)},); got "
            f"{wanted.shape} of {wanted.dtype}"
        )
    if wanted.min() < 0 or wanted.max() > 9:
        raise UsageError("requested digits must lie in 0..9")
    model = digit_classifier(cache=cache)
    with torch_threads(1), torch.no_grad():
        read = model(torch.from_numpy(x)).argmax(dim=1).numpy()
    confusion = confusion_matrix(labels=wanted, predicted=read)
    counts = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.diag(confusion) / counts
    return Recognition(
        per_digit=tuple(float(s) for s in shares),
        overall=float(np.mean(read == wanted)),
        counts=tuple(int(c) for c in counts),
        confusion=confusion,
    )
