"""Handwritten digits (and clothes) for the network: the book's CSV format, IDX, downloads.

The book reads MNIST from CSV files with one image per line: the label first, then the
784 pixel values (0..255) of the 28 x 28 image, row by row. MNIST itself is published in
the IDX binary format. This module reads and writes both, ships a real 5,000-digit
sample (``data/``), and downloads the full set on request, verified against the
published checksums.

>>> images, labels = load_mnist("train")          # the bundled sample: 4,000 digits
>>> images.shape, images.dtype, labels.dtype
((4000, 784), dtype('uint8'), dtype('int64'))
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import hashlib
import http.client
import io
import math
import os
import re
import secrets
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from mynn.errors import MynnError

PIXELS = 28 * 28

#: Where the project's own small data files live (a clone of the repository).
BUNDLED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: Debian's ``dataset-fashion-mnist`` package installs the real files here.
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")


class DatasetError(MynnError):
    """A data file is missing, malformed, or could not be downloaded."""


# --------------------------------------------------------------------------- the book's CSV


def read_csv(path: str | os.PathLike, n_pixels: int = PIXELS) -> tuple[np.ndarray, np.ndarray]:
    """Read the book's CSV format: ``label,pixel_1,...,pixel_n`` per line, no header.

    Plain text or gzip (``.gz``). Returns ``(images, labels)``: uint8 array of shape
    (n, n_pixels) and int64 array of shape (n,). Every line is data: there are no header,
    comment (``#``) or blank lines, values are separated by commas, and every value is a
    whole number (labels 0 or more, pixels 0..255).

    Raises
    ------
    DatasetError
        For a header row, a comment or blank line, another separator (tabs, semicolons),
        a line with the wrong number of values, a value that isn't a whole number (such as
        ``5.0``), or a value outside its range, naming the line and what was found there.
    """
    path = Path(path)
    # Lines end at "\n" (or "\r\n") only, so line numbers are the ones an editor shows.
    lines = [line.removesuffix("\r") for line in _read_text(path).split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise DatasetError(f"{path}: the file is empty; expected one image per line")
    expected = n_pixels + 1
    for number, line in enumerate(lines, start=1):
        _check_csv_line(path, number, line, expected)
    try:
        table = np.loadtxt(lines, delimiter=",", dtype=np.int64, ndmin=2, comments=None)
    except (ValueError, OverflowError):
        raise DatasetError(_first_bad_value(path, lines)) from None
    bad_rows = np.flatnonzero(np.any((table[:, 1:] < 0) | (table[:, 1:] > 255), axis=1))
    if bad_rows.size:
        raise DatasetError(f"{path}: line {bad_rows[0] + 1} has pixel values outside 0..255")
    if np.any(table[:, 0] < 0):
        raise DatasetError(f"{path}: line {np.argmax(table[:, 0] < 0) + 1} has a negative label")
    return table[:, 1:].astype(np.uint8), table[:, 0].copy()


def _check_csv_line(path: Path, number: int, line: str, expected: int) -> None:
    """Refuse a line that cannot be one image: blank, a comment, a header, a wrong count."""
    if not line.strip():
        raise DatasetError(f"{path}: line {number} is blank; remove blank lines")
    if line.lstrip().startswith("#"):
        raise DatasetError(
            f"{path}: line {number} starts with '#' ({_excerpt(line)}); the book's format has no "
            "comment lines: delete it"
        )
    first = line.split(",", 1)[0].strip()
    if number == 1 and any(c.isalpha() for c in first) and not _is_number(first):
        raise DatasetError(
            f"{path}: line 1 starts with {_excerpt(first)}, which looks like a header row; the "
            "book's format has no header: delete the first line"
        )
    columns = line.count(",") + 1
    if columns == expected:
        return
    if columns == 1:
        for separator, name in (("\t", "tabs"), (";", "semicolons"), (" ", "spaces")):
            if separator in line.strip():
                raise DatasetError(
                    f"{path}: line {number} has no commas; its values are separated by {name} "
                    f"({_excerpt(line)}); the book's format separates them with commas"
                )
    raise DatasetError(
        f"{path}: line {number} has {columns} values, expected {expected} "
        f"(a label then {expected - 1} pixels)"
    )


def _first_bad_value(path: Path, lines: list[str]) -> str:
    """Describe the first value numpy could not read as a whole number."""
    for number, line in enumerate(lines, start=1):
        for column, value in enumerate(line.split(","), start=1):
            text = value.strip()
            if _is_integer(text):
                if abs(int(text)) < 2**63:
                    continue
                found = "a number too large for any label or pixel"
            elif _is_number(text):
                found = "a decimal number"
            elif not text:
                found = "empty"
            else:
                found = "not a number"
            what = "the label" if column == 1 else f"value {column}"
            hint = (
                "; pixels scaled to 0..1 must be scaled back to whole numbers 0..255 first"
                if found == "a decimal number"
                else ""
            )
            return (
                f"{path}: line {number}, {what} is {_excerpt(value)} ({found}); the book's format "
                f"holds whole numbers only (label 0 or more, pixels 0..255){hint}"
            )
    return f"{path}: not all values are whole numbers"  # pragma: no cover - numpy agreed


def _excerpt(text: str, width: int = 40) -> str:
    """``text`` quoted, cut to ``width`` characters so a 1,500-character line stays short."""
    if len(text) <= width:
        return repr(text)
    return repr(text[:width]) + f"... ({len(text)} characters)"


def _check_images_and_labels(images: np.ndarray, labels: np.ndarray) -> None:
    """Refuse exactly what :func:`read_csv` would refuse after :func:`write_csv`."""
    if images.ndim != 2 or labels.shape != (len(images),):
        raise ValueError(
            f"expected images of shape (n, pixels) and labels of shape (n,); got {images.shape} "
            f"and {labels.shape}"
        )
    if len(images) == 0 or images.shape[1] == 0:
        raise ValueError(
            f"there is nothing to write: images have shape {images.shape}; give at least one "
            "image of at least one pixel"
        )
    for name, array in (("images", images), ("labels", labels)):
        if not np.issubdtype(array.dtype, np.integer):
            fix = (
                "; if the pixels were scaled to 0..1, scale them back first: "
                "(images * 255).round().astype(np.uint8)"
                if name == "images"
                else "; labels are the digits 0..9 as integers: labels.astype(np.int64) if "
                "they are whole"
            )
            raise ValueError(
                f"{name} must hold whole numbers (an integer dtype such as uint8), got dtype "
                f"{array.dtype}{fix}"
            )
    if images.min() < 0 or images.max() > 255:
        raise ValueError(
            f"pixel values must lie in 0..255, got {images.min()}..{images.max()}; the book's "
            "format stores each pixel as a whole number 0..255"
        )
    if labels.min() < 0:
        raise ValueError(f"labels must be 0 or more, got {labels.min()}")


def write_csv(path: str | os.PathLike, images: ArrayLike, labels: ArrayLike) -> None:
    """Write images and labels in the book's CSV format (gzip when the name ends in .gz).

    Refuses exactly what :func:`read_csv` refuses: images must be whole numbers 0..255
    (an integer dtype, so scaled 0.01..1.0 pixels are not silently rounded to 0), labels
    whole numbers 0 or more, at least one image. The file is written to a temporary name
    and renamed into place, so an existing file is never left half-written. Gzip output
    is byte-for-byte repeatable (no timestamp).
    """
    images, labels = np.asarray(images), np.asarray(labels)
    _check_images_and_labels(images, labels)
    table = np.column_stack([labels.astype(np.int64), images.astype(np.int64)])
    text = io.StringIO()
    np.savetxt(text, table, fmt="%d", delimiter=",")
    data = text.getvalue().encode("ascii")
    path = Path(path)
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    with atomic_writer(path) as handle:
        handle.write(data)


# --------------------------------------------------------------------------- IDX


_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (the format MNIST is published in), plain or gzipped.

    The header is two zero bytes, a type code (0x08 = unsigned byte), the number of
    dimensions, then each dimension as a big-endian 32-bit integer; the data follow.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise DatasetError(f"{path}: not an IDX file (bad magic number {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DatasetError(f"{path}: IDX header is cut short")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_DTYPES[raw[2]]
    if math.prod(d for d in shape if d) * dtype.itemsize >= 2**62:
        # numpy refuses such a shape even when a 0 makes the array empty
        raise DatasetError(
            f"{path}: IDX header gives dimensions {shape}, an impossibly large array; the file "
            "is corrupt or not an IDX file: delete it and download it again"
        )
    expected = math.prod(shape) * dtype.itemsize  # Python ints: no overflow, however large
    if len(raw) - header != expected:
        promised = (
            f"{expected:,} bytes" if expected < 2**63 else "an impossibly large number of bytes"
        )
        raise DatasetError(
            f"{path}: IDX header promises shape {shape} ({promised}) but the file holds "
            f"{len(raw) - header:,} bytes; the file is truncated or corrupt: delete it and "
            "download it again"
        )
    return (
        np.frombuffer(raw, dtype=dtype, offset=header)
        .reshape(shape)
        .astype(dtype.newbyteorder("="))
    )


def _load_idx_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = read_idx(images_path), read_idx(labels_path)
    for path, array, what in ((images_path, images, "pixels"), (labels_path, labels, "labels")):
        if array.dtype != np.uint8:
            raise DatasetError(
                f"{path}: IDX data of type {array.dtype}, but MNIST-style {what} are unsigned "
                "bytes (type code 0x08); converting would change the values: this is not an "
                "MNIST or Fashion-MNIST file, delete it and download it again"
            )
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DatasetError(
            f"{images_path} and {labels_path} don't match: shapes {images.shape} and {labels.shape}"
        )
    if labels.size and labels.max() > 9:
        raise DatasetError(
            f"{labels_path}: labels go up to {labels.max()}, but MNIST and Fashion-MNIST have 10 "
            "classes, 0..9: this is not their label file, delete it and download it again"
        )
    return images.reshape(len(images), -1).astype(np.uint8), labels.astype(np.int64)


# --------------------------------------------------------------------------- datasets


@dataclass(frozen=True)
class RemoteDataset:
    """A dataset published as IDX files at one or more mirrors, with their MD5 checksums."""

    name: str
    mirrors: tuple[str, ...]
    md5: dict[str, str]  # file name -> published MD5 of the file as served
    files: dict[str, tuple[str, str]]  # split -> (images file, labels file)
    sizes: dict[str, int] = field(default_factory=dict)  # file name -> published size in bytes


MNIST = RemoteDataset(
    name="mnist",
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    md5={
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    },
    files={
        "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
    },
    # The sizes LeCun's MNIST page lists for each file.
    sizes={
        "train-images-idx3-ubyte.gz": 9_912_422,
        "train-labels-idx1-ubyte.gz": 28_881,
        "t10k-images-idx3-ubyte.gz": 1_648_877,
        "t10k-labels-idx1-ubyte.gz": 4_542,
    },
)

FASHION_MNIST = RemoteDataset(
    name="fashion-mnist",
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ),
    md5={
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    },
    files=MNIST.files,
    # Zalando's files as served (Debian's recompressed copies are 23-24 bytes shorter).
    sizes={
        "train-images-idx3-ubyte.gz": 26_421_880,
        "train-labels-idx1-ubyte.gz": 29_515,
        "t10k-images-idx3-ubyte.gz": 4_422_102,
        "t10k-labels-idx1-ubyte.gz": 5_148,
    },
)

DATASETS = {MNIST.name: MNIST, FASHION_MNIST.name: FASHION_MNIST}

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


def data_dir() -> Path:
    """The data folder: ``$MYNN_DATA_DIR``, else ``$XDG_CACHE_HOME/mynn``, else ``~/.cache/mynn``.

    Each dataset lives in a folder of its own inside it (``<data folder>/mnist/``);
    ``python -m mynn download --dest D`` means the same as ``MYNN_DATA_DIR=D``.

    Raises
    ------
    DatasetError
        If none of these is set and there is no home directory (HOME unset and a user id
        without a passwd entry, as in ``docker run --user 4242``): set MYNN_DATA_DIR.
    """
    if os.environ.get("MYNN_DATA_DIR"):
        return Path(os.environ["MYNN_DATA_DIR"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(cache):  # the XDG rules: a relative path is ignored
        return Path(cache) / "mynn"
    try:
        home = Path.home()
    except (RuntimeError, KeyError, OSError):
        home = None
    if home is None or not str(home).strip() or str(home) == "~":
        raise DatasetError(
            "there is no home directory to keep downloaded data in (HOME is unset and this "
            "user has no home in the passwd database); set MYNN_DATA_DIR to a writable folder, "
            "e.g. MYNN_DATA_DIR=/tmp/mynn-data"
        )
    return home / ".cache" / "mynn"


def load_mnist(split: str = "train", source: str = "sample") -> tuple[np.ndarray, np.ndarray]:
    """MNIST digits as ``(images, labels)``: uint8 (n, 784) and int64 (n,).

    Parameters
    ----------
    split : {"train", "test"}
    source : {"sample", "full"}
        "sample" is the real 5,000-digit sample bundled with the project (4,000 train /
        1,000 test, 10% of each digit in test). "full" is the published 60,000 / 10,000,
        which must be downloaded first: ``python -m mynn download mnist``.
    """
    _check_choice("split", split, ("train", "test"))
    _check_choice("source", source, ("sample", "full"))
    if source == "sample":
        path = BUNDLED_DATA_DIR / f"mnist_sample_{split}.csv.gz"
        if not path.exists():
            raise DatasetError(
                f"the bundled MNIST sample {path} is missing. It ships with the project's "
                "repository: install mynn from a clone with `pip install -e .`"
            )
        return read_csv(path)
    folder = data_dir() / MNIST.name
    images_file, labels_file = MNIST.files[split]
    if not (folder / images_file).exists() or not (folder / labels_file).exists():
        raise DatasetError(
            f"full MNIST is not in {folder}; download it first with `python -m mynn download "
            "mnist` (about 11 MB; if you downloaded it with --dest DIR, set MYNN_DATA_DIR=DIR), "
            "or use the bundled sample (--data mnist-sample)"
        )
    return _load_idx_pair(folder / images_file, folder / labels_file)


def load_fashion_mnist(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST (Zalando): 28 x 28 clothes in 10 classes, the same shapes as MNIST.

    Looks in Debian's ``dataset-fashion-mnist`` package (``/usr/share/datasets``) and then in
    the download folder (``python -m mynn download fashion-mnist``). Class names are in
    :data:`FASHION_MNIST_CLASSES`.
    """
    _check_choice("split", split, ("train", "test"))
    images_file, labels_file = FASHION_MNIST.files[split]
    for folder in (DEBIAN_FASHION_MNIST_DIR, None):
        folder = folder or data_dir() / FASHION_MNIST.name  # only asked for when needed
        if (folder / images_file).exists() and (folder / labels_file).exists():
            return _load_idx_pair(folder / images_file, folder / labels_file)
    raise DatasetError(
        "Fashion-MNIST not found. Install it with `apt-get install dataset-fashion-mnist` "
        "(Debian/Ubuntu) or download it with `python -m mynn download fashion-mnist`"
    )


