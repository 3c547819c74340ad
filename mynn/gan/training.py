"""The one training loop for every GAN in the book, per sample or in minibatches.

The book trains a GAN one real example at a time, in three steps (part 1, "GAN training"):

1. the discriminator D is shown a real example with target 1 and takes an optimiser step;
2. D is shown the generator's output for a fresh random seed (detached from G) with target
   0 and takes another step;
3. the generator G draws from another fresh seed, D scores the result, and G takes a step
   towards making D answer 1 (D's loss with target 1, differentiated through D into G).

:func:`train_gan` does exactly this with ``batch_size=1``; with a larger ``batch_size`` each
step takes ``batch_size`` real examples and seeds at once (the usual minibatch GAN, much
faster per example). Conditional GANs (part 2) give D the real label's one-hot beside the
real image, and G and D a random label's one-hot beside each fake.

The random seeds, the random labels and the order of the real examples come from one
``torch.Generator`` seeded by ``seed``; build the networks inside
:func:`mynn.gan.models.seeded` and the whole run repeats exactly.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from mynn.errors import UsageError
from mynn.gan.models import Discriminator, Generator
from mynn.gan.stable import WeightAverage
from mynn.progress import progress_bar

LOSSES = ("mse", "bce")
"""Loss names :func:`make_loss` knows: the book's first MSE, then binary cross-entropy."""


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """The device to train on: ``device`` if given, else CUDA when present, else the CPU."""
    if device is not None:
        device = torch.device(device)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise UsageError(
                "device 'cuda' was asked for but PyTorch sees no CUDA GPU; use device='cpu' "
                "(or leave device unset to pick automatically)"
            )
        return device
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def make_loss(loss: str | nn.Module) -> nn.Module:
    """``"mse"`` -> ``nn.MSELoss()`` (the book's first choice), ``"bce"`` -> ``nn.BCELoss()``."""
    if isinstance(loss, nn.Module):
        return loss
    if loss == "mse":
        return nn.MSELoss()
    if loss == "bce":
        return nn.BCELoss()
    raise UsageError(f"loss must be one of {LOSSES} or an nn.Module, got {loss!r}")


def one_hot(labels: Tensor, n_classes: int) -> Tensor:
    """Float one-hot rows for integer ``labels`` (the book's conditional GAN input)."""
    return nn.functional.one_hot(labels, n_classes).float()


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(threads)``, then restore the old count.

    ``None`` leaves torch's thread count alone.
    """
    if threads is None:
        yield
        return
    if threads < 1:
        raise UsageError(f"threads must be at least 1 (or None), got {threads}")
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass
class GanHistory:
    """What :func:`train_gan` records: the losses of every step, and any snapshots.

    Attributes
    ----------
    d_real, d_fake, g : numpy arrays, one value per step
        D's loss on the real examples (target 1), D's loss on the fakes (target 0), and
        G's loss (D's loss on fresh fakes with target 1).
    batch_size, epochs, seconds
        How the run was done; ``seconds`` is its wall time.
    snapshots : list of (step, value)
        What ``callback`` returned (when not None), with the number of steps done.
    average : nn.Module or None
        With ``ema``: the generator whose weights are the moving average of G's
        (:class:`mynn.gan.stable.WeightAverage`); None otherwise.
    label_smoothing : float
        As trained: D's target for real examples was ``1 - label_smoothing``.
    """

    d_real: np.ndarray
    d_fake: np.ndarray
    g: np.ndarray
    batch_size: int
    epochs: int
    seconds: float
    snapshots: list[tuple[int, Any]] = field(default_factory=list)
    average: nn.Module | None = None
    label_smoothing: float = 0.0

    @property
    def d(self) -> np.ndarray:
        """D's loss per step: the mean of its real and fake losses."""
        return (self.d_real + self.d_fake) / 2

    @property
    def steps(self) -> int:
        return len(self.g)

    @property
    def examples_per_second(self) -> float:
        """Real examples trained on per second of wall time."""
        return self.steps * self.batch_size / self.seconds if self.seconds > 0 else float("inf")


def as_training_tensor(images: Any, device: torch.device) -> Tensor:
    """Real examples as a float32 tensor on ``device``: uint8 pixels are divided by 255."""
    if isinstance(images, Tensor):
        tensor = images
    else:
        array = np.asarray(images)
        if array.dtype == np.uint8:
            array = array.astype(np.float32) / 255.0
        elif not np.issubdtype(array.dtype, np.floating):
            raise UsageError(
                f"real_images must be uint8 pixels (0..255) or floats, got dtype {array.dtype}"
            )
        tensor = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
    if tensor.dtype == torch.uint8:
        tensor = tensor.float() / 255.0
    tensor = tensor.to(device=device, dtype=torch.float32)
    if tensor.ndim < 2 or len(tensor) == 0:
        raise UsageError(
            f"real_images must hold one example per row (shape (n, ...)), got shape {tuple(tensor.shape)}"
        )
    if not torch.isfinite(tensor).all():
        raise UsageError("real_images contains NaN or infinite values; clean the data first")
    return tensor


