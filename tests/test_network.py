"""The network: fidelity to the book's maths, the fast paths, and bad input."""

import numpy as np
import pytest
from book_reference import BookNetwork

import mynn
from mynn.network import logit, sigmoid


@pytest.fixture(scope="module")
def digits():
    images, labels = mynn.datasets.load_mnist("train")
    return mynn.scale_inputs(images[:1500]), mynn.make_targets(labels[:1500])


def test_train_matches_literal_book_algorithm_over_1500_steps(digits):
    inputs, targets = digits
    network = mynn.NeuralNetwork(784, 100, 10, 0.1, seed=3)
    book = BookNetwork(network.wih, network.who, 0.1)
    for x, t in zip(inputs, targets):
        network.train(x, t)
        book.train(x, t)
    np.testing.assert_allclose(network.wih, book.wih, rtol=0, atol=1e-12)
    np.testing.assert_allclose(network.who, book.who, rtol=0, atol=1e-12)
    for x in inputs[:5]:
        np.testing.assert_allclose(network.query(x), book.query(x).ravel(), rtol=0, atol=1e-12)


def test_training_changes_the_weights(digits):
    inputs, targets = digits
    network = mynn.NeuralNetwork(784, 20, 10, 0.1, seed=0)
    before = network.wih.copy(), network.who.copy()
    network.train(inputs[0], targets[0])
    assert not np.array_equal(before[0], network.wih)
    assert not np.array_equal(before[1], network.who)


@pytest.mark.parametrize("block_size", [1, 7, 64, 5000])
def test_train_epoch_is_the_same_per_sample_maths(digits, block_size):
    inputs, targets = digits
    slow = mynn.NeuralNetwork(784, 50, 10, 0.2, seed=1)
    fast = mynn.NeuralNetwork(784, 50, 10, 0.2, seed=1)
    for x, t in zip(inputs, targets):
        slow.train(x, t)
    fast.train_epoch(inputs, targets, block_size=block_size)
    np.testing.assert_allclose(fast.wih, slow.wih, rtol=0, atol=1e-11)
    np.testing.assert_allclose(fast.who, slow.who, rtol=0, atol=1e-11)


def test_minibatch_of_one_is_the_book_rule_and_larger_batches_differ(digits):
    inputs, targets = digits[0][:200], digits[1][:200]
    book = mynn.NeuralNetwork(784, 30, 10, 0.1, seed=2)
    one = mynn.NeuralNetwork(784, 30, 10, 0.1, seed=2)
    batched = mynn.NeuralNetwork(784, 30, 10, 0.1, seed=2)
    book.train_epoch(inputs, targets)
    one.train_minibatch(inputs, targets, batch_size=1)
    batched.train_minibatch(inputs, targets, batch_size=32)
    np.testing.assert_allclose(one.wih, book.wih, atol=1e-11)
    assert np.abs(batched.wih - book.wih).max() > 1e-4


def test_minibatch_step_averages_the_book_rule_over_the_batch():
    """who moves down the exact mean gradient of E = 1/2 sum (t - o)^2. wih follows the book's
    rule, which splits the raw output errors back (who.T @ e), not the exact gradient
    (who.T @ (e * o * (1 - o))); the test shows both facts."""
    rng = np.random.default_rng(0)
    network = mynn.NeuralNetwork(4, 3, 2, 0.5, seed=0)
    x, t = rng.random((5, 4)), rng.random((5, 2)) * 0.98 + 0.01

    def loss(wih, who):
        out = sigmoid(sigmoid(x @ wih.T) @ who.T)
        return 0.5 * np.sum((t - out) ** 2) / len(x)

    def numeric_gradient(which):
        weights = {"wih": network.wih, "who": network.who}
        grad = np.zeros_like(weights[which])
        for index in np.ndindex(grad.shape):
            bump = np.zeros_like(grad)
            bump[index] = 1e-6
            plus = dict(weights, **{which: weights[which] + bump})
            minus = dict(weights, **{which: weights[which] - bump})
            grad[index] = (loss(**plus) - loss(**minus)) / 2e-6
        return grad

    hidden = sigmoid(x @ network.wih.T)
    out = sigmoid(hidden @ network.who.T)
    book_wih_step = 0.5 * (((t - out) @ network.who) * hidden * (1 - hidden)).T @ x / len(x)
    expected_who = network.who - 0.5 * numeric_gradient("who")
    expected_wih = network.wih + book_wih_step
    exact_gradient_wih = network.wih - 0.5 * numeric_gradient("wih")
    network.train_minibatch(x, t, batch_size=5)
    np.testing.assert_allclose(network.who, expected_who, atol=1e-8)
    np.testing.assert_allclose(network.wih, expected_wih, atol=1e-12)
    assert np.abs(network.wih - exact_gradient_wih).max() > 1e-3


