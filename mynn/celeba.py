"""Moved to :mod:`mynn.gan.celeba` (CelebA is used only by the face GANs).

This module keeps ``from mynn.celeba import build_hdf5`` (and the other names) working
for readers' code written before the move.
"""

from mynn.gan.celeba import *  # noqa: F403 (every public name, as listed there)
from mynn.gan.celeba import __all__  # noqa: F401
