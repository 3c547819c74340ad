"""Network files: mynn's self-describing .npz and .h5 files, and the book's two .npy files.

The book saves a trained network with ``numpy.save`` of ``wih`` and ``who`` into
``saved_wih.npy`` and ``saved_who.npy``, and loads them back into a network built with the
same settings. It names what that lacks: nothing checks that the weights fit the network,
the settings (node counts, learning rate) are not in the files, training can't be resumed.

A mynn network file is ONE file that says everything: the weights (and biases), the node
counts, the learning rate, the activation, a format version, the mynn version that wrote
it and, for a checkpoint, where training stood. The same named entries are stored either
as an ``.npz`` archive (numpy only; ``numpy.load(path)`` reads it) or as an HDF5 file
(``.h5`` / ``.hdf5``, through h5py: the ``storage`` extra; ``h5py.File(path)`` reads it).

Every write goes to a temporary file renamed into place only when complete, so an
interrupted save never destroys the file that was there. Every read is checked and a bad
file gets one :class:`StorageError` naming the file and the problem. Loading never
unpickles: a file carrying Python objects is refused and nothing in it runs. The checks
made before any byte of a file is trusted are in :mod:`mynn.storage.reading`; the
format's names (version, suffixes) in :mod:`mynn.storage.format`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mynn.files import atomic_writer, remove_stale_parts
from mynn.network import NeuralNetwork, check_learning_rate, weight_shapes
from mynn.storage.format import (
    _TRAINING_PREFIX,
    BOOK_FILES,
    FORMAT_NAME,
    FORMAT_VERSION,
    HDF5_SUFFIXES,
    NPZ_SUFFIXES,
    StorageError,
)
from mynn.storage.reading import (
    _check_finite,
    _float_array,
    _import_h5py,
    _read_entries,
    _read_npy,
    _scalar,
)


@dataclass(frozen=True)
class TrainingState:
    """Where a training run stood when its checkpoint was written.

    Attributes
    ----------
    epochs_done : int
        Complete passes over the training set.
    position : int
        Samples of the next epoch already trained on (0 at an epoch boundary).
    epochs : int
        The number of epochs the run was asked for.
    chunk : int
        Samples per call of ``train_epoch``; resuming on the same chunk grid repeats the
        uninterrupted run's floating-point operations exactly.
    n_samples : int
        Size of the training set.
    data_fingerprint : str
        SHA-256 of the training images and labels (see :func:`data_fingerprint`), so that
        resuming on different data is refused.
    """

    epochs_done: int
    position: int
    epochs: int
    chunk: int
    n_samples: int
    data_fingerprint: str

    @property
    def samples_done(self) -> int:
        """Training steps taken so far: ``epochs_done * n_samples + position``."""
        return self.epochs_done * self.n_samples + self.position

    @property
    def finished(self) -> bool:
        """True when all the planned epochs are done."""
        return self.epochs_done >= self.epochs and self.position == 0


def data_fingerprint(images: ArrayLike, labels: ArrayLike) -> str:
    """A SHA-256 hex digest of a training set: its shapes, dtypes and every value, in order.

    Two data sets get the same fingerprint only if they hold the same values in the same
    order, which is what resuming a run needs.
    """
    digest = hashlib.sha256()
    for array in (np.asarray(images), np.asarray(labels)):
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape};".encode())
        digest.update(memoryview(array).cast("B"))
    return digest.hexdigest()


# --------------------------------------------------------------------------- save


def save(
    network: NeuralNetwork,
    path: str | os.PathLike,
    training_state: TrainingState | None = None,
) -> Path:
    """Save a network to ONE self-describing file; the suffix picks the format.

    ``.npz`` (or no suffix, which gets ``.npz`` added) is a numpy archive; ``.h5`` or
    ``.hdf5`` is HDF5 through h5py (the ``storage`` extra). The file holds the weights
    ``wih`` and ``who`` (and the biases ``bh``, ``bo`` of a bias network), the node counts,
    the learning rate, the activation, the format version and the mynn version, plus the
    ``training_state`` of a checkpoint when given. The write is atomic: an existing file
    is replaced only by a complete new one. Returns the path written.
    """
    path = Path(path)
    if str(path) in ("", ".") or path.name in ("", ".", ".."):
        raise StorageError(
            f"save needs a file name such as network.npz; got {str(path)!r}"
        )
    if path.suffix == "":
        path = path.with_suffix(".npz")
    suffix = path.suffix.lower()
    if suffix not in NPZ_SUFFIXES + HDF5_SUFFIXES:
        raise StorageError(
            f"{path}: unknown file type {path.suffix!r}; name the file .npz (numpy archive, "
            "the default) or .h5/.hdf5 (HDF5). For the book's two .npy files use "
            "save_book_weights(directory)"
        )
    target = check_output_path(path, create_parents=True)
    entries = _entries(network, training_state)
    if suffix in HDF5_SUFFIXES:
        h5py = _import_h5py()
        # HDF5 may read back what it wrote, so it writes into memory first; the atomic
        # writer's file is write-only.
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as h5:
            _write_h5(h5, entries)
        with write_atomically(target) as handle:
            handle.write(buffer.getbuffer())
    else:
        with write_atomically(target) as handle:
            np.savez(handle, **entries)
    return path


#: A temporary ``.part`` file older than this belongs to a killed save or build.
STALE_PART_SECONDS = 24 * 3600


def check_output_path(
    path: str | os.PathLike,
    suffixes: tuple[str, ...] | None = None,
    *,
    create_parents: bool = False,
) -> Path:
    """Check, before any work, that a file can be written at ``path``; return where to write.

    Refused with a :class:`StorageError` naming the problem and the fix: an empty name,
    a suffix not in ``suffixes``, an existing folder, or something that isn't a regular
    file (a pipe, a device), a parent that is a file, a missing parent folder (unless
    ``create_parents``) and a folder that isn't writable. A symbolic link is followed:
    the returned path is the link's target, so writing replaces the target's contents
    and keeps the link.
    """
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise StorageError(f"{str(path)!r}: give a file name, not a folder")
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise StorageError(f"{path}: the file name must end in {' or '.join(suffixes)}")
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if path.is_dir():
        raise StorageError(f"{path}: is a folder; give a file name such as {path / 'file'}")
    if path.exists() and not path.is_file():
        raise StorageError(
            f"{path}: not a regular file (a named pipe, a socket or a device); choose a file name"
        )
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        if not create_parents:
            raise StorageError(
                f"{path}: the folder {path.parent} does not exist; create it first"
            )
        folder = folder.parent
    if not folder.is_dir():
        raise StorageError(
            f"{path}: {folder} is a file, not a folder, so nothing can be written inside it; "
            "choose another place"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(f"{path}: the folder {folder} is not writable; choose another place")
    return path


@contextlib.contextmanager
def write_atomically(path: Path):
    """:func:`~mynn.files.atomic_writer`, after removing stale ``.part`` files, with a
    full disk (or any failed write) reported as a :class:`StorageError`; the file that was
    there is kept."""
    remove_stale_parts(path.parent, [path.name], STALE_PART_SECONDS)
    try:
        with atomic_writer(path) as handle:
            yield handle
    except StorageError:
        raise
    except OSError as error:
        detail = error.strerror or str(error)
        full = error.errno in (errno.ENOSPC, errno.EDQUOT) or "requested and" in str(error)
        raise StorageError(
            f"{path}: could not write the file ({detail})"
            + ("; the disk is full: free some space or save elsewhere" if full else "")
            + ". Nothing was replaced: a file already there is unchanged"
        ) from None


def _entries(network: NeuralNetwork, state: TrainingState | None) -> dict[str, np.ndarray]:
    from mynn import __version__

    bias = bool(getattr(network, "bias", False))
    entries: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "mynn_version": __version__,
        "activation": "sigmoid",
        "input_nodes": network.inodes,
        "hidden_nodes": network.hnodes,
        "output_nodes": network.onodes,
        "learning_rate": float(network.lr),
        "bias": bias,
        "wih": network.wih,
        "who": network.who,
    }
    if bias:
        entries["bh"], entries["bo"] = network.bh, network.bo
    if state is not None:
        for name, value in asdict(state).items():
            entries[_TRAINING_PREFIX + name] = value
    arrays = {name: np.asarray(value) for name, value in entries.items()}
    # Check what is about to be written with the same rules a load applies.
    _network_from_entries(arrays, Path("<network being saved>"))
    return arrays


def _write_h5(h5, entries: dict[str, np.ndarray]) -> None:
    training = None
    for name, value in entries.items():
        if value.ndim:
            # fletcher32: a checksum per chunk, so a damaged file is refused, not misread.
            h5.create_dataset(name, data=value, fletcher32=True)
        elif name.startswith(_TRAINING_PREFIX):
            training = training or h5.create_group("training")
            training.attrs[name[len(_TRAINING_PREFIX) :]] = value.item()
        else:
            h5.attrs[name] = value.item()


def save_book_weights(network: NeuralNetwork, directory: str | os.PathLike) -> tuple[Path, Path]:
    """Save ``wih`` and ``who`` the book's way: ``saved_wih.npy`` and ``saved_who.npy``.

    Plain float64 ``.npy`` files that the book's own code loads with ``numpy.load``.
    Nothing else is saved (no node counts, no learning rate): that is the book's format.
    A bias network is refused, since the two files have no place for the biases.
    """
    if getattr(network, "bias", False):
        raise StorageError(
            "the book's two-file format holds only wih and who; this network has biases, "
            "which would be lost: save it with network.save('network.npz') instead"
        )
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise StorageError(f"{directory}: is a file; give the folder to write {BOOK_FILES} into")
    weights = {"wih": network.wih, "who": network.who}
    for name, values in weights.items():
        # What load_book_weights would refuse is refused here, before anything is written.
        _check_finite(_float_array(values, name, "the network"), name, "the network")
    paths = (directory / BOOK_FILES[0], directory / BOOK_FILES[1])
    targets = [check_output_path(path, create_parents=True) for path in paths]
    for target, values in zip(targets, weights.values()):
        with write_atomically(target) as handle:
            np.save(handle, np.asarray(values, dtype=np.float64), allow_pickle=False)
    return paths


# --------------------------------------------------------------------------- load


def load(path: str | os.PathLike) -> NeuralNetwork:
    """Load a network saved by :func:`save` (``.npz`` or HDF5, recognised by content).

    Raises
    ------
    StorageError
        One message naming the file and the problem: no such file, not a mynn network
        file, truncated or corrupt, a newer format version than this mynn reads, weights
        whose shapes disagree with each other or with the node counts, NaN or infinite
        weights, or pickled Python objects (refused without running them).
    """
    return load_checkpoint(path)[0]


def load_checkpoint(path: str | os.PathLike) -> tuple[NeuralNetwork, TrainingState | None]:
    """Load a network and, when the file is a checkpoint, where its training stood.

    The state is None for a file saved without one. See :func:`load` for the checks.
    """
    path = Path(path)
    entries = _read_entries(path)
    return _network_from_entries(entries, path), _state_from_entries(entries, path)


def load_book_weights(
    wih_path: str | os.PathLike,
    who_path: str | os.PathLike,
    learning_rate: float | None = None,
    *,
    into: NeuralNetwork | None = None,
) -> NeuralNetwork:
    """Load the book's ``saved_wih.npy`` / ``saved_who.npy`` pair (any plain .npy arrays).

    The book's files say nothing but the weights, so the node counts are read from the
    shapes (``wih`` is hidden x input, ``who`` is output x hidden) and the learning rate
    must be given. With ``into=network`` the weights are put into an existing network
    instead, after checking that they fit it (the book's ``n.wih = numpy.load(...)`` does
    not check, and a wrong size only fails later, somewhere else).

    Raises
    ------
    StorageError
        If a file is missing or not a plain numeric .npy array, if the two shapes don't
        fit together (saying which dimension disagrees), or if they don't fit ``into``.
    """
    wih_path, who_path = Path(wih_path), Path(who_path)
    wih, who = _read_npy(wih_path, "wih"), _read_npy(who_path, "who")
    source = f"{wih_path} and {who_path}"
    if wih.shape[0] != who.shape[1]:
        hint = ""
        if who.shape[0] == wih.shape[1] or (wih.shape[0] < wih.shape[1]) != (
            who.shape[0] < who.shape[1]
        ):
            hint = " Are the two files swapped? wih comes first."
        raise StorageError(
            f"{source} don't fit together: wih has shape {wih.shape} (hidden x input) so "
            f"{wih.shape[0]} hidden nodes, but who has shape {who.shape} (output x hidden) so "
            f"{who.shape[1]} hidden nodes; both must come from the same network.{hint}"
        )
    if into is None:
        if learning_rate is None:
            raise StorageError(
                "the book's files don't store the learning rate: pass it, e.g. "
                "load_book_weights(wih_path, who_path, learning_rate=0.1)"
            )
        into = NeuralNetwork(wih.shape[1], wih.shape[0], who.shape[0], learning_rate, seed=0)
    lr = into.lr if learning_rate is None else check_learning_rate(learning_rate)
    put_weights(into, wih, who, source=source)
    into.lr = lr
    return into


def put_weights(
    network: NeuralNetwork,
    wih: ArrayLike,
    who: ArrayLike,
    bh: ArrayLike | None = None,
    bo: ArrayLike | None = None,
    source: str = "the weights",
) -> NeuralNetwork:
    """Put weights (and biases) into ``network`` after checking that they fit it.

    Shapes must be ``wih`` (hnodes, inodes), ``who`` (onodes, hnodes), ``bh`` (hnodes,),
    ``bo`` (onodes,); biases are given exactly when the network has them; every value
    must be finite. On any problem a :class:`StorageError` names the first one and the
    network is left unchanged.
    """
    has_bias = bool(getattr(network, "bias", False))
    sizes = f"{network.inodes}-{network.hnodes}-{network.onodes}"
    shapes = weight_shapes(network.inodes, network.hnodes, network.onodes, has_bias)
    wanted = {"wih": (shapes["wih"], wih), "who": (shapes["who"], who)}
    if has_bias != (bh is not None or bo is not None):
        raise StorageError(
            f"{source}: the network {'has' if has_bias else 'has no'} biases but the weights "
            f"come {'without' if has_bias else 'with'} them; build the network with "
            f"bias={not has_bias}"
        )
    if has_bias:
        wanted["bh"] = (shapes["bh"], bh)
        wanted["bo"] = (shapes["bo"], bo)
    checked = {}
    for name, (shape, values) in wanted.items():
        array = _float_array(values, name, source)
        if array.shape != shape:
            raise StorageError(
                f"{source}: {name} has shape {array.shape} but this {sizes} network needs "
                f"{shape}; these weights belong to a different network. Build the network "
                "with the saved node counts (or load the file with mynn.load, which does)"
            )
        _check_finite(array, name, source)
        checked[name] = array.copy()
    for name, array in checked.items():
        setattr(network, name, array)
    return network


# --------------------------------------------------------------------------- validation


def _network_from_entries(entries: dict[str, np.ndarray], path: Path) -> NeuralNetwork:
    activation = _scalar(entries, "activation", str, path)
    if activation != "sigmoid":
        raise StorageError(
            f"{path}: activation {activation!r}; this mynn's network uses only 'sigmoid'"
        )
    nodes = [_scalar(entries, name, int, path) for name in ("input_nodes", "hidden_nodes",
                                                            "output_nodes")]  # fmt: skip
    if min(nodes) < 1:
        raise StorageError(f"{path}: node counts must be positive; the file says {nodes}")
    learning_rate = _scalar(entries, "learning_rate", float, path)
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise StorageError(f"{path}: learning_rate {learning_rate!r} is not a positive number")
    bias = _scalar(entries, "bias", bool, path)
    for name in ("wih", "who") + (("bh", "bo") if bias else ()):
        if name not in entries:
            raise StorageError(f"{path}: the entry {name!r} is missing; the file is incomplete")
    inodes, hnodes, onodes = nodes
    for name, shape in weight_shapes(inodes, hnodes, onodes).items():
        if name in entries and entries[name].shape != shape:
            raise StorageError(
                f"{path}: {name} has shape {entries[name].shape} but the file's node counts "
                f"{inodes}-{hnodes}-{onodes} need {shape}; the file is inconsistent"
            )
    if not bias and ("bh" in entries or "bo" in entries):
        raise StorageError(f"{path}: holds biases but says bias=False; the file is inconsistent")
    kwargs = {"bias": True} if bias else {}
    network = NeuralNetwork(inodes, hnodes, onodes, learning_rate, seed=0, **kwargs)
    biases = (entries["bh"], entries["bo"]) if bias else (None, None)
    return put_weights(network, entries["wih"], entries["who"], *biases, source=str(path))


def _state_from_entries(entries: dict[str, np.ndarray], path: Path) -> TrainingState | None:
    names = [name for name in entries if name.startswith(_TRAINING_PREFIX)]
    if not names:
        return None
    kinds = {"int": int, "str": str}
    values = {
        field.name: _scalar(entries, _TRAINING_PREFIX + field.name, kinds[field.type], path)
        for field in fields(TrainingState)
    }
    state = TrainingState(**values)
    if (
        min(state.epochs_done, state.position) < 0
        or min(state.epochs, state.chunk, state.n_samples) < 1
        or state.position >= state.n_samples
    ):
        raise StorageError(f"{path}: the training state {state} is not possible")
    return state