def test_initial_weights_follow_the_book_distribution():
    network = mynn.NeuralNetwork(784, 200, 10, 0.1, seed=7)
    assert network.wih.shape == (200, 784) and network.who.shape == (10, 200)
    assert abs(network.wih.mean()) < 0.002
    assert network.wih.std() == pytest.approx(784**-0.5, rel=0.01)
    assert network.who.std() == pytest.approx(200**-0.5, rel=0.05)
    again = mynn.NeuralNetwork(784, 200, 10, 0.1, seed=7)
    np.testing.assert_array_equal(network.wih, again.wih)
    assert not np.array_equal(network.wih, mynn.NeuralNetwork(784, 200, 10, 0.1, seed=8).wih)


def test_query_shapes():
    network = mynn.NeuralNetwork(3, 3, 3, 0.3, seed=0)
    single = network.query([1.0, 0.5, -1.5])
    batch = network.query([[1.0, 0.5, -1.5], [0.1, 0.2, 0.3]])
    assert single.shape == (3,) and batch.shape == (2, 3)
    np.testing.assert_allclose(batch[0], single)
    assert np.all((batch > 0) & (batch < 1))
    assert network.predict([[1.0, 0.5, -1.5]]).shape == (1,)


def test_sample_digits_reach_book_accuracy():
    """The book's settings on the bundled sample: 784-200-10, lr 0.1, 5 epochs.

    What the book's algorithm guarantees is its own arithmetic: mynn's fast epoch answers
    every test digit as the literal transcription does from the same start. How well that
    arithmetic learns depends on the sample; the floor (0.90; this run measures 0.933)
    only catches a network that stopped learning.
    """
    (train_x, train_y), (test_x, test_y) = (
        mynn.datasets.load_mnist("train"),
        mynn.datasets.load_mnist("test"),
    )
    network = mynn.NeuralNetwork(784, 200, 10, 0.1, seed=0)
    book = BookNetwork(network.wih, network.who, 0.1)
    inputs, targets = mynn.scale_inputs(train_x), mynn.make_targets(train_y)
    for _ in range(5):
        network.train_epoch(inputs, targets)
    for x, t in zip(inputs, targets):  # one epoch of the transcription (5 would take minutes)
        book.train(x, t)
    once = mynn.NeuralNetwork(784, 200, 10, 0.1, seed=0)
    once.train_epoch(inputs, targets)
    test_inputs = mynn.scale_inputs(test_x)
    book_answers = np.argmax(book.query(test_inputs), axis=0)
    np.testing.assert_array_equal(once.predict(test_inputs), book_answers)
    assert mynn.accuracy(labels=test_y, predicted=network.predict(test_inputs)) >= 0.90


def test_sigmoid_and_logit():
    x = np.array([-800.0, -30.0, -1.0, 0.0, 2.0, 40.0, 800.0])
    with np.errstate(over="raise", invalid="raise"):
        y = sigmoid(x)
    np.testing.assert_allclose(y[1:-1], 1 / (1 + np.exp(-x[1:-1])))
    assert y[0] == 0.0 and y[-1] == 1.0
    np.testing.assert_allclose(logit(sigmoid(x[1:-2])), x[1:-2], atol=1e-9)


