"""Saving and loading networks: round trips, the book's files, bad files, ONNX, resuming."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mynn
from mynn import storage
from mynn.storage import StorageError
from mynn.training import fit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Recorded when tests/fixtures/ was written (tools: see tests/fixtures/README.md).
FIXTURE_FINGERPRINT = "14a92cc6083e126fb2adf2130fd9851653b7242267d73254ec46cf41cad12795"
FIXTURE_WIH_ROW0 = [
    0.007759705986882012,
    0.09473979994859157,
    -0.1469872457669473,
    -0.42107536431725456,
    -0.23022002281905368,
]
FIXTURE_WHO_SUM = -4.059220575912975
FIXTURE_BIAS_BO = [-0.026216450861595172, -0.05682962379364623, -0.02811890799729566]


def same_network(a, b):
    assert (a.inodes, a.hnodes, a.onodes) == (b.inodes, b.hnodes, b.onodes)
    assert a.lr == b.lr
    assert a.wih.dtype == b.wih.dtype == np.float64
    np.testing.assert_array_equal(a.wih, b.wih)
    np.testing.assert_array_equal(a.who, b.who)
    assert getattr(a, "bias", False) == getattr(b, "bias", False)
    if getattr(a, "bias", False):
        np.testing.assert_array_equal(a.bh, b.bh)
        np.testing.assert_array_equal(a.bo, b.bo)


def rewrite_npz(path, **changes):
    """Rewrite a saved .npz with some entries changed (None removes one), as a forger would."""
    with np.load(path) as archive:
        entries = dict(archive)
    for name, value in changes.items():
        if value is None:
            entries.pop(name)
        else:
            entries[name] = np.asarray(value)
    with open(path, "wb") as handle:
        np.savez(handle, **entries)


@pytest.fixture
def network():
    net = mynn.NeuralNetwork(6, 4, 3, 0.25, seed=11)
    # Trained a little, so the weights are not just the seeded start.
    rng = np.random.default_rng(0)
    net.train_epoch(rng.random((20, 6)) * 0.99 + 0.01, mynn.make_targets(rng.integers(0, 3, 20), 3))
    return net


# --------------------------------------------------------------------------- round trips

sizes = st.tuples(st.integers(1, 12), st.integers(1, 12), st.integers(1, 12))
rates = st.floats(1e-4, 5.0, allow_nan=False)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def random_network(sizes, lr, seed, bias=False):
    network = mynn.NeuralNetwork(*sizes, lr, seed=seed, bias=bias)
    if bias:  # biases start at zero; give them values worth checking
        rng = np.random.default_rng(seed)
        network.bh, network.bo = rng.normal(size=sizes[1]), rng.normal(size=sizes[2])
    return network


@pytest.mark.parametrize("suffix", [".npz", ".h5", ".hdf5"])
@SETTINGS
@given(sizes=sizes, lr=rates, seed=st.integers(0, 2**32 - 1), bias=st.booleans())
def test_round_trip_is_exact(tmp_path, suffix, sizes, lr, seed, bias):
    original = random_network(sizes, lr, seed, bias)
    path = storage.save(original, tmp_path / f"net{suffix}")
    same_network(mynn.load(path), original)


@SETTINGS
@given(sizes=sizes, lr=rates, seed=st.integers(0, 2**32 - 1))
def test_book_pair_round_trip_is_exact(tmp_path, sizes, lr, seed):
    original = mynn.NeuralNetwork(*sizes, lr, seed=seed)
    wih_path, who_path = storage.save_book_weights(original, tmp_path)
    assert (wih_path.name, who_path.name) == ("saved_wih.npy", "saved_who.npy")
    same_network(mynn.load_book_weights(wih_path, who_path, lr), original)


def test_training_state_round_trips(tmp_path, network):
    state = storage.TrainingState(
        epochs_done=2, position=1500, epochs=5, chunk=500, n_samples=4000, data_fingerprint="ab"
    )
    for suffix in (".npz", ".h5"):
        path = storage.save(network, tmp_path / f"run{suffix}", training_state=state)
        loaded, loaded_state = storage.load_checkpoint(path)
        same_network(loaded, network)
        assert loaded_state == state
        assert loaded_state.samples_done == 2 * 4000 + 1500 and not loaded_state.finished
    assert storage.load_checkpoint(storage.save(network, tmp_path / "plain.npz"))[1] is None


def test_no_suffix_means_npz_and_unknown_suffix_is_refused(tmp_path, network):
    assert storage.save(network, tmp_path / "net") == tmp_path / "net.npz"
    same_network(mynn.load(tmp_path / "net.npz"), network)
    with pytest.raises(StorageError, match=r"unknown file type '\.pkl'.*\.npz.*\.h5"):
        storage.save(network, tmp_path / "net.pkl")
    assert not (tmp_path / "net.pkl").exists()


def test_plain_numpy_reads_the_npz(tmp_path, network):
    path = storage.save(network, tmp_path / "net.npz")
    with np.load(path) as archive:  # numpy's default: allow_pickle=False
        assert archive["format"].item() == "mynn-network"
        assert archive["format_version"].item() == storage.FORMAT_VERSION
        assert archive["mynn_version"].item() == mynn.__version__
        assert archive["activation"].item() == "sigmoid"
        assert archive["hidden_nodes"].item() == 4 and archive["learning_rate"].item() == 0.25
        np.testing.assert_array_equal(archive["wih"], network.wih)
        np.testing.assert_array_equal(archive["who"], network.who)


def test_plain_h5py_reads_the_h5(tmp_path, network):
    import h5py

    path = storage.save(
        network,
        tmp_path / "net.h5",
        storage.TrainingState(1, 20, 3, 10, 40, "cafe"),
    )
    with h5py.File(path, "r") as h5:
        assert h5.attrs["format"] == "mynn-network"
        assert h5.attrs["input_nodes"] == 6 and h5.attrs["learning_rate"] == 0.25
        assert h5.attrs["activation"] == "sigmoid"
        np.testing.assert_array_equal(h5["wih"][...], network.wih)
        np.testing.assert_array_equal(h5["who"][...], network.who)
        assert h5["training"].attrs["position"] == 20
        assert h5["training"].attrs["data_fingerprint"] == "cafe"


def test_files_written_by_this_version_stay_readable():
    """Committed files written by mynn 0.1.0, format version 1 (tests/fixtures/README.md)."""
    bias_network = mynn.load(FIXTURES / "network_v1_bias.npz")
    assert bias_network.bias and bias_network.bo.tolist() == FIXTURE_BIAS_BO
    for name in ("network_v1.npz", "network_v1.h5"):
        network, state = storage.load_checkpoint(FIXTURES / name)
        assert (network.inodes, network.hnodes, network.onodes, network.lr) == (5, 4, 3, 0.3)
        assert state == storage.TrainingState(1, 2, 2, 2, 6, FIXTURE_FINGERPRINT)
        # Values recorded when the fixture was written, to the last bit:
        assert network.wih[0].tolist() == FIXTURE_WIH_ROW0
        assert network.who.sum() == pytest.approx(FIXTURE_WHO_SUM, abs=1e-15)
    book = FIXTURES / "book"
    network = mynn.load_book_weights(book / "saved_wih.npy", book / "saved_who.npy", 0.3)
    assert network.wih[0].tolist() == FIXTURE_WIH_ROW0


# --------------------------------------------------------------------------- the book's files


def test_reads_files_written_the_books_way(tmp_path):
    """The book's code: numpy.save('saved_wih.npy', n.wih) of float64 matrices."""
    rng = np.random.default_rng(5)
    wih, who = rng.normal(0, 784**-0.5, (200, 784)), rng.normal(0, 200**-0.5, (10, 200))
    np.save(tmp_path / "saved_wih.npy", wih)
    np.save(tmp_path / "saved_who.npy", who)
    network = mynn.load_book_weights(tmp_path / "saved_wih.npy", tmp_path / "saved_who.npy", 0.1)
    assert (network.inodes, network.hnodes, network.onodes, network.lr) == (784, 200, 10, 0.1)
    np.testing.assert_array_equal(network.wih, wih)
    np.testing.assert_array_equal(network.who, who)
    # and what save_book_weights writes is exactly what numpy.load gives back
    storage.save_book_weights(network, tmp_path / "again")
    np.testing.assert_array_equal(np.load(tmp_path / "again" / "saved_wih.npy"), wih)


