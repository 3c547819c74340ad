"""The command line: ``python -m mynn train`` and ``python -m mynn download``.

Errors are reported as one line on stderr (exit status 1), not a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from mynn import datasets
from mynn.network import NeuralNetwork, accuracy, make_targets, scale_inputs

DATA_CHOICES = ("mnist-sample", "mnist", "fashion-mnist")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mynn",
        description="The runnable companion to Make Your Own Neural Network.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser(
        "train",
        help="train the book's 3-layer network and print its test accuracy",
        description="Train the book's network (784 inputs, sigmoid, per-sample gradient "
        "descent) on handwritten digits and report the accuracy on the test set.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    train.add_argument("--data", choices=DATA_CHOICES, default="mnist-sample",
                       help="mnist-sample: the 5,000 real digits bundled with the project; "
                       "mnist: full MNIST (run `download mnist` first); fashion-mnist: clothes")
    train.add_argument("--hidden", type=int, default=200, help="hidden nodes")
    train.add_argument("--lr", type=float, default=0.1, help="learning rate")
    train.add_argument("--epochs", type=int, default=5, help="passes over the training set")
    train.add_argument("--seed", type=int, default=0, help="seed for the initial weights")
    train.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    download = commands.add_parser(
        "download",
        help="download full MNIST or Fashion-MNIST, verified against published checksums",
        description="Download a dataset's files, trying each mirror in turn and checking "
        "every file against its published MD5 checksum.",
    )
    download.add_argument("dataset", choices=sorted(datasets.DATASETS), help="which dataset")
    download.add_argument("--dest", default=None,
                          help="folder to save into (default: $MYNN_DATA_DIR or ~/.cache/mynn/<dataset>)")
    return parser


def load(data: str) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The train and test sets for one of :data:`DATA_CHOICES`."""
    if data == "fashion-mnist":
        return datasets.load_fashion_mnist("train"), datasets.load_fashion_mnist("test")
    source = "sample" if data == "mnist-sample" else "full"
    return datasets.load_mnist("train", source), datasets.load_mnist("test", source)


def train_command(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    if args.epochs < 1:
        raise ValueError(f"--epochs must be at least 1, got {args.epochs}")
    (train_images, train_labels), (test_images, test_labels) = load(args.data)
    network = NeuralNetwork(784, args.hidden, 10, args.lr, seed=args.seed)
    inputs, targets = scale_inputs(train_images), make_targets(train_labels)
    print(f"{network} on {args.data}: {len(inputs)} training images, {len(test_images)} test images")
    chunk = 500  # train_epoch over consecutive chunks is the same sequence of per-sample steps
    start = time.perf_counter()
    with tqdm(total=args.epochs * len(inputs), unit="img", disable=args.no_progress) as bar:
        for epoch in range(1, args.epochs + 1):
            bar.set_description(f"epoch {epoch}/{args.epochs}")
            for first in range(0, len(inputs), chunk):
                network.train_epoch(inputs[first : first + chunk], targets[first : first + chunk])
                bar.update(len(inputs[first : first + chunk]))
    seconds = time.perf_counter() - start
    score = accuracy(network.predict(scale_inputs(test_images)), test_labels)
    print(f"trained {args.epochs} epochs in {seconds:.1f} s")
    print(f"test accuracy: {score:.4f}")
    return 0


def download_command(args: argparse.Namespace) -> int:
    folder = datasets.download(args.dataset, dest=args.dest)
    print(f"{args.dataset}: all files present and verified in {folder}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = {"train": train_command, "download": download_command}[args.command]
    try:
        return command(args)
    except (ValueError, datasets.DatasetError, OSError) as error:
        message = str(error).replace("\n", " | ")
        print(f"error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing was saved", file=sys.stderr)
        return 130
