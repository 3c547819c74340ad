"""Issue 23's hostile network files: links and foreign storage in .h5, bombs in .h5 and .npz.

Each test builds the file the probe used (or a smaller one with the same shape of attack),
loads it, and checks that mynn refuses it with one StorageError naming what it found,
reading nothing it does not need: no other file's bytes, no memory for unused entries.
"""

import io
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import mynn
from mynn import storage
from mynn.storage import StorageError

h5py = pytest.importorskip("h5py")


@pytest.fixture
def network():
    return mynn.NeuralNetwork(6, 4, 3, 0.25, seed=11)


@pytest.fixture
def secret(tmp_path):
    """Another file's bytes that must never come back as weights (like /etc/passwd)."""
    path = tmp_path / "passwd"
    path.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n" * 8)
    return path


def _replace_who(path, make):
    with h5py.File(path, "a") as h5:
        del h5["who"]
        make(h5)


def test_h5_external_raw_storage_is_refused(tmp_path, network, secret):
    path = storage.save(network, tmp_path / "net.h5")
    _replace_who(
        path,
        lambda h5: h5.create_dataset("who", (3, 4), dtype="<f8", external=[(str(secret), 0, 96)]),
    )
    with h5py.File(path, "r") as h5:  # the attack is real: h5py hands out the other file
        assert h5["who"][()].tobytes() == secret.read_bytes()[:96]
    with pytest.raises(StorageError, match=r"who keeps its bytes in external files .*passwd"):
        mynn.load(path)


def test_h5_external_link_is_refused(tmp_path, network, secret):
    other = storage.save(mynn.NeuralNetwork(6, 4, 3, 0.1, seed=5), tmp_path / "other.h5")
    path = storage.save(network, tmp_path / "net.h5")
    _replace_who(path, lambda h5: h5.__setitem__("who", h5py.ExternalLink(str(other), "/who")))
    with pytest.raises(StorageError, match=r"'who' is an external link to '/who' in the file"):
        mynn.load(path)


def test_h5_soft_link_is_refused(tmp_path, network):
    path = storage.save(network, tmp_path / "net.h5")

    def link(h5):
        h5.create_dataset("elsewhere", data=np.zeros((3, 4)))
        h5["who"] = h5py.SoftLink("/elsewhere")

    _replace_who(path, link)
    with pytest.raises(StorageError, match=r"'who' is a soft link to '/elsewhere'"):
        mynn.load(path)


def test_h5_virtual_dataset_is_refused(tmp_path, network):
    other = storage.save(mynn.NeuralNetwork(6, 4, 3, 0.1, seed=5), tmp_path / "other.h5")
    path = storage.save(network, tmp_path / "net.h5")

    def virtual(h5):
        layout = h5py.VirtualLayout(shape=(3, 4), dtype="<f8")
        layout[:] = h5py.VirtualSource(str(other), "who", shape=(3, 4))
        h5.create_virtual_dataset("who", layout)

    _replace_who(path, virtual)
    with pytest.raises(StorageError, match=r"who is a virtual dataset mapping other files"):
        mynn.load(path)


def test_saving_a_refused_file_copies_nothing(tmp_path, network, secret):
    """The probe's second step: load, then save, copied the other file into a new one."""
    path = storage.save(network, tmp_path / "net.h5")
    _replace_who(
        path,
        lambda h5: h5.create_dataset("who", (3, 4), dtype="<f8", external=[(str(secret), 0, 96)]),
    )
    with pytest.raises(StorageError):
        mynn.load(path)
    assert not (tmp_path / "copy.h5").exists()


def _peak_memory_loading(path) -> int:
    """Peak resident memory (bytes) of a fresh Python that imports mynn and loads ``path``."""
    code = (
        "import resource, sys, mynn\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "mynn.load(sys.argv[1])\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_h5_unused_huge_dataset_is_never_read(tmp_path, network):
    """An 11 KB file with an unused 20000 x 20000 dataset took 3.1 GB; now it costs nothing."""
    path = storage.save(network, tmp_path / "net.h5")
    with h5py.File(path, "a") as h5:
        h5.create_dataset("junk", shape=(20000, 20000), dtype="f8", chunks=(1000, 1000),
                          compression="gzip", fillvalue=0.0)  # fmt: skip
    assert path.stat().st_size < 100_000
    loaded = mynn.load(path)
    np.testing.assert_array_equal(loaded.who, network.who)
    assert _peak_memory_loading(path) < 200 * 2**20


def _npz_member(archive, name, shape, dtype="<f8", payload=b"", zeros=0):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": dtype, "fortran_order": False, "shape": shape}
    )
    with archive.open(name + ".npy", "w", force_zip64=True) as member:
        member.write(header.getvalue() + payload)
        block = bytes(1 << 20)
        for _ in range(zeros):
            member.write(block)