def test_the_book_format_refuses_a_bias_network(tmp_path):
    with pytest.raises(StorageError, match="biases, which would be lost"):
        mynn.NeuralNetwork(4, 3, 2, 0.1, bias=True).save_book_weights(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_book_pair_that_doesnt_fit_together_names_the_dimension(tmp_path):
    np.save(tmp_path / "wih.npy", np.zeros((200, 784)))
    np.save(tmp_path / "who.npy", np.zeros((10, 100)))
    with pytest.raises(StorageError, match=r"200 hidden nodes, but who .* 100 hidden nodes"):
        mynn.load_book_weights(tmp_path / "wih.npy", tmp_path / "who.npy", 0.1)
    np.save(tmp_path / "who.npy", np.zeros((10, 200)))
    with pytest.raises(StorageError, match="swapped"):
        mynn.load_book_weights(tmp_path / "who.npy", tmp_path / "wih.npy", 0.1)


def test_book_weights_into_a_wrong_size_network_get_a_clear_error(tmp_path, network):
    paths = storage.save_book_weights(network, tmp_path)
    other = mynn.NeuralNetwork(6, 5, 3, 0.25, seed=1)
    before = other.wih.copy()
    with pytest.raises(StorageError, match=r"wih has shape \(4, 6\) but this 6-5-3 network"):
        mynn.load_book_weights(*paths, into=other)
    np.testing.assert_array_equal(other.wih, before)  # left unchanged
    right = mynn.NeuralNetwork(6, 4, 3, 0.25, seed=1)
    assert mynn.load_book_weights(*paths, into=right) is right
    same_network(right, network)


def test_book_files_need_the_learning_rate_and_must_be_plain_matrices(tmp_path, network):
    paths = storage.save_book_weights(network, tmp_path)
    with pytest.raises(StorageError, match="learning rate"):
        mynn.load_book_weights(*paths)
    np.save(tmp_path / "vector.npy", np.zeros(4))
    with pytest.raises(StorageError, match="2-D weight matrix"):
        mynn.load_book_weights(tmp_path / "vector.npy", paths[1], 0.1)
    np.save(tmp_path / "nan.npy", np.full((4, 6), np.nan))
    with pytest.raises(StorageError, match="24 NaN or infinite"):
        mynn.load_book_weights(tmp_path / "nan.npy", paths[1], 0.1)
    with pytest.raises(StorageError, match="no such file"):
        mynn.load_book_weights(tmp_path / "missing.npy", paths[1], 0.1)
    storage.save(network, tmp_path / "net.npz")
    with pytest.raises(StorageError, match="use mynn.load"):
        mynn.load_book_weights(tmp_path / "net.npz", paths[1], 0.1)


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize("suffix", [".npz", ".h5"])
def test_each_bad_file_gets_one_clear_error(tmp_path, network, suffix):
    path = storage.save(network, tmp_path / f"net{suffix}")
    raw = path.read_bytes()
    cases = {
        "missing.npz": (None, "no such file"),
        "empty.npz": (b"", "the file is empty"),
        "text.npz": (b"hello, I am not a network\n", "not a mynn network file"),
        "truncated": (raw[: len(raw) // 2], "truncated or corrupt"),
    }
    for name, (content, message) in cases.items():
        target = tmp_path / (name if "." in name else f"{name}{suffix}")
        if content is not None:
            target.write_bytes(content)
        with pytest.raises(StorageError, match=message) as caught:
            mynn.load(target)
        assert str(target) in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("suffix", [".npz", ".h5"])
def test_a_damaged_byte_in_the_weights_is_detected(tmp_path, suffix):
    network = mynn.NeuralNetwork(30, 20, 10, 0.1, seed=0)
    path = storage.save(network, tmp_path / f"net{suffix}")
    raw = bytearray(path.read_bytes())
    # Find the weights' bytes in the file and flip one bit in the middle of them.
    offset = bytes(raw).find(network.wih.tobytes()[:64])
    assert offset > 0
    raw[offset + 8 * 300 + 3] ^= 0x10
    path.write_bytes(bytes(raw))
    with pytest.raises(StorageError, match="truncated or corrupt"):
        mynn.load(path)


def test_not_a_mynn_file(tmp_path):
    np.savez(tmp_path / "other.npz", wih=np.zeros((2, 2)), who=np.zeros((2, 2)))
    with pytest.raises(StorageError, match=r"not a mynn network file .*holds who, wih"):
        mynn.load(tmp_path / "other.npz")
    np.save(tmp_path / "saved_wih.npy", np.zeros((2, 2)))
    with pytest.raises(StorageError, match="load_book_weights"):
        mynn.load(tmp_path / "saved_wih.npy")


def test_a_newer_format_version_is_refused_saying_upgrade(tmp_path, network):
    path = storage.save(network, tmp_path / "net.npz")
    rewrite_npz(path, format_version=storage.FORMAT_VERSION + 1, mynn_version="9.0")
    with pytest.raises(StorageError, match=r"by mynn 9\.0 in format version 2.*upgrade mynn"):
        mynn.load(path)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"wih": np.zeros((4, 5))}, r"wih has shape \(4, 5\) but the file's node counts 6-4-3"),
        ({"who": np.zeros((3, 5))}, r"who has shape \(3, 5\) but the file's node counts"),
        ({"hidden_nodes": 5}, r"wih has shape \(4, 6\) but the file's node counts 6-5-3"),
        ({"who": None}, "'who' is missing"),
        ({"learning_rate": -1.0}, "learning_rate -1.0 is not a positive"),
        ({"activation": "relu"}, "activation 'relu'"),
        ({"input_nodes": "six"}, "'input_nodes' should be a single int"),
        ({"bh": np.zeros(4)}, "holds biases but says bias=False"),
    ],
)
def test_inconsistent_contents_are_refused(tmp_path, network, changes, message):
    path = storage.save(network, tmp_path / "net.npz")
    rewrite_npz(path, **changes)
    with pytest.raises(StorageError, match=message):
        mynn.load(path)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_weights_are_refused(tmp_path, network, bad):
    path = storage.save(network, tmp_path / "net.npz")
    wih = network.wih.copy()
    wih[2, 3] = bad
    rewrite_npz(path, wih=wih)
    with pytest.raises(
        StorageError, match=r"wih holds 1 NaN or infinite values \(the first at \(2, 3\)\)"
    ):
        mynn.load(path)
    network.who[0, 0] = np.nan
    with pytest.raises(StorageError, match="who holds 1 NaN"):
        storage.save(network, path)  # refused before anything is written
    np.testing.assert_array_equal(np.load(path)["wih"], wih)


