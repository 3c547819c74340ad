"""Fuzzing the readers: damaged CSV and IDX files, plain and gzipped, get one clear error.

Each example starts from a small valid file (the book's CSV format or IDX), damages it --
flipped, truncated, inserted, deleted or duplicated bytes, or characters that tempt a CSV
parser (``#``, ``;``, tabs, ``5.0``, huge numbers) -- and reads it. The reader may succeed
(then its answer must have the documented shapes and types) or raise DatasetError, the
module's documented error. Any other exception (zlib.error, EOFError, IndexError,
OverflowError, a numpy ValueError, MemoryError, ...) fails the test.
"""

import gzip
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mynn.datasets import DatasetError, read_csv, read_idx

PIXELS = 4  # small images keep each example fast; the reader is the same for 784

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

#: Text that a CSV reader can trip over.
TOKENS = [
    "#", ";", "\t", " ", ",", ",,", "\n", "\r\n", "\n\n", "-", "-1", "+", ".", "5.0", "0.5",
    "1e3", "nan", "inf", "256", "label", "x", '"', "\x00", "\x0b", "\xe9", "_",
    "99999999999999999999", "9" * 400,
]  # fmt: skip


# ---------------------------------------------------------------- valid starting points


@st.composite
def csv_bytes(draw):
    rows = draw(st.integers(1, 4))
    labels = draw(st.lists(st.integers(0, 9), min_size=rows, max_size=rows))
    pixels = draw(
        st.lists(
            st.lists(st.integers(0, 255), min_size=PIXELS, max_size=PIXELS),
            min_size=rows,
            max_size=rows,
        )
    )
    lines = [",".join(map(str, [label, *row])) for label, row in zip(labels, pixels, strict=True)]
    return ("\n".join(lines) + "\n").encode("ascii")


@st.composite
def idx_bytes(draw):
    code, dtype = draw(
        st.sampled_from(
            [(0x08, "u1"), (0x09, "i1"), (0x0B, ">i2"), (0x0C, ">i4"), (0x0D, ">f4"), (0x0E, ">f8")]
        )
    )
    shape = draw(st.lists(st.integers(0, 4), min_size=1, max_size=3))
    data = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    header = bytes([0, 0, code, len(shape)]) + np.array(shape, dtype=">u4").tobytes()
    return header + data.tobytes()


# ---------------------------------------------------------------- damage


@st.composite
def damaged(draw, data, tokens=()):
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "repeat", "token"]))
        if kind == "flip" and where < len(data):
            data[where] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[where:]
        elif kind == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[where : where + draw(st.integers(1, 8))]
        elif kind == "repeat":
            data[where:where] = data[max(0, where - 16) : where]
        elif kind == "token" and tokens:
            data[where:where] = draw(st.sampled_from(tokens)).encode("latin-1")
    return bytes(data)


def gzipped(data):
    return gzip.compress(data, mtime=0)


# ---------------------------------------------------------------- reading


