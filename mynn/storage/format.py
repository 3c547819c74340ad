"""What a mynn network file is: its format name and version, suffixes, magic numbers.

Shared by :mod:`mynn.storage.files` (saving, loading, validation) and
:mod:`mynn.storage.reading` (the hostile-file checks run before any byte is trusted), with
:class:`StorageError`, the one error both raise.
"""

from __future__ import annotations

from mynn.errors import MynnError

#: The file layout version this mynn writes; it reads this version and all older ones.
FORMAT_VERSION = 1

#: The value of the ``format`` entry that marks a mynn network file.
FORMAT_NAME = "mynn-network"

#: Suffixes :func:`save` understands (anything else is refused, naming these).
NPZ_SUFFIXES = (".npz",)
HDF5_SUFFIXES = (".h5", ".hdf5")

#: The book's file names, as ``numpy.save`` writes them in its part 2.
BOOK_FILES = ("saved_wih.npy", "saved_who.npy")

_NPZ_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_NPY_MAGIC = b"\x93NUMPY"
_TRAINING_PREFIX = "training_"


class StorageError(MynnError, ValueError):
    """A network file is missing, damaged, not a mynn file, or doesn't fit the network."""