#: The names :func:`load_train_test` (and ``python -m mynn train --data``) accept.
DATA_CHOICES = ("mnist-sample", "mnist", "fashion-mnist")


def load_train_test(
    data: str = "mnist-sample",
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``((train_images, train_labels), (test_images, test_labels))`` for one of
    :data:`DATA_CHOICES`: the bundled MNIST sample, full MNIST, or Fashion-MNIST."""
    _check_choice("data", data, DATA_CHOICES)
    if data == "fashion-mnist":
        return load_fashion_mnist("train"), load_fashion_mnist("test")
    source = "sample" if data == "mnist-sample" else "full"
    return load_mnist("train", source), load_mnist("test", source)


# --------------------------------------------------------------------------- downloads


#: A file whose size the dataset table doesn't give is cut off beyond this many bytes.
UNKNOWN_SIZE_CAP = 256 * 2**20

#: Seconds one file's download may take, from the request to the last byte.
FILE_DEADLINE = 900.0


class DownloadInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`download`. It is a KeyboardInterrupt, and says what was kept:
    ``kept`` are the verified files in ``folder``; ``missing`` the ones still to fetch."""

    def __init__(self, folder: Path, kept: Sequence[str], missing: Sequence[str]):
        self.folder, self.kept, self.missing = folder, tuple(kept), tuple(missing)
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.kept:
            kept = (
                f"kept {len(self.kept)} verified file{'s' if len(self.kept) != 1 else ''} in "
                f"{self.folder} ({', '.join(self.kept)})"
            )
        else:
            kept = f"no file was complete yet, nothing was added to {self.folder}"
        rest = (
            f"Run the same command again to fetch the other {len(self.missing)}"
            if self.missing
            else "All files were already verified"
        )
        return f"{kept}; no half-written file was left. {rest}"


def download(
    dataset: str | RemoteDataset = "mnist",
    dest: str | os.PathLike | None = None,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    timeout: float = 30.0,
    deadline: float = FILE_DEADLINE,
) -> Path:
    """Download a dataset's IDX files, verifying each against its published MD5.

    Files go into ``<dest>/<dataset name>/``, where ``dest`` is the data folder (the same
    meaning as ``$MYNN_DATA_DIR``; default :func:`data_dir`), so that the loaders find
    them with ``MYNN_DATA_DIR=dest``. Mirrors are tried in turn for each file; a mirror
    that refuses, sends a malformed reply, sends more bytes than the file can have (its
    published size plus a margin), takes longer than ``deadline`` seconds for one file,
    or sends a file whose checksum differs counts as failed, and the next one is tried. A
    file is written to a temporary name in the folder and renamed into place only once its
    checksum matches, so an interrupted or corrupt download never leaves a half file
    behind; temporary files left by a killed run are removed by the next one. Files
    already present with the right checksum are kept. Returns the dataset's folder.

    Parameters
    ----------
    timeout : float
        Seconds to wait for the connection and for each piece of data.
    deadline : float
        Seconds one file may take in all (checked between pieces, so it can overrun by up
        to ``timeout``).

    Raises
    ------
    DatasetError
        If a file could not be fetched from any mirror (listing why for each).
    DownloadInterrupted
        On Ctrl-C, saying which verified files were kept.
    """
    spec = DATASETS.get(dataset) if isinstance(dataset, str) else dataset
    if spec is None:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}")
    if dest is not None and not str(dest).strip():
        raise ValueError(
            "the destination folder is empty (''); give the data folder to save into (the "
            "files go into DEST/<dataset>/), or leave it out to use $MYNN_DATA_DIR or "
            "~/.cache/mynn"
        )
    for name, value in (("timeout", timeout), ("deadline", deadline)):
        if not isinstance(value, int | float) or not 0 < value < math.inf:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
    folder = (Path(dest).expanduser() if dest is not None else data_dir()) / spec.name
    mirrors = tuple(mirrors) if mirrors is not None else spec.mirrors
    kept: list[str] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(folder, spec.md5, older_than=deadline + timeout)
        for file_name, md5 in spec.md5.items():
            target = folder / file_name
            if not (target.exists() and _md5(target.read_bytes()) == md5):
                _fetch_from_mirrors(spec, file_name, folder, mirrors, progress, timeout, deadline)
            kept.append(file_name)
    except KeyboardInterrupt:
        missing = [name for name in spec.md5 if name not in kept]
        raise DownloadInterrupted(folder, kept, missing) from None
    return folder


