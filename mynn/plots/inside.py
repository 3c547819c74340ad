"""Pictures of what a trained network has inside it: back-query images, hidden-node weights,
and accuracy on rotated digits (matplotlib)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from mynn.errors import UsageError
from mynn.inside import backquery_images
from mynn.network import NeuralNetwork


def plot_backqueries(
    network: NeuralNetwork,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
    columns: int = 5,
    image_inches: float = 1.8,
) -> Figure:
    """The network run backwards for every label: the image it "has in mind" for each class.

    Drawn as the book draws back-query images (grey scale, dark = high signal), on one
    shared scale 0.01..0.99: dark pixels are where the network wants ink, white pixels
    where it wants none, mid-grey pixels it hardly cares about. Each image is
    ``image_inches`` wide, large enough to see the strokes (two rows of five by default).
    """
    if network.inodes != 784:
        raise UsageError(
            f"back-query images are 28 x 28: need 784 input nodes, not {network.inodes}"
        )
    images = backquery_images(network)
    names = list(class_names) if class_names is not None else [str(k) for k in range(len(images))]
    if len(names) != len(images):
        raise UsageError(f"{len(names)} class names for {len(images)} output nodes")
    return _image_grid(
        images,
        names,
        columns,
        {"cmap": "Greys", "vmin": 0.01, "vmax": 0.99},
        colorbar_label="signal",
        colorbar_ticks=[0.01, 0.5, 0.99],
        title=title,
        title_size=10,
        image_inches=image_inches,
    )


def plot_hidden_weights(
    network: NeuralNetwork,
    nodes: Sequence[int] | None = None,
    columns: int = 10,
    title: str | None = None,
) -> Figure:
    """Each hidden node's 784 input weights drawn as a 28 x 28 image: what the node looks at.

    Red pixels have positive weights (ink there pushes the node's signal up), blue pixels
    negative weights (ink there pushes it down), white pixels about zero. One colour scale
    for every node shown, symmetric about zero, so equal colours mean equal weights.
    ``nodes`` picks which hidden nodes to draw (default: the first 20).
    """
    if network.inodes != 784:
        raise UsageError(f"weight images are 28 x 28: need 784 input nodes, not {network.inodes}")
    nodes = list(range(min(20, network.hnodes))) if nodes is None else [int(n) for n in nodes]
    if not nodes or min(nodes) < 0 or max(nodes) >= network.hnodes:
        raise UsageError(
            f"nodes must be hidden node numbers in 0..{network.hnodes - 1}; got {nodes}"
        )
    weights = network.wih[nodes]
    limit = float(np.percentile(np.abs(weights), 99.5))
    return _image_grid(
        weights,
        [f"node {node}" for node in nodes],
        columns,
        {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit},
        colorbar_label="input weight",
        title=title,
        title_size=8,
    )


def plot_accuracy_by_angle(
    angles: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Test accuracy against the angle the test digits were rotated by, one line per network."""
    if ax is None:
        ax = plt.figure(figsize=(6, 3.8), layout="constrained").add_subplot()
    for (name, accuracies), marker in zip(curves.items(), "osd^v<>"):
        if len(accuracies) != len(angles):
            raise UsageError(f"{name!r} has {len(accuracies)} accuracies for {len(angles)} angles")
        ax.plot(angles, accuracies, marker=marker, label=name)
    ax.set_xlabel("test digits rotated by (degrees, + = anticlockwise)")
    ax.set_ylabel("test accuracy")
    ax.set_xticks(list(angles))
    ax.grid(True, alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def _image_grid(
    images,
    names,
    columns,
    scale: dict,
    colorbar_label: str,
    title: str | None,
    title_size: int,
    colorbar_ticks=None,
    image_inches: float = 1.1,
) -> Figure:
    """28 x 28 images in a grid with one shared colour scale (``scale``) and one colour bar;
    each image about ``image_inches`` wide."""
    if image_inches <= 0:
        raise UsageError(f"image_inches must be positive, got {image_inches}")
    rows = int(np.ceil(len(images) / columns))
    figure, axes = plt.subplots(
        rows,
        columns,
        figsize=(image_inches * columns + 0.8, (image_inches + 0.15) * rows + 0.3),
        squeeze=False,
        layout="constrained",
    )
    for index, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= len(images):
            ax.set_axis_off()
            continue
        shown = ax.imshow(images[index].reshape(28, 28), interpolation="none", **scale)
        ax.set_title(names[index], fontsize=title_size)
    colorbar = figure.colorbar(shown, ax=axes, shrink=0.9, aspect=15, ticks=colorbar_ticks)
    colorbar.set_label(colorbar_label, fontsize=8)
    colorbar.ax.tick_params(labelsize=7)
    if title:
        figure.suptitle(title, fontsize=10)
    return figure