def _forged_npz(path, network, extra=(), leave_out=(), **replace):
    entries = storage.files._entries(network, None)
    entries.update(replace)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in entries.items():
            if name in leave_out:
                continue
            with archive.open(name + ".npy", "w") as member:
                np.lib.format.write_array(member, np.asarray(value), allow_pickle=False)
        for args in extra:
            _npz_member(archive, *args)
    return path


def test_npz_unused_big_member_is_never_read(tmp_path, network):
    """A 780 KB .npz with an unused 800 MB member took 834 MB; this one holds 200 MB."""
    path = _forged_npz(tmp_path / "net.npz", network, extra=[("junk", (25_000_000,), "<f8",
                                                                b"", 200)])  # fmt: skip
    assert path.stat().st_size < 1_000_000
    np.testing.assert_array_equal(mynn.load(path).wih, network.wih)
    assert _peak_memory_loading(path) < 100 * 2**20


def test_npz_header_claiming_a_huge_array_is_refused_before_reading(tmp_path, network):
    """A 4 KB file whose wih header claims (300000, 300000) ended in a raw MemoryError."""
    path = _forged_npz(
        tmp_path / "net.npz", network, extra=[("wih", (300000, 300000))], leave_out=("wih",)
    )
    assert path.stat().st_size < 8000
    with pytest.raises(StorageError, match=r"wih has shape \(300000, 300000\) but the file's"):
        mynn.load(path)


def test_npz_node_counts_too_large_for_memory_are_refused(tmp_path):
    net = mynn.NeuralNetwork(2, 2, 2, 0.1, seed=0)
    path = _forged_npz(tmp_path / "huge.npz", net, extra=[("wih", (300000, 300000))],
                       leave_out=("wih",), input_nodes=300000, hidden_nodes=300000)  # fmt: skip
    with pytest.raises(StorageError, match="more than this machine's memory"):
        mynn.load(path)


def test_npz_compressed_weights_bomb_is_refused(tmp_path):
    """Weights whose declared size fits memory but unpacks from a thousandth of it."""
    net = mynn.NeuralNetwork(2, 2, 2, 0.1, seed=0)
    path = _forged_npz(tmp_path / "bomb.npz", net, extra=[("wih", (2000, 10000), "<f8", b"",
                       153)], leave_out=("wih",), input_nodes=10000, hidden_nodes=2000)  # fmt: skip
    assert path.stat().st_size < 1_000_000
    with pytest.raises(StorageError, match="decompression bomb"):
        mynn.load(path)


def test_npz_object_header_is_refused_without_unpickling(tmp_path, network):
    path = _forged_npz(tmp_path / "net.npz", network, extra=[("extra", (2,), "|O")])
    with pytest.raises(StorageError, match="'extra' holds pickled Python objects"):
        mynn.load(path)


def test_scalar_entry_declared_huge_is_refused(tmp_path, network):
    path = _forged_npz(tmp_path / "net.npz", network)
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            if name != "learning_rate.npy":
                archive.writestr(name, data)
        _npz_member(archive, "learning_rate", (100000, 100000))
    with pytest.raises(StorageError, match="'learning_rate' should be a single value"):
        mynn.load(path)


def test_a_fifo_is_refused_without_blocking(tmp_path, network):
    fifo = tmp_path / "net.npz"
    os.mkfifo(fifo)
    with pytest.raises(StorageError, match="not a regular file"):
        mynn.load(fifo)
    with pytest.raises(StorageError, match="not a regular file"):
        mynn.load_book_weights(fifo, fifo, 0.1)
    with pytest.raises(StorageError, match="not a regular file"):
        storage.save(network, fifo)

