"""Readers and writers of the two formats MNIST-style data come in: the book's CSV and IDX.

The book reads MNIST from CSV files with one image per line: the label first, then the
784 pixel values (0..255) of the 28 x 28 image, row by row. MNIST itself is published in
the IDX binary format. Both may be gzipped. Every reader refuses a malformed file with a
:class:`DatasetError` naming the file and what is wrong with it; gzip is inflated only as
far as the file may hold (:data:`MAX_INFLATED_BYTES`, and for IDX the size its header
declares), so a small file that inflates to gigabytes (a decompression bomb) is refused
instead of filling the memory.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import re
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from mynn.errors import MynnError, UsageError
from mynn.files import atomic_writer

PIXELS = 28 * 28

#: MNIST's and Fashion-MNIST's image side in pixels.
SIDE = 28

#: The most bytes a data file may inflate to, or an IDX header may declare (1 GiB: the
#: largest MNIST-style file, EMNIST's 698k training images, is 547 MB).
MAX_INFLATED_BYTES = 2**30


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
        raise UsageError(
            f"expected images of shape (n, pixels) and labels of shape (n,); got {images.shape} "
            f"and {labels.shape}"
        )
    if len(images) == 0 or images.shape[1] == 0:
        raise UsageError(
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
            raise UsageError(
                f"{name} must hold whole numbers (an integer dtype such as uint8), got dtype "
                f"{array.dtype}{fix}"
            )
    if images.min() < 0 or images.max() > 255:
        raise UsageError(
            f"pixel values must lie in 0..255, got {images.min()}..{images.max()}; the book's "
            "format stores each pixel as a whole number 0..255"
        )
    if labels.min() < 0:
        raise UsageError(f"labels must be 0 or more, got {labels.min()}")


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


def read_idx(path: str | os.PathLike, max_bytes: int | None = None) -> np.ndarray:
    """Read an IDX file (the format MNIST is published in), plain or gzipped.

    The header is two zero bytes, a type code (0x08 = unsigned byte), the number of
    dimensions, then each dimension as a big-endian 32-bit integer; the data follow:
    ``prod(shape) * itemsize`` bytes, no more, no less.

    The header is read first and the data only if the size it declares is at most
    ``max_bytes`` (default :data:`MAX_INFLATED_BYTES`); a gzipped file is inflated no further than that size (plus one byte, to
    see whether more follows), so a decompression bomb costs no memory.

    Raises
    ------
    DatasetError
        For a missing file or one that isn't a regular file, bad magic bytes, a header cut
        short, a declared size over ``max_bytes`` or impossibly large, data longer or
        shorter than the header declares, and corrupt gzip data; each names the file.
    """
    path = Path(path)
    max_bytes = MAX_INFLATED_BYTES if max_bytes is None else max_bytes
    with _open_data(path) as stream:
        head = stream.read(4)
        if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] not in _IDX_DTYPES:
            raise DatasetError(f"{path}: not an IDX file (bad magic number {head.hex()})")
        ndim = head[3]
        dims = stream.read(4 * ndim)
        if len(dims) < 4 * ndim:
            raise DatasetError(f"{path}: IDX header is cut short")
        shape = tuple(int(d) for d in np.frombuffer(dims, dtype=">u4"))
        dtype = _IDX_DTYPES[head[2]]
        if math.prod(d for d in shape if d) * dtype.itemsize >= 2**62:
            # numpy refuses such a shape even when a 0 makes the array empty
            raise DatasetError(
                f"{path}: IDX header gives dimensions {shape}, an impossibly large array; the "
                "file is corrupt or not an IDX file: delete it and download it again"
            )
        expected = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
        header = 4 + 4 * ndim
        if not stream.gzipped:  # the real size is known without reading: say how it differs
            _check_idx_size(path, shape, expected, path.stat().st_size - header)
        if expected > max_bytes:
            raise DatasetError(
                f"{path}: IDX header declares shape {shape}, {expected:,} bytes of data, more "
                f"than mynn reads from one file ({max_bytes:,}); nothing was read. A file this "
                "size is not MNIST-style data (or is a decompression bomb): delete it, or pass "
                "read_idx(..., max_bytes=) if you really mean it"
            )
        body = stream.read(expected + 1)  # one byte more: does the data go on?
        _check_idx_size(path, shape, expected, len(body), at_least=len(body) > expected)
    return np.frombuffer(body, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def _check_idx_size(path: Path, shape, expected: int, held: int, at_least: bool = False) -> None:
    if held == expected:
        return
    promised = f"{expected:,} bytes" if expected < 2**63 else "an impossibly large number of bytes"
    holds = f"more than {expected:,}" if at_least else f"{held:,}"
    raise DatasetError(
        f"{path}: IDX header promises shape {shape} ({promised}) but the file holds "
        f"{holds} bytes; the file is truncated or corrupt: delete it and download it again"
    )


def read_idx_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """MNIST-style ``(images, labels)`` from an IDX image file and its IDX label file.

    Returns uint8 images of shape (n, 784) and int64 labels of shape (n,), after checking
    what MNIST and Fashion-MNIST promise: unsigned bytes, at least one image, 28 x 28
    pixels each, one label 0..9 per image. Anything else is a :class:`DatasetError` naming
    the file and what is wrong, raised here rather than as a numpy error later.
    """
    images_path, labels_path = Path(images_path), Path(labels_path)
    images, labels = read_idx(images_path), read_idx(labels_path)
    for path, array, what in ((images_path, images, "pixels"), (labels_path, labels, "labels")):
        if array.dtype != np.uint8:
            raise DatasetError(
                f"{path}: IDX data of type {array.dtype}, but MNIST-style {what} are unsigned "
                "bytes (type code 0x08); converting would change the values: this is not an "
                "MNIST or Fashion-MNIST file, delete it and download it again"
            )
    if images.ndim != 3:
        raise DatasetError(
            f"{images_path}: IDX images must have 3 dimensions (count, rows, columns), got "
            f"shape {images.shape}: this is not an MNIST-style image file"
        )
    if len(images) == 0:
        raise DatasetError(
            f"{images_path}: the file holds no images (shape {images.shape}); it is empty or "
            "damaged: delete it and download it again"
        )
    if images.shape[1:] != (SIDE, SIDE):
        raise DatasetError(
            f"{images_path}: its images are {images.shape[1]} x {images.shape[2]} pixels (rows "
            f"x columns), but MNIST-style images are {SIDE} x {SIDE}: this is not an MNIST or "
            "Fashion-MNIST image file"
        )
    if labels.ndim != 1 or len(images) != len(labels):
        raise DatasetError(
            f"{images_path} and {labels_path} don't match: shapes {images.shape} and {labels.shape}"
        )
    if labels.max() > 9:
        raise DatasetError(
            f"{labels_path}: labels go up to {labels.max()}, but MNIST and Fashion-MNIST have 10 "
            "classes, 0..9: this is not their label file, delete it and download it again"
        )
    return images.reshape(len(images), -1).astype(np.uint8), labels.astype(np.int64)


# --------------------------------------------------------------------------- reading files


class _Stream:
    """A file opened for reading, gzip inflated on the fly (``gzipped`` says which)."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = open(path, "rb")  # closed in __exit__
        self.gzipped = self.handle.read(2) == b"\x1f\x8b"
        self.handle.seek(0)
        self.reader = gzip.GzipFile(fileobj=self.handle) if self.gzipped else self.handle

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes, fewer only at the end. Read in pieces, so memory grows with
        what the file really holds, never with what was asked for."""
        pieces, left = [], size
        try:
            while left > 0:
                piece = self.reader.read(min(left, 1 << 20))
                if not piece:
                    break
                pieces.append(piece)
                left -= len(piece)
        except (OSError, EOFError, zlib.error) as error:
            if not self.gzipped:
                raise
            raise _corrupt_gzip(self.path, error) from None
        return b"".join(pieces)

    def __enter__(self) -> _Stream:
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()


def _open_data(path: Path) -> _Stream:
    if not path.exists():
        raise DatasetError(f"{path}: no such file")
    if not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file (a pipe or a device?)"
        raise DatasetError(f"{path}: is {kind}; give the path of a data file")
    return _Stream(path)


def _corrupt_gzip(path: Path, error: BaseException) -> DatasetError:
    return DatasetError(
        f"{path}: corrupt gzip data ({error}); the file is damaged: delete it and "
        "download (or copy) it again"
    )


def _read_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The whole file, gzip inflated, refusing one that inflates to more than ``max_bytes``
    (default :data:`MAX_INFLATED_BYTES`)."""
    max_bytes = MAX_INFLATED_BYTES if max_bytes is None else max_bytes
    with _open_data(path) as stream:
        raw = stream.read(max_bytes + 1)
        if stream.gzipped and len(raw) <= max_bytes:
            stream.read(1)  # reach the end of the gzip stream, so its checksum is checked
    if len(raw) > max_bytes:
        raise DatasetError(
            f"{path}: holds more than {max_bytes:,} bytes{' once inflated' * stream.gzipped}, "
            "more than any MNIST-style file (a decompression bomb?): nothing was read"
        )
    return raw


def _read_text(path: Path) -> str:
    try:
        return _read_bytes(path).decode("ascii")
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not a text CSV file (non-ASCII bytes)") from None


_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _is_integer(text: str) -> bool:
    return _INTEGER.fullmatch(text) is not None


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None
