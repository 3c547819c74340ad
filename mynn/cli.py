"""The command line: ``python -m mynn train``, ``download`` and ``gan``.

Errors are reported as one line on stderr (exit status 1), not a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from mynn import datasets
from mynn.gan.recipes import RECIPES  # torch-free: the GANs' names and defaults
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

    gan = commands.add_parser(
        "gan",
        help="train a GAN on handwritten digits, save samples and measure their quality",
        description="Train a GAN from Make Your First GAN With PyTorch on the bundled "
        "digits (CUDA when present, else the CPU), save a grid of samples and score 1,000 "
        "generated digits with a separate digit classifier. Models: "
        + "; ".join(f"{name}: {recipe.summary}" for name, recipe in sorted(RECIPES.items())),
    )
    gan.add_argument(
        "--model", choices=sorted(RECIPES), default="mnist", help="which GAN (default: mnist)"
    )
    gan.add_argument(
        "--epochs", type=int, default=None, help="passes over the digits (default: the model's)"
    )
    gan.add_argument(
        "--seed", type=int, default=0, help="seed for weights, noise and order (default: 0)"
    )
    gan.add_argument(
        "--out",
        default="gan_samples.png",
        help="PNG file for a grid of 100 samples (default: gan_samples.png)",
    )
    gan.add_argument(
        "--samples", default=None, help="also save 1,000 digits as uint8 (1000, 784) to this .npy"
    )
    gan.add_argument(
        "--data",
        choices=("mnist-sample", "mnist"),
        default="mnist-sample",
        help="mnist-sample: the 4,000 bundled training digits; mnist: full MNIST (download first); default: mnist-sample",
    )
    gan.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    gan.add_argument("--no-progress", action="store_true", help="hide the progress bar")
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


def _check_writable(path: str, suffix: str) -> Path:
    target = Path(path)
    if target.suffix.lower() != suffix:
        raise ValueError(f"{path}: the file name must end in {suffix}")
    if not target.parent.is_dir():
        raise ValueError(f"{path}: the folder {target.parent} does not exist; create it first")
    return target


def gan_command(args: argparse.Namespace) -> int:
    import io

    import matplotlib.pyplot as plt
    import numpy as np

    from mynn.gan.quality import reference_quality, score_digits
    from mynn.gan.recipes import get_recipe
    from mynn.gan.training import pick_device
    from mynn.plots.gan import sample_grid

    recipe = get_recipe(args.model)
    if args.epochs is not None and args.epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {args.epochs}")
    out = _check_writable(args.out, ".png")
    samples = _check_writable(args.samples, ".npy") if args.samples else None
    device = pick_device(args.device)
    images, labels = datasets.load_mnist(
        "train", "sample" if args.data == "mnist-sample" else "full"
    )
    epochs = recipe.epochs if args.epochs is None else args.epochs
    print(
        f"GAN {recipe.name!r} on {args.data} ({len(images)} digits), {epochs} "
        f"epoch{'' if epochs == 1 else 's'}, batch {recipe.batch_size}, seed {args.seed}, on {device}"
    )
    _, generator, history = recipe.train(
        images, labels, epochs=epochs, seed=args.seed, device=device, progress=not args.no_progress
    )
    print(f"trained in {history.seconds:.1f} s ({history.examples_per_second:.0f} digits/s)")
    print(f"final losses: D {history.d[-100:].mean():.3f}, G {history.g[-100:].mean():.3f}")
    digits = recipe.generate(generator, 1000, seed=args.seed)
    shown = digits[:: len(digits) // 100] if recipe.conditional else digits[:100]  # row k: k
    figure = sample_grid(
        shown,
        title=f"{recipe.name} GAN, seed {args.seed}, {epochs} epochs",
        row_labels=[f"{d}" for d in range(10)] if recipe.conditional else None,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    with datasets._atomic_writer(out) as handle:
        handle.write(buffer.getvalue())
    plt.close(figure)
    print(f"100 samples saved to {out}")
    if samples is not None:
        pixels = np.clip(np.rint(digits * 255), 0, 255).astype(np.uint8)
        buffer = io.BytesIO()
        np.save(buffer, pixels)
        with datasets._atomic_writer(samples) as handle:
            handle.write(buffer.getvalue())
        order = ", 100 per digit asked for, 0s first" if recipe.conditional else ""
        print(f"1000 digits saved to {samples} as uint8 (1000, 784), 0 background, 255 ink{order}")
    quality = score_digits(digits)
    print("quality of 1,000 generated digits (by a separate digit classifier):")
    for line in quality.lines():
        print(f"  {line}")
    if recipe.conditional:
        from mynn.gan.conditional import recognition

        recognised = recognition(digits, recipe.requested(len(digits), generator.n_classes))
        print(f"  {recognised.table()}")
        print(recognised.line())
    real = reference_quality()
    print(
        f"  (real held-out digits: {real.classes_covered} of 10 classes, mean confidence "
        f"{real.mean_confidence:.2f}, Fréchet distance {real.frechet_distance:.1f})"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = {"train": train_command, "download": download_command, "gan": gan_command}[
        args.command
    ]
    try:
        return command(args)
    except (ValueError, datasets.DatasetError, OSError) as error:
        message = str(error).replace("\n", " | ")
        print(f"error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing was saved", file=sys.stderr)
        return 130
