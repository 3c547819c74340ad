"""Training runs: the book's epochs over a data set, scoring, and one-line experiments.

The book trains for a number of epochs, each one pass over the training images in order,
one :meth:`~mynn.network.NeuralNetwork.train` step per image, then scores the network as
the fraction of test images whose largest output is the right label.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from mynn.checks import check_whole_number
from mynn.datasets import load_train_test
from mynn.errors import MynnError, UsageError
from mynn.network import (
    NeuralNetwork,
    accuracy,
    check_labels,
    make_targets,
    scale_inputs,
)
from mynn.progress import progress_bar
from mynn.storage.checkpoint import Checkpointing, interrupts_deferred


class TrainingDiverged(MynnError, ValueError):
    """The weights became NaN or infinite: the learning rate is far too large."""


class TrainingSaturated(TrainingDiverged):
    """Every output is pinned at 0 or 1: the sigmoids saturated and nothing more is learnt.

    The update is proportional to ``output * (1 - output)``, which is 0 there: the weights
    stay finite but stop moving (a learning rate far too large, e.g. 1e6).
    """


#: An output this close to 0 or 1 is pinned: its gradient output * (1 - output) is ~0.
PINNED = 1e-6


def fit(
    network: NeuralNetwork,
    images: np.ndarray,
    labels: np.ndarray,
    epochs: int = 1,
    progress: bool | None = None,
    chunk: int = 500,
    *,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int | None = None,
    resume: str | os.PathLike | None = None,
    callback: Callable[[NeuralNetwork, int, int], None] | None = None,
) -> NeuralNetwork:
    """Train for ``epochs`` passes over raw 0..255 images with the book's per-sample rule.

    Each chunk of ``chunk`` images is scaled with :func:`~mynn.network.scale_inputs` and
    given targets by :func:`~mynn.network.make_targets` just before
    :meth:`~mynn.network.NeuralNetwork.train_epoch` trains on it, so no float64 copy of
    the whole training set is ever made (full MNIST stays in its 47 MB of uint8). The
    sequence of per-sample steps is the book's, whatever the chunk size. A progress bar
    can follow it, and Ctrl-C stops between chunks with the weights in a consistent state.

    Everything is checked before the first update. If the weights become NaN or infinite
    (a learning rate far too large), training stops with :class:`TrainingDiverged` and the
    network keeps the last finite weights, those from the start of the failing chunk. If
    after a chunk every output for every image of it is within :data:`PINNED` of 0 or 1
    (the sigmoids saturated, so the update ``output * (1 - output)`` is zero and nothing
    more can be learnt), training stops the same way with :class:`TrainingSaturated`.

    Checkpoints and resuming (see :mod:`mynn.storage.checkpoint`):

    - ``checkpoint=PATH`` (.npz or .h5) writes the network and where training stands at
      the end of each epoch, or every ``checkpoint_every`` samples (at the next chunk
      end), at the end of the run, and when the run is interrupted. Ctrl-C is held back
      until the current chunk is done (a second Ctrl-C stops at once), so the network is
      always left in a consistent state and the checkpoint is up to date.
    - ``resume=PATH`` continues a checkpointed run: the network's weights and learning
      rate are replaced by the checkpoint's (its node counts must match), the training
      data must be the same (checked by a fingerprint), and ``epochs`` is the run's total.
      The checkpoint's chunk size is used, so the chunks (and within them
      ``train_epoch``'s blocks) fall exactly where they did: a resumed run ends with
      bitwise the same weights as one that was never interrupted.
    - ``callback(network, epochs_done, position)`` is called after every chunk; raising
      ``KeyboardInterrupt`` in it stops the run as Ctrl-C would.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)):
        raise UsageError(f"epochs must be a whole number (1, 2, ...), got {epochs!r}")
    if epochs < 1:
        raise UsageError(f"epochs must be at least 1, got {epochs!r}")
    check_whole_number("chunk", chunk, unit="images")
    images, labels = _check_training_data(network, images, labels)
    run = Checkpointing(
        network, images, labels, epochs, chunk, checkpoint, checkpoint_every, resume, callback
    )
    with (
        progress_bar(
            progress, total=epochs * len(images), initial=run.samples_done, unit="img"
        ) as bar,
        interrupts_deferred() as interrupted,
    ):
        for epoch, first, last in run.chunks():
            bar.set_description(f"epoch {epoch + 1}/{epochs}")
            before = _weights(network)
            inputs = scale_inputs(images[first:last])
            network.train_epoch(inputs, make_targets(labels[first:last], network.onodes))
            if not network.weights_are_finite():
                _restore(network, before)
                raise TrainingDiverged(
                    f"training diverged in epoch {epoch + 1} between images {first} and "
                    f"{last}: the weights became NaN or infinite with learning rate "
                    f"{network.lr:g}. The network keeps its last finite weights; try a "
                    "smaller learning rate (the book uses 0.1 to 0.3)."
                )
            if _saturated(network, inputs):
                _restore(network, before)
                raise TrainingSaturated(
                    f"training stalled in epoch {epoch + 1} between images {first} and {last}: "
                    f"with learning rate {network.lr:g} every output is pinned at 0 or 1 (the "
                    "sigmoids saturated), so the weights no longer change and nothing is "
                    "learnt. The network keeps the weights from before; try a smaller "
                    "learning rate (the book uses 0.1 to 0.3)."
                )
            bar.update(last - first)
            run.chunk_done(epoch, last, interrupted=interrupted())
    return network


