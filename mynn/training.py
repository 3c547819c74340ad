"""Training runs: the book's epochs over a data set, scoring, and one-line experiments.

The book trains for a number of epochs, each one pass over the training images in order,
one :meth:`~mynn.network.NeuralNetwork.train` step per image, then scores the network as
the fraction of test images whose largest output is the right label.
"""

from __future__ import annotations

import numpy as np

from mynn.datasets import load_train_test
from mynn.network import NeuralNetwork, accuracy, make_targets, scale_inputs


def fit(
    network: NeuralNetwork,
    images: np.ndarray,
    labels: np.ndarray,
    epochs: int = 1,
    progress: bool = False,
    chunk: int = 500,
) -> NeuralNetwork:
    """Train for ``epochs`` passes over raw 0..255 images with the book's per-sample rule.

    Inputs are scaled with :func:`~mynn.network.scale_inputs`, targets made with
    :func:`~mynn.network.make_targets`. The work is done by
    :meth:`~mynn.network.NeuralNetwork.train_epoch` on consecutive chunks (the same
    sequence of per-sample steps), so a progress bar can follow it and Ctrl-C stops
    between chunks with the weights in a consistent state.
    """
    from tqdm.auto import tqdm

    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs!r}")
    inputs, targets = scale_inputs(images), make_targets(labels, network.onodes)
    with tqdm(total=epochs * len(inputs), unit="img", disable=not progress) as bar:
        for epoch in range(1, epochs + 1):
            bar.set_description(f"epoch {epoch}/{epochs}")
            for first in range(0, len(inputs), chunk):
                network.train_epoch(inputs[first : first + chunk], targets[first : first + chunk])
                bar.update(min(chunk, len(inputs) - first))
    return network


def score(network: NeuralNetwork, images: np.ndarray, labels: np.ndarray) -> float:
    """The book's performance measure: the fraction of images labelled correctly."""
    return accuracy(network.predict(scale_inputs(images)), labels)


def run_experiment(
    hidden_nodes: int = 200,
    learning_rate: float = 0.1,
    epochs: int = 5,
    data: str = "mnist-sample",
    seed: int = 0,
) -> float:
    """Train a fresh 784-hidden-10 network with the given settings and return its test accuracy."""
    (train_images, train_labels), (test_images, test_labels) = load_train_test(data)
    network = NeuralNetwork(784, hidden_nodes, 10, learning_rate, seed=seed)
    fit(network, train_images, train_labels, epochs=epochs)
    return score(network, test_images, test_labels)
