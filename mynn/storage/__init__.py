"""Saving, loading, resuming and sharing a trained network.

- :func:`save` / :func:`load`: one self-describing file, ``.npz`` (numpy) or ``.h5``
  (HDF5, the ``storage`` extra), checked on loading; :func:`load_checkpoint` also returns
  where training stood (``mynn.training.fit`` writes checkpoints and resumes from them).
- :func:`save_book_weights` / :func:`load_book_weights`: the book's ``saved_wih.npy`` and
  ``saved_who.npy``, both ways.
- :func:`export_onnx`: an ONNX model for people who don't run this code (the ``onnx``
  extra).

h5py and onnx are imported only when their formats are used.
"""

from mynn.errors import MissingDependencyError
from mynn.storage.files import (
    BOOK_FILES,
    FORMAT_VERSION,
    HDF5_SUFFIXES,
    NPZ_SUFFIXES,
    StorageError,
    TrainingState,
    check_output_path,
    data_fingerprint,
    load,
    load_book_weights,
    load_checkpoint,
    put_weights,
    save,
    save_book_weights,
)
from mynn.storage.onnx_export import export_onnx

__all__ = [
    "BOOK_FILES",
    "FORMAT_VERSION",
    "HDF5_SUFFIXES",
    "NPZ_SUFFIXES",
    "MissingDependencyError",
    "StorageError",
    "TrainingState",
    "check_output_path",
    "data_fingerprint",
    "export_onnx",
    "load",
    "load_book_weights",
    "load_checkpoint",
    "put_weights",
    "save",
    "save_book_weights",
]
