"""Which datasets mynn knows, where they live, and how to load each one.

- **Bundled samples** (package data in ``mynn/data/``, see ``data/README.md``): 5,000 real
  MNIST digits and 5,000 real Fashion-MNIST pictures, each split 4,000 train / 1,000 test,
  400 / 100 of each class, in the book's CSV format. They need no download and no folder.
- **Full MNIST and Fashion-MNIST** (60,000 / 10,000): downloaded on request into the data
  folder (:func:`data_dir`) by :func:`mynn.datasets.download`, verified against the
  published checksums; Fashion-MNIST is also read from Debian's ``dataset-fashion-mnist``
  package when it is installed.

:func:`load_train_test` maps the names in :data:`DATA_CHOICES` (the CLI's ``--data``) to
the arrays.
"""

from __future__ import annotations

import importlib.resources
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mynn.datasets.readers import DatasetError, read_csv, read_idx_pair
from mynn.errors import UsageError

#: The small data files mynn ships inside the package (``mynn/data/``): found through the
#: package itself, so an editable install, a wheel and an sdist all have them.
BUNDLED_DATA_DIR = Path(os.fspath(importlib.resources.files("mynn"))) / "data"

#: Debian's ``dataset-fashion-mnist`` package installs the real files here.
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")


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
        "sample" is the real 5,000-digit sample bundled with mynn (4,000 train / 1,000
        test, 10% of each digit in test). "full" is the published 60,000 / 10,000, which
        must be downloaded first: ``python -m mynn download mnist``.
    """
    _check_choice("split", split, ("train", "test"))
    _check_choice("source", source, ("sample", "full"))
    if source == "sample":
        return _bundled_sample("mnist", split)
    folder = data_dir() / MNIST.name
    images_file, labels_file = MNIST.files[split]
    if not (folder / images_file).exists() or not (folder / labels_file).exists():
        raise DatasetError(
            f"full MNIST is not in {folder}; download it first with `python -m mynn download "
            "mnist` (about 11 MB; if you downloaded it with --dest DIR, set MYNN_DATA_DIR=DIR), "
            "or use the bundled sample (--data mnist-sample)"
        )
    return read_idx_pair(folder / images_file, folder / labels_file)


def load_fashion_mnist(split: str = "train", source: str = "full") -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST (Zalando): 28 x 28 clothes in 10 classes, the same shapes as MNIST.

    Parameters
    ----------
    split : {"train", "test"}
    source : {"full", "sample"}
        "full" (the default, as before the sample existed) is the published 60,000 /
        10,000, read from Debian's ``dataset-fashion-mnist`` package (``/usr/share/datasets``)
        when installed, else from the download folder (``python -m mynn download
        fashion-mnist``). "sample" is the real 5,000-picture sample bundled with mynn
        (400 train / 100 test pictures of each class, from Fashion-MNIST's own training and
        test sets). Class names are in :data:`FASHION_MNIST_CLASSES`.
    """
    _check_choice("split", split, ("train", "test"))
    _check_choice("source", source, ("full", "sample"))
    if source == "sample":
        return _bundled_sample("fashion", split)
    images_file, labels_file = FASHION_MNIST.files[split]
    for folder in (DEBIAN_FASHION_MNIST_DIR, None):
        folder = folder or data_dir() / FASHION_MNIST.name  # only asked for when needed
        if (folder / images_file).exists() and (folder / labels_file).exists():
            return read_idx_pair(folder / images_file, folder / labels_file)
    raise DatasetError(
        "full Fashion-MNIST not found. Download it with `python -m mynn download "
        "fashion-mnist` (about 30 MB), or install Debian's package (`apt-get install "
        "dataset-fashion-mnist`), or use the bundled sample (--data fashion-sample)"
    )


def _bundled_sample(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    path = BUNDLED_DATA_DIR / f"{name}_sample_{split}.csv.gz"
    if not path.exists():
        raise DatasetError(
            f"the bundled {name} sample {path} is missing: this mynn was installed without "
            "its package data. Reinstall it (`pip install --force-reinstall mynn-*.whl`, or "
            "`pip install -e .` in a clone), or download the full set: `python -m mynn "
            f"download {name if name == 'mnist' else 'fashion-mnist'}`"
        )
    return read_csv(path)


#: The names :func:`load_train_test` (and ``python -m mynn train --data``) accept.
DATA_CHOICES = ("mnist-sample", "mnist", "fashion-sample", "fashion-mnist")


def load_train_test(
    data: str = "mnist-sample",
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``((train_images, train_labels), (test_images, test_labels))`` for one of
    :data:`DATA_CHOICES`: the bundled MNIST sample, full MNIST, the bundled Fashion-MNIST
    sample, or full Fashion-MNIST."""
    _check_choice("data", data, DATA_CHOICES)
    load, source = {
        "mnist-sample": (load_mnist, "sample"),
        "mnist": (load_mnist, "full"),
        "fashion-sample": (load_fashion_mnist, "sample"),
        "fashion-mnist": (load_fashion_mnist, "full"),
    }[data]
    return load("train", source), load("test", source)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise UsageError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
