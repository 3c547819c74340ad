"""Reading network files safely: every declared shape, size and link checked before use.

A network file may come from anyone, so nothing in it is trusted before it is checked:

- ``.npz`` (a zip of ``.npy`` members): each member's header (shape, dtype) is read first;
  pickled objects are refused without being unpacked, single values are read only when
  small, and the weights only once their declared shapes match the file's node counts,
  the memory they need exists, and they are not a decompression bomb (a tiny member that
  declares gigabytes).
- HDF5 (``.h5``): the same checks, and more: soft links, external links, virtual datasets
  and external raw storage could make the "weights" the bytes of ANOTHER file, so each is
  refused, naming what was found.
- the book's ``.npy`` files: plain numeric 2-D arrays, never unpickled.

A bad file gets one :class:`~mynn.storage.StorageError` naming the file and the problem.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from mynn.errors import UsageError, require
from mynn.memory import require_memory
from mynn.network import weight_shapes
from mynn.storage.format import (
    _HDF5_MAGIC,
    _NPY_MAGIC,
    _NPZ_MAGIC,
    _TRAINING_PREFIX,
    FORMAT_NAME,
    FORMAT_VERSION,
    StorageError,
)


def _check_regular_file(path: Path, what: str) -> None:
    """A regular file (or a link to one): a pipe or a device would block or never end."""
    if not path.exists():
        raise StorageError(f"{path}: no such file")
    if path.is_dir():
        raise StorageError(
            f"{path}: is a folder, not {what}"
            + (" (for the book's two files use load_book_weights)" if what == "a network file"
               else "")
        )  # fmt: skip
    if not path.is_file():
        raise StorageError(
            f"{path}: not a regular file (a named pipe, a socket or a device), not {what}; "
            "give the file itself"
        )


def _read_entries(path: Path) -> dict[str, np.ndarray]:
    _check_regular_file(path, "a network file")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise StorageError(f"{path}: the file is empty (an interrupted copy?)")
    if head.startswith(_NPZ_MAGIC):
        entries = _read_npz(path)
    elif head.startswith(_HDF5_MAGIC):
        entries = _read_h5(path)
    elif head.startswith(_NPY_MAGIC):
        raise StorageError(
            f"{path}: a single .npy array, not a mynn network file. If it is the book's "
            "saved_wih.npy or saved_who.npy, load the pair with "
            "mynn.load_book_weights(wih_path, who_path, learning_rate)"
        )
    else:
        raise StorageError(
            f"{path}: not a mynn network file (neither an .npz archive nor an HDF5 file)"
        )
    marker = entries.get("format")
    if marker is None or marker.ndim or marker.dtype.kind != "U" or marker.item() != FORMAT_NAME:
        held = ", ".join(sorted(entries)) or "nothing"
        raise StorageError(
            f"{path}: not a mynn network file (no format entry {FORMAT_NAME!r}; it holds "
            f"{held}). Save networks with network.save(path)"
        )
    version = _scalar(entries, "format_version", int, path)
    if version > FORMAT_VERSION:
        written_by = entries.get("mynn_version")
        by = f" by mynn {written_by.item()}" if written_by is not None else ""
        from mynn import __version__

        raise StorageError(
            f"{path}: written{by} in format version {version}, but this mynn "
            f"({__version__}) reads versions up to {FORMAT_VERSION}: upgrade mynn "
            "(pip install -U mynn)"
        )
    if version < 1:
        raise StorageError(f"{path}: format_version {version} is not a valid version")
    return entries


#: The arrays a network file holds; every other entry is a single value.
_ARRAY_NAMES = ("wih", "who", "bh", "bo")
#: Single values mynn reads (besides the training state's).
_SCALAR_NAMES = ("format", "format_version", "mynn_version", "activation", "input_nodes",
                 "hidden_nodes", "output_nodes", "learning_rate", "bias")  # fmt: skip
#: A single value is read only when it declares at most this many bytes.
_MAX_SCALAR_BYTES = 4096
#: An array declaring more than this many bytes must not be compressed more than
#: _MAX_RATIO times: trained weights hardly compress, a decompression bomb does.
_BOMB_BYTES, _MAX_RATIO = 1 << 20, 100


def _is_scalar_name(name: str) -> bool:
    return name in _SCALAR_NAMES or name.startswith(_TRAINING_PREFIX)


def _expected_shapes(entries: dict[str, np.ndarray]) -> dict[str, tuple[int, ...]] | None:
    """The array shapes the node counts call for, or None if the counts are unusable."""
    nodes = []
    for name in ("input_nodes", "hidden_nodes", "output_nodes"):
        value = entries.get(name)
        if value is None or value.ndim or value.dtype.kind not in "iu" or int(value) < 1:
            return None  # the validation names the problem
        nodes.append(int(value))
    inodes, hnodes, onodes = nodes
    return weight_shapes(inodes, hnodes, onodes)


def _check_declared(path: Path, name: str, shape, dtype: np.dtype, expected, stored) -> None:
    """Check an array's declared shape and dtype before its data are read (no bombs)."""
    if dtype.kind not in "fiu" or dtype.itemsize > 8:
        raise StorageError(f"{path}: {name} holds {dtype} values, not real numbers")
    want = expected[name]
    if tuple(shape) != want:
        inodes, hnodes, onodes = expected["wih"][1], expected["wih"][0], expected["who"][0]
        raise StorageError(
            f"{path}: {name} has shape {tuple(shape)} but the file's node counts "
            f"{inodes}-{hnodes}-{onodes} need {want}; the file is inconsistent"
        )
    n_values = math.prod(want)
    try:
        require_memory(8 * n_values, f"{n_values:,} weights", "use fewer nodes")
    except ValueError:
        raise StorageError(
            f"{path}: {name} declares {n_values:,} values ({8 * n_values / 2**30:,.1f} GiB), "
            "more than this machine's memory; the file is damaged or not a real network"
        ) from None
    nbytes = n_values * dtype.itemsize
    if stored is not None and nbytes > _BOMB_BYTES and nbytes > _MAX_RATIO * max(stored, 1):
        raise StorageError(
            f"{path}: {name} declares {nbytes:,} bytes stored in only {stored:,}: a "
            "decompression bomb, not trained weights; refused without unpacking it"
        )


