"""``python -m mynn gan``: train a GAN from the book's recipes, save samples, score them.

The subcommand's arguments (:func:`add_gan_parser`) and its work (:func:`gan_command`).
Importing this module does not import torch: the command imports it when it runs, after
checking that it is installed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from mynn import datasets
from mynn.errors import UsageError, require
from mynn.files import atomic_writer
from mynn.gan.recipes import RECIPES  # torch-free: the GANs' names and defaults


def add_gan_parser(command: Callable[..., argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add the ``gan`` subcommand with ``command(name, **options)``, the command line's
    ``add_parser`` (which gives every subcommand ``--debug``)."""
    gan = command(
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
    gan.add_argument(
        "--device", default=None, help="cpu, cuda or cuda:N (default: cuda when present)"
    )
    gan.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return gan


def _check_writable(path: str, suffix: str) -> Path:
    from mynn.storage import check_output_path

    return check_output_path(path, (suffix,))


def _check_device(name: str | None):
    """The torch device for --device, checked before any work; one line listing the choices."""
    import torch

    from mynn.gan.training import pick_device

    available = ["cpu"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        available.append("mps")
    choices = ", ".join(available) + (" (cuda = cuda:0)" if len(available) > 1 else "")
    if name is None:
        return pick_device(None)
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        raise UsageError(f"--device {name!r} is not a device; available here: {choices}") from None
    wanted = str(device) if device.index is not None or device.type != "cuda" else "cuda:0"
    if wanted not in available:
        raise UsageError(f"--device {name!r} is not available here; available: {choices}")
    return device


def gan_command(args: argparse.Namespace) -> int:
    import io

    import matplotlib.pyplot as plt
    import numpy as np

    require(
        "torch",
        extra="torch",
        purpose="the GANs",
        alternative="on a Linux machine without a GPU first the smaller CPU build: pip "
        "install torch --index-url https://download.pytorch.org/whl/cpu",
    )
    from mynn.gan.quality import reference_quality, score_digits
    from mynn.gan.recipes import get_recipe
    from mynn.plots.gan import sample_grid

    recipe = get_recipe(args.model)
    if args.epochs is not None and args.epochs < 1:
        raise UsageError(f"epochs must be at least 1, got {args.epochs}")
    if not 0 <= args.seed < 2**63:
        raise UsageError(f"--seed must be a whole number from 0 to 2**63 - 1, got {args.seed}")
    out = _check_writable(args.out, ".png")
    samples = _check_writable(args.samples, ".npy") if args.samples else None
    if samples is not None and samples.resolve() == out.resolve():
        raise UsageError(f"--samples and --out both name {out}; give two different files")
    device = _check_device(args.device)
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
    with atomic_writer(out) as handle:
        handle.write(buffer.getvalue())
    plt.close(figure)
    print(f"100 samples saved to {out}")
    if samples is not None:
        pixels = np.clip(np.rint(digits * 255), 0, 255).astype(np.uint8)
        buffer = io.BytesIO()
        np.save(buffer, pixels)
        with atomic_writer(samples) as handle:
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
        f"{real.mean_confidence:.2f}, Fréchet distance {real.frechet_distance:.1f}, "
        f"precision {real.precision:.2f}, recall {real.recall:.2f})"
    )
    return 0
