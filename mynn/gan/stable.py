"""Beyond the book: the field's tools against mode collapse, for :func:`~mynn.gan.training.train_gan`.

*Make Your First GAN With PyTorch* warns about mode collapse (a generator drawing a few
digits over and over) and leaves it there. The tools below are the usual remedies; each is
small, and each is a switch, so the book's networks stay as the book builds them:

- **minibatch standard deviation** (Karras et al. 2018, "Progressive growing of GANs"):
  :class:`MinibatchStd` gives the discriminator one extra number per image, how much the
  images *of the whole minibatch* differ from one another. A collapsed generator's batch
  hardly differs, real batches do, so D can tell collapse apart and G is pushed to vary.
  ``MnistDiscriminator(minibatch_std=True)`` and ``ConvDiscriminator(minibatch_std=True)``
  use it.
- **one-sided label smoothing** (Salimans et al. 2016, "Improved techniques for training
  GANs"): D's target for real images is ``1 - label_smoothing`` (0.9 for 0.1) instead of 1;
  fakes keep target 0 and G's target stays 1. D stops pushing its real scores to 1 with
  ever larger weights, and its gradients to G stay useful
  (``train_gan(..., label_smoothing=0.1)``).
- **an exponential moving average of the generator's weights** (Yazıcı et al. 2019, "The
  unusual effectiveness of averaging in GAN training"): :class:`WeightAverage` keeps
  ``average <- decay * average + (1 - decay) * weights`` after every step. The live
  generator circles around an equilibrium (notebook 11 shows why); the average sits nearer
  its middle and draws cleaner digits (``train_gan(..., ema=0.999)``). A warm-up keeps the
  random starting weights out of the average of a short run.
- **packing** (Lin et al. 2018, "PacGAN"): D judges ``pack`` images at once, side by side
  in one input, and answers one score for all of them (:func:`pack_rows`,
  :func:`unpack_scores`). Two digits drawn by a generator that draws only a few kinds of
  digit are often the same kind; two real ones seldom are. D can see that in every pair,
  so collapse costs G at every step (``MnistDiscriminator(pack=2)``).
- **larger minibatches with two time-scale learning rates** (Heusel et al. 2017, TTUR):
  separate learning rates for D and G, chosen in :mod:`mynn.gan.recipes`.
"""

from __future__ import annotations

import copy

import torch
from torch import Tensor, nn

from mynn.errors import UsageError

__all__ = ["MinibatchStd", "WeightAverage", "pack_rows", "unpack_scores"]


class MinibatchStd(nn.Module):
    """Append one feature to every row: the minibatch's mean standard deviation.

    For a batch ``h`` of shape (n, ...), the standard deviation of each feature across the
    n rows (population form, ``sqrt(mean((h - mean(h))^2) + eps)``), averaged over the
    features, is one number ``s``; the output is ``h`` flattened to (n, f) with ``s``
    appended to every row: (n, f + 1). One row alone gives ``s = sqrt(eps)``, about 0.
    """

    def __init__(self, eps: float = 1e-8):
        super().__init__()
        self.eps = eps

    def forward(self, h: Tensor) -> Tensor:
        flat = h.reshape(len(h), -1)
        spread = torch.sqrt(flat.var(dim=0, unbiased=False) + self.eps).mean()
        return torch.cat((flat, spread.expand(len(flat), 1)), dim=1)


def pack_rows(images: Tensor, pack: int) -> Tensor:
    """Put ``pack`` consecutive images side by side: (n, ...) -> (n / pack, pack * f).

    Rows ``i * pack`` to ``i * pack + pack - 1`` become row ``i``, each flattened to ``f``
    values. ``pack = 1`` only flattens. The minibatch must split into whole packs.
    """
    if pack < 1:
        raise UsageError(f"pack must be at least 1, got {pack}")
    if len(images) % pack:
        raise UsageError(
            f"a minibatch of {len(images)} images does not split into packs of {pack}; "
            f"use a batch size that {pack} divides (and a dataset size it divides, or drop "
            "the last short batch)"
        )
    return images.reshape(len(images) // pack, -1)


def unpack_scores(scores: Tensor, pack: int) -> Tensor:
    """One score per pack -> the same score for each of its images: (m, 1) -> (m * pack, 1).

    The loss over the repeated scores equals the loss over the packs (each counted
    ``pack`` times), so the training loop keeps one target per image.
    """
    return scores.repeat_interleave(pack, dim=0)


class WeightAverage:
    """An exponential moving average of a network's weights (an "EMA generator").

    ``average = WeightAverage(generator, decay)`` copies the network; after each training
    step ``average.update(generator)`` sets every parameter of the copy to
    ``d * average + (1 - d) * current`` with ``d = min(decay, (1 + t) / (10 + t))`` at the
    t-th update (t = 1, 2, ...), and copies the buffers (BatchNorm's running statistics) as
    they are. The warm-up ``(1 + t) / (10 + t)`` (as in TensorFlow's
    ``ExponentialMovingAverage``) keeps the random starting weights from lingering in the
    average of a short run: with ``decay`` alone they would still weigh ``decay ** t``
    (0.999 ** 1000 = 0.37). ``average.model`` is the averaged network: draw samples from it.

    Parameters
    ----------
    model : nn.Module
        The network being trained (its copy starts equal to it).
    decay : float
        In [0, 1): 0.999 averages over roughly the last 1 / (1 - decay) = 1,000 steps.
    """

    def __init__(self, model: nn.Module, decay: float):
        if not 0.0 <= decay < 1.0:
            raise UsageError(f"decay must lie in [0, 1), e.g. 0.999; got {decay!r}")
        self.decay = float(decay)
        self.updates = 0
        self.model = copy.deepcopy(model)
        self.model.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """One step of the average: ``average <- d * average + (1 - d) * model`` (see above)."""
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for mine, theirs in zip(self.model.parameters(), model.parameters()):
            mine.lerp_(theirs.detach(), 1.0 - decay)
        for mine, theirs in zip(self.model.buffers(), model.buffers()):
            mine.copy_(theirs)