def _round_trip_network(n, bias, seed):
    """An n-n-n network with orthogonal weights, so each layer can be undone exactly."""
    rng = np.random.default_rng(seed)
    network = mynn.NeuralNetwork(n, n, n, 0.1, seed=seed, bias=bias)
    network.wih = np.linalg.qr(rng.normal(size=(n, n)))[0]
    network.who = np.linalg.qr(rng.normal(size=(n, n)))[0]
    if bias:
        network.bh = rng.normal(size=n)
        network.bo = rng.normal(size=n)
    return network, rng


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_backquery_undoes_query(bias, seed):
    """Round trip: back-querying a network's own output gives its input back, rescaled.

    Each layer of back-query undoes a forward layer (logit undoes sigmoid, subtracting the
    bias undoes adding it, the transpose undoes an orthogonal weight matrix). The hidden
    signal is rescaled into 0.01..0.99 on the way, so the input is picked to make the
    hidden outputs span exactly 0.01..0.99; then only the final rescale remains.
    """
    network, rng = _round_trip_network(6, bias, seed)
    hidden = rng.uniform(0.01, 0.99, 6)
    hidden[:2] = 0.01, 0.99
    bh = network.bh if bias else 0.0
    inputs = network.wih.T @ (logit(hidden) - bh)  # sigmoid(wih @ inputs + bh) == hidden
    image = network.backquery(network.query(inputs))
    expected = (inputs - inputs.min()) / np.ptp(inputs) * 0.98 + 0.01
    np.testing.assert_allclose(image, expected, atol=1e-9)


def test_backquery_range_and_labels(digits):
    inputs, targets = digits
    network = mynn.NeuralNetwork(784, 100, 10, 0.1, seed=0)
    network.train_epoch(inputs, targets)
    image = network.backquery(mynn.make_targets(3))
    assert image.shape == (784,) and np.all(np.isfinite(image))
    assert image.min() == pytest.approx(0.01) and image.max() == pytest.approx(0.99)
    assert not np.allclose(image, network.backquery(mynn.make_targets(4)))


def test_helpers():
    np.testing.assert_allclose(mynn.scale_inputs([0, 255]), [0.01, 1.0])
    np.testing.assert_allclose(mynn.make_targets(2, 4), [0.01, 0.01, 0.99, 0.01])
    assert mynn.make_targets([1, 3]).shape == (2, 10)
    assert mynn.accuracy([1, 2, 3, 4], [1, 2, 0, 4]) == 0.75
    assert mynn.accuracy(labels=[1, 2, 3, 4], predicted=[1, 2, 0, 4]) == 0.75


def test_confusion_matrix_takes_the_truth_first():
    """Rows are the true labels (truth first, as sklearn and rmse(truth, estimate))."""
    labels, predicted = [0, 1, 2, 2], [0, 1, 1, 2]  # one true 2 read as 1
    expected = [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    np.testing.assert_array_equal(mynn.confusion_matrix(labels, predicted, n_classes=3), expected)
    matrix = mynn.confusion_matrix(predicted=predicted, labels=labels, n_classes=3)
    np.testing.assert_array_equal(matrix, expected)
    # swapping the two transposes the matrix: why the keywords are worth writing
    np.testing.assert_array_equal(
        mynn.confusion_matrix(predicted, labels, n_classes=3), np.transpose(expected)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 3, 3, 0.1), "input_nodes must be a positive"),
        ((3, -1, 3, 0.1), "hidden_nodes must be a positive"),
        ((3, 3, 2.5, 0.1), "output_nodes must be a positive"),
        ((3, 3, 3, 0.0), "learning_rate must be a positive"),
        ((3, 3, 3, float("nan")), "learning_rate must be a positive"),
        ((3, 3, 3, "fast"), "learning_rate must be a number"),
    ],
)
def test_bad_construction(args, message):
    with pytest.raises(ValueError, match=message):
        mynn.NeuralNetwork(*args)


def test_bad_inputs_name_the_problem():
    network = mynn.NeuralNetwork(784, 10, 10, 0.1, seed=0)
    with pytest.raises(
        ValueError, match="inputs has 783 values but the network has 784 input nodes"
    ):
        network.query(np.zeros(783))
    with pytest.raises(ValueError, match="783 values per row"):
        network.query(np.zeros((2, 783)))
    with pytest.raises(ValueError, match="NaN or infinity"):
        network.train(np.full(784, np.nan), np.full(10, 0.5))
    with pytest.raises(ValueError, match="NaN or infinity"):
        network.query(np.full(784, np.inf))
    with pytest.raises(ValueError, match=r"targets must have shape \(10,\)"):
        network.train(np.zeros(784), np.zeros(9))
    with pytest.raises(ValueError, match=r"targets must have shape \(3, 10\)"):
        network.train_epoch(np.zeros((3, 784)), np.zeros((2, 10)))
    with pytest.raises(ValueError, match="2-D array"):
        network.train_epoch(np.zeros(784), np.zeros(10))
    with pytest.raises(ValueError, match="must be numbers"):
        network.query(["a"] * 784)
    with pytest.raises(ValueError, match="0..255"):
        mynn.scale_inputs([300])
    with pytest.raises(ValueError, match="labels must lie in 0..9"):
        mynn.make_targets([10])
    with pytest.raises(ValueError, match="batch_size"):
        network.train_minibatch(np.zeros((3, 784)), np.zeros((3, 10)), batch_size=0)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        network.backquery(np.ones(10))


