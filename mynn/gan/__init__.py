"""GANs from *Make Your First GAN With PyTorch*: models, the training loop, quality, recipes.

- :mod:`mynn.gan.models`: the book's 1010 and MNIST discriminators and generators
- :mod:`mynn.gan.training`: :func:`~mynn.gan.training.train_gan`, the one training loop
  (per sample or minibatch, conditional or not), ``pick_device``, ``generate``
- :mod:`mynn.gan.quality`: a digit classifier and the measures of generated digits
  (classes covered, confident share, mean confidence, Fréchet distance, precision and recall)
- :mod:`mynn.gan.stable`: beyond the book, tools against mode collapse (minibatch std, the
  weight average; label smoothing is an option of ``train_gan``)
- :mod:`mynn.gan.recipes`: named GANs for ``python -m mynn gan --model NAME``
- :mod:`mynn.gan.command`: the ``python -m mynn gan`` command itself
- :mod:`mynn.gan.showcase`: the book's stages trained longer, shipped for notebook 21

``import mynn.gan`` does not import torch; the names below are loaded on first use.
"""

from __future__ import annotations

import importlib

_NAMES = {
    "Discriminator": "models",
    "Generator": "models",
    "seeded": "models",
    "train_gan": "training",
    "generate": "training",
    "pick_device": "training",
    "GanHistory": "training",
    "score_digits": "quality",
    "quality_table": "quality",
    "digit_classifier": "quality",
    "precision_recall": "quality",
    "WeightAverage": "stable",
    "MinibatchStd": "stable",
    "RECIPES": "recipes",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(importlib.import_module(f"mynn.gan.{_NAMES[name]}"), name)
    raise AttributeError(f"module 'mynn.gan' has no attribute {name!r}")
