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

The book's network has no bias nodes. ``NeuralNetwork(..., bias=True)`` adds them beside
the faithful version (default off): a bias is a weight from an extra input fixed at 1, so
each layer computes ``sigmoid(w @ x + b)`` and the book's rule updates ``b`` exactly as it
updates a weight whose input is 1 (see :class:`NeuralNetwork`).
"""

from __future__ import annotations

import contextlib
import functools
import os

import numpy as np
from numpy.typing import ArrayLike

from mynn.checks import check_finite_array, check_whole_number, random_generator
from mynn.errors import UsageError
from mynn.memory import require_memory


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
        raise UsageError(
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
    if labels_array.size == 0 and labels_array.dtype == np.float64:
        labels_array = labels_array.astype(np.int64)  # [] carries no dtype of its own
    check_labels(labels_array, output_nodes, "labels")
    targets = np.full(labels_array.shape + (output_nodes,), 0.01)
    np.put_along_axis(targets, labels_array[..., None], 0.99, axis=-1)
    return targets


def accuracy(labels: ArrayLike, predicted: ArrayLike) -> float:
    """Fraction of predicted labels equal to the true labels (the book's "performance").

    accuracy = (number of k with predicted[k] == labels[k]) / n.

    Truth first, as in :func:`confusion_matrix`, scikit-learn's ``accuracy_score(y_true,
    y_pred)`` and mynn's ``rmse(truth, estimate)``; write ``accuracy(labels=...,
    predicted=...)`` to make the order visible. (Before mynn 0.2 the order was
    ``(predicted, labels)``; see CHANGELOG.md.)
    """
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    if predicted.shape != labels.shape:
        raise UsageError(f"predicted has shape {predicted.shape} but labels {labels.shape}")
    if labels.size == 0:
        raise UsageError("accuracy of an empty set is undefined")
    return float(np.mean(predicted == labels))


def confusion_matrix(labels: ArrayLike, predicted: ArrayLike, n_classes: int = 10) -> np.ndarray:
    """Counts ``C[true, predicted]``: row = the true label, column = what the network said.

    C[i, j] = number of k with labels[k] == i and predicted[k] == j, so the diagonal holds
    the correct answers and each row sums to the number of examples of that label.

    Truth first, as in scikit-learn's ``confusion_matrix(y_true, y_pred)``; swapping the
    two transposes the matrix, so write ``confusion_matrix(labels=..., predicted=...)``.
    (Before mynn 0.2 the order was ``(predicted, labels)``; see CHANGELOG.md.)
    """
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    if predicted.shape != labels.shape:
        raise UsageError(f"predicted has shape {predicted.shape} but labels {labels.shape}")
    check_labels(labels, n_classes, "labels")
    check_labels(predicted, n_classes, "predicted")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def weight_shapes(
    inodes: int, hnodes: int, onodes: int, bias: bool = True
) -> dict[str, tuple[int, ...]]:
    """The shape of each weight array of an ``inodes``-``hnodes``-``onodes`` network.

    The book's link weights ``wih`` (hnodes, inodes) and ``who`` (onodes, hnodes): row j of
    ``wih`` holds the weights into hidden node j, as in the book's X = W · I. With ``bias``
    also the biases ``bh`` (hnodes,) and ``bo`` (onodes,). The one table of shapes that the
    network, saving and loading all check against.
    """
    shapes = {"wih": (hnodes, inodes), "who": (onodes, hnodes)}
    if bias:
        shapes.update(bh=(hnodes,), bo=(onodes,))
    return shapes


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
    bias : bool, default False
        Add bias nodes (the book's network has none). Each layer then computes
        ``sigmoid(w @ x + b)``; the biases start at zero, so on the same seed the network
        starts with the same weights and outputs as the faithful one, and the book's rule
        trains them like weights whose input is always 1::

            bo += lr * e_out * output * (1 - output)
            bh += lr * e_hid * hidden * (1 - hidden)

    Attributes
    ----------
    wih : ndarray, shape (hidden_nodes, input_nodes)
        Weights from input to hidden layer, drawn from normal(0, input_nodes ** -0.5).
    who : ndarray, shape (output_nodes, hidden_nodes)
        Weights from hidden to output layer, drawn from normal(0, hidden_nodes ** -0.5).
    bh, bo : ndarray of shape (hidden_nodes,) and (output_nodes,), or None
        The hidden and output layers' biases when ``bias=True``, else None.
    lr : float
        The learning rate.

    ``inodes``, ``hnodes``, ``onodes`` and ``bias`` are read-only once the network is
    built. Only ``lr`` and the weights can be set: setting any other name (say the book's
    ``activation_function``) raises an error rather than being silently ignored, and
    weights set from outside are checked for shape and finite values.
    """

    _SETTABLE = frozenset({"inodes", "hnodes", "onodes", "lr", "bias", "wih", "who", "bh", "bo"})
    #: Set once, in ``__init__``: read-only afterwards.
    _FIXED = frozenset({"inodes", "hnodes", "onodes", "bias"})

    def __init__(
        self,
        input_nodes: int,
        hidden_nodes: int,
        output_nodes: int,
        learning_rate: float,
        seed: int | np.random.Generator | None = None,
        bias: bool = False,
    ) -> None:
        for name, value in (
            ("input_nodes", input_nodes),
            ("hidden_nodes", hidden_nodes),
            ("output_nodes", output_nodes),
        ):
            check_whole_number(name, value)
        if not isinstance(bias, (bool, np.bool_)):
            raise UsageError(f"bias must be True or False, got {bias!r}")
        self.lr = learning_rate
        self.inodes, self.hnodes, self.onodes = (
            int(input_nodes),
            int(hidden_nodes),
            int(output_nodes),
        )
        n_weights = self.hnodes * self.inodes + self.onodes * self.hnodes
        require_memory(8 * n_weights, f"{n_weights:,} weights", "use fewer nodes", "GiB")
        rng = random_generator(seed)
        try:
            self.wih = rng.normal(0.0, self.inodes**-0.5, (self.hnodes, self.inodes))
            self.who = rng.normal(0.0, self.hnodes**-0.5, (self.onodes, self.hnodes))
        except MemoryError:
            n_weights = self.hnodes * (self.inodes + self.onodes)
            raise UsageError(
                f"not enough free memory for {n_weights:,} weights "
                f"({8 * n_weights / 2**30:,.1f} GiB); use fewer nodes"
            ) from None
        self.bias = bool(bias)
        self.bh = np.zeros(self.hnodes) if self.bias else None
        self.bo = np.zeros(self.onodes) if self.bias else None

    def __repr__(self) -> str:
        return (
            f"NeuralNetwork(input_nodes={self.inodes}, hidden_nodes={self.hnodes}, "
            f"output_nodes={self.onodes}, learning_rate={self.lr:g}"
            + (", bias=True)" if self.bias else ")")
        )

    def __setattr__(self, name: str, value) -> None:
        if name not in self._SETTABLE:
            hint = (
                " mynn's network always uses the sigmoid (mynn.network.sigmoid); for another "
                "activation write a subclass or use mynn.gan's torch networks."
                if "activation" in name
                else ""
            )
            raise AttributeError(
                f"NeuralNetwork has no setting {name!r}; it has only "
                f"{', '.join(sorted(self._SETTABLE))}.{hint}"
            )
        if name in self._FIXED and name in self.__dict__:
            raise AttributeError(
                f"NeuralNetwork.{name} is fixed when the network is built (the weights' shapes "
                f"depend on it): build a new network, e.g. NeuralNetwork(input_nodes, "
                "hidden_nodes, output_nodes, learning_rate, bias=...)"
            )
        if name == "lr":
            value = check_learning_rate(value)
        elif name in ("wih", "who", "bh", "bo") and value is not self.__dict__.get(name):
            value = self._check_weights(name, value)  # (an in-place update skips this)
        object.__setattr__(self, name, value)

    def _check_weights(self, name: str, value) -> np.ndarray | None:
        """Shape and finiteness checks for weights set from outside (e.g. numpy.load)."""
        if name in ("bh", "bo") and value is None and not self.__dict__.get("bias", False):
            return None
        expected = weight_shapes(self.inodes, self.hnodes, self.onodes)[name]
        if name in ("bh", "bo") and not self.bias:
            raise UsageError(f"this network has no biases (bias=False); can't set {name}")
        array = _as_finite_float(value, name)
        if array.shape != expected:
            raise UsageError(
                f"{name} must have shape {expected} for {self!r}; got shape {array.shape}. "
                "Were these weights saved from a network with other node counts?"
            )
        return array.copy()

    # ------------------------------------------------------------------ the book's maths
    def train(self, inputs: ArrayLike, targets: ArrayLike) -> None:
        """One step of the book's per-sample gradient descent (see the module docstring).

        ``inputs`` has ``input_nodes`` values, ``targets`` has ``output_nodes`` values.
        """
        x = self._check_inputs(inputs, allow_batch=False)[:, None]
        t = self._check_targets(targets, n_samples=None)[:, None]
        hidden_inputs = self.wih @ x
        if self.bias:
            hidden_inputs += self.bh[:, None]
        hidden = sigmoid(hidden_inputs)
        output_inputs = self.who @ hidden
        if self.bias:
            output_inputs += self.bo[:, None]
        output = sigmoid(output_inputs)
        output_errors = t - output
        hidden_errors = self.who.T @ output_errors
        output_step = self.lr * output_errors * output * (1.0 - output)
        hidden_step = self.lr * hidden_errors * hidden * (1.0 - hidden)
        # np.dot, not @: numpy's matmul has no fast path for these (n, 1) x (1, m) products.
        self.who += np.dot(output_step, hidden.T)
        self.wih += np.dot(hidden_step, x.T)
        if self.bias:
            self.bo += output_step[:, 0]
            self.bh += hidden_step[:, 0]

    def query(self, inputs: ArrayLike) -> np.ndarray:
        """The forward pass: sigmoid(who @ sigmoid(wih @ x)) (plus the biases, if any).

        A 1-D input (one sample) gives a 1-D output; a 2-D array with one sample per row
        gives one row of outputs per sample.
        """
        x = self._check_inputs(inputs, allow_batch=True)
        hidden_inputs = x @ self.wih.T
        if self.bias:
            hidden_inputs += self.bh
        output_inputs = sigmoid(hidden_inputs) @ self.who.T
        if self.bias:
            output_inputs += self.bo
        return sigmoid(output_inputs)

    def predict(self, inputs: ArrayLike) -> np.ndarray:
        """The label the network picks: the index of the largest output (``argmax``)."""
        return np.argmax(self.query(inputs), axis=-1)

    def backquery(self, targets: ArrayLike | int) -> np.ndarray:
        """Run the network backwards (the book's back-query): from output signals to an input.

        ``targets`` is a vector of output signals, or a label: ``backquery(3)`` asks with the
        book's target vector for 3 (0.99 at position 3, 0.01 elsewhere). Each layer is
        inverted with logit(), the inverse sigmoid, and the transposed weights (after
        subtracting the layer's bias, if any); after each layer the signals are rescaled
        into 0.01..0.99 so that logit stays finite:
        ``s = (s - min) / (max - min) * 0.98 + 0.01``.
        Returns the ``input_nodes`` "image" the network has in mind.
        """
        if isinstance(targets, (int, np.integer)) and not isinstance(targets, bool):
            targets = make_targets(targets, self.onodes)
        t = self._check_targets(targets, n_samples=None)
        if np.any((t <= 0) | (t >= 1)):
            raise UsageError("backquery targets must lie strictly between 0 and 1 (e.g. 0.01/0.99)")
        output_inputs = logit(t) - (self.bo if self.bias else 0.0)
        hidden = _rescale_open_unit(self.who.T @ output_inputs)
        hidden_inputs = logit(hidden) - (self.bh if self.bias else 0.0)
        return _rescale_open_unit(self.wih.T @ hidden_inputs)

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
        ``X @ X.T``; ``wih`` itself is updated once per block with ``D.T @ X``. (With
        biases, ``bh`` is a weight on an input fixed at 1: each dot product gains 1.) The
        small hidden->output matrix ``who`` is updated after every sample, as in the book.

        It runs with one BLAS thread (threadpoolctl, restored afterwards). The per-sample
        loop makes many tiny BLAS calls, for which extra threads only spin and contend, and
        even the block products are small enough that a second thread gains little on an
        idle machine and loses many times over as soon as anything else uses the CPU
        (``benchmarks/RESULTS.md`` has both).
        """
        check_whole_number("block_size", block_size)
        x_all = self._check_inputs(inputs, allow_batch=True, force_batch=True)
        t_all = self._check_targets(targets, n_samples=len(x_all))
        lr, who, bias, bo = self.lr, self.who, self.bias, self.bo
        # The loop below is the hot path: it works in place (out=...) and with np.dot, which
        # has less per-call overhead than @ on these small vectors. Same arithmetic as train().
        with np.errstate(over="ignore", invalid="ignore"), _one_blas_thread():
            for start in range(0, len(x_all), block_size):
                x_block = x_all[start : start + block_size]
                t_block = t_all[start : start + block_size]
                # Negated, so that each sample needs exp(-z) without a separate negation.
                minus_hidden_inputs = np.dot(x_block, self.wih.T)
                if bias:
                    minus_hidden_inputs += self.bh
                np.negative(minus_hidden_inputs, out=minus_hidden_inputs)
                minus_lr_gram = np.dot(x_block, x_block.T)
                if bias:
                    minus_lr_gram += 1.0
                minus_lr_gram *= -lr
                deltas = np.zeros((len(x_block), self.hnodes))  # without the factor lr
                for k, t in enumerate(t_block):
                    hidden = np.dot(minus_lr_gram[k, :k], deltas[:k])
                    hidden += minus_hidden_inputs[k]  # = -(wih_k @ x_k + bh_k)
                    np.exp(hidden, out=hidden)
                    hidden += 1.0
                    np.reciprocal(hidden, out=hidden)  # = sigmoid(wih_k @ x_k + bh_k)
                    output = np.dot(who, hidden)
                    if bias:
                        output += bo
                    np.negative(output, out=output)
                    np.exp(output, out=output)
                    output += 1.0
                    np.reciprocal(output, out=output)
                    output_errors = t - output
                    hidden_errors = np.dot(output_errors, who)  # = who.T @ output_errors
                    output_errors *= lr * output
                    output_errors *= 1.0 - output
                    who += np.outer(output_errors, hidden)
                    if bias:
                        bo += output_errors
                    delta = deltas[k]
                    np.subtract(1.0, hidden, out=delta)
                    delta *= hidden
                    delta *= hidden_errors
                deltas *= lr
                self.wih += np.dot(deltas.T, x_block)
                if bias:
                    self.bh += deltas.sum(axis=0)

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
        ``e_out * o * (1 - o)``); mynn keeps the book's rule in both modes. Like
        :meth:`train_epoch` it runs with one BLAS thread.
        """
        check_whole_number("batch_size", batch_size)
        x_all = self._check_inputs(inputs, allow_batch=True, force_batch=True)
        t_all = self._check_targets(targets, n_samples=len(x_all))
        with _one_blas_thread():  # small products: see train_epoch
            self._minibatch_epoch(x_all, t_all, batch_size)

    def _minibatch_epoch(self, x_all: np.ndarray, t_all: np.ndarray, batch_size: int) -> None:
        for start in range(0, len(x_all), batch_size):
            x = x_all[start : start + batch_size]
            t = t_all[start : start + batch_size]
            hidden_inputs = x @ self.wih.T
            if self.bias:
                hidden_inputs += self.bh
            hidden = sigmoid(hidden_inputs)
            output_inputs = hidden @ self.who.T
            if self.bias:
                output_inputs += self.bo
            output = sigmoid(output_inputs)
            output_errors = t - output
            hidden_errors = output_errors @ self.who
            step = self.lr / len(x)
            output_deltas = output_errors * output * (1.0 - output)
            hidden_deltas = hidden_errors * hidden * (1.0 - hidden)
            self.who += step * (output_deltas.T @ hidden)
            self.wih += step * (hidden_deltas.T @ x)
            if self.bias:
                self.bo += step * output_deltas.sum(axis=0)
                self.bh += step * hidden_deltas.sum(axis=0)

    def weights_are_finite(self) -> bool:
        """True when every weight (and bias) is a finite number: training has not diverged."""
        arrays = (self.wih, self.who) + ((self.bh, self.bo) if self.bias else ())
        return all(np.isfinite(a).all() for a in arrays)

    # ------------------------------------------------------------------ files
    def save(self, path=None, training_state=None):
        """Save to ONE self-describing file (.npz, or .h5 for HDF5); see :func:`mynn.storage.save`.

        Load it back with ``mynn.load(path)``. Returns the path written.

        With no ``path``, ``n.save()`` does what the book's article adds to its class: it
        writes ``saved_wih.npy`` and ``saved_who.npy`` into the current folder (see
        :meth:`save_book_weights`) and returns the two paths; ``n.load()`` reads them back.
        """
        if path is None:
            if training_state is not None:
                raise UsageError(
                    "the book's two files can't hold a training state: give a path, "
                    "e.g. network.save('run.npz', training_state=...)"
                )
            return self.save_book_weights(".")
        from mynn.storage import save  # imported here: mynn.storage imports this module

        return save(self, path, training_state=training_state)

    def load(self, directory="."):
        """The book's article's ``n.load()``: read ``saved_wih.npy`` and ``saved_who.npy``.

        From ``directory`` (default: the current folder) into this network, as the article's
        ``self.wih = numpy.load('saved_wih.npy')`` does, but checked first: weights of
        another shape raise :class:`mynn.storage.StorageError` and leave this network
        unchanged. To load a mynn network file, use the function ``mynn.load(path)``.
        Returns this network.
        """
        from mynn.storage import BOOK_FILES, load_book_weights

        wih_path, who_path = (os.path.join(directory, name) for name in BOOK_FILES)
        return load_book_weights(wih_path, who_path, into=self)

    def save_book_weights(self, directory):
        """Write the book's ``saved_wih.npy`` and ``saved_who.npy`` into ``directory``.

        See :func:`mynn.storage.save_book_weights`; read them back with
        ``mynn.load_book_weights``. Returns the two paths.
        """
        from mynn.storage import save_book_weights

        return save_book_weights(self, directory)

    # ------------------------------------------------------------------ input checks
    def _check_inputs(
        self, inputs: ArrayLike, allow_batch: bool, force_batch: bool = False
    ) -> np.ndarray:
        x = _as_finite_float(inputs, "inputs")
        if x.ndim == 1 and not force_batch:
            if x.shape[0] != self.inodes:
                raise UsageError(
                    f"inputs has {x.shape[0]} values but the network has {self.inodes} input nodes"
                )
            return x
        if x.ndim == 2 and (allow_batch or force_batch):
            if x.shape[1] != self.inodes:
                raise UsageError(
                    f"inputs has {x.shape[1]} values per row but the network has {self.inodes} "
                    "input nodes (one sample per row)"
                )
            return x
        expected = "a 1-D array of one sample" + (
            " or a 2-D array, one sample per row" if allow_batch else ""
        )
        if force_batch:
            expected = "a 2-D array, one sample per row"
        raise UsageError(f"inputs must be {expected}; got shape {x.shape}")

    def _check_targets(self, targets: ArrayLike, n_samples: int | None) -> np.ndarray:
        t = _as_finite_float(targets, "targets")
        expected = (self.onodes,) if n_samples is None else (n_samples, self.onodes)
        if t.shape != expected:
            raise UsageError(
                f"targets must have shape {expected} (one value per output node"
                f"{'' if n_samples is None else ', one row per sample'}); got shape {t.shape}"
            )
        return t