# ---------------------------------------------------------------- bias nodes (beside the book)


def test_bias_network_starts_as_the_faithful_one(digits):
    inputs = digits[0][:5]
    plain = mynn.NeuralNetwork(784, 30, 10, 0.1, seed=4)
    biased = mynn.NeuralNetwork(784, 30, 10, 0.1, seed=4, bias=True)
    np.testing.assert_array_equal(plain.wih, biased.wih)
    np.testing.assert_array_equal(biased.bh, np.zeros(30))
    np.testing.assert_array_equal(plain.query(inputs), biased.query(inputs))
    assert plain.bh is None and plain.bo is None and "bias=True" in repr(biased)


def test_bias_update_is_the_book_rule_on_an_input_fixed_at_one(digits):
    """train() with biases is the book's rule written out by hand with bias terms."""
    inputs, targets = digits[0][:300], digits[1][:300]
    biased = mynn.NeuralNetwork(784, 20, 10, 0.2, seed=5, bias=True)
    biased.bo[:] = 0.3  # start both biases away from zero to exercise them
    biased.bh[:] = -0.2
    # The same network written the book's way by hand, with the biases as explicit terms.
    wih, who, bh, bo = biased.wih.copy(), biased.who.copy(), biased.bh.copy(), biased.bo.copy()
    for x, t in zip(inputs, targets):
        hidden = sigmoid(wih @ x + bh)
        output = sigmoid(who @ hidden + bo)
        e_out = t - output
        e_hid = who.T @ e_out
        who += 0.2 * np.outer(e_out * output * (1 - output), hidden)
        bo += 0.2 * e_out * output * (1 - output)
        wih += 0.2 * np.outer(e_hid * hidden * (1 - hidden), x)
        bh += 0.2 * e_hid * hidden * (1 - hidden)
        biased.train(x, t)
    for mine, expected in ((biased.wih, wih), (biased.who, who), (biased.bh, bh), (biased.bo, bo)):
        np.testing.assert_allclose(mine, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("block_size", [1, 7, 128])
def test_bias_train_epoch_is_the_same_per_sample_maths(digits, block_size):
    inputs, targets = digits[0][:700], digits[1][:700]
    slow = mynn.NeuralNetwork(784, 40, 10, 0.2, seed=6, bias=True)
    fast = mynn.NeuralNetwork(784, 40, 10, 0.2, seed=6, bias=True)
    for x, t in zip(inputs, targets):
        slow.train(x, t)
    fast.train_epoch(inputs, targets, block_size=block_size)
    for name in ("wih", "who", "bh", "bo"):
        np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=0, atol=1e-11)
    assert np.abs(slow.bh).max() > 1e-3  # the biases really moved


def test_bias_minibatch_of_one_is_the_per_sample_rule(digits):
    inputs, targets = digits[0][:100], digits[1][:100]
    book = mynn.NeuralNetwork(784, 20, 10, 0.1, seed=7, bias=True)
    one = mynn.NeuralNetwork(784, 20, 10, 0.1, seed=7, bias=True)
    book.train_epoch(inputs, targets)
    one.train_minibatch(inputs, targets, batch_size=1)
    np.testing.assert_allclose(one.bh, book.bh, atol=1e-11)
    np.testing.assert_allclose(one.bo, book.bo, atol=1e-11)


def test_backquery_takes_a_label(digits):
    network = mynn.NeuralNetwork(784, 30, 10, 0.1, seed=8)
    network.train_epoch(*digits)
    np.testing.assert_array_equal(network.backquery(3), network.backquery(mynn.make_targets(3)))
    image = network.backquery(np.int64(7))
    assert image.shape == (784,) and 0.01 - 1e-12 <= image.min() and image.max() <= 0.99 + 1e-12
    with pytest.raises(ValueError, match="labels must lie in 0..9"):
        network.backquery(10)


