"""Moved to :mod:`mynn.gan.celeba` (CelebA is used only by the face GANs).

This module keeps ``from mynn.celeba import build_hdf5`` (and the other names) working
for readers' code written before the move.
"""

from mynn.gan.celeba import (
    GROUP,
    BuildResult,
    CelebADataset,
    build_hdf5,
    centre_crop,
    demo_zip,
    image_entries,
    load_faces,
)

__all__ = [
    "GROUP",
    "BuildResult",
    "CelebADataset",
    "build_hdf5",
    "centre_crop",
    "demo_zip",
    "image_entries",
    "load_faces",
]
