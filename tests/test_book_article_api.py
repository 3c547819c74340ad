"""The book's article on saving: ``n.save()`` and ``n.load()`` as methods, with no argument.

The article adds two methods to the book's class that write and read ``saved_wih.npy`` and
``saved_who.npy`` in the current folder. With mynn's class swapped in for the book's, the
article's calls must do the same, while ``n.save(path)`` keeps writing one mynn file.
"""

import numpy as np
import pytest

import mynn
from mynn.storage import StorageError


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_save_without_path_writes_the_books_two_files(in_tmp):
    network = mynn.NeuralNetwork(6, 4, 3, 0.2, seed=1)
    written = network.save()
    assert {p.name for p in in_tmp.iterdir()} == {"saved_wih.npy", "saved_who.npy"}
    assert [p.name for p in written] == ["saved_wih.npy", "saved_who.npy"]
    # plain arrays, readable by the book's own numpy.load lines
    assert np.array_equal(np.load("saved_wih.npy"), network.wih)
    assert np.array_equal(np.load("saved_who.npy"), network.who)


def test_load_method_reads_them_back_into_the_network(in_tmp):
    trained = mynn.NeuralNetwork(6, 4, 3, 0.2, seed=1)
    trained.save()
    fresh = mynn.NeuralNetwork(6, 4, 3, 0.2, seed=2)
    assert not np.array_equal(fresh.wih, trained.wih)
    assert fresh.load() is fresh
    assert np.array_equal(fresh.wih, trained.wih) and np.array_equal(fresh.who, trained.who)
    assert fresh.lr == 0.2
    x = np.linspace(0.01, 1, 6)
    assert np.array_equal(fresh.query(x), trained.query(x))


def test_load_from_another_folder(tmp_path):
    trained = mynn.NeuralNetwork(5, 3, 2, 0.1, seed=3)
    trained.save_book_weights(tmp_path)
    fresh = mynn.NeuralNetwork(5, 3, 2, 0.1, seed=4).load(tmp_path)
    assert np.array_equal(fresh.who, trained.who)


def test_load_refuses_other_shapes_and_leaves_the_network_unchanged(in_tmp):
    mynn.NeuralNetwork(6, 8, 3, 0.2, seed=1).save()
    small = mynn.NeuralNetwork(6, 4, 3, 0.2, seed=2)
    before = small.wih.copy(), small.who.copy()
    with pytest.raises(StorageError, match="different network"):
        small.load()
    assert np.array_equal(small.wih, before[0]) and np.array_equal(small.who, before[1])


def test_load_without_files_names_them(in_tmp):
    with pytest.raises(StorageError, match="saved_wih.npy"):
        mynn.NeuralNetwork(6, 4, 3, 0.2).load()


def test_save_with_a_path_still_writes_one_mynn_file(in_tmp):
    network = mynn.NeuralNetwork(6, 4, 3, 0.2, seed=1)
    network.save("network.npz")
    assert [p.name for p in in_tmp.iterdir()] == ["network.npz"]
    assert np.array_equal(mynn.load("network.npz").wih, network.wih)


def test_save_without_path_refuses_a_training_state(in_tmp):
    with pytest.raises(ValueError, match="give a path"):
        mynn.NeuralNetwork(6, 4, 3, 0.2).save(training_state=object())
    assert list(in_tmp.iterdir()) == []


def test_save_without_path_refuses_biases(in_tmp):
    with pytest.raises(StorageError, match="biases"):
        mynn.NeuralNetwork(6, 4, 3, 0.2, bias=True).save()
    assert list(in_tmp.iterdir()) == []
