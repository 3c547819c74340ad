"""Output sizes of convolutions, transposed convolutions and pooling, and a layer tracer.

One idea per file:

- :mod:`mynn.convsize.sizes`: PyTorch's output-size formulas per layer, torch-free.
- :mod:`mynn.convsize.paddings`: the reverse questions (which padding gives the size I
  want?).
- :mod:`mynn.convsize.dimensions`: arguments given as an int or one value per dimension,
  and the checks the formulas share.
- :mod:`mynn.convsize.tracer`: layer specs, the book's three convolutional networks, and
  :func:`trace`, the shape after every layer of a network, and
  :func:`torch_output_size`, what PyTorch itself gives, to check them against.

Import the public names from here: ``from mynn.convsize import trace, conv_output_size``.
Importing this package does not import torch.
"""

from mynn.convsize.paddings import (
    conv_paddings,
    conv_transpose_paddings,
    output_padding_to_restore,
)
from mynn.convsize.sizes import (
    DIMENSION_NAMES,
    conv_output_size,
    conv_transpose_output_size,
    padding_sides,
    pool_output_size,
)
from mynn.convsize.tracer import (
    BOOK_CELEBA_DISCRIMINATOR,
    BOOK_CELEBA_GENERATOR,
    BOOK_MNIST_CNN,
    AvgPool,
    Conv,
    ConvTranspose,
    Flatten,
    LayerShape,
    Linear,
    MaxPool,
    Reshape,
    Trace,
    TraceRow,
    Unchanged,
    torch_output_size,
    trace,
)

__all__ = [
    "AvgPool",
    "BOOK_CELEBA_DISCRIMINATOR",
    "BOOK_CELEBA_GENERATOR",
    "BOOK_MNIST_CNN",
    "Conv",
    "ConvTranspose",
    "DIMENSION_NAMES",
    "Flatten",
    "LayerShape",
    "Linear",
    "MaxPool",
    "Reshape",
    "Trace",
    "TraceRow",
    "Unchanged",
    "conv_output_size",
    "conv_paddings",
    "conv_transpose_output_size",
    "conv_transpose_paddings",
    "output_padding_to_restore",
    "padding_sides",
    "pool_output_size",
    "torch_output_size",
    "trace",
]
