"""Looking inside a trained network: back-query images and how much they resemble the data.

*Make Your Own Neural Network* (part 3, "Inside the mind of a neural network") runs the
network backwards: :meth:`~mynn.network.NeuralNetwork.backquery` turns an output signal
(0.99 at one label, 0.01 elsewhere) into the input image the network "has in mind" for
that label. This module collects those images for every label and measures them against
the data: the correlation of each back-query image with each class's mean image.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mynn.checks import check_whole_number
from mynn.errors import UsageError
from mynn.network import NeuralNetwork


def backquery_images(network: NeuralNetwork) -> np.ndarray:
    """One back-query image per output node, shape (output_nodes, input_nodes).

    Row k is ``network.backquery(k)``: the network run backwards from the book's target
    vector for label k (0.99 at k, 0.01 elsewhere); every row is rescaled into 0.01..0.99.
    """
    return np.stack([network.backquery(label) for label in range(network.onodes)])


def class_means(images: ArrayLike, labels: ArrayLike, n_classes: int = 10) -> np.ndarray:
    """The mean image of every class, shape (n_classes, pixels); row k averages label k."""
    n_classes = check_whole_number("n_classes", n_classes)
    images, labels = np.asarray(images, dtype=np.float64), np.asarray(labels)
    if images.ndim != 2 or labels.shape != (len(images),):
        raise UsageError(
            f"expected images of shape (n, pixels) and labels of shape (n,); got {images.shape} "
            f"and {labels.shape}"
        )
    counts = np.bincount(labels, minlength=n_classes)
    if len(counts) > n_classes or np.any(counts == 0):
        raise UsageError(f"need at least one image of every label 0..{n_classes - 1}")
    sums = np.zeros((n_classes, images.shape[1]))
    np.add.at(sums, labels, images)
    return sums / counts[:, None]


def backquery_correlation(
    network: NeuralNetwork, images: ArrayLike, labels: ArrayLike
) -> np.ndarray:
    """How much each back-query image looks like each class's mean image.

    Returns ``C`` of shape (output_nodes, output_nodes): ``C[k, j]`` is the Pearson
    correlation between the back-query image for label k and the mean of the images
    labelled j (raw 0..255 or scaled: correlation ignores the scale). A network whose
    back-query images look like its classes has the largest value of each row on the
    diagonal.
    """
    means = class_means(images, labels, network.onodes)
    if means.shape[1] != network.inodes:
        raise UsageError(
            f"images have {means.shape[1]} pixels but the network has {network.inodes} inputs"
        )
    return np.corrcoef(backquery_images(network), means)[: network.onodes, network.onodes :]