def read_file(reader, name, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return reader(path)
        except DatasetError as error:
            message = str(error)
            assert message.startswith(f"{path}: ")  # names the file
            assert len(message) < len(str(path)) + 400  # short: a damaged line is not echoed
            return None


def read_csv_small(path):
    result = read_csv(path, n_pixels=PIXELS)
    images, labels = result
    assert images.dtype == np.uint8 and images.ndim == 2 and images.shape[1] == PIXELS
    assert labels.dtype == np.int64 and labels.shape == (len(images),) and labels.min() >= 0
    assert len(images) >= 1
    return result


def read_idx_checked(path):
    array = read_idx(path)
    assert isinstance(array, np.ndarray) and array.dtype.isnative
    return array


@FUZZ
@given(data=st.data())
def test_damaged_csv(data):
    raw = data.draw(damaged(data.draw(csv_bytes()), TOKENS))
    read_file(read_csv_small, "digits.csv", raw)


@FUZZ
@given(data=st.data())
def test_damaged_csv_gz(data):
    text = data.draw(csv_bytes())
    if data.draw(st.booleans()):
        text = data.draw(damaged(text, TOKENS))  # damaged text, good gzip
    raw = gzipped(text)
    if data.draw(st.booleans()):
        raw = data.draw(damaged(raw))  # damaged gzip
    read_file(read_csv_small, "digits.csv.gz", raw)


@FUZZ
@given(data=st.data())
def test_damaged_idx(data):
    raw = data.draw(damaged(data.draw(idx_bytes())))
    read_file(read_idx_checked, "images.idx", raw)


@FUZZ
@given(data=st.data())
def test_damaged_idx_gz(data):
    content = data.draw(idx_bytes())
    if data.draw(st.booleans()):
        content = data.draw(damaged(content))
    raw = gzipped(content)
    if data.draw(st.booleans()):
        raw = data.draw(damaged(raw))
    read_file(read_idx_checked, "images-idx3-ubyte.gz", raw)


@FUZZ
@given(raw=st.binary(max_size=200), name=st.sampled_from(["a.csv", "a.csv.gz", "a.idx", "a.gz"]))
def test_random_bytes(raw, name):
    reader = read_csv_small if ".csv" in name else read_idx_checked
    read_file(reader, name, raw)
    read_file(reader, name, b"\x1f\x8b" + raw)  # claims to be gzip


@pytest.mark.parametrize("start", [b"5,1,2,3,4\n", b"\x00\x00\x08\x01\x00\x00\x00\x02\x07\x09"])
def test_the_starting_points_are_valid(start):
    """The fuzzing starts from files the readers accept, so damage is what gets tested."""
    reader = read_csv_small if start[:1] == b"5" else read_idx_checked
    assert read_file(reader, "ok.csv" if start[:1] == b"5" else "ok.idx", start) is not None
    assert (
        read_file(reader, "ok.csv.gz" if start[:1] == b"5" else "ok.gz", gzipped(start)) is not None
    )


# ---------------------------------------------------------------- network files (.npz, .h5)
# Issue 23: mynn.load on hostile network files. Each example starts from a saved 4-3-2
# network and rewrites entries with declared shapes (up to impossibly large), dtypes
# (objects, strings, complex, void), extra unused entries, missing entries and damaged
# bytes, and for HDF5 with soft and external links, external raw storage, virtual
# datasets and groups. mynn.load must return a network whose weights fit its node counts
# or raise StorageError; a link or storage outside the file must always be refused.

NETWORK_NAMES = ["wih", "who", "bh", "bo", "input_nodes", "hidden_nodes", "output_nodes",
                 "learning_rate", "bias", "format", "format_version", "activation", "junk"]  # fmt: skip
SHAPES = st.one_of(
    st.just(()),
    st.tuples(st.sampled_from([0, 1, 2, 3, 4, 300000, 2**31, 2**40])),
    st.tuples(st.sampled_from([0, 2, 3, 4, 300000, 2**31]), st.sampled_from([0, 3, 4, 300000])),
)
DTYPES = st.sampled_from(["<f8", "<f4", "<i8", "|u1", "|b1", "|O", "<U8", "<c16", "|V8", ">f8"])


def _saved_network(folder, suffix):
    import mynn

    network = mynn.NeuralNetwork(4, 3, 2, 0.2, seed=0, bias=True)
    return mynn.storage.save(network, Path(folder) / f"net{suffix}")


def _load_checked(path):
    import mynn
    from mynn.storage import StorageError

    try:
        network = mynn.load(path)
    except StorageError as error:
        assert str(error).startswith(f"{path}: ") or "save" in str(error)
        return None
    assert network.wih.shape == (network.hnodes, network.inodes)
    assert network.who.shape == (network.onodes, network.hnodes)
    assert network.weights_are_finite()
    return network


def _npz_entry(name, shape, dtype, data):
    import io

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": dtype, "fortran_order": False, "shape": shape}
    )
    return name + ".npy", header.getvalue() + data


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(NETWORK_NAMES), SHAPES, DTYPES, st.binary(max_size=64)),
        max_size=4,
    ),
    removed=st.lists(st.sampled_from(NETWORK_NAMES), max_size=2),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
)
def test_hostile_npz_network_files(changes, removed, cut):
    import zipfile

    with tempfile.TemporaryDirectory() as folder:
        path = _saved_network(folder, ".npz")
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist()}
        for name in removed:
            members.pop(name + ".npy", None)
        for name, shape, dtype, data in changes:
            key, value = _npz_entry(name, shape, dtype, data)
            members[key] = value
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for key, value in members.items():
                archive.writestr(key, value)
        if cut is not None:
            path.write_bytes(path.read_bytes()[:cut])
        _load_checked(path)