@functools.cache
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread():
    """A context in which numpy's BLAS uses one thread (threadpoolctl, restored after)."""
    try:
        return _blas_controller().limit(limits=1, user_api="blas")
    except Exception:  # an exotic BLAS threadpoolctl can't drive: run as it is
        return contextlib.nullcontext()


def check_learning_rate(learning_rate: float) -> float:
    if isinstance(learning_rate, bool):
        raise UsageError(f"learning_rate must be a number, got {learning_rate!r}")
    try:
        lr = float(learning_rate)
    except OverflowError:
        raise UsageError(
            f"learning_rate is too large to be a float ({str(learning_rate)[:20]}...); "
            "the book uses 0.1 to 0.3"
        ) from None
    except (TypeError, ValueError):
        raise UsageError(f"learning_rate must be a number, got {learning_rate!r}") from None
    if not np.isfinite(lr) or lr <= 0:
        raise UsageError(f"learning_rate must be a positive finite number, got {learning_rate!r}")
    return lr


def check_labels(labels: np.ndarray, n_classes: int, name: str) -> None:
    """Labels must be whole numbers 0..n_classes-1 (an integer array)."""
    if not np.issubdtype(labels.dtype, np.integer):
        raise UsageError(
            f"{name} must be whole-number class labels (an integer array); got dtype "
            f"{labels.dtype}. Convert with .astype(int) if the values are whole numbers."
        )
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise UsageError(
            f"{name} must lie in 0..{n_classes - 1} for {n_classes} classes; got values from "
            f"{labels.min()} to {labels.max()}"
        )


def _as_finite_float(values: ArrayLike, name: str) -> np.ndarray:
    return check_finite_array(name, values)


def _rescale_open_unit(signal: np.ndarray) -> np.ndarray:
    signal = signal - np.min(signal)
    span = np.max(signal)
    if span == 0:
        return np.full_like(signal, 0.5)
    return signal / span * 0.98 + 0.01
