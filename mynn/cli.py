"""The command line: ``python -m mynn train`` and ``python -m mynn download``.

Errors are reported as one line on stderr (exit status 1), not a traceback.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time

from mynn import datasets
from mynn.network import NeuralNetwork
from mynn.training import fit, score


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
    train.add_argument(
        "--data",
        choices=datasets.DATA_CHOICES,
        default="mnist-sample",
        help="mnist-sample: the 5,000 real digits bundled with the project; "
        "mnist: full MNIST (run `download mnist` first); fashion-mnist: clothes",
    )
    train.add_argument("--hidden", type=int, default=200, help="hidden nodes")
    train.add_argument("--lr", type=float, default=0.1, help="learning rate")
    train.add_argument("--epochs", type=int, default=5, help="passes over the training set")
    train.add_argument(
        "--seed", type=int, default=0, help="seed for the initial weights (0 or more)"
    )
    train.add_argument(
        "--bias", action="store_true", help="add bias nodes (the book's network has none)"
    )
    train.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    download = commands.add_parser(
        "download",
        help="download full MNIST or Fashion-MNIST, verified against published checksums",
        description="Download a dataset's files, trying each mirror in turn and checking "
        "every file against its published MD5 checksum.",
    )
    download.add_argument("dataset", choices=sorted(datasets.DATASETS), help="which dataset")
    download.add_argument(
        "--dest",
        default=None,
        metavar="DIR",
        help="data folder to save into, the same as MYNN_DATA_DIR: the files go into "
        "DIR/<dataset>/, where `MYNN_DATA_DIR=DIR python -m mynn train --data <dataset>` "
        "finds them (default: $MYNN_DATA_DIR, else $XDG_CACHE_HOME/mynn, else ~/.cache/mynn)",
    )
    download.add_argument(
        "--deadline",
        type=float,
        default=datasets.FILE_DEADLINE,
        metavar="SECONDS",
        help="give up on a mirror that takes longer than this for one file "
        f"(default: {datasets.FILE_DEADLINE:.0f})",
    )
    return parser


def train_command(args: argparse.Namespace) -> int:
    if args.seed < 0:
        raise ValueError(f"--seed must be a whole number 0 or more, got {args.seed}")
    (train_images, train_labels), (test_images, test_labels) = datasets.load_train_test(args.data)
    network = NeuralNetwork(784, args.hidden, 10, args.lr, seed=args.seed, bias=args.bias)
    print(
        f"{network} on {args.data}: {len(train_images)} training images, {len(test_images)} test images"
    )
    start = time.perf_counter()
    fit(network, train_images, train_labels, epochs=args.epochs, progress=not args.no_progress)
    epochs = f"{args.epochs} epoch{'' if args.epochs == 1 else 's'}"
    print(f"trained {epochs} in {time.perf_counter() - start:.1f} s")
    print(f"test accuracy: {score(network, test_images, test_labels):.4f}")
    return 0


def download_command(args: argparse.Namespace) -> int:
    try:
        folder = datasets.download(args.dataset, dest=args.dest, deadline=args.deadline)
    except datasets.DownloadInterrupted as stop:
        print(f"interrupted: {stop}", file=sys.stderr)
        return 130
    print(f"{args.dataset}: all files present and verified in {folder}")
    if args.dest is not None and os.environ.get("MYNN_DATA_DIR") != args.dest:
        print(
            f"to use them: MYNN_DATA_DIR={shlex.quote(args.dest)} python -m mynn train "
            f"--data {args.dataset}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = {"train": train_command, "download": download_command}[args.command]
    try:
        return command(args)
    except BrokenPipeError:
        # The reader of our output went away (``python -m mynn train | head -c1``): stop
        # quietly, and keep Python from complaining when it flushes stdout at exit.
        _silence_stdout()
        return 1
    except (ValueError, datasets.DatasetError, OSError) as error:
        message = str(error).replace("\n", " | ")
        _report(f"error: {message}")
        return 1
    except KeyboardInterrupt:
        _report("interrupted: nothing was saved")
        return 130


def _report(message: str) -> None:
    """One line on stderr, or nowhere if stderr is missing or closed."""
    try:
        if sys.stderr is not None and not sys.stderr.closed:
            print(message, file=sys.stderr)
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
