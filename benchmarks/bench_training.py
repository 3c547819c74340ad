"""Side-by-side training speed, in one run, as ratios (not a timed test).

1. The book's per-sample rule, one epoch over the bundled 4,000 MNIST digits (784-200-10):
   the book's loop (a literal transcription, tests/book_reference.py) vs ``NeuralNetwork.train``
   in a loop vs ``NeuralNetwork.train_epoch`` (the same maths; the weights are checked equal).
2. Minibatch training (batch 32, one epoch): ``NeuralNetwork.train_minibatch`` vs the same
   784-200-10 sigmoid MLP with squared error and plain SGD in PyTorch on the CPU, float64
   (numpy's precision) and float32 (PyTorch's default).

    python benchmarks/bench_training.py [--repeats 3]

Each timing is the best of ``repeats`` runs; the machine's other load makes absolute times
noisy, the ratios within one run much less so.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from book_reference import BookNetwork  # noqa: E402

import mynn  # noqa: E402
from mynn.datasets import load_mnist  # noqa: E402


def best_of(repeats, make, run):
    """Best wall time of ``run(make())`` over ``repeats`` fresh starts; returns (seconds, last result)."""
    times = []
    for _ in range(repeats):
        subject = make()
        start = time.perf_counter()
        run(subject)
        times.append(time.perf_counter() - start)
    return min(times), subject


def per_sample(inputs, targets, repeats):
    print("\n== the book's per-sample rule: one epoch, 784-200-10, lr 0.1 ==")

    def fresh():
        return mynn.NeuralNetwork(784, 200, 10, 0.1, seed=0)

    def fresh_book():  # the book's loop, starting from the very same weights
        start = fresh()
        return BookNetwork(start.wih, start.who, start.lr)

    def book_loop(book):
        for x, t in zip(inputs, targets):
            book.train(x, t)

    def mynn_loop(network):
        for x, t in zip(inputs, targets):
            network.train(x, t)

    t_book, book = best_of(repeats, fresh_book, book_loop)
    t_train, looped = best_of(repeats, fresh, mynn_loop)
    t_epoch, fast = best_of(repeats, fresh, lambda n: n.train_epoch(inputs, targets))
    same = max(np.abs(fast.wih - book.wih).max(), np.abs(fast.who - book.who).max())
    print(f"book's loop (transcription)   {t_book:7.3f} s   1.0x")
    print(f"NeuralNetwork.train, looped   {t_train:7.3f} s   {t_book / t_train:4.1f}x")
    print(f"NeuralNetwork.train_epoch     {t_epoch:7.3f} s   {t_book / t_epoch:4.1f}x")
    print(f"largest weight difference, train_epoch vs the book's loop: {same:.1e}")


def torch_minibatch_seconds(inputs, targets, dtype, batch_size, repeats):
    """One epoch of plain minibatch SGD on the same MLP in PyTorch: best time of ``repeats``."""
    import torch

    x_all = torch.tensor(inputs, dtype=dtype)
    t_all = torch.tensor(targets, dtype=dtype)

    def make():
        torch.manual_seed(0)
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 200, bias=False), torch.nn.Sigmoid(),
            torch.nn.Linear(200, 10, bias=False), torch.nn.Sigmoid(),
        ).to(dtype)  # fmt: skip
        return model, torch.optim.SGD(model.parameters(), lr=0.1)

    def run(pair):
        model, optimiser = pair
        for start in range(0, len(x_all), batch_size):
            x, t = x_all[start : start + batch_size], t_all[start : start + batch_size]
            optimiser.zero_grad()
            loss = 0.5 * ((t - model(x)) ** 2).sum(dim=1).mean()
            loss.backward()
            optimiser.step()

    return best_of(repeats, make, run)[0]


def minibatch(inputs, targets, repeats, batch_size=32):
    print(f"\n== minibatch SGD: one epoch, batch {batch_size}, 784-200-10 ==")
    import torch

    t_numpy, _ = best_of(
        repeats,
        lambda: mynn.NeuralNetwork(784, 200, 10, 0.1, seed=0),
        lambda n: n.train_minibatch(inputs, targets, batch_size),
    )
    print(f"mynn train_minibatch (float64)     {t_numpy:7.3f} s")
    for dtype in (torch.float64, torch.float32):
        t_torch = torch_minibatch_seconds(inputs, targets, dtype, batch_size, repeats)
        name = str(dtype).replace("torch.", "")
        print(
            f"PyTorch {torch.__version__} CPU ({name})  {t_torch:7.3f} s   "
            f"mynn is {t_torch / t_numpy:4.1f}x as fast"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    images, labels = load_mnist("train")
    inputs, targets = mynn.scale_inputs(images), mynn.make_targets(labels)
    print(f"numpy {np.__version__}, {len(inputs)} training images")
    per_sample(inputs, targets, args.repeats)
    minibatch(inputs, targets, args.repeats)


if __name__ == "__main__":
    main()
