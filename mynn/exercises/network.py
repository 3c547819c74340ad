"""Exercises for notebooks 01 and 02: the book's network, line by line.

The reference solutions follow *Make Your Own Neural Network* exactly as
:class:`mynn.network.NeuralNetwork` implements it, for one sample given as 1-D arrays::

    hidden  = sigmoid(wih @ inputs)
    outputs = sigmoid(who @ hidden)
    e_hid   = who.T @ e_out
    w_new   = w + lr * outer(e * o * (1 - o), inputs)      (one layer: errors e, outputs o)

and the book's data preparation: inputs = pixels / 255 * 0.99 + 0.01, targets 0.01 with
0.99 at the label. The tests check each reference against mynn's own functions.
"""

from __future__ import annotations

import numpy as np

from mynn.exercises.core import Exercise, Mistake

# ---------------------------------------------------------------------------- 01.sigmoid


def my_sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _sigmoid_cases(rng):
    return [
        (np.linspace(-6.0, 6.0, 7),),
        (rng.normal(0.0, 3.0, 11),),
        (rng.uniform(-10.0, 10.0, (3, 4)),),
        (np.array([0.0]),),
    ]


SIGMOID = Exercise(
    id="01.sigmoid",
    title="the sigmoid activation function, elementwise",
    function_name="my_sigmoid",
    parameters="x",
    task="return 1 / (1 + e^-x) for every element of the numpy array x",
    reference=my_sigmoid,
    cases=_sigmoid_cases,
    mistakes=(
        Mistake(
            "exp(+x)",
            lambda x: 1 / (1 + np.exp(x)),
            "you used exp(+x): the sigmoid is 1 / (1 + exp(-x)), with a minus sign, so that "
            "large x gives values near 1 (yours gives values near 0, the sigmoid mirrored)",
        ),
        Mistake(
            "1 - exp",
            lambda x: 1 / (1 - np.exp(-x)),
            "the denominator is 1 + exp(-x), not 1 - exp(-x): with a minus the function "
            "blows up at x = 0 instead of passing through 0.5",
        ),
        Mistake(
            "tanh",
            np.tanh,
            "that is tanh, which runs from -1 to 1; the book's sigmoid runs from 0 to 1: "
            "1 / (1 + exp(-x))",
        ),
        Mistake(
            "no reciprocal",
            lambda x: 1 + np.exp(-x),
            "you returned 1 + exp(-x), the denominator: the sigmoid is one divided by it",
        ),
    ),
    hints=(
        "numpy's np.exp works on a whole array at once, element by element.",
        "Write the formula as you would for one number: 1 / (1 + np.exp(-x)); numpy applies "
        "it to every element.",
    ),
)

# ---------------------------------------------------------------------------- 01.query


