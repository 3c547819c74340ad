"""GANs on the bundled digits: every recipe's cost and quality, what each anti-collapse tool buys, speed.

One run (not a timed test) on the 4,000 bundled training digits, one torch thread:

1. **Recipes** (default): each ``python -m mynn gan --model NAME`` recipe trained with its
   defaults; per recipe the process CPU seconds of training, then 1,000 samples scored by
   :mod:`mynn.gan.quality`: classes covered, confident share (read with probability >= 0.8),
   precision, recall (k-NN manifolds, Kynkäänniemi et al. 2019) and the Fréchet distance.
   Real held-out digits give the reference row.
2. **Ablation** (``--ablation``): the default ``mnist`` recipe with one tool taken away at a
   time (packing, minibatch std, the deeper generator, the weight average, label
   smoothing), and the ``conv`` recipe with its convolutional discriminator instead of the
   packed fully connected one, or without the generator's hidden layer; same budget;
   ``--ablation packing`` runs only that one.
3. **Speed** (``--speed``): real digits trained on per CPU second by the book's improved GAN,
   one image at a time against minibatches of 4, 8, 32 and 64.

    python benchmarks/bench_gan.py [--recipes mnist,conv] [--ablation] [--speed] [--device cpu]

CPU time (``time.process_time``) is the fair measure on a shared machine. Each recipe runs
in about its CPU seconds of wall time on an idle machine; run a few in parallel
processes (``--recipes``) on a busy one. ``--device cuda`` times a GPU instead (wall time).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import time

import torch

from mynn.datasets import load_mnist
from mynn.gan import quality
from mynn.gan.models import improved, seeded
from mynn.gan.recipes import RECIPES, conv_digits, get_recipe, stable_mnist
from mynn.gan.training import train_gan

HEADER = (
    f"{'recipe':30} {'CPU s':>6} {'classes':>7} {'confident':>9} {'precision':>9} "
    f"{'recall':>6} {'Fréchet':>7}"
)


def row(name: str, seconds: float | None, score) -> str:
    spent = "" if seconds is None else f"{seconds:.0f}"
    return (
        f"{name:30} {spent:>6} {score.classes_covered:>7} {score.confident_share:>9.2f} "
        f"{score.precision:>9.2f} {score.recall:>6.2f} {score.frechet_distance:>7.1f}"
    )


def run_recipe(recipe, device) -> tuple[float, object]:
    """Train ``recipe`` with its defaults; returns (CPU or GPU wall seconds, quality)."""
    cpu, wall = time.process_time(), time.perf_counter()
    _, generator, _ = recipe.train(seed=0, device=device, progress=False)
    if device is not None and torch.device(device).type == "cuda":
        torch.cuda.synchronize()
        seconds = time.perf_counter() - wall
    else:
        seconds = time.process_time() - cpu
    return seconds, quality.score_digits(recipe.generate(generator, 1000, seed=0))


def ablations():
    """(name, row label, recipe): a recipe with one tool taken away at a time."""
    mnist, conv = get_recipe("mnist"), get_recipe("conv")
    without = {
        "packing": dataclasses.replace(mnist, build=functools.partial(stable_mnist, pack=1)),
        "minibatch-std": dataclasses.replace(
            mnist, build=functools.partial(stable_mnist, minibatch_std=False)
        ),
        "deeper-generator": dataclasses.replace(
            mnist, build=functools.partial(stable_mnist, hidden=200)
        ),
        "weight-average": dataclasses.replace(mnist, ema=None),
        "label-smoothing": dataclasses.replace(mnist, label_smoothing=0.0),
    }
    for tool, recipe in without.items():
        yield tool, f"mnist without {tool}", recipe
    conv_changes = {
        "conv-discriminator": ("conv, convolutional D", {"conv_discriminator": True}),
        "conv-hidden": ("conv without G's hidden layer", {"hidden": None}),
    }
    for tool, (label, change) in conv_changes.items():
        build = functools.partial(conv_digits, **change)
        yield tool, label, dataclasses.replace(conv, build=build)


ABLATIONS = ("packing", "minibatch-std", "deeper-generator", "weight-average",
             "label-smoothing", "conv-discriminator", "conv-hidden")  # fmt: skip


def speed(images, batch_size, steps):
    """Real digits per CPU second for the book's improved GAN (Adam 1e-4)."""
    with seeded(0):
        discriminator, generator = improved()
    subset = images[: steps * batch_size]
    d_opt = torch.optim.Adam(discriminator.parameters(), lr=1e-4)
    g_opt = torch.optim.Adam(generator.parameters(), lr=1e-4)
    cpu = time.process_time()
    train_gan(discriminator, generator, subset, epochs=1, batch_size=batch_size,
              d_optimizer=d_opt, g_optimizer=g_opt, loss="bce", progress=False,
              threads=1, device="cpu")  # fmt: skip
    return len(subset) / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipes", default=",".join(RECIPES), help="comma-separated names")
    parser.add_argument(
        "--ablation",
        nargs="?",
        const=",".join(ABLATIONS),
        default="",
        help="a recipe minus one tool (all of them, or a comma-separated choice of "
        + ", ".join(ABLATIONS)
        + ")",
    )
    parser.add_argument("--speed", action="store_true", help="digits per CPU second by batch size")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, device {args.device}, one thread")
    names = [name for name in args.recipes.split(",") if name]
    if names or args.ablation:
        print("\n== recipes: training seconds and the quality of 1,000 samples ==")
        print(HEADER)
        print(row("real held-out digits", None, quality.reference_quality()), flush=True)
    for name in names:
        print(row(name, *run_recipe(get_recipe(name), args.device)), flush=True)
    chosen = [tool for tool in args.ablation.split(",") if tool]
    unknown = set(chosen) - set(ABLATIONS)
    if unknown:
        parser.error(
            f"unknown ablation {', '.join(sorted(unknown))}; choose from {', '.join(ABLATIONS)}"
        )
    for tool, label, recipe in ablations():
        if tool in chosen:
            print(row(label, *run_recipe(recipe, args.device)), flush=True)
    if args.speed:
        images, _ = load_mnist("train")
        print("\n== speed: the book's improved MNIST GAN, real digits per CPU second ==")
        book = None
        for batch_size in (1, 4, 8, 32, 64):
            rate = speed(images, batch_size, min(600, len(images) // batch_size))
            book = book or rate
            print(f"batch {batch_size:>2}: {rate:6.0f} digits/CPU s, {rate / book:4.1f}x the book's",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
