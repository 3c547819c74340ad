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
import gzip
import hashlib
import io
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

PIXELS = 28 * 28

#: Where the project's own small data files live (a clone of the repository).
BUNDLED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: Debian's ``dataset-fashion-mnist`` package installs the real files here.
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")


class DatasetError(Exception):
    """A data file is missing, malformed, or could not be downloaded."""


# --------------------------------------------------------------------------- the book's CSV


def read_csv(path: str | os.PathLike, n_pixels: int = PIXELS) -> tuple[np.ndarray, np.ndarray]:
    """Read the book's CSV format: ``label,pixel_1,...,pixel_n`` per line, no header.

    Plain text or gzip (``.gz``). Returns ``(images, labels)``: uint8 array of shape
    (n, n_pixels) and int64 array of shape (n,).

    Raises
    ------
    DatasetError
        For a header row, a blank line, a line with the wrong number of values, a value
        that isn't a whole number, or a value outside 0..255 (naming the line).
    """
    path = Path(path)
    lines = _read_text(path).splitlines()
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise DatasetError(f"{path}: the file is empty; expected one image per line")
    first = lines[0].split(",", 1)[0].strip()
    if not _is_integer(first):
        raise DatasetError(
            f"{path}: line 1 starts with {first!r}, which looks like a header row; the book's "
            "format has no header: delete the first line"
        )
    expected = n_pixels + 1
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise DatasetError(f"{path}: line {number} is blank; remove blank lines")
        columns = line.count(",") + 1
        if columns != expected:
            raise DatasetError(
                f"{path}: line {number} has {columns} values, expected {expected} "
                f"(a label then {n_pixels} pixels)"
            )
    try:
        table = np.loadtxt(lines, delimiter=",", dtype=np.int64, ndmin=2)
    except ValueError as error:
        raise DatasetError(f"{path}: not all values are whole numbers ({error})") from None
    bad_rows = np.flatnonzero(np.any((table[:, 1:] < 0) | (table[:, 1:] > 255), axis=1))
    if bad_rows.size:
        raise DatasetError(f"{path}: line {bad_rows[0] + 1} has pixel values outside 0..255")
    if np.any(table[:, 0] < 0):
        raise DatasetError(f"{path}: line {np.argmax(table[:, 0] < 0) + 1} has a negative label")
    return table[:, 1:].astype(np.uint8), table[:, 0].copy()


def write_csv(path: str | os.PathLike, images: ArrayLike, labels: ArrayLike) -> None:
    """Write images and labels in the book's CSV format (gzip when the name ends in .gz).

    The file is written to a temporary name and renamed into place, so an existing file
    is never left half-written. Gzip output is byte-for-byte repeatable (no timestamp).
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 2 or labels.shape != (len(images),):
        raise ValueError(
            f"expected images of shape (n, pixels) and labels of shape (n,); got {images.shape} "
            f"and {labels.shape}"
        )
    if images.size and (images.min() < 0 or images.max() > 255):
        raise ValueError("pixel values must lie in 0..255")
    table = np.column_stack([labels.astype(np.int64), images.astype(np.int64)])
    text = io.StringIO()
    np.savetxt(text, table, fmt="%d", delimiter=",")
    data = text.getvalue().encode("ascii")
    path = Path(path)
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    with _atomic_writer(path) as handle:
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
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise DatasetError(
            f"{path}: IDX header promises shape {shape} ({expected} bytes) but the file holds "
            f"{len(raw) - header} bytes; the file is truncated or corrupt: download it again"
        )
    return (
        np.frombuffer(raw, dtype=dtype, offset=header)
        .reshape(shape)
        .astype(dtype.newbyteorder("="))
    )


def _load_idx_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DatasetError(
            f"{images_path} and {labels_path} don't match: shapes {images.shape} and {labels.shape}"
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
)

DATASETS = {MNIST.name: MNIST, FASHION_MNIST.name: FASHION_MNIST}

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


def data_dir() -> Path:
    """Where downloaded data is kept: ``$MYNN_DATA_DIR``, else ``~/.cache/mynn``."""
    if os.environ.get("MYNN_DATA_DIR"):
        return Path(os.environ["MYNN_DATA_DIR"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "mynn"


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
            "mnist` (about 11 MB), or use the bundled sample (--data mnist-sample)"
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
    for folder in (DEBIAN_FASHION_MNIST_DIR, data_dir() / FASHION_MNIST.name):
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


def download(
    dataset: str | RemoteDataset = "mnist",
    dest: str | os.PathLike | None = None,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    timeout: float = 30.0,
) -> Path:
    """Download a dataset's IDX files, verifying each against its published MD5.

    Mirrors are tried in turn for each file. A file is written to a temporary name in the
    destination folder and renamed into place only once its checksum matches, so an
    interrupted or corrupt download never leaves a half file behind. Files already present
    with the right checksum are kept. Returns the folder.
    """
    spec = DATASETS.get(dataset) if isinstance(dataset, str) else dataset
    if spec is None:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}")
    folder = Path(dest) if dest is not None else data_dir() / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    mirrors = tuple(mirrors) if mirrors is not None else spec.mirrors
    for file_name, md5 in spec.md5.items():
        target = folder / file_name
        if target.exists() and _md5(target.read_bytes()) == md5:
            continue
        failures = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + file_name
            try:
                _fetch_verified(url, target, md5, progress, timeout)
                break
            except (urllib.error.URLError, OSError, DatasetError) as error:
                failures.append(f"  {url}: {getattr(error, 'reason', error)}")
        else:
            raise DatasetError(
                f"could not download {file_name} from any mirror:\n"
                + "\n".join(failures)
                + f"\nCheck your internet connection, or copy the file into {folder} by hand."
            )
    return folder


def _fetch_verified(url: str, target: Path, md5: str, progress: bool, timeout: float) -> None:
    from tqdm.auto import tqdm

    digest = hashlib.md5(usedforsecurity=False)
    with urllib.request.urlopen(url, timeout=timeout) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        with (
            _atomic_writer(target, verify=lambda: digest.hexdigest() == md5) as handle,
            tqdm(
                total=total, unit="B", unit_scale=True, desc=target.name, disable=not progress
            ) as bar,
        ):
            for chunk in iter(lambda: response.read(1 << 16), b""):
                handle.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
    if digest.hexdigest() != md5:
        raise DatasetError(f"checksum mismatch (got MD5 {digest.hexdigest()}, expected {md5})")


# --------------------------------------------------------------------------- file helpers


@contextlib.contextmanager
def _atomic_writer(path: Path, verify=lambda: True) -> Iterator[io.BufferedWriter]:
    """Write to a temporary file beside ``path``; rename it into place only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            yield handle
        os.chmod(handle.name, _default_file_mode(path))
        if verify():
            os.replace(handle.name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)


def _default_file_mode(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 minus umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise DatasetError(f"{path}: no such file")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise DatasetError(f"{path}: corrupt gzip data ({error}); download it again") from None
    return raw


def _read_text(path: Path) -> str:
    try:
        return _read_bytes(path).decode("ascii")
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not a text CSV file (non-ASCII bytes)") from None


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _is_integer(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


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
