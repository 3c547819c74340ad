"""Make the bundled Fashion-MNIST sample in mynn/data/ from the real Fashion-MNIST IDX files.

Fashion-MNIST (Zalando Research, MIT licence) is published as four gzipped IDX files. This
script (run once; its output is committed) takes 400 pictures of each of the 10 classes
from the training set and 100 of each from the test set, chosen by a fixed-seed shuffle
per class, shuffles each split (so the classes are mixed as in the book's files), and
writes the book's label-first CSV format, gzipped, to
``mynn/data/fashion_sample_train.csv.gz`` (4,000 pictures) and
``mynn/data/fashion_sample_test.csv.gz`` (1,000 pictures): package data, read by
``load_train_test("fashion-sample")``.

The source files are Debian's ``dataset-fashion-mnist`` package (the default source when
``/usr/share/datasets/fashion-mnist`` exists) or the files ``python -m mynn download
fashion-mnist`` fetched (the default otherwise). Each is checked against the SHA-256 of its
*uncompressed* bytes, which recompression (Debian recompressed Zalando's ``.gz`` files)
does not change:

    apt-get install dataset-fashion-mnist && python scripts/make_fashion_sample.py

The output is byte-for-byte repeatable; ``tests/test_datasets.py`` checks the committed
files against a fresh run when the source files are present (and skips otherwise).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
from pathlib import Path

import numpy as np

from mynn.datasets import (
    BUNDLED_DATA_DIR,
    DEBIAN_FASHION_MNIST_DIR,
    FASHION_MNIST,
    data_dir,
    read_idx_pair,
    write_csv,
)

#: SHA-256 of each file's uncompressed IDX bytes (Debian's dataset-fashion-mnist
#: 0.0~git20200523.55506a9-1, Zalando's repository at commit 55506a9).
SOURCE_SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}  # fmt: skip
PER_CLASS = {"train": 400, "test": 100}
SEED = 20170825  # Fashion-MNIST's publication date


def default_source() -> Path:
    """Debian's folder when the package is installed, else mynn's download folder."""
    if DEBIAN_FASHION_MNIST_DIR.is_dir():
        return DEBIAN_FASHION_MNIST_DIR
    return data_dir() / FASHION_MNIST.name


def check_sources(folder: Path) -> None:
    """Refuse source files that are missing or not the published Fashion-MNIST."""
    for name, expected in SOURCE_SHA256.items():
        path = folder / name
        if not path.is_file():
            raise SystemExit(
                f"{path} is missing: install Debian's dataset-fashion-mnist or run "
                "`python -m mynn download fashion-mnist` first (or give --source FOLDER)"
            )
        digest = hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()
        if digest != expected:
            raise SystemExit(f"{path}: uncompressed sha256 {digest} is not the expected {expected}")


def make_sample(folder: Path, out: Path) -> list[Path]:
    """Write the two sample files into ``out``; returns their paths."""
    check_sources(folder)
    rng = np.random.default_rng(SEED)
    written = []
    for split in ("train", "test"):
        images_file, labels_file = FASHION_MNIST.files[split]
        images, labels = read_idx_pair(folder / images_file, folder / labels_file)
        rows = [
            rng.permutation(np.flatnonzero(labels == label))[: PER_CLASS[split]]
            for label in range(10)
        ]
        order = rng.permutation(np.concatenate(rows))
        path = out / f"fashion_sample_{split}.csv.gz"
        write_csv(path, images[order], labels[order])
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=None,
        help="folder holding the four Fashion-MNIST .gz files (default: Debian's, else "
        "mynn's download folder)",
    )
    parser.add_argument("--out", type=Path, default=BUNDLED_DATA_DIR)
    args = parser.parse_args()
    for path in make_sample(args.source or default_source(), args.out):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{path}: sha256 {digest}")


if __name__ == "__main__":
    main()