def my_query(wih: np.ndarray, who: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    hidden_outputs = 1 / (1 + np.exp(-np.dot(wih, inputs)))
    final_outputs = 1 / (1 + np.exp(-np.dot(who, hidden_outputs)))
    return final_outputs


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _network_cases(rng):
    """(wih, who, inputs) for a 3-3-3 network (square, as the book's example) and others."""
    cases = []
    for n_in, n_hidden, n_out in ((3, 3, 3), (5, 4, 3), (8, 6, 2), (4, 7, 5)):
        wih = rng.normal(0.0, n_in**-0.5, (n_hidden, n_in))
        who = rng.normal(0.0, n_hidden**-0.5, (n_out, n_hidden))
        cases.append((wih, who, rng.uniform(0.01, 1.0, n_in)))
    return cases


QUERY = Exercise(
    id="01.query",
    title="the forward pass: inputs through both layers to the final outputs",
    function_name="my_query",
    parameters="wih, who, inputs",
    task="return sigmoid(who . sigmoid(wih . inputs)), the network's final outputs",
    reference=my_query,
    cases=_network_cases,
    mistakes=(
        Mistake(
            "no hidden sigmoid",
            lambda wih, who, x: _sig(who @ (wih @ x)),
            "the hidden layer's signals need the sigmoid too: hidden_outputs = "
            "sigmoid(wih . inputs), before they go into who",
        ),
        Mistake(
            "no final sigmoid",
            lambda wih, who, x: who @ _sig(wih @ x),
            "you returned who . hidden_outputs, the output layer's combined inputs: apply the "
            "sigmoid to them to get final_outputs",
        ),
        Mistake(
            "hidden outputs",
            lambda wih, who, x: _sig(wih @ x),
            "you returned the hidden layer's outputs; they still have to go through who and a "
            "second sigmoid",
        ),
        Mistake(
            "transposed weights",
            lambda wih, who, x: _sig(who.T @ _sig(wih.T @ x)),
            "the weights are used transposed: wih has one row per hidden node (shape hidden x "
            "inputs), so hidden inputs = np.dot(wih, inputs), without .T",
        ),
    ),
    hints=(
        "Two layers, the same two steps each: combine the signals with the weights "
        "(np.dot(weights, signals)), then apply the sigmoid.",
        "hidden_outputs = sigmoid(np.dot(wih, inputs)); final_outputs = "
        "sigmoid(np.dot(who, hidden_outputs)), with sigmoid = 1 / (1 + np.exp(-x)).",
    ),
    exception_hints=(
        (
            ValueError,
            "matmul",
            "a shape error: wih has shape (hidden, inputs) and who (outputs, hidden), so the "
            "product is np.dot(wih, inputs) (weights first), then np.dot(who, hidden_outputs)",
        ),
        (
            ValueError,
            "not aligned",
            "a shape error: wih has shape (hidden, inputs) and who (outputs, hidden), so the "
            "product is np.dot(wih, inputs) (weights first), then np.dot(who, hidden_outputs)",
        ),
    ),
)

# ---------------------------------------------------------------------------- 01.hidden_errors


def my_hidden_errors(who: np.ndarray, output_errors: np.ndarray) -> np.ndarray:
    return np.dot(who.T, output_errors)


def _errors_cases(rng):
    cases = []
    for n_hidden, n_out in ((3, 3), (5, 2), (4, 6), (6, 10)):
        who = rng.normal(0.0, n_hidden**-0.5, (n_out, n_hidden))
        cases.append((who, rng.normal(0.0, 0.3, n_out)))
    return cases


def _normalised_split(who, errors):
    return (who / who.sum(axis=1, keepdims=True)).T @ errors


HIDDEN_ERRORS = Exercise(
    id="01.hidden_errors",
    title="the output errors split back to the hidden nodes by the weights",
    function_name="my_hidden_errors",
    parameters="who, output_errors",
    task="return the hidden layer's errors: who transposed, times output_errors",
    reference=my_hidden_errors,
    cases=_errors_cases,
    mistakes=(
        Mistake(
            "no transpose",
            lambda who, e: who @ e,
            "you multiplied by who itself: the errors travel backwards, so use the transpose, "
            "np.dot(who.T, output_errors) (who has one row per output node)",
        ),
        Mistake(
            "normalised",
            _normalised_split,
            "you divided each weight by the sum of the weights into that output node: the book "
            "shows those fractions first, then drops the normalisation; the rule is simply "
            "np.dot(who.T, output_errors)",
        ),
        Mistake(
            "elementwise",
            lambda who, e: (who.T * e).sum(axis=0),
            "you summed over the hidden nodes instead of the output nodes: each hidden node "
            "collects sum over outputs k of who[k, j] * e[k], which is np.dot(who.T, output_errors)",
        ),
    ),
    hints=(
        "Each hidden node j gets a share of every output node k's error, in proportion to "
        "the weight who[k, j] that links them.",
        "That sum over k is a matrix product with who transposed: np.dot(who.T, output_errors).",
    ),
    exception_hints=(
        (
            ValueError,
            "",
            "a shape error: who has shape (outputs, hidden) and output_errors (outputs,); going "
            "backwards means np.dot(who.T, output_errors), giving one error per hidden node",
        ),
    ),
)

# ---------------------------------------------------------------------------- 01.weight_update


def my_weight_update(
    weights: np.ndarray, lr: float, errors: np.ndarray, outputs: np.ndarray, inputs: np.ndarray
) -> np.ndarray:
    gradient_step = np.outer(errors * outputs * (1.0 - outputs), inputs)
    return weights + lr * gradient_step


def _update_cases(rng):
    cases = []
    for (n_out, n_in), lr in zip(((3, 3), (2, 5), (4, 3), (10, 6)), (0.3, 0.1, 0.5, 0.05)):
        weights = rng.normal(0.0, n_in**-0.5, (n_out, n_in))
        outputs = rng.uniform(0.05, 0.95, n_out)
        errors = rng.uniform(0.01, 0.99, n_out) - outputs
        cases.append((weights, lr, errors, outputs, rng.uniform(0.01, 0.99, n_in)))
    return cases


WEIGHT_UPDATE = Exercise(
    id="01.weight_update",
    title="the book's weight update for one layer",
    function_name="my_weight_update",
    parameters="weights, lr, errors, outputs, inputs",
    task="return weights + lr * (errors * outputs * (1 - outputs)) x inputs (an outer product)",
    reference=my_weight_update,
    cases=_update_cases,
    mistakes=(
        Mistake(
            "minus",
            lambda w, lr, e, o, x: w - lr * np.outer(e * o * (1 - o), x),
            "you subtracted the step: the errors are target - output, so the book's update "
            "adds it (weights + lr * ...)",
        ),
        Mistake(
            "no sigmoid slope",
            lambda w, lr, e, o, x: w + lr * np.outer(e, x),
            "the sigmoid's slope is missing: the step is errors * outputs * (1 - outputs), "
            "outer product with the inputs",
        ),
        Mistake(
            "slope of the outputs",
            lambda w, lr, e, o, x: w + lr * np.outer(e * _sig(o) * (1 - _sig(o)), x),
            "you took sigmoid(outputs) * (1 - sigmoid(outputs)): outputs are already the "
            "sigmoid's values, so the slope is simply outputs * (1 - outputs)",
        ),
        Mistake(
            "no learning rate",
            lambda w, lr, e, o, x: w + np.outer(e * o * (1 - o), x),
            "the learning rate is missing: multiply the step by lr",
        ),
        Mistake(
            "only the change",
            lambda w, lr, e, o, x: lr * np.outer(e * o * (1 - o), x),
            "you returned only the change: add it to the weights and return weights + change",
        ),
    ),
    hints=(
        "The change to weight w[j, i] is lr * e[j] * o[j] * (1 - o[j]) * x[i]: one row per "
        "node of the layer, one column per input.",
        "All of them at once is an outer product: np.outer(errors * outputs * (1 - outputs), "
        "inputs). (np.dot of two 1-D arrays would give a single number.)",
    ),
    exception_hints=(
        (
            ValueError,
            "",
            "a shape error: with 1-D arrays np.dot(a, b.T) is the dot product, not the book's "
            "column-times-row product; use np.outer(errors * outputs * (1 - outputs), inputs)",
        ),
    ),
)

# ---------------------------------------------------------------------------- 02.scale_inputs


def my_scale_inputs(pixels: np.ndarray) -> np.ndarray:
    return pixels / 255.0 * 0.99 + 0.01


def _pixel_cases(rng):
    return [
        (np.array([0, 128, 255], dtype=np.uint8),),
        (rng.integers(0, 256, 784).astype(np.uint8),),
        (rng.integers(0, 256, 50).astype(np.uint8),),
        (rng.integers(0, 256, 20).astype(np.float64),),
    ]


SCALE_INPUTS = Exercise(
    id="02.scale_inputs",
    title="the book's input scaling, pixels 0..255 to 0.01..1.00",
    function_name="my_scale_inputs",
    parameters="pixels",
    task="return the pixels (0..255) scaled to 0.01..1.00 as the book does",
    reference=my_scale_inputs,
    cases=_pixel_cases,
    mistakes=(
        Mistake(
            "no offset",
            lambda p: p / 255.0 * 0.99,
            "the +0.01 is missing: a zero input would stop its weights learning (the update is "
            "proportional to the input), so the book shifts the range to 0.01..1.00",
        ),
        Mistake(
            "0..1",
            lambda p: p / 255.0,
            "that scales to 0..1; the book scales to 0.01..1.00: pixels / 255 * 0.99 + 0.01",
        ),
        Mistake(
            "256",
            lambda p: p / 256.0 * 0.99 + 0.01,
            "the largest pixel is 255, not 256: divide by 255.0 so that 255 becomes 1.00",
        ),
        Mistake(
            "whole-number division",
            lambda p: p // 255 * 0.99 + 0.01,
            "// is whole-number division, so every pixel below 255 becomes 0: use / (true "
            "division)",
        ),
        Mistake(
            "offset before scaling",
            lambda p: (p + 0.01) / 255.0 * 0.99,
            "the 0.01 is added after scaling, not to the pixels: pixels / 255 * 0.99 + 0.01",
        ),
    ),
    hints=("Three steps: divide by 255 (now 0..1), multiply by 0.99 (0..0.99), add 0.01.",),
)

# ---------------------------------------------------------------------------- 02.make_targets


def my_make_targets(label: int, output_nodes: int) -> np.ndarray:
    targets = np.zeros(output_nodes) + 0.01
    targets[label] = 0.99
    return targets


def _target_cases(rng):
    return [(3, 10), (0, 10), (9, 10), (int(rng.integers(0, 5)), 5), (np.int64(1), 3), (20, 26)]


def _targets_mistake(low, high, shift=0):
    def make(label, output_nodes):
        targets = np.full(output_nodes, low, dtype=np.float64)
        targets[(label + shift) % output_nodes] = high
        return targets

    return make


MAKE_TARGETS = Exercise(
    id="02.make_targets",
    title="the book's target vector: 0.99 at the label, 0.01 elsewhere",
    function_name="my_make_targets",
    parameters="label, output_nodes",
    task="return output_nodes values, all 0.01 except 0.99 at position label",
    reference=my_make_targets,
    cases=_target_cases,
    mistakes=(
        Mistake(
            "one-hot 0/1",
            _targets_mistake(0.0, 1.0),
            "you used 1 and 0: the sigmoid can never output 0 or 1, so the book aims for 0.99 "
            "and 0.01 instead (pushing for 0 or 1 would drive the weights ever larger)",
        ),
        Mistake(
            "zeros elsewhere",
            _targets_mistake(0.0, 0.99),
            "the other positions must be 0.01, not 0: start from np.zeros(output_nodes) + 0.01",
        ),
        Mistake(
            "one too far",
            _targets_mistake(0.01, 0.99, shift=1),
            "0.99 is one position too far: Python counts from 0, so label 0 is targets[0]",
        ),
        Mistake(
            "one too early",
            _targets_mistake(0.01, 0.99, shift=-1),
            "0.99 is one position too early: targets[label] is the right place (no -1)",
        ),
    ),
    hints=(
        "Start with an array of output_nodes values, all 0.01: np.zeros(output_nodes) + 0.01.",
        "Then set the label's position: targets[label] = 0.99.",
    ),
)

EXERCISES = (SIGMOID, QUERY, HIDDEN_ERRORS, WEIGHT_UPDATE, SCALE_INPUTS, MAKE_TARGETS)