def _pickled(path: Path, name: str) -> StorageError:
    return StorageError(
        f"{path}: the entry {name!r} holds pickled Python objects. mynn never unpickles (that "
        "could run any code hidden in the file), so nothing in it was executed; a mynn file "
        "holds only numbers and text"
    )


def _npy_header(stream) -> tuple[tuple[int, ...], np.dtype]:
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(stream)
    else:
        raise UsageError(f"unsupported .npy format version {version}")
    return shape, dtype


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """The entries of an .npz network, each declared shape and dtype checked before reading.

    Only the entries a network file holds are read: single values that declare at most
    :data:`_MAX_SCALAR_BYTES`, and the weights once their declared shapes match the node
    counts. Anything else is listed by name and never unpacked (no decompression bombs).
    """
    entries: dict[str, np.ndarray] = {}
    declared: dict[str, tuple[zipfile.ZipInfo, tuple[int, ...], np.dtype]] = {}
    try:
        with zipfile.ZipFile(path) as archive:

            def read(info: zipfile.ZipInfo) -> np.ndarray:
                with archive.open(info) as stream:
                    value = np.lib.format.read_array(stream, allow_pickle=False)
                    stream.read(1)  # to the member's end: zipfile checks its CRC there
                return value

            for info in archive.infolist():
                name = info.filename.removesuffix(".npy")
                with archive.open(info) as stream:
                    shape, dtype = _npy_header(stream)
                if dtype.hasobject:
                    raise _pickled(path, name)
                declared[name] = (info, shape, dtype)
                if name in _ARRAY_NAMES:
                    continue
                if shape == () and dtype.itemsize <= _MAX_SCALAR_BYTES:
                    entries[name] = read(info)
                elif _is_scalar_name(name):
                    raise StorageError(
                        f"{path}: the entry {name!r} should be a single value; got {dtype} of "
                        f"shape {shape}"
                    )
            expected = _expected_shapes(entries)
            for name in _ARRAY_NAMES:
                if name in declared and expected is not None:
                    info, shape, dtype = declared[name]
                    _check_declared(path, name, shape, dtype, expected, info.compress_size)
                    entries[name] = read(info)
    except StorageError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, RuntimeError,
            NotImplementedError, zlib.error) as error:  # fmt: skip
        raise StorageError(
            f"{path}: truncated or corrupt .npz file ({error}); save it again or restore "
            "it from a copy"
        ) from None
    return _with_unread_names(entries, declared)