def _check_models(discriminator, generator, labels) -> int:
    if not isinstance(discriminator, Discriminator) or not isinstance(generator, Generator):
        raise UsageError(
            "train_gan needs a mynn.gan.models.Discriminator and Generator (subclass them to "
            f"train your own), got {type(discriminator).__name__} and {type(generator).__name__}"
        )
    if discriminator.conditional != generator.conditional:
        raise UsageError(
            "the discriminator and generator must both be conditional or both not: got "
            f"D.conditional={discriminator.conditional}, G.conditional={generator.conditional}"
        )
    if generator.conditional:
        if labels is None:
            raise UsageError("conditional models need labels: pass labels=... (one per image)")
        if discriminator.n_classes != generator.n_classes or generator.n_classes < 2:
            raise UsageError(
                "conditional models must agree on n_classes (at least 2): got "
                f"D {discriminator.n_classes}, G {generator.n_classes}"
            )
        return generator.n_classes
    if labels is not None:
        raise UsageError(
            "labels were given but the models are not conditional; drop labels or use "
            "conditional models"
        )
    return 0


def train_gan(
    discriminator: Discriminator,
    generator: Generator,
    real_images: Any,
    labels: Any = None,
    *,
    epochs: int,
    batch_size: int = 1,
    d_optimizer: torch.optim.Optimizer,
    g_optimizer: torch.optim.Optimizer,
    loss: str | nn.Module,
    seed: int = 0,
    device: str | torch.device | None = None,
    progress: bool | None = None,
    shuffle: bool = True,
    threads: int | None = None,
    callback: Callable[[int, Discriminator, Generator], Any] | None = None,
    callback_every: int = 0,
    label_smoothing: float = 0.0,
    ema: float | None = None,
) -> GanHistory:
    """Train ``discriminator`` and ``generator`` against each other, in place.

    Parameters
    ----------
    discriminator, generator
        :class:`~mynn.gan.models.Discriminator` and :class:`~mynn.gan.models.Generator`;
        moved to ``device``.
    real_images : array or tensor, shape (n, ...)
        The real examples, one per row in the shape D takes. uint8 pixels are divided by 255.
    labels : int array, shape (n,), optional
        Only for conditional models: the class of each real example.
    epochs : int
        Passes over ``real_images``.
    batch_size : int
        1 is the book's per-sample training; more takes that many examples per step.
    d_optimizer, g_optimizer
        Optimisers over D's and G's parameters (the book: SGD lr 0.01, later Adam lr 1e-4).
    loss : {"mse", "bce"} or nn.Module
        D's loss, also used for G's step (target 1), as in the book.
    seed : int
        Seeds the order of the real examples, the random seeds and the random labels.
    device
        Where to train; None picks CUDA when present, else the CPU (:func:`pick_device`).
    progress : bool or None
        Show a tqdm progress bar; None (default): when stderr is a terminal (mynn.progress).
    shuffle : bool
        Visit the real examples in a new random order each epoch (False: in order, as the
        book reads its CSV file).
    threads : int, optional
        torch's CPU thread count during training (restored afterwards); None leaves it.
        One thread is fastest for the book's small networks and small batches, and its
        results do not depend on the machine's core count.
    callback, callback_every
        ``callback(steps_done, D, G)`` every ``callback_every`` steps (and after the last);
        what it returns, when not None, is kept in ``history.snapshots``. With ``ema`` the
        callback is given the averaged generator.
    label_smoothing : float
        One-sided label smoothing: D's target for real examples is ``1 - label_smoothing``
        (fakes keep 0, G's target stays 1). 0, the default, is the book's target 1.
    ema : float, optional
        Keep an exponential moving average of G's weights with this decay (e.g. 0.999),
        updated after every G step; returned as ``history.average``. None: no average.
        See :mod:`mynn.gan.stable` for why these two help.

    Returns
    -------
    GanHistory
        The losses of every step, and the snapshots.
    """
    if epochs < 1:
        raise UsageError(f"epochs must be at least 1, got {epochs}")
    if batch_size < 1:
        raise UsageError(f"batch_size must be at least 1, got {batch_size}")
    if callback_every < 0 or (callback is not None and callback_every == 0):
        raise UsageError(
            "callback_every must be a positive number of steps when a callback is given"
        )
    if not 0.0 <= label_smoothing < 1.0:
        raise UsageError(
            f"label_smoothing must lie in [0, 1) (0.1 makes D's real target 0.9), got {label_smoothing!r}"
        )
    n_classes = _check_models(discriminator, generator, labels)
    device = pick_device(device)
    criterion = make_loss(loss)
    data = as_training_tensor(real_images, device)
    if labels is not None:
        label_tensor = torch.as_tensor(np.asarray(labels), dtype=torch.int64)
        if label_tensor.shape != (len(data),):
            raise UsageError(
                f"labels must hold one class per image: shape ({len(data)},), got "
                f"{tuple(label_tensor.shape)}"
            )
        if label_tensor.min() < 0 or label_tensor.max() >= n_classes:
            raise UsageError(f"labels must be whole numbers 0..{n_classes - 1}")
        label_tensor = label_tensor.to(device)
    discriminator.to(device).train()
    generator.to(device).train()

    order_rng = torch.Generator().manual_seed(seed)
    rng = torch.Generator(device=device).manual_seed(seed)
    n = len(data)
    steps_per_epoch = -(-n // batch_size)
    total = steps_per_epoch * epochs
    losses: list[Tensor] = []
    snapshots: list[tuple[int, Any]] = []
    full_ones = torch.ones(batch_size, 1, device=device)
    full_zeros = torch.zeros(batch_size, 1, device=device)
    full_real_targets = torch.full((batch_size, 1), 1.0 - label_smoothing, device=device)
    average = WeightAverage(generator, ema) if ema is not None else None

    def random_onehot(size: int) -> Tensor:
        return one_hot(torch.randint(n_classes, (size,), generator=rng, device=device), n_classes)

    def d_step(inputs: tuple[Tensor, ...], target: Tensor) -> Tensor:
        d_optimizer.zero_grad()
        value = criterion(discriminator(*inputs), target)
        value.backward()
        d_optimizer.step()
        return value.detach()

    start = time.perf_counter()
    step = 0
    with torch_threads(threads), progress_bar(progress, total=total, unit="step") as bar:
        for _ in range(epochs):
            if shuffle:
                order = torch.randperm(n, generator=order_rng).to(device)
                epoch_data = data[order]
                epoch_labels = label_tensor[order] if n_classes else None
            else:
                epoch_data, epoch_labels = data, (label_tensor if n_classes else None)
            for first in range(0, n, batch_size):
                real = epoch_data[first : first + batch_size]
                size = len(real)
                ones, zeros, real_targets = (
                    full_ones[:size],
                    full_zeros[:size],
                    full_real_targets[:size],
                )
                if n_classes:
                    real_label = one_hot(epoch_labels[first : first + batch_size], n_classes)
                    real_inputs = (real, real_label)
                    fake_label = random_onehot(size)
                    with torch.no_grad():
                        fake = generator(generator.random_seeds(size, rng), fake_label)
                    fake_inputs = (fake, fake_label)
                else:
                    real_inputs = (real,)
                    with torch.no_grad():
                        fake_inputs = (generator(generator.random_seeds(size, rng)),)
                d_real = d_step(real_inputs, real_targets)
                d_fake = d_step(fake_inputs, zeros)

                g_optimizer.zero_grad()
                seeds = generator.random_seeds(size, rng)
                if n_classes:
                    g_label = random_onehot(size)
                    g_loss = criterion(discriminator(generator(seeds, g_label), g_label), ones)
                else:
                    g_loss = criterion(discriminator(generator(seeds)), ones)
                g_loss.backward()
                g_optimizer.step()
                if average is not None:
                    average.update(generator)
                losses.append(torch.stack((d_real, d_fake, g_loss.detach())))

                step += 1
                bar.update()
                if callback is not None and (step % callback_every == 0 or step == total):
                    shown = generator if average is None else average.model
                    value = callback(step, discriminator, shown)
                    if value is not None:
                        snapshots.append((step, value))
    seconds = time.perf_counter() - start
    history = torch.stack(losses).cpu().numpy().astype(np.float64)
    return GanHistory(
        d_real=history[:, 0],
        d_fake=history[:, 1],
        g=history[:, 2],
        batch_size=batch_size,
        epochs=epochs,
        seconds=seconds,
        snapshots=snapshots,
        average=None if average is None else average.model,
        label_smoothing=label_smoothing,
    )


def generate(
    generator: Generator,
    n: int,
    seed: int = 0,
    labels: Any = None,
    seeds: Tensor | None = None,
) -> np.ndarray:
    """``n`` outputs of ``generator`` as a float32 numpy array (digits: 0..1, 1 = ink).

    Seeds come from a ``torch.Generator`` seeded by ``seed``, or pass ``seeds`` directly
    (shape (n, seed_size)). A conditional generator needs ``labels`` (n whole numbers).
    """
    if n < 1:
        raise UsageError(f"n must be at least 1, got {n}")
    parameter = next(generator.parameters())
    device = parameter.device
    if seeds is None:
        seeds = generator.random_seeds(n, torch.Generator(device=device).manual_seed(seed))
    elif seeds.shape != (n, generator.seed_size):
        raise UsageError(
            f"seeds must have shape ({n}, {generator.seed_size}), got {tuple(seeds.shape)}"
        )
    was_training = generator.training
    generator.eval()
    try:
        with torch.no_grad():
            if generator.conditional:
                if labels is None:
                    raise UsageError("a conditional generator needs labels: one class per image")
                label_tensor = torch.as_tensor(np.asarray(labels), dtype=torch.int64, device=device)
                if label_tensor.shape != (n,):
                    raise UsageError(
                        f"labels must have shape ({n},), got {tuple(label_tensor.shape)}"
                    )
                output = generator(seeds.to(device), one_hot(label_tensor, generator.n_classes))
            else:
                output = generator(seeds.to(device))
    finally:
        generator.train(was_training)
    return output.cpu().numpy()