def _fetch_from_mirrors(spec, file_name, folder, mirrors, progress, timeout, deadline) -> None:
    md5 = spec.md5[file_name]
    known = spec.sizes.get(file_name)
    limit = known + max(known // 10, 1 << 16) if known else UNKNOWN_SIZE_CAP
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + file_name
        try:
            _fetch_verified(url, folder / file_name, md5, progress, timeout, deadline, limit)
            return
        except (urllib.error.URLError, OSError, DatasetError) as error:
            failures.append(f"  {url}: {getattr(error, 'reason', error)}")
        except (http.client.HTTPException, ValueError) as error:
            # A malformed reply (bad status line, too many headers, a cut-off chunked body,
            # a URL urllib cannot use): this mirror failed, the next may work.
            reason = _excerpt(str(error), 60) if str(error) else "no details"
            failures.append(f"  {url}: malformed reply ({type(error).__name__}: {reason})")
    raise DatasetError(
        f"could not download {file_name} from any mirror:\n"
        + "\n".join(failures)
        + f"\nCheck your internet connection, or copy the file into {folder} by hand."
    )


def _fetch_verified(
    url: str, target: Path, md5: str, progress: bool, timeout: float, deadline: float, limit: int
) -> None:
    from mynn.progress import progress_bar

    start = time.monotonic()
    digest = hashlib.md5(usedforsecurity=False)
    received = 0
    with urllib.request.urlopen(url, timeout=timeout) as response:
        total = _content_length(response)
        if total is not None and total > limit:
            raise DatasetError(
                f"the server announces {total:,} bytes, more than this file can be "
                f"({limit:,} at most)"
            )
        read = getattr(response, "read1", response.read)  # read1: whatever has arrived
        with (
            atomic_writer(target, verify=lambda: digest.hexdigest() == md5) as handle,
            progress_bar(progress, total=total, unit="B", unit_scale=True, desc=target.name) as bar,
        ):
            while True:
                if time.monotonic() - start > deadline:
                    raise DatasetError(
                        f"gave up after {deadline:.0f} s with {received:,} bytes received: the "
                        "mirror is too slow (download(..., deadline=) allows longer)"
                    )
                chunk = read(1 << 16)
                if not chunk:
                    break
                received += len(chunk)
                if received > limit:
                    raise DatasetError(
                        f"the mirror sent more than {limit:,} bytes, more than this file can "
                        "be: stopped"
                    )
                handle.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
    if total is not None and received < total:
        raise DatasetError(f"the connection closed after {received:,} of {total:,} bytes")
    if digest.hexdigest() != md5:
        raise DatasetError(f"checksum mismatch (got MD5 {digest.hexdigest()}, expected {md5})")


def _content_length(response) -> int | None:
    """The announced size, or None when it is missing or not a number (``abc``)."""
    try:
        length = int(response.headers.get("Content-Length") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def _remove_stale_parts(folder: Path, names, older_than: float) -> None:
    """Remove temporary files a killed download left behind. One untouched for longer than
    a download may take cannot belong to a live one; younger ones are left alone (and
    ignored: every download writes to a fresh temporary name)."""
    now = time.time()
    for name in names:
        for part in folder.glob(f".{glob.escape(name)}.*.part"):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime > older_than:
                    part.unlink()


# --------------------------------------------------------------------------- file helpers


@contextlib.contextmanager
def atomic_writer(path: Path, verify=lambda: True) -> Iterator[io.BufferedWriter]:
    """Write to a temporary file beside ``path``; rename it into place only on success.

    mynn's one atomic writer: every file mynn writes (data, networks, checkpoints, ONNX,
    HDF5, GIFs, GAN samples) goes through it, so an interrupted or failed write never
    destroys or half-writes a file that was already there. ``verify`` is checked before the
    rename (e.g. a checksum); if it returns False nothing is replaced.

    The new file gets the permissions of the file it replaces, or, for a new file, what
    any new file gets here (0o666 less the umask, or the folder's default ACL): the
    temporary file is created with mode 0o666 and the system applies them. The process's
    umask is never changed, so other threads never see a different one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    name, descriptor = _create_temporary(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        if path.exists():
            os.chmod(name, path.stat().st_mode & 0o777)
        if verify():
            os.replace(name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def _create_temporary(path: Path) -> tuple[Path, int]:
    """A new, empty file ``.<name>.<random>.part`` beside ``path``, open for writing."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = path.parent / f".{path.name}.{secrets.token_hex(6)}.part"
        try:
            return name, os.open(name, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {path}")


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise DatasetError(f"{path}: no such file")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise DatasetError(
                f"{path}: corrupt gzip data ({error}); the file is damaged: delete it and "
                "download (or copy) it again"
            ) from None
    return raw


def _read_text(path: Path) -> str:
    try:
        return _read_bytes(path).decode("ascii")
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not a text CSV file (non-ASCII bytes)") from None


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _is_integer(text: str) -> bool:
    return _INTEGER.fullmatch(text) is not None


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")


# --------------------------------------------------------------------------- augmentation: rotated copies
# (Make Your Own Neural Network, part 3, "Creating new training data: rotations".)


def rotated(
    images: ArrayLike, angles: float | Sequence[float] = (-10, 10), blank: float = 0.0
) -> np.ndarray:
    """Each image rotated by each angle (degrees, positive = anticlockwise), as the book does.

    The book makes new training digits by rotating each one by +10 and -10 degrees with
    ``scipy.ndimage.rotate``: bilinear interpolation (``order=1``), the same 28 x 28 frame
    (``reshape=False``), and the corners that rotate in from outside filled with the blank
    level (``cval``). This function does exactly that, for a whole stack at once.

    Parameters
    ----------
    images : array of shape (n, 784) or (784,)
        Raw 0..255 images (uint8 or any integer type), or float images (for example already
        scaled by :func:`~mynn.network.scale_inputs`).
    angles : float or sequence of floats
        Rotation angles in degrees; ``0`` gives the images back unchanged.
    blank : float
        The background level the corners are filled with: ``0`` (white paper) for raw
        0..255 images, the default. The book rotates images already scaled to 0.01..1.0
        and fills with ``0.01``: pass ``blank=0.01`` for such images.

    Returns
    -------
    ndarray
        For a sequence of angles, shape ``(len(angles), *images.shape)``: ``result[k]``
        holds every image rotated by ``angles[k]``. For a single number, the images' own
        shape. Integer images come back in their own dtype (rounded to the nearest whole
        value; bilinear interpolation never leaves the range of the pixels and the blank
        level, so nothing is clipped away); float images come back as float64.
    """
    from scipy import ndimage

    single_angle = np.ndim(angles) == 0
    try:
        angle_list = [float(a) for a in np.atleast_1d(np.asarray(angles, dtype=np.float64))]
    except (TypeError, ValueError):
        raise ValueError(
            f"angles must be a number or a sequence of numbers, got {angles!r}"
        ) from None
    if not angle_list or not np.all(np.isfinite(angle_list)):
        raise ValueError(f"angles must be one or more finite numbers of degrees, got {angles!r}")
    stack = _image_stack(images, "images")
    integer = np.issubdtype(stack.dtype, np.integer)
    if not np.isfinite(blank):
        raise ValueError(f"blank must be a finite number, got {blank!r}")
    if integer:
        info = np.iinfo(stack.dtype)
        if not info.min <= blank <= info.max:
            raise ValueError(
                f"blank={blank!r} does not fit {stack.dtype} images ({info.min}..{info.max}); "
                "use blank=0 for raw 0..255 images"
            )
    side = int(round(np.sqrt(stack.shape[-1])))
    squares = stack.reshape(-1, side, side).astype(np.float64)
    result = np.empty((len(angle_list),) + squares.shape)
    for k, angle in enumerate(angle_list):
        # axes=(2, 1) turns each 28 x 28 square the way ndimage.rotate turns one image.
        ndimage.rotate(
            squares, angle, axes=(2, 1), reshape=False, order=1, mode="constant",
            cval=blank, output=result[k],
        )  # fmt: skip
    if integer:
        result = np.clip(np.rint(result), info.min, info.max).astype(stack.dtype)
    result = result.reshape((len(angle_list),) + np.shape(images))
    return result[0] if single_angle else result


def augmented(
    images: ArrayLike,
    labels: ArrayLike,
    angles: Sequence[float] = (-10, 10),
    blank: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The book's augmented training set: every image followed by its rotated copies.

    Returns ``(images, labels)`` with ``(1 + len(angles)) * n`` rows in the order the book
    trains them: image 0, image 0 rotated by ``angles[0]``, by ``angles[1]``, ..., then
    image 1 and its copies, and so on; each copy keeps its original's label. The book
    rotates by +10 then -10 degrees: ``augmented(images, labels, angles=(10, -10))``.
    ``blank`` is as in :func:`rotated` (0 for raw 0..255 images).
    """
    stack = _image_stack(images, "images")
    labels = np.asarray(labels)
    if stack.ndim != 2 or labels.shape != (len(stack),):
        raise ValueError(
            f"expected images of shape (n, {PIXELS}) and labels of shape (n,); got "
            f"{np.shape(images)} and {labels.shape}"
        )
    if np.ndim(angles) != 1:
        raise ValueError(f"angles must be a sequence of degrees, e.g. (10, -10); got {angles!r}")
    copies = rotated(stack, angles, blank=blank)  # (len(angles), n, pixels)
    everything = np.concatenate([stack[None].astype(copies.dtype), copies])
    out_images = everything.transpose(1, 0, 2).reshape(-1, stack.shape[1])
    return out_images, np.repeat(labels, len(everything))


def _image_stack(images: ArrayLike, name: str) -> np.ndarray:
    """Check for square images of PIXELS values, one per row (or a single 1-D image)."""
    array = np.asarray(images)
    if array.ndim not in (1, 2) or array.shape[-1] != PIXELS:
        raise ValueError(
            f"{name} must have shape (n, {PIXELS}) or ({PIXELS},), one 28 x 28 image per row; "
            f"got shape {array.shape}. Reshape with images.reshape(len(images), -1)"
        )
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise ValueError(f"{name} must be numbers, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity; clean the data first")
    return array