def _with_unread_names(entries: dict[str, np.ndarray], names) -> dict[str, np.ndarray]:
    """Entries not read (unknown, or arrays whose node counts are unusable) get a 0-d
    placeholder of kind ``V`` so their names still show and nothing mistakes them for data."""
    for name in names:
        entries.setdefault(name, np.zeros((), dtype="V1"))
    return entries


def _read_h5(path: Path) -> dict[str, np.ndarray]:
    """The entries of an HDF5 network, read as :func:`_read_npz` does, and more strictly.

    Only plain datasets stored in the file itself (contiguous, chunked or compact layout)
    at the expected names are read. Soft links, external links, virtual datasets and
    external raw storage could make the file's "weights" the bytes of ANOTHER file
    (``/etc/passwd``, say): each is refused, naming what was found.
    """
    h5py = _import_h5py()
    entries: dict[str, np.ndarray] = {}
    names: list[str] = []
    try:
        with h5py.File(path, "r") as h5:
            _refuse_links(h5py, h5, path, "")
            groups = [(h5, "")]
            if "training" in h5 and isinstance(h5["training"], h5py.Group):
                _refuse_links(h5py, h5["training"], path, "training/")
                groups.append((h5["training"], _TRAINING_PREFIX))
            for group, prefix in groups:
                for name in group.attrs:
                    attr = group.attrs.get_id(name)
                    names.append(prefix + name)
                    if attr.shape != () and _is_scalar_name(prefix + name):
                        raise StorageError(
                            f"{path}: the entry {prefix + name!r} should be a single value; "
                            f"got {attr.dtype} of shape {attr.shape}"
                        )
                    if attr.shape != () or attr.get_storage_size() > _MAX_SCALAR_BYTES:
                        continue  # not a single value: not mynn's, never read
                    value = group.attrs[name]
                    if isinstance(value, bytes):
                        value = value.decode("utf-8")
                    entries[prefix + name] = np.asarray(value)
            expected = _expected_shapes(entries)
            for name in h5:
                names.append(name)
                item = h5[name]
                if isinstance(item, h5py.Dataset) and (
                    item.dtype.kind == "O" or item.dtype.fields is not None
                ):
                    raise StorageError(
                        f"{path}: the dataset {name!r} holds {item.dtype} values, not "
                        "numbers; this is not a mynn network file"
                    )
                if name not in _ARRAY_NAMES or expected is None:
                    continue
                if not isinstance(item, h5py.Dataset):
                    raise StorageError(f"{path}: {name!r} is a group, not a dataset of weights")
                _check_h5_storage(h5py, item, path, name)
                _check_declared(
                    path, name, item.shape, item.dtype, expected, item.id.get_storage_size()
                )
                entries[name] = item[()]
    except StorageError:
        raise
    except (OSError, ValueError, KeyError, RuntimeError, TypeError) as error:
        raise StorageError(
            f"{path}: truncated or corrupt HDF5 file ({error}); save it again or restore "
            "it from a copy"
        ) from None
    return _with_unread_names(entries, names)


