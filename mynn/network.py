"""The book's three-layer neural network, in numpy.

*Make Your Own Neural Network* (part 2) builds a network with one hidden layer and the
sigmoid activation everywhere. For one sample, with inputs ``x`` and targets ``t`` as
column vectors::

    hidden  = sigmoid(wih @ x)                 # signals out of the hidden layer
    output  = sigmoid(who @ hidden)            # signals out of the output layer
    e_out   = t - output                       # output errors
    e_hid   = who.T @ e_out                    # errors split back by the weights
    who    += lr * (e_out * output * (1 - output)) @ hidden.T
    wih    += lr * (e_hid * hidden * (1 - hidden)) @ x.T

Weights start from normal(0, n_in ** -0.5), where n_in is the number of nodes feeding
the layer. :meth:`NeuralNetwork.train` applies that update to ONE sample, exactly.
:meth:`NeuralNetwork.train_epoch` applies the same update to every sample in turn (same
weights, to rounding, faster), and :meth:`NeuralNetwork.train_minibatch` is a different,
clearly separate algorithm: mean-gradient minibatch descent.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def sigmoid(x: ArrayLike) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-x)), the book's activation (scipy's ``expit``)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore"):  # exp(-x) = inf for x < -709 gives the right limit, 0
        return 1.0 / (1.0 + np.exp(-x))


def logit(y: ArrayLike) -> np.ndarray:
    """The inverse of :func:`sigmoid`, log(y / (1 - y)); used by back-query."""
    y = np.asarray(y, dtype=np.float64)
    return np.log(y) - np.log1p(-y)


def scale_inputs(pixels: ArrayLike) -> np.ndarray:
    """The book's input scaling: pixel / 255 * 0.99 + 0.01, mapping 0..255 to 0.01..1.0.

    Zero inputs would kill weight updates (the update is proportional to the input), hence
    the 0.01 floor.
    """
    pixels = np.asarray(pixels, dtype=np.float64)
    if pixels.size and (np.nanmin(pixels) < 0 or np.nanmax(pixels) > 255):
        raise ValueError(
            "scale_inputs expects raw pixel values in 0..255; got values from "
            f"{np.nanmin(pixels):g} to {np.nanmax(pixels):g}. Pass the unscaled image."
        )
    return pixels / 255.0 * 0.99 + 0.01


def make_targets(labels: ArrayLike, output_nodes: int = 10) -> np.ndarray:
    """The book's target vectors: 0.99 at the label's position, 0.01 elsewhere.

    Sigmoid outputs can never reach 0 or 1, so the book aims for 0.01 and 0.99 instead.
    A single label gives a 1-D vector; an array of labels gives one row per label.
    """
    labels_array = np.asarray(labels)
    if not np.issubdtype(labels_array.dtype, np.integer):
        raise ValueError(f"labels must be integers, got dtype {labels_array.dtype}")
    if labels_array.size and (labels_array.min() < 0 or labels_array.max() >= output_nodes):
        raise ValueError(
            f"labels must lie in 0..{output_nodes - 1} for {output_nodes} output nodes; got "
            f"{labels_array.min()}..{labels_array.max()}"
        )
    targets = np.full(labels_array.shape + (output_nodes,), 0.01)
    np.put_along_axis(targets, labels_array[..., None], 0.99, axis=-1)
    return targets


def accuracy(predicted: ArrayLike, labels: ArrayLike) -> float:
    """Fraction of predicted labels equal to the true labels (the book's "performance")."""
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    if predicted.shape != labels.shape:
        raise ValueError(f"predicted has shape {predicted.shape} but labels {labels.shape}")
    if labels.size == 0:
        raise ValueError("accuracy of an empty set is undefined")
    return float(np.mean(predicted == labels))


def confusion_matrix(predicted: ArrayLike, labels: ArrayLike, n_classes: int = 10) -> np.ndarray:
    """Counts ``C[true, predicted]``: row = the true digit, column = what the network said."""
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    if predicted.shape != labels.shape:
        raise ValueError(f"predicted has shape {predicted.shape} but labels {labels.shape}")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


class NeuralNetwork:
    """The book's 3-layer sigmoid network.

    Parameters
    ----------
    input_nodes, hidden_nodes, output_nodes : int
        Layer sizes, e.g. 784, 200, 10 for MNIST.
    learning_rate : float
        The book's ``lr``: the step size of the gradient descent update.
    seed : int or numpy.random.Generator, optional
        Seed for the weight initialisation, for repeatable runs.

    Attributes
    ----------
    wih : ndarray, shape (hidden_nodes, input_nodes)
        Weights from input to hidden layer, drawn from normal(0, input_nodes ** -0.5).
    who : ndarray, shape (output_nodes, hidden_nodes)
        Weights from hidden to output layer, drawn from normal(0, hidden_nodes ** -0.5).
    lr : float
        The learning rate.
    """

    def __init__(
        self,
        input_nodes: int,
        hidden_nodes: int,
        output_nodes: int,
        learning_rate: float,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        for name, value in (
            ("input_nodes", input_nodes),
            ("hidden_nodes", hidden_nodes),
            ("output_nodes", output_nodes),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive whole number, got {value!r}")
        self.lr = _check_learning_rate(learning_rate)
        self.inodes, self.hnodes, self.onodes = (
            int(input_nodes),
            int(hidden_nodes),
            int(output_nodes),
        )
        rng = np.random.default_rng(seed)
        self.wih = rng.normal(0.0, self.inodes**-0.5, (self.hnodes, self.inodes))
        self.who = rng.normal(0.0, self.hnodes**-0.5, (self.onodes, self.hnodes))

    def __repr__(self) -> str:
        return (
            f"NeuralNetwork(input_nodes={self.inodes}, hidden_nodes={self.hnodes}, "
            f"output_nodes={self.onodes}, learning_rate={self.lr:g})"
        )

    # ------------------------------------------------------------------ the book's maths
    def train(self, inputs: ArrayLike, targets: ArrayLike) -> None:
        """One step of the book's per-sample gradient descent (see the module docstring).

        ``inputs`` has ``input_nodes`` values, ``targets`` has ``output_nodes`` values.
        """
        x = self._check_inputs(inputs, allow_batch=False)[:, None]
        t = self._check_targets(targets, n_samples=None)[:, None]
        hidden = sigmoid(self.wih @ x)
        output = sigmoid(self.who @ hidden)
        output_errors = t - output
        hidden_errors = self.who.T @ output_errors
        # np.dot, not @: numpy's matmul has no fast path for these (n, 1) x (1, m) products.
        self.who += np.dot(self.lr * output_errors * output * (1.0 - output), hidden.T)
        self.wih += np.dot(self.lr * hidden_errors * hidden * (1.0 - hidden), x.T)

    def query(self, inputs: ArrayLike) -> np.ndarray:
        """The forward pass: sigmoid(who @ sigmoid(wih @ x)).

        A 1-D input (one sample) gives a 1-D output; a 2-D array with one sample per row
        gives one row of outputs per sample.
        """
        x = self._check_inputs(inputs, allow_batch=True)
        hidden = sigmoid(x @ self.wih.T)
        return sigmoid(hidden @ self.who.T)

    def predict(self, inputs: ArrayLike) -> np.ndarray:
        """The label the network picks: the index of the largest output (``argmax``)."""
        return np.argmax(self.query(inputs), axis=-1)

    def backquery(self, targets: ArrayLike) -> np.ndarray:
        """Run the network backwards (the book's back-query): from output signals to an input.

        Each layer is inverted with logit(), the inverse sigmoid, and the transposed weights;
        after each layer the signals are rescaled into 0.01..0.99 so that logit stays finite:
        ``s = (s - min) / (max - min) * 0.98 + 0.01``.
        """
        t = self._check_targets(targets, n_samples=None)
        if np.any((t <= 0) | (t >= 1)):
            raise ValueError("backquery targets must lie strictly between 0 and 1 (e.g. 0.01/0.99)")
        hidden = _rescale_open_unit(self.who.T @ logit(t))
        return _rescale_open_unit(self.wih.T @ logit(hidden))

    # ------------------------------------------------------------------ faster paths
    def train_epoch(self, inputs: ArrayLike, targets: ArrayLike, block_size: int = 128) -> None:
        """The book's per-sample update applied to every row in order: one epoch.

        The result is the same as calling :meth:`train` on each row in turn (to
        floating-point rounding: only the order of additions differs). It is faster because
        the big input->hidden weight matrix is not rewritten after every sample. Within a
        block of ``block_size`` samples the weights after k samples are

            wih_k = wih_0 + sum_{j<k} d_j x_j^T     (d_j = lr * e_hid * h * (1 - h) of sample j)

        so the hidden layer's input for sample k is

            wih_k @ x_k = wih_0 @ x_k + sum_{j<k} d_j (x_j . x_k),

        computed from one matrix product ``X @ wih_0.T`` and the block's dot products
        ``X @ X.T``; ``wih`` itself is updated once per block with ``D.T @ X``. The small
        hidden->output matrix ``who`` is updated after every sample, exactly as in the book.
        """
        if (
            isinstance(block_size, bool)
            or not isinstance(block_size, (int, np.integer))
            or block_size < 1
        ):
            raise ValueError(f"block_size must be a positive whole number, got {block_size!r}")
        x_all = self._check_inputs(inputs, allow_batch=True, force_batch=True)
        t_all = self._check_targets(targets, n_samples=len(x_all))
        lr, who = self.lr, self.who
        # The loop below is the hot path: it works in place (out=...) and with np.dot, which
        # has less per-call overhead than @ on these small vectors. Same arithmetic as train().
        with np.errstate(over="ignore"):  # exp overflow -> inf -> sigmoid 0, the right limit
            for start in range(0, len(x_all), block_size):
                x_block = x_all[start : start + block_size]
                t_block = t_all[start : start + block_size]
                # Negated, so that each sample needs exp(-z) without a separate negation.
                minus_hidden_inputs = np.dot(x_block, self.wih.T)
                np.negative(minus_hidden_inputs, out=minus_hidden_inputs)
                minus_lr_gram = np.dot(x_block, x_block.T)
                minus_lr_gram *= -lr
                deltas = np.zeros((len(x_block), self.hnodes))  # without the factor lr
                for k, t in enumerate(t_block):
                    hidden = np.dot(minus_lr_gram[k, :k], deltas[:k])
                    hidden += minus_hidden_inputs[k]  # = -(wih_k @ x_k)
                    np.exp(hidden, out=hidden)
                    hidden += 1.0
                    np.reciprocal(hidden, out=hidden)  # = sigmoid(wih_k @ x_k)
                    output = np.dot(who, hidden)
                    np.negative(output, out=output)
                    np.exp(output, out=output)
                    output += 1.0
                    np.reciprocal(output, out=output)
                    output_errors = t - output
                    hidden_errors = np.dot(output_errors, who)  # = who.T @ output_errors
                    output_errors *= lr * output
                    output_errors *= 1.0 - output
                    who += np.outer(output_errors, hidden)
                    delta = deltas[k]
                    np.subtract(1.0, hidden, out=delta)
                    delta *= hidden
                    delta *= hidden_errors
                deltas *= lr
                self.wih += np.dot(deltas.T, x_block)

    def train_minibatch(self, inputs: ArrayLike, targets: ArrayLike, batch_size: int = 32) -> None:
        """A DIFFERENT algorithm from the book's: minibatch descent, one epoch.

        Rows are taken ``batch_size`` at a time in the given order; each batch makes ONE
        update: the book's per-sample weight changes computed for every sample of the batch
        with the weights at the batch's start, and averaged. With ``batch_size=1`` this is
        exactly the book's rule. Larger batches make fewer, better-vectorised steps (so
        each epoch is quicker but learns less per sample: raise ``lr`` or the epochs).

        Like the book, the hidden errors are the output errors split back by the weights,
        ``who.T @ e_out``. That is the exact gradient of the squared error for ``who``
        but not quite for ``wih`` (the exact gradient would split back
        ``e_out * o * (1 - o)``); mynn keeps the book's rule in both modes.
        """
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, (int, np.integer))
            or batch_size < 1
        ):
            raise ValueError(f"batch_size must be a positive whole number, got {batch_size!r}")
        x_all = self._check_inputs(inputs, allow_batch=True, force_batch=True)
        t_all = self._check_targets(targets, n_samples=len(x_all))
        for start in range(0, len(x_all), batch_size):
            x = x_all[start : start + batch_size]
            t = t_all[start : start + batch_size]
            hidden = sigmoid(x @ self.wih.T)
            output = sigmoid(hidden @ self.who.T)
            output_errors = t - output
            hidden_errors = output_errors @ self.who
            step = self.lr / len(x)
            self.who += step * ((output_errors * output * (1.0 - output)).T @ hidden)
            self.wih += step * ((hidden_errors * hidden * (1.0 - hidden)).T @ x)

    # ------------------------------------------------------------------ input checks
    def _check_inputs(
        self, inputs: ArrayLike, allow_batch: bool, force_batch: bool = False
    ) -> np.ndarray:
        x = _as_finite_float(inputs, "inputs")
        if x.ndim == 1 and not force_batch:
            if x.shape[0] != self.inodes:
                raise ValueError(
                    f"inputs has {x.shape[0]} values but the network has {self.inodes} input nodes"
                )
            return x
        if x.ndim == 2 and (allow_batch or force_batch):
            if x.shape[1] != self.inodes:
                raise ValueError(
                    f"inputs has {x.shape[1]} values per row but the network has {self.inodes} "
                    "input nodes (one sample per row)"
                )
            return x
        expected = "a 1-D array of one sample" + (
            " or a 2-D array, one sample per row" if allow_batch else ""
        )
        if force_batch:
            expected = "a 2-D array, one sample per row"
        raise ValueError(f"inputs must be {expected}; got shape {x.shape}")

    def _check_targets(self, targets: ArrayLike, n_samples: int | None) -> np.ndarray:
        t = _as_finite_float(targets, "targets")
        expected = (self.onodes,) if n_samples is None else (n_samples, self.onodes)
        if t.shape != expected:
            raise ValueError(
                f"targets must have shape {expected} (one value per output node"
                f"{'' if n_samples is None else ', one row per sample'}); got shape {t.shape}"
            )
        return t


def _check_learning_rate(learning_rate: float) -> float:
    try:
        lr = float(learning_rate)
    except (TypeError, ValueError):
        raise ValueError(f"learning_rate must be a number, got {learning_rate!r}") from None
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning_rate must be a positive finite number, got {learning_rate!r}")
    return lr


def _as_finite_float(values: ArrayLike, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {type(values).__name__}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity; clean or rescale the data first")
    return array


def _rescale_open_unit(signal: np.ndarray) -> np.ndarray:
    signal = signal - np.min(signal)
    span = np.max(signal)
    if span == 0:
        return np.full_like(signal, 0.5)
    return signal / span * 0.98 + 0.01
