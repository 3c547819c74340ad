"""Train the book's six MNIST GAN stages for notebook 21 and ship their generators.

Each of the book's stages (first attempt, + BCE, + LeakyReLU, + LayerNorm, + Adam,
+ seed randn(100); ``mynn.gan.models.BOOK_STEPS``) is trained for the same budget,
``mynn.gan.showcase.STAGE_EPOCHS`` epochs of the 4,000 bundled digits in minibatches of
``STAGE_BATCH``, from seed ``SEED``, with one torch thread on the CPU. The generators are
written (float16) to ``mynn/gan/pretrained/book_stages.npz`` with the CPU seconds each
stage took and the losses of its first steps (``tests/test_gan_stable.py`` re-runs those
steps and compares).

    python scripts/train_gan_showcase.py [--out mynn/gan/pretrained/book_stages.npz]
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
from mynn.gan.training import generate

PRETRAINED = Path(__file__).resolve().parents[1] / "mynn" / "gan" / "pretrained"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--epochs", type=int, default=showcase.STAGE_EPOCHS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    args.out = args.out or PRETRAINED / showcase.FILE_NAME
    images, _ = load_mnist("train")
    generators, first_losses, seconds = [], [], {}
    for stage in BOOK_STEPS:
        start = time.process_time()
        generator, history = showcase.train_stage(stage, images, args.epochs, device="cpu")
        seconds[stage.name] = round(time.process_time() - start, 1)
        generators.append(generator)
        steps = slice(0, showcase.CHECKED_STEPS)
        first_losses.append([history.d_real[steps], history.d_fake[steps], history.g[steps]])
        score = score_digits(generate(generator, 1000, seed=showcase.SEED))
        print(f"{stage.name:18} {seconds[stage.name]:6.1f} CPU s  classes "
              f"{score.classes_covered}  confident {score.confident_share:.2f}", flush=True)  # fmt: skip
    info = {
        "epochs": args.epochs,
        "batch_size": showcase.STAGE_BATCH,
        "seed": showcase.SEED,
        "cpu_seconds": seconds,
        "torch": torch.__version__,
        "machine": platform.machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    showcase.save_stages(args.out, generators, [list(zip(*f)) for f in first_losses], info)
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
