"""The book's convolutional face GAN, built from the one definition of its layers.

*Make Your First GAN With PyTorch* gives the CelebA discriminator (3 x 128 x 128 -> 61 ->
27 -> 10 -> 1, three kernel-8 stride-2 convolutions) and generator (100 -> 3 x 11 x 11 ->
28 -> 62 -> 128, three kernel-8 stride-2 transposed convolutions, the last with padding 1).
Their layers are written down once, torch-free, as :data:`mynn.convsize.BOOK_CELEBA_DISCRIMINATOR`
and :data:`mynn.convsize.BOOK_CELEBA_GENERATOR` (so notebook 10 can trace their sizes
without PyTorch); :func:`torch_layers` turns those specs into ``torch.nn`` modules, in the
same order, so :class:`FaceDiscriminator` and :class:`FaceGenerator` are the specs and
cannot drift from them. :mod:`mynn.gan.conv` re-exports both classes.
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor, nn

from mynn.convsize import (
    BOOK_CELEBA_DISCRIMINATOR,
    BOOK_CELEBA_GENERATOR,
    Conv,
    ConvTranspose,
    Linear,
    Reshape,
    Unchanged,
)
from mynn.errors import UsageError
from mynn.gan.models import Discriminator, Generator

__all__ = ["FaceDiscriminator", "FaceGenerator", "torch_layers"]

_BOOK_ACTIVATION = "LeakyReLU(0.2)"
"""The activation the book puts between the face networks' layers (GELU in a variant)."""


def torch_layers(specs: Sequence, activation: str = "leaky_relu") -> list[nn.Module]:
    """``torch.nn`` modules for a sequence of :mod:`mynn.convsize` layer specs, in order.

    ``Conv``/``ConvTranspose`` become ``nn.Conv2d``/``nn.ConvTranspose2d`` with the same
    kernel, stride and padding; ``Linear`` becomes ``nn.Linear``; ``Reshape`` to one size
    becomes ``nn.Flatten()``, to (channels, height, width) ``nn.Unflatten``; the labels
    ``"BatchNorm2d(c)"`` and ``"Sigmoid()"`` their modules, and the book's
    ``"LeakyReLU(0.2)"`` the chosen ``activation`` ("leaky_relu" or "gelu").
    """
    from mynn.gan.conv import _activation

    layers: list[nn.Module] = []
    for spec in specs:
        if isinstance(spec, (Conv, ConvTranspose)):
            transposed = isinstance(spec, ConvTranspose)
            layer = nn.ConvTranspose2d if transposed else nn.Conv2d
            extra = {"output_padding": spec.output_padding} if transposed else {}
            sizes = {"stride": spec.stride, "padding": spec.padding, "dilation": spec.dilation}
            layers.append(
                layer(spec.in_channels, spec.out_channels, spec.kernel_size, **sizes, **extra)
            )
        elif isinstance(spec, Linear):
            layers.append(nn.Linear(spec.in_features, spec.out_features))
        elif isinstance(spec, Reshape):
            shape = tuple(spec.shape)
            layers.append(nn.Flatten() if len(shape) == 1 else nn.Unflatten(1, shape))
        elif isinstance(spec, Unchanged) and spec.name == _BOOK_ACTIVATION:
            layers.append(_activation(activation))
        elif isinstance(spec, Unchanged) and spec.name.startswith("BatchNorm2d("):
            layers.append(nn.BatchNorm2d(int(spec.name[len("BatchNorm2d(") : -1])))
        elif isinstance(spec, Unchanged) and spec.name == "Sigmoid()":
            layers.append(nn.Sigmoid())
        else:
            raise UsageError(f"no torch module is known for the layer spec {spec!r}")
    return layers


class FaceDiscriminator(Discriminator):
    """The book's convolutional CelebA discriminator: 3 x 128 x 128 -> 61 -> 27 -> 10 -> 1.

    Three Conv2d with kernel 8 and stride 2 (3 -> 256 -> 256 -> 3 channels), BatchNorm
    and LeakyReLU(0.2) after the first two, LeakyReLU(0.2) after the third, then the
    3 x 10 x 10 = 300 numbers -> 1, sigmoid (:data:`~mynn.convsize.BOOK_CELEBA_DISCRIMINATOR`).
    ``activation="gelu"`` is the book's GELU variant. Takes (n, 3, 128, 128) images in
    0..1; returns (n, 1).
    """

    def __init__(self, activation: str = "leaky_relu"):
        super().__init__()
        self.model = nn.Sequential(*torch_layers(BOOK_CELEBA_DISCRIMINATOR, activation))

    def forward(self, images: Tensor) -> Tensor:
        return self.model(images)


class FaceGenerator(Generator):
    """The book's convolutional CelebA generator: 100 -> 3 x 11 x 11 -> 28 -> 62 -> 128.

    Linear(100, 363), LeakyReLU(0.2), viewed as 3 x 11 x 11; three ConvTranspose2d with
    kernel 8 and stride 2 (3 -> 256 -> 256 -> 3 channels, the last with padding 1), each
    followed by BatchNorm, LeakyReLU(0.2) after the first two, a sigmoid after the last
    (:data:`~mynn.convsize.BOOK_CELEBA_GENERATOR`). Seeds are ``randn(100)``. Returns
    (n, 3, 128, 128) images in 0..1.
    """

    seed_size = 100

    def __init__(self, activation: str = "leaky_relu"):
        super().__init__()
        self.model = nn.Sequential(*torch_layers(BOOK_CELEBA_GENERATOR, activation))

    def forward(self, seeds: Tensor) -> Tensor:
        return self.model(seeds)