LINK_KINDS = ["soft", "external-link", "external-storage", "virtual", "group", "plain",
              "compact", "chunked-gzip", "huge-unused"]  # fmt: skip


@FUZZ
@given(
    target=st.sampled_from(["wih", "who", "bh", "bo", "junk"]),
    kind=st.sampled_from(LINK_KINDS),
    shape=st.sampled_from([(3, 4), (2, 3), (3,), (2,), (4, 3), (0, 4), (300000, 300000)]),
    attr=st.one_of(st.none(), st.tuples(st.sampled_from(NETWORK_NAMES[4:]), SHAPES)),
)
def test_hostile_h5_network_files(target, kind, shape, attr):
    h5py = pytest.importorskip("h5py")
    with tempfile.TemporaryDirectory() as folder:
        path = _saved_network(folder, ".h5")
        other = Path(folder) / "other.h5"
        secret = Path(folder) / "secret"
        secret.write_bytes(bytes(range(256)) * 8)
        with h5py.File(other, "w") as h5:
            h5.create_dataset("data", data=np.ones((3, 4)))
        with h5py.File(path, "a") as h5:
            if target in h5:
                del h5[target]
            size = int(np.prod(shape))
            small = size * 8 <= 2048
            if kind == "soft":
                h5.create_dataset("elsewhere", data=np.ones((3, 4)))
                h5[target] = h5py.SoftLink("/elsewhere")
            elif kind == "external-link":
                h5[target] = h5py.ExternalLink(str(other), "/data")
            elif kind == "external-storage":
                if not small:
                    return
                h5.create_dataset(target, shape, dtype="<f8",
                                  external=[(str(secret), 0, max(size * 8, 1))])  # fmt: skip
            elif kind == "virtual":
                layout = h5py.VirtualLayout(shape=(3, 4), dtype="<f8")
                layout[:] = h5py.VirtualSource(str(other), "data", shape=(3, 4))
                h5.create_virtual_dataset(target, layout)
            elif kind == "group":
                h5.create_group(target)
            elif kind == "plain" and small:
                h5.create_dataset(target, data=np.ones(shape))
            elif kind == "compact" and small and size:
                space = h5py.h5s.create_simple(shape)
                plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
                plist.set_layout(h5py.h5d.COMPACT)
                h5py.h5d.create(h5.id, target.encode(), h5py.h5t.IEEE_F64LE, space, plist)
            else:  # chunked and compressed, declared at any size, written nowhere
                h5.create_dataset(target, shape, dtype="<f8", chunks=True, compression="gzip")
            if attr is not None:
                name, attr_shape = attr
                h5.attrs[name] = np.zeros(tuple(min(d, 4) for d in attr_shape))
        network = _load_checked(path)
        # Another file's bytes never come back as weights: links are refused wherever they
        # are, foreign storage wherever mynn would read it.
        if kind in ("soft", "external-link") or (
            kind in ("external-storage", "virtual") and target != "junk"
        ):
            assert network is None
