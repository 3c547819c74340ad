"""A literal transcription of the book's network algorithm, the reference mynn is checked against.

Written out from the equations of *Make Your Own Neural Network* part 2, step by step as the
book lays them out: lists turned into column vectors, sigmoid everywhere, errors split back
by the transposed weights. Used by tests/test_network.py and benchmarks/bench_training.py.
"""

import numpy as np


class BookNetwork:
    """A literal transcription of the book's algorithm (part 2), written out from its equations:
    column vectors, sigmoid everywhere, error split back by the transposed weights."""

    def __init__(self, wih, who, lr):
        self.wih, self.who, self.lr = wih.copy(), who.copy(), lr

    def activation(self, x):
        return 1.0 / (1.0 + np.exp(-x))

    def train(self, inputs_list, targets_list):
        inputs = np.array(inputs_list, ndmin=2).T
        targets = np.array(targets_list, ndmin=2).T
        hidden_inputs = np.dot(self.wih, inputs)
        hidden_outputs = self.activation(hidden_inputs)
        final_inputs = np.dot(self.who, hidden_outputs)
        final_outputs = self.activation(final_inputs)
        output_errors = targets - final_outputs
        hidden_errors = np.dot(self.who.T, output_errors)
        self.who += self.lr * np.dot(
            output_errors * final_outputs * (1.0 - final_outputs), hidden_outputs.T
        )
        self.wih += self.lr * np.dot(
            hidden_errors * hidden_outputs * (1.0 - hidden_outputs), inputs.T
        )

    def query(self, inputs_list):
        inputs = np.array(inputs_list, ndmin=2).T
        return self.activation(np.dot(self.who, self.activation(np.dot(self.wih, inputs))))