def _refuse_links(h5py, group, path: Path, where: str) -> None:
    """Every member of ``group`` must be a hard link: an object stored in this file."""
    for name in group:
        link = group.get(name, getlink=True)
        if isinstance(link, h5py.SoftLink):
            raise StorageError(
                f"{path}: {where}{name!r} is a soft link to {link.path!r}, not data stored "
                "under that name; a mynn file holds no links, so it was refused"
            )
        if isinstance(link, h5py.ExternalLink):
            raise StorageError(
                f"{path}: {where}{name!r} is an external link to {link.path!r} in the file "
                f"{link.filename!r}; mynn reads only data stored in the file itself, so it "
                "was refused"
            )
        if not isinstance(link, h5py.HardLink):
            raise StorageError(f"{path}: {where}{name!r} is a {type(link).__name__}; refused")


def _check_h5_storage(h5py, dataset, path: Path, name: str) -> None:
    """A dataset whose bytes live in the file itself: no virtual dataset, no external file."""
    if dataset.is_virtual:
        sources = sorted({source.file_name for source in dataset.virtual_sources()})
        raise StorageError(
            f"{path}: {name} is a virtual dataset mapping other files ({', '.join(sources)}); "
            "mynn reads only data stored in the file itself, so it was refused"
        )
    if dataset.external:
        files = sorted({str(entry[0]) for entry in dataset.external})
        raise StorageError(
            f"{path}: {name} keeps its bytes in external files ({', '.join(files)}); mynn reads "
            "only data stored in the file itself, so it was refused"
        )
    layout = dataset.id.get_create_plist().get_layout()
    if layout not in (h5py.h5d.CONTIGUOUS, h5py.h5d.CHUNKED, h5py.h5d.COMPACT):
        raise StorageError(f"{path}: {name} has an unknown storage layout ({layout}); refused")


def _read_npy(path: Path, name: str) -> np.ndarray:
    _check_regular_file(path, f"the book's {name} file")
    with open(path, "rb") as handle:
        head = handle.read(6)
    if head != _NPY_MAGIC:
        raise StorageError(
            f"{path}: not a .npy file; the book's {name} file is written by numpy.save"
            + (" (this looks like a mynn network file: use mynn.load)" if head[:4] in _NPZ_MAGIC
               or head == _HDF5_MAGIC[:6] else "")
        )  # fmt: skip
    try:
        array = np.load(path, allow_pickle=False)
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise StorageError(
                f"{path}: holds pickled Python objects; mynn never unpickles (that could run "
                "code hidden in the file), so nothing in it was executed"
            ) from None
        raise StorageError(f"{path}: truncated or corrupt .npy file ({error})") from None
    except (OSError, EOFError) as error:
        raise StorageError(f"{path}: truncated or corrupt .npy file ({error})") from None
    array = _float_array(array, name, str(path))
    if array.ndim != 2:
        raise StorageError(f"{path}: {name} must be a 2-D weight matrix; got shape {array.shape}")
    _check_finite(array, name, str(path))
    return array



# --------------------------------------------------------------------------- checks


def _scalar(entries: dict[str, np.ndarray], name: str, kind: type, path: Path):
    if name not in entries:
        raise StorageError(f"{path}: the entry {name!r} is missing; the file is incomplete")
    value = np.asarray(entries[name])
    ok_kinds = {int: "iu", float: "fiu", bool: "b", str: "U"}[kind]
    if value.ndim != 0 or value.dtype.kind not in ok_kinds:
        raise StorageError(
            f"{path}: the entry {name!r} should be a single {kind.__name__}; got "
            f"{value.dtype} of shape {value.shape}"
        )
    return kind(value.item())


def _float_array(values: ArrayLike, name: str, source: str) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind not in "fiu" or array.dtype.itemsize > 8:
        raise StorageError(f"{source}: {name} holds {array.dtype} values, not real numbers")
    return array.astype(np.float64)


def _check_finite(array: np.ndarray, name: str, source: str) -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise StorageError(
            f"{source}: {name} holds {int(bad.sum())} NaN or infinite values (the first at "
            f"{first}); the file is damaged or the training diverged (retrain with a smaller "
            "learning rate)"
        )


def _import_h5py():
    return require(
        "h5py",
        extra="storage",
        purpose="HDF5 files (.h5, .hdf5)",
        alternative="or save as .npz, which needs only numpy",
    )
