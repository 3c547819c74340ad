"""The command line: ``python -m mynn train``, ``download`` and ``predict``.

Errors are reported as one line on stderr (exit status 1), not a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

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
    train.add_argument("--seed", type=int, default=0, help="seed for the initial weights")
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
        help="folder to save into (default: $MYNN_DATA_DIR or ~/.cache/mynn/<dataset>)",
    )

    predict = commands.add_parser(
        "predict",
        help="read images of handwritten digits and print the network's answer for each",
        description="Prepare each picture as MNIST digits were made (invert dark-on-light, "
        "remove the paper, crop, scale to 20 px, centre by mass) and print the digit the "
        "network picks with its output for that digit (0..1). Without --weights a network "
        "is first trained on the bundled MNIST sample (784-200-10, lr 0.1, 5 epochs, seed 0).",
    )
    predict.add_argument("images", nargs="+", metavar="IMAGE", help="PNG, JPEG, ... files")
    predict.add_argument(
        "--weights", default=None, metavar="FILE", help="a network saved by mynn.save"
    )
    predict.add_argument(
        "--naive",
        action="store_true",
        help="the book's loading instead: resize the whole picture to 28 x 28 and invert",
    )
    return parser


def train_command(args: argparse.Namespace) -> int:
    (train_images, train_labels), (test_images, test_labels) = datasets.load_train_test(args.data)
    network = NeuralNetwork(784, args.hidden, 10, args.lr, seed=args.seed)
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
    folder = datasets.download(args.dataset, dest=args.dest)
    print(f"{args.dataset}: all files present and verified in {folder}")
    return 0


def predict_command(args: argparse.Namespace) -> int:
    from mynn import images

    if args.weights is not None:
        try:
            from mynn.storage import load
        except ImportError:
            raise ValueError(
                "--weights needs mynn.storage.load (saving and loading networks), which this "
                "version of mynn does not have yet; leave out --weights to train on the "
                "bundled sample instead"
            ) from None
        network = load(args.weights)
        if (network.inodes, network.onodes) != (784, 10):
            raise ValueError(
                f"{args.weights} holds a network with {network.inodes} inputs and "
                f"{network.onodes} outputs; reading digits needs 784 inputs and 10 outputs"
            )
        print(f"{network} from {args.weights}")
    else:
        network = NeuralNetwork(784, 200, 10, 0.1, seed=0)
        print(
            f"no --weights given: training {network} on the bundled MNIST sample first "
            "(5 epochs, seed 0)"
        )
        train_images, train_labels = datasets.load_mnist("train")
        fit(network, train_images, train_labels, epochs=5)
    prepare = images.naive_digit if args.naive else images.prepare_digit
    failed = 0
    for path in args.images:
        try:
            inputs = prepare(path)
        except (ValueError, OSError) as error:
            failed += 1
            message = str(error).replace("\n", " | ")
            where = "" if message.startswith(str(path)) else f"{path}: "
            print(f"{where}error: {message}", file=sys.stderr)
            continue
        outputs = network.query(inputs)
        first, second = np.argsort(outputs)[::-1][:2]
        print(
            f"{path}: {first} (output {outputs[first]:.2f}; next {second} at {outputs[second]:.2f})"
        )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = {
        "train": train_command,
        "download": download_command,
        "predict": predict_command,
    }[args.command]
    try:
        return command(args)
    except (ValueError, datasets.DatasetError, OSError) as error:
        message = str(error).replace("\n", " | ")
        print(f"error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing was saved", file=sys.stderr)
        return 130
