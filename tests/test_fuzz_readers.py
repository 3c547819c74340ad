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
