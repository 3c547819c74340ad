"""Train the GANs whose generators notebooks 21 and 22 show, and ship their weights.

``stages`` (default): each of the book's six MNIST GAN stages (first attempt, + BCE,
+ LeakyReLU, + LayerNorm, + Adam, + seed randn(100); ``mynn.gan.models.BOOK_STEPS``) is
trained for the same budget, ``mynn.gan.showcase.STAGE_EPOCHS`` epochs of the 4,000
bundled digits in minibatches of ``STAGE_BATCH``, and written to
``mynn/gan/pretrained/book_stages.npz`` (notebook 21).

``--recipes``: the recipes of ``mynn.gan.showcase.SHOWN_RECIPES`` (``python -m mynn gan
--model conv`` and ``--model mnist``) are trained with their command-line defaults and
their averaged generators written to ``mynn/gan/pretrained/recipe_generators.npz``
(notebook 22).

Either way: seed ``SEED``, one torch thread on the CPU, float16 weights, the CPU seconds
each took and the losses of its first steps (``tests/test_gan_stable.py`` re-runs those
steps and compares).

    python scripts/train_gan_showcase.py [--recipes] [--out FILE]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import torch

from mynn.datasets import load_mnist
from mynn.gan import showcase
from mynn.gan.models import BOOK_STEPS
from mynn.gan.quality import score_digits
from mynn.gan.recipes import get_recipe
from mynn.gan.training import generate

PRETRAINED = Path(__file__).resolve().parents[1] / "mynn" / "gan" / "pretrained"


def trainers(recipes: bool, epochs: int):
    """(file key, label, function training one GAN) for the chosen set."""
    if recipes:
        for name in showcase.SHOWN_RECIPES:
            yield name, name, lambda name=name: showcase.train_recipe(name, device="cpu")
        return
    images, _ = load_mnist("train")
    for i, stage in enumerate(BOOK_STEPS):
        yield (
            str(i),
            stage.name,
            lambda stage=stage: showcase.train_stage(stage, images, epochs, device="cpu"),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", action="store_true", help="the recipes, not the stages")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--epochs", type=int, default=showcase.STAGE_EPOCHS, help="per stage")
    args = parser.parse_args()
    torch.set_num_threads(1)
    file_name = showcase.RECIPES_FILE_NAME if args.recipes else showcase.FILE_NAME
    args.out = args.out or PRETRAINED / file_name
    generators, first_losses, seconds = {}, [], {}
    for key, label, train in trainers(args.recipes, args.epochs):
        start = time.process_time()
        generator, history = train()
        seconds[label] = round(time.process_time() - start, 1)
        generators[key] = generator
        first_losses.append(showcase.first_losses(history))
        score = score_digits(generate(generator, 1000, seed=showcase.SEED))
        print(f"{label:18} {seconds[label]:6.1f} CPU s  classes "
              f"{score.classes_covered}  confident {score.confident_share:.2f}", flush=True)  # fmt: skip
    info = {
        "seed": showcase.SEED,
        "cpu_seconds": seconds,
        "torch": torch.__version__,
        "machine": platform.machine(),
    }
    if args.recipes:
        info.update(epochs={name: get_recipe(name).epochs for name in showcase.SHOWN_RECIPES})
    else:
        info.update(epochs=args.epochs, batch_size=showcase.STAGE_BATCH)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    showcase.save_generators(args.out, generators, first_losses, info)
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