class _LeavesAMark:
    """Unpickling this object creates a file: a harmless stand-in for malicious code."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickled_objects_are_refused_and_nothing_runs(tmp_path, network):
    path = storage.save(network, tmp_path / "net.npz")
    marker = tmp_path / "code_ran"
    booby_trap = np.empty(1, dtype=object)
    booby_trap[0] = _LeavesAMark(marker)
    rewrite_npz(path, wih=booby_trap)
    with pytest.raises(StorageError, match="'wih' holds pickled Python objects.*nothing in it"):
        mynn.load(path)
    assert not marker.exists()
    # The trap is real: numpy with allow_pickle=True would have run it.
    with np.load(path, allow_pickle=True) as archive:
        archive["wih"]
    assert marker.exists()
    marker.unlink()
    np.save(tmp_path / "saved_wih.npy", booby_trap, allow_pickle=True)
    with pytest.raises(StorageError, match="pickled Python objects"):
        mynn.load_book_weights(tmp_path / "saved_wih.npy", tmp_path / "saved_wih.npy", 0.1)
    assert not marker.exists()


def test_a_failed_save_leaves_the_old_file_whole(tmp_path, network, monkeypatch):
    path = storage.save(network, tmp_path / "net.npz")
    before = path.read_bytes()

    def crash(handle, **entries):
        handle.write(b"PK\x03\x04 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        storage.save(mynn.NeuralNetwork(6, 4, 3, 0.1, seed=99), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.npz"]  # no temporary left


def test_without_h5py_the_message_names_the_extra(tmp_path, network, monkeypatch):
    path = storage.save(network, tmp_path / "net.h5")
    monkeypatch.setitem(sys.modules, "h5py", None)  # makes `import h5py` fail
    for attempt in (lambda: storage.save(network, tmp_path / "new.h5"), lambda: mynn.load(path)):
        with pytest.raises(storage.MissingDependencyError, match=r"pip install 'mynn\[storage\]'"):
            attempt()
    assert not (tmp_path / "new.h5").exists()
    assert issubclass(storage.MissingDependencyError, ImportError)
    storage.save(network, tmp_path / "still_fine.npz")  # .npz needs only numpy


def test_import_mynn_imports_neither_h5py_nor_onnx():
    code = (
        "import sys, mynn, mynn.storage; "
        "assert not {'h5py', 'onnx', 'onnxruntime', 'torch'} & set(sys.modules), sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- ONNX


@pytest.fixture(scope="module")
def trained_and_test_images():
    (train_images, train_labels), (test_images, _) = mynn.datasets.load_train_test()
    networks = {}
    for bias in (False, True):
        network = mynn.NeuralNetwork(784, 100, 10, 0.1, seed=0, bias=bias)
        network.train_epoch(mynn.scale_inputs(train_images), mynn.make_targets(train_labels))
        networks[bias] = network, mynn.scale_inputs(test_images)
    return networks


@pytest.mark.parametrize(
    ("dtype", "tolerance", "bias"),
    [("float32", 1e-6, False), ("float64", 1e-12, False), ("float32", 1e-6, True)],
)
def test_onnx_outputs_equal_query(tmp_path, trained_and_test_images, dtype, tolerance, bias):
    ort = pytest.importorskip("onnxruntime")
    network, inputs = trained_and_test_images[bias]
    path = mynn.export_onnx(network, tmp_path / "net.onnx", dtype=dtype)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert session.get_inputs()[0].shape == ["batch", 784]
    expected = network.query(inputs)
    for batch in (inputs, inputs[:1], inputs[:37]):  # the batch dimension is free
        (outputs,) = session.run(None, {"inputs": batch.astype(dtype)})
        assert outputs.dtype == np.dtype(dtype)
        np.testing.assert_allclose(outputs, expected[: len(batch)], rtol=0, atol=tolerance)
    (outputs,) = session.run(None, {"inputs": inputs.astype(dtype)})
    np.testing.assert_array_equal(outputs.argmax(axis=1), expected.argmax(axis=1))
    meta = session.get_modelmeta()
    assert meta.producer_name == "mynn"
    assert meta.custom_metadata_map["hidden_nodes"] == "100"
    assert "0.99" in meta.custom_metadata_map["input_scaling"]


def test_onnx_refuses_bad_arguments(tmp_path, network):
    with pytest.raises(StorageError, match=r"\.onnx"):
        mynn.export_onnx(network, tmp_path / "net.npz")
    with pytest.raises(StorageError, match="float32"):
        mynn.export_onnx(network, tmp_path / "net.onnx", dtype="float16")


# --------------------------------------------------------------------------- resuming fit


@pytest.fixture(scope="module")
def digits():
    images, labels = mynn.datasets.load_mnist("train")
    return images[:1000], labels[:1000]


def fresh(bias=False, seed=4):
    return mynn.NeuralNetwork(784, 30, 10, 0.2, seed=seed, bias=bias)


@pytest.fixture(scope="module")
def uninterrupted(digits):
    return {bias: fit(fresh(bias), *digits, epochs=3, chunk=150) for bias in (False, True)}


@pytest.mark.parametrize(
    ("stop_at_call", "suffix", "bias"),  # calls 5, 8, 14: mid-epoch 1, epoch 2's start, mid-epoch 2
    [(5, ".npz", False), (8, ".h5", True), (14, ".npz", True), (14, ".h5", False)],
)
def test_interrupted_and_resumed_equals_uninterrupted_bitwise(
    tmp_path, digits, uninterrupted, monkeypatch, bias, suffix, stop_at_call
):
    path = tmp_path / f"run{suffix}"
    calls = []
    real_train_epoch = mynn.NeuralNetwork.train_epoch

    def train_epoch_then_ctrl_c(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == stop_at_call:
            raise KeyboardInterrupt  # as if Ctrl-C arrived in the middle of a chunk
        return real_train_epoch(self, *args, **kwargs)

    monkeypatch.setattr(mynn.NeuralNetwork, "train_epoch", train_epoch_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        fit(fresh(bias), *digits, epochs=3, chunk=150, checkpoint=path, checkpoint_every=300)
    monkeypatch.undo()
    _, state = storage.load_checkpoint(path)
    # chunks of 150 in 1000 samples: 7 per epoch; checkpoints at the first chunk end after
    # every 300 samples trained, and at each epoch end
    done_before_stop = stop_at_call - 1
    assert state.samples_done < done_before_stop * 150 + 1
    assert state.samples_done > 0 and state.chunk == 150
    resumed = fresh(bias, seed=99)  # any start: the checkpoint's weights replace them
    fit(resumed, *digits, epochs=3, chunk=500, resume=path)  # the checkpoint's chunk is used
    same_network(resumed, uninterrupted[bias])


def test_a_real_ctrl_c_finishes_the_chunk_saves_and_resumes_exactly(
    tmp_path, digits, uninterrupted
):
    import signal

    path = tmp_path / "run.npz"
    seen = []

    def press_ctrl_c(network, epochs_done, position):
        seen.append((epochs_done, position))
        if (epochs_done, position) == (1, 450):
            signal.raise_signal(signal.SIGINT)  # a real SIGINT, as Ctrl-C sends

    handler_before = signal.getsignal(signal.SIGINT)
    with pytest.raises(
        KeyboardInterrupt,
        match=r"after 1 epoch and 600 of the next epoch's 1000 images; checkpoint saved in .*run\.npz",
    ):
        fit(fresh(), *digits, epochs=3, chunk=150, checkpoint=path, callback=press_ctrl_c)
    assert signal.getsignal(signal.SIGINT) is handler_before
    assert seen[-1] == (1, 600)  # the chunk in progress was finished, then the run stopped
    network, state = storage.load_checkpoint(path)
    assert (state.epochs_done, state.position, state.epochs) == (1, 600, 3)
    fit(network, *digits, epochs=3, resume=path)
    same_network(network, uninterrupted[False])


def test_callback_interrupt_saves_a_checkpoint_there(tmp_path, digits):
    def stop(network, epochs_done, position):
        if position == 300:
            raise KeyboardInterrupt

    path = tmp_path / "run.npz"
    network = fresh()
    with pytest.raises(KeyboardInterrupt, match="after 0 epochs and 300 of the next"):
        fit(network, *digits, epochs=2, chunk=150, checkpoint=path, callback=stop)
    saved, state = storage.load_checkpoint(path)
    assert (state.epochs_done, state.position) == (0, 300)
    same_network(saved, network)


def test_a_finished_run_continues_to_more_epochs_exactly(tmp_path, digits, uninterrupted):
    path = tmp_path / "run.npz"
    network = fit(fresh(), *digits, epochs=2, chunk=150, checkpoint=path)
    assert storage.load_checkpoint(path)[1].finished
    with pytest.raises(ValueError, match="already done 2 epochs; ask for more"):
        fit(network, *digits, epochs=2, resume=path)
    fit(network, *digits, epochs=3, resume=path, checkpoint=path)
    same_network(network, uninterrupted[False])
    assert storage.load_checkpoint(path)[1].epochs_done == 3


def test_resuming_is_refused_on_other_data_or_another_network(tmp_path, digits):
    images, labels = digits
    path = tmp_path / "run.npz"
    fit(fresh(), images, labels, epochs=1, chunk=150, checkpoint=path)
    order = np.random.default_rng(0).permutation(len(labels))
    with pytest.raises(StorageError, match="different data .*same images and labels in the same"):
        fit(fresh(), images[order], labels[order], epochs=2, resume=path)
    with pytest.raises(StorageError, match="different data"):
        fit(fresh(), images[:999], labels[:999], epochs=2, resume=path)
    wrong = mynn.NeuralNetwork(784, 20, 10, 0.2)
    with pytest.raises(StorageError, match=r"this 784-20-10 network"):
        fit(wrong, images, labels, epochs=2, resume=path)
    with pytest.raises(StorageError, match="has no biases but the weights come without|has biases"):
        fit(fresh(bias=True), images, labels, epochs=2, resume=path)
    plain = storage.save(fresh(), tmp_path / "plain.npz")
    with pytest.raises(StorageError, match="nothing to resume"):
        fit(fresh(), images, labels, epochs=2, resume=plain)
    with pytest.raises(ValueError, match="checkpoint_every needs checkpoint"):
        fit(fresh(), images, labels, checkpoint_every=100)
    with pytest.raises(StorageError, match=r"name the checkpoint file \.npz"):
        fit(fresh(), images, labels, checkpoint=tmp_path / "run.ckpt")


def test_ctrl_c_without_a_checkpoint_still_stops_between_chunks(digits):
    import signal

    def press_ctrl_c(network, epochs_done, position):
        if position == 300:
            signal.raise_signal(signal.SIGINT)

    network = fresh()
    with pytest.raises(
        KeyboardInterrupt, match="and 450 of the next epoch's 1000 images; no checkpoint"
    ):
        fit(network, *digits, epochs=1, chunk=150, callback=press_ctrl_c)
    expected = fit(fresh(), digits[0][:450], digits[1][:450], chunk=150)
    same_network(network, expected)


# --------------------------------------------------------------------------- the command line


def run_cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "mynn", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def test_cli_train_save_then_evaluate(tmp_path):
    trained = run_cli(
        "train",
        "--hidden",
        "20",
        "--epochs",
        "1",
        "--no-progress",
        "--save",
        "net.h5",
        cwd=tmp_path,
    )
    assert trained.returncode == 0, trained.stderr
    accuracy = trained.stdout.split("test accuracy: ")[1].split()[0]
    evaluated = run_cli("evaluate", "--weights", "net.h5", cwd=tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    lines = evaluated.stdout.splitlines()
    assert f"test accuracy: {accuracy}" in lines
    rows = [
        line.split()
        for line in lines[lines.index(next(x for x in lines if x.startswith("true"))) + 1 :]
    ]
    matrix = np.array([row[1:] for row in rows[:10]], dtype=int)
    assert matrix.sum() == 1000 and np.trace(matrix) / 1000 == pytest.approx(float(accuracy))
    # the book's two files, given by their folder
    mynn.load(tmp_path / "net.h5").save_book_weights(tmp_path / "book")
    book = run_cli("evaluate", "--weights", "book", cwd=tmp_path)
    assert book.returncode == 0 and f"test accuracy: {accuracy}" in book.stdout


def test_cli_ctrl_c_saves_and_resume_gives_the_uninterrupted_weights(tmp_path):
    import signal
    import time

    args = ("train", "--hidden", "20", "--no-progress", "--checkpoint-every", "600")
    # 10,000 epochs: far more than any wait below, so on however loaded a machine the run
    # is still going when Ctrl-C arrives (100 epochs took seconds on an idle one).
    process = subprocess.Popen(
        [sys.executable, "-m", "mynn", *args, "--epochs", "10000", "--save", "run.npz"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 600
        while not (tmp_path / "run.npz").exists() and time.monotonic() < deadline:
            assert process.poll() is None, "the run ended before its first checkpoint"
            time.sleep(0.05)
        assert (tmp_path / "run.npz").exists(), "no checkpoint within 10 minutes"
        process.send_signal(signal.SIGINT)  # Ctrl-C, once the run has saved a checkpoint
        _, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert "checkpoint saved in run.npz" in stderr
    assert "continue with: python -m mynn train --resume run.npz" in stderr
    state = storage.load_checkpoint(tmp_path / "run.npz")[1]
    total = str(state.epochs_done + 1)
    resumed = run_cli(
        "train", "--resume", "run.npz", "--epochs", total, "--no-progress", cwd=tmp_path
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming run.npz: {state.epochs_done} of {total} epochs" in resumed.stdout
    reference = run_cli(*args, "--epochs", total, "--save", "ref.npz", cwd=tmp_path)
    assert reference.returncode == 0, reference.stderr
    same_network(mynn.load(tmp_path / "run.npz"), mynn.load(tmp_path / "ref.npz"))


def test_cli_storage_errors_are_one_line(tmp_path):
    mynn.NeuralNetwork(784, 5, 10, 0.1).save(tmp_path / "plain.npz")
    mynn.NeuralNetwork(5, 5, 3, 0.1).save(tmp_path / "small.npz")
    for args, message in [
        (("evaluate", "--weights", "missing.npz"), "missing.npz: no such file"),
        (("evaluate", "--weights", "small.npz"), "needs 784 inputs and 10 outputs"),
        (("train", "--resume", "plain.npz"), "without a training state"),
        (("train", "--checkpoint-every", "10"), "--checkpoint-every needs --save"),
    ]:
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr.startswith("error: ") and message in result.stderr
        assert result.stderr.count("\n") == 1
