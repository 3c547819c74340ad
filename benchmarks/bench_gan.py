"""The MNIST GAN: the book's one-image-at-a-time training against minibatches, side by side.

One run (not a timed test), the improved MNIST GAN of *Make Your First GAN With PyTorch*
(784-200-1 / 100-200-784, LeakyReLU, LayerNorm, BCE, Adam) on the bundled 4,000 digits:

1. **Speed**: real digits trained on per second of process CPU time, for the book's
   per-sample mode (``batch_size=1``) and minibatches of 4, 8, 32, each with one torch
   thread and with torch's default thread count; printed as ratios to the book's mode.
2. **Time to 8 of 10 classes** (``--quality``): the CPU seconds each way of training needs
   before the digit classifier reads at least 8 digit classes among 1,000 samples (scored
   after every epoch, scoring time not counted), with a cap.

    python benchmarks/bench_gan.py [--steps 600] [--quality] [--cap 120]

CPU time (``time.process_time``) is the fair measure on a shared machine; on an idle one
wall time is close to it for one thread. With torch's default thread count on a busy
machine, waiting threads spin and burn CPU time: compare those rows by wall time, on an
idle machine.
"""

from __future__ import annotations

import argparse
import time

import torch

from mynn.datasets import load_mnist
from mynn.gan import quality
from mynn.gan.models import improved, seeded
from mynn.gan.training import generate, train_gan


def adam_pair(discriminator, generator, lr):
    return (
        torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999)),
        torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999)),
    )


def speed(images, batch_size, steps, threads, lr=1e-4):
    """Real digits per second of process CPU time and of wall time."""
    with seeded(0):
        discriminator, generator = improved()
    subset = images[: steps * batch_size]
    d_opt, g_opt = adam_pair(discriminator, generator, lr)
    cpu, wall = time.process_time(), time.perf_counter()
    train_gan(discriminator, generator, subset, epochs=1, batch_size=batch_size,
              d_optimizer=d_opt, g_optimizer=g_opt, loss="bce", progress=False,
              threads=threads, device="cpu")  # fmt: skip
    return len(subset) / (time.process_time() - cpu), len(subset) / (time.perf_counter() - wall)


def time_to_classes(images, batch_size, lr, cap, target=8):
    with seeded(0):
        discriminator, generator = improved()
    d_opt, g_opt = adam_pair(discriminator, generator, lr)
    spent, epoch, best = 0.0, 0, 0
    while spent < cap:
        start = time.process_time()
        train_gan(discriminator, generator, images, epochs=1, batch_size=batch_size,
                  d_optimizer=d_opt, g_optimizer=g_opt, loss="bce", seed=epoch,
                  progress=False, threads=1, device="cpu")  # fmt: skip
        spent += time.process_time() - start
        epoch += 1
        covered = quality.score_digits(generate(generator, 1000, seed=0)).classes_covered
        best = max(best, covered)
        if covered >= target:
            return spent, epoch, covered
    return None, epoch, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=600, help="training steps per timing")
    parser.add_argument("--quality", action="store_true", help="also time reaching 8 classes")
    parser.add_argument(
        "--one-thread", action="store_true", help="skip the default-thread-count timings"
    )
    parser.add_argument("--cap", type=float, default=120, help="CPU seconds cap per run")
    args = parser.parse_args()
    images, _ = load_mnist("train")
    print(f"torch {torch.__version__}, default threads {torch.get_num_threads()}")
    print("\n== speed: improved MNIST GAN, real digits per CPU second ==")
    print(
        f"{'batch':>5} {'threads':>11} {'digits/CPU s':>13} {'digits/s':>9} {'CPU vs the book':>16}"
    )
    book = None
    threads_options = [1] if args.one_thread else [1, None]
    for threads in threads_options:
        for batch_size in (1, 4, 8, 32):
            steps = min(args.steps, len(images) // batch_size)
            cpu_rate, wall_rate = speed(images, batch_size, steps, threads)
            book = book or cpu_rate
            label = "1" if threads == 1 else f"default ({torch.get_num_threads()})"
            print(f"{batch_size:>5} {label:>11} {cpu_rate:>13.0f} {wall_rate:>9.0f} "
                  f"{cpu_rate / book:>15.1f}x", flush=True)  # fmt: skip
    if args.quality:
        print("\n== CPU seconds until 8 of 10 digit classes (scored after each epoch) ==")
        for batch_size, lr in ((1, 1e-4), (4, 1e-4), (8, 2e-4), (32, 2e-4)):
            seconds, epochs, covered = time_to_classes(images, batch_size, lr, args.cap)
            result = (
                f"{seconds:.0f} s ({epochs} epochs)"
                if seconds is not None
                else f"not within {args.cap:.0f} s ({epochs} epochs, best {covered} of 10)"
            )
            print(f"batch {batch_size:>2}, Adam {lr:g}: {result}", flush=True)


if __name__ == "__main__":
    main()