# ---------------------------------------------------------------- settings and bad values


def test_unknown_attributes_are_refused_not_ignored():
    network = mynn.NeuralNetwork(3, 3, 3, 0.3, seed=0)
    with pytest.raises(AttributeError, match="always uses the sigmoid"):
        network.activation_function = np.tanh
    with pytest.raises(AttributeError, match="no setting 'learning_rate'"):
        network.learning_rate = 0.2
    network.lr = 0.2  # the real name works
    assert network.lr == 0.2
    with pytest.raises(ValueError, match="learning_rate must be a positive"):
        network.lr = -1


def test_weights_set_from_outside_are_checked():
    network = mynn.NeuralNetwork(3, 4, 2, 0.3, seed=0)
    network.wih = np.ones((4, 3))  # the book's way of loading: right shape, accepted
    np.testing.assert_array_equal(network.wih, np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"wih must have shape \(4, 3\).*got shape \(3, 4\)"):
        network.wih = np.ones((3, 4))
    with pytest.raises(ValueError, match="who contains NaN"):
        network.who = np.full((2, 4), np.nan)
    with pytest.raises(ValueError, match="no biases"):
        network.bh = np.zeros(4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mynn.NeuralNetwork(3, 3, 3, 10**400), "too large to be a float"),
        (lambda: mynn.NeuralNetwork(3, 3, 3, True), "learning_rate must be a number"),
        (lambda: mynn.NeuralNetwork(3, 3, 3, 0.1, seed=-1), "seed must be a non-negative"),
        (lambda: mynn.NeuralNetwork(3, 3, 3, 0.1, bias="yes"), "bias must be True or False"),
        (lambda: mynn.NeuralNetwork(784, 10**9, 10, 0.1), "GiB of memory"),
        (lambda: mynn.NeuralNetwork(3, 3, 3, 0.1).train(None, [0.5] * 3), "inputs is None"),
        (lambda: mynn.confusion_matrix([-1, 1], [0, 1]), "labels must lie in 0..9"),
        (lambda: mynn.confusion_matrix([0, 1], [0, 10]), "predicted must lie in 0..9"),
        (lambda: mynn.confusion_matrix([0.0], [1.0]), "whole-number class labels"),
        (lambda: mynn.make_targets([1.5]), "whole-number class labels"),
    ],
)
def test_bad_values_get_a_message_naming_them(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_empty_labels_make_empty_targets():
    assert mynn.make_targets([]).shape == (0, 10)


def test_train_epoch_runs_with_one_blas_thread(digits, monkeypatch):
    """train_epoch and train_minibatch hold BLAS to one thread while they work."""
    import contextlib

    from threadpoolctl import threadpool_info

    import mynn.network as network_module

    real, seen = network_module._one_blas_thread, []

    @contextlib.contextmanager
    def watched():
        with real():
            yield
            blas = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
            seen.append(blas)

    monkeypatch.setattr(network_module, "_one_blas_thread", watched)
    inputs, targets = digits
    network = mynn.NeuralNetwork(784, 10, 10, 0.1, seed=0)
    network.train_epoch(inputs[:20], targets[:20])
    network.train_minibatch(inputs[:20], targets[:20], batch_size=5)
    assert len(seen) == 2 and all(threads and set(threads) == {1} for threads in seen)


def test_weight_shapes_is_the_one_table_the_network_and_files_use(tmp_path):
    """The shapes the network checks, saves and loads come from one function."""
    from mynn.network import weight_shapes

    assert weight_shapes(3, 4, 2, bias=False) == {"wih": (4, 3), "who": (2, 4)}
    assert weight_shapes(3, 4, 2) == {"wih": (4, 3), "who": (2, 4), "bh": (4,), "bo": (2,)}
    network = mynn.NeuralNetwork(3, 4, 2, 0.1, seed=0, bias=True)
    shapes = {name: getattr(network, name).shape for name in ("wih", "who", "bh", "bo")}
    assert shapes == weight_shapes(3, 4, 2)
    network.save(tmp_path / "net.npz")
    loaded = mynn.load(tmp_path / "net.npz")
    assert {name: getattr(loaded, name).shape for name in shapes} == shapes
