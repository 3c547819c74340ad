"""Convolutional GANs: one for 28 x 28 digits, and the book's one for 128 x 128 CelebA faces.

*Make Your First GAN With PyTorch* replaces the fully connected layers with convolutions
in two places: a convolutional MNIST classifier (kernel 5 then 3, stride 2, so the image
shrinks 28 -> 12 -> 5 and 10 x 5 x 5 = 250 features remain), and a convolutional GAN for
faces, whose discriminator shrinks a 128 x 128 crop with three kernel-8, stride-2
convolutions (128 -> 61 -> 27 -> 10) and whose generator grows an 11 x 11 image back with
three transposed convolutions (11 -> 28 -> 62 -> 128, the last with padding 1):

    out = floor((in + 2p - k) / s) + 1          convolution
    out = (in - 1) s - 2p + k + output_padding  transposed convolution

:class:`FaceDiscriminator` and :class:`FaceGenerator` are the book's face networks
(BatchNorm and LeakyReLU(0.2) between the layers, a sigmoid at the end), ready to train
on :class:`mynn.celeba.CelebADataset` where a reader has CelebA and a GPU; they are
defined in :mod:`mynn.gan.faces`, from the layer specs of :mod:`mynn.convsize`, and
importable from here.

The book trains no convolutional GAN on digits; :class:`ConvDiscriminator` and
:class:`ConvGenerator` apply the face GAN's recipe (strided convolutions, BatchNorm,
LeakyReLU(0.2) in D, a sigmoid at the end) to 28 x 28 digits. Their kernel-4, stride-2,
padding-1 layers halve the image exactly (28 -> 14 -> 7) and the generator doubles it back
(7 -> 14 -> 28), the usual DCGAN layout. A first version with the sizes of the book's
classifier (28 -> 12 -> 5, kernels 5 and 3, ``output_padding=1`` on the way back) trained
more slowly: on the 4,000 bundled digits it covered 5 classes after 8 epochs where this
one covers 9 after 2.
The generator adds a fully connected layer before its first 7 x 7 map, which lays the
digit out; the transposed convolutions then draw its strokes. ``python -m mynn gan
--model conv`` trains :class:`ConvGenerator` against the default recipe's packed, fully
connected discriminator, not :class:`ConvDiscriminator`: at channel counts a CPU can train
in three minutes, the convolutional judge was too weak a critic (the ``conv`` recipe in
:mod:`mynn.gan.recipes` gives the measurements).
Both read and write digits as everywhere else in :mod:`mynn.gan`: 784 values per image in
0..1 (a 1 x 28 x 28 image is accepted too), so the same training loop, samples and quality
measures serve the fully connected and the convolutional GAN.

Each network keeps its layers in an ``nn.Sequential`` called ``model``, so
``mynn.convsize.trace(network.model, 28)`` prints the shape after every layer.
"""

from __future__ import annotations

from torch import Tensor, nn

from mynn.errors import UsageError
from mynn.gan.faces import FaceDiscriminator, FaceGenerator  # defined once, from convsize's specs
from mynn.gan.models import Discriminator, Generator
from mynn.gan.stable import MinibatchStd, pack_rows, unpack_scores

__all__ = [
    "ConvDiscriminator",
    "ConvGenerator",
    "FaceDiscriminator",
    "FaceGenerator",
]


def _activation(name: str) -> nn.Module:
    if name == "leaky_relu":
        return nn.LeakyReLU(0.2)
    if name == "gelu":
        return nn.GELU()
    raise UsageError(f"activation must be 'leaky_relu' or 'gelu', got {name!r}")


def _as_digit_images(images: Tensor) -> Tensor:
    if images.shape[-1] == 784 or images.shape[-3:] == (1, 28, 28):
        return images.reshape(-1, 1, 28, 28)
    raise UsageError(
        f"expected digits of 784 values (or 1 x 28 x 28), got a tensor of shape "
        f"{tuple(images.shape)}"
    )


# --------------------------------------------------------------------------- digits


