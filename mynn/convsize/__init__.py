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

from mynn.convsize import paddings, sizes, tracer
from mynn.convsize.paddings import *  # noqa: F403 (the names in paddings.__all__)
from mynn.convsize.sizes import *  # noqa: F403 (the names in sizes.__all__)
from mynn.convsize.tracer import *  # noqa: F403 (the names in tracer.__all__)

__all__ = sorted([*sizes.__all__, *paddings.__all__, *tracer.__all__])
