"""Handwritten digits (and clothes) for the network: the book's CSV format, IDX, downloads.

The book reads MNIST from CSV files with one image per line: the label first, then the
784 pixel values (0..255) of the 28 x 28 image, row by row. MNIST itself is published in
the IDX binary format. This package reads and writes both, ships real 5,000-image samples
of MNIST and Fashion-MNIST (package data, ``mynn/data/``), and downloads the full sets on
request, verified against the published checksums. One module per idea:

- :mod:`~mynn.datasets.readers`: the CSV and IDX readers and the CSV writer;
- :mod:`~mynn.datasets.registry`: the datasets, the bundled samples, the data folder and
  the loaders (:func:`load_train_test`, :data:`DATA_CHOICES`);
- :mod:`~mynn.datasets.downloads`: verified downloads (mirrors, checksums, size caps,
  deadlines);
- :mod:`~mynn.datasets.augmentation`: the book's rotated copies.

Every name is importable from ``mynn.datasets`` itself, as before the split;
``atomic_writer`` now lives in :mod:`mynn.files` and is re-exported here.

>>> images, labels = load_mnist("train")          # the bundled sample: 4,000 digits
>>> images.shape, images.dtype, labels.dtype
((4000, 784), dtype('uint8'), dtype('int64'))
"""

from mynn.datasets.augmentation import augmented, rotated
from mynn.datasets.downloads import (
    FILE_DEADLINE,
    UNKNOWN_SIZE_CAP,
    DownloadInterrupted,
    download,
)
from mynn.datasets.readers import (
    MAX_INFLATED_BYTES,
    PIXELS,
    DatasetError,
    read_csv,
    read_idx,
    read_idx_pair,
    write_csv,
)
from mynn.datasets.registry import (
    BUNDLED_DATA_DIR,
    DATA_CHOICES,
    DATASETS,
    DEBIAN_FASHION_MNIST_DIR,
    FASHION_MNIST,
    FASHION_MNIST_CLASSES,
    MNIST,
    RemoteDataset,
    data_dir,
    load_fashion_mnist,
    load_mnist,
    load_train_test,
)
from mynn.files import atomic_writer

_load_idx_pair = read_idx_pair  # the name before the split

__all__ = [
    "BUNDLED_DATA_DIR",
    "DATASETS",
    "DATA_CHOICES",
    "DEBIAN_FASHION_MNIST_DIR",
    "FASHION_MNIST",
    "FASHION_MNIST_CLASSES",
    "FILE_DEADLINE",
    "MAX_INFLATED_BYTES",
    "MNIST",
    "PIXELS",
    "UNKNOWN_SIZE_CAP",
    "DatasetError",
    "DownloadInterrupted",
    "RemoteDataset",
    "atomic_writer",
    "augmented",
    "data_dir",
    "download",
    "load_fashion_mnist",
    "load_mnist",
    "load_train_test",
    "read_csv",
    "read_idx",
    "read_idx_pair",
    "rotated",
    "write_csv",
]