class ConvDiscriminator(Discriminator):
    """A convolutional discriminator for 28 x 28 digits: 28 -> 14 -> 7 -> 1.

    Conv2d(1, ``channels``, kernel 4, stride 2, padding 1) -> 14 x 14, LeakyReLU(0.2);
    Conv2d(``channels``, 2 ``channels``, kernel 4, stride 2, padding 1) -> 7 x 7,
    BatchNorm, LeakyReLU(0.2); then all 2 ``channels`` x 7 x 7 numbers -> 1, sigmoid.
    LeakyReLU(0.2) and BatchNorm as in the book's face discriminator.
    ``minibatch_std=True`` appends the minibatch's spread to the 2 ``channels`` x 7 x 7
    numbers before the last layer (:class:`mynn.gan.stable.MinibatchStd`).
    ``pack`` > 1 (PacGAN) judges that many digits at once, stacked as the input's channels
    (the first convolution takes ``pack`` channels), and gives each the pack's score.

    Takes digits as (n, 784) or (n, 1, 28, 28); returns (n, 1) scores, 1 = real.
    """

    def __init__(
        self,
        channels: int = 32,
        activation: str = "leaky_relu",
        minibatch_std: bool = False,
        pack: int = 1,
    ):
        super().__init__()
        if pack < 1:
            raise UsageError(f"pack must be at least 1, got {pack}")
        self.channels, self.minibatch_std, self.pack = channels, minibatch_std, pack
        wide = 2 * channels
        spread = [MinibatchStd()] if minibatch_std else []
        self.model = nn.Sequential(
            nn.Conv2d(pack, channels, kernel_size=4, stride=2, padding=1),
            _activation(activation),
            nn.Conv2d(channels, wide, kernel_size=4, stride=2, padding=1),
            nn.BatchNorm2d(wide),
            _activation(activation),
            nn.Flatten(),
            *spread,
            nn.Linear(wide * 7 * 7 + len(spread), 1),
            nn.Sigmoid(),
        )

    def forward(self, images: Tensor) -> Tensor:
        images = _as_digit_images(images)
        if self.pack == 1:
            return self.model(images)
        packed = pack_rows(images, self.pack).reshape(-1, self.pack, 28, 28)
        return unpack_scores(self.model(packed), self.pack)


class ConvGenerator(Generator):
    """A convolutional generator for 28 x 28 digits: seed -> 7 x 7 -> 14 -> 28.

    Linear(``seed_size``, ``hidden``), BatchNorm, ReLU; Linear(``hidden``, 2 ``channels``
    x 7 x 7), BatchNorm, ReLU, viewed as 2 ``channels`` x 7 x 7; ConvTranspose2d(kernel 4,
    stride 2, padding 1) -> 14 x 14, BatchNorm, ReLU; ConvTranspose2d(``channels``, 1,
    kernel 4, stride 2, padding 1) -> 28 x 28, sigmoid. The sizes of
    :class:`ConvDiscriminator` in reverse.

    The fully connected layers lay the digit out on a coarse 7 x 7 grid (which stroke goes
    where); the transposed convolutions draw the strokes, with the same small kernels
    everywhere. ``hidden=None`` leaves out the first layer (the seed straight to 7 x 7, as
    DCGAN does); at the channel counts a CPU trains in minutes, that generator's digits
    were wobbly (see the ``conv`` recipe in :mod:`mynn.gan.recipes`).

    Seeds are ``randn(seed_size)`` as for the book's improved generator. Returns (n, 784)
    pixel values in 0..1 (1 = ink, MNIST orientation), like the fully connected generator.
    """

    def __init__(
        self,
        seed_size: int = 100,
        channels: int = 16,
        hidden: int | None = 256,
    ):
        super().__init__()
        if seed_size < 1:
            raise UsageError(f"seed_size must be at least 1, got {seed_size}")
        if hidden is not None and hidden < 1:
            raise UsageError(
                f"hidden must be at least 1 (or None for no hidden layer), got {hidden}"
            )
        self.seed_size, self.channels = seed_size, channels
        self.hidden = hidden
        wide = 2 * channels
        front = [nn.Linear(seed_size, hidden), nn.BatchNorm1d(hidden), nn.ReLU()] if hidden else []
        self.model = nn.Sequential(
            *front,
            nn.Linear(hidden or seed_size, wide * 7 * 7),
            nn.BatchNorm1d(wide * 7 * 7),
            nn.ReLU(),
            nn.Unflatten(1, (wide, 7, 7)),
            nn.ConvTranspose2d(wide, channels, kernel_size=4, stride=2, padding=1),
            nn.BatchNorm2d(channels),
            nn.ReLU(),
            nn.ConvTranspose2d(channels, 1, kernel_size=4, stride=2, padding=1),
            nn.Sigmoid(),
        )

    def forward(self, seeds: Tensor) -> Tensor:
        return self.model(seeds).flatten(1)