def score(network: NeuralNetwork, images: np.ndarray, labels: np.ndarray) -> float:
    """The book's performance measure: the fraction of images labelled correctly.

    ``images`` are raw 0..255 pixels (as for :func:`fit`); they are scaled in chunks.
    """
    images, labels = _check_training_data(network, images, labels)
    return accuracy(labels=labels, predicted=predict_raw(network, images))


def predict_raw(network: NeuralNetwork, images: np.ndarray, chunk: int = 2000) -> np.ndarray:
    """The network's labels for raw 0..255 images, scaled a chunk at a time."""
    return np.concatenate(
        [network.predict(scale_inputs(images[i : i + chunk])) for i in range(0, len(images), chunk)]
        or [np.zeros(0, dtype=np.int64)]
    )


def run_experiment(
    hidden_nodes: int = 200,
    learning_rate: float = 0.1,
    epochs: int = 5,
    data: str = "mnist-sample",
    seed: int = 0,
    bias: bool = False,
) -> float:
    """Train a fresh 784-hidden-10 network with the given settings and return its test accuracy."""
    (train_images, train_labels), (test_images, test_labels) = load_train_test(data)
    network = NeuralNetwork(784, hidden_nodes, 10, learning_rate, seed=seed, bias=bias)
    fit(network, train_images, train_labels, epochs=epochs)
    return score(network, test_images, test_labels)


def _check_training_data(network: NeuralNetwork, images, labels) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, input_nodes) of raw pixels 0..255 and n integer labels, checked up front."""
    if images is None or labels is None:
        raise UsageError("images and labels are both needed; got None")
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 2 or images.shape[1] != network.inodes:
        raise UsageError(
            f"images must have shape (n, {network.inodes}), one image per row, for a network "
            f"with {network.inodes} input nodes; got shape {images.shape}"
        )
    if labels.shape != (len(images),):
        raise UsageError(
            f"there must be one label per image: {len(images)} images but labels has shape "
            f"{labels.shape}"
        )
    if len(images) == 0:
        raise UsageError("there are no images to train on or score")
    check_labels(labels, network.onodes, "labels")
    if images.dtype != np.uint8:  # uint8 is 0..255 by construction; check anything else
        if not np.issubdtype(images.dtype, np.number) or images.dtype.kind == "c":
            raise UsageError(f"images must be pixel numbers 0..255, got dtype {images.dtype}")
        low, high = np.min(images), np.max(images)
        if not (np.isfinite(low) and np.isfinite(high)):
            raise UsageError("images contain NaN or infinity; expected raw pixels 0..255")
        if images.dtype.kind == "f" and 0 < high <= 1:
            raise UsageError(
                f"these float images run from {low:g} to {high:g}: already scaled to 0..1? fit "
                "and score take raw 0..255 pixels and scale them themselves; pass the unscaled "
                "images (e.g. images * 255)"
            )
        if low < 0 or high > 255:
            raise UsageError(
                f"images must be raw pixels 0..255 (fit and score scale them); got values from "
                f"{low:g} to {high:g}"
            )
    return images, labels


def _saturated(network: NeuralNetwork, inputs: np.ndarray) -> bool:
    """True when every output for these inputs is within PINNED of 0 or 1."""
    with np.errstate(over="ignore"):
        outputs = network.query(inputs)
    return bool(np.all((outputs < PINNED) | (outputs > 1.0 - PINNED)))


def _weights(network: NeuralNetwork) -> tuple[np.ndarray, ...]:
    arrays = (network.wih, network.who) + ((network.bh, network.bo) if network.bias else ())
    return tuple(a.copy() for a in arrays)


def _restore(network: NeuralNetwork, weights: tuple[np.ndarray, ...]) -> None:
    network.wih[...], network.who[...] = weights[0], weights[1]
    if network.bias:
        network.bh[...], network.bo[...] = weights[2], weights[3]
