"""Side-by-side training speed on the bundled 4,000 digits (784-200-10), as ratios in one run.

1. The book's per-sample rule, one epoch: the book's loop (a literal transcription,
   tests/book_reference.py) vs ``NeuralNetwork.train`` in a loop vs
   ``NeuralNetwork.train_epoch`` (the same maths: the weights are asserted equal to 1e-9),
   on the machine as it is and with one competing busy process. ``train_epoch`` is also
   timed left on the BLAS library's default threads, to show why
   mynn limits it to one.
2. Minibatch training (batch 32, one epoch): ``NeuralNetwork.train_minibatch`` vs the same
   784-200-10 sigmoid MLP with squared error and plain SGD in PyTorch on the CPU, with the
   same number of threads: float64 both (mynn computes in float64 only), and PyTorch's
   float32 beside it.

    python benchmarks/bench_training.py [--repeats 5]

Run by ``benchmarks/run_all.py`` for the full table. These are not timed tests: each
number is the median of ``repeats`` runs, with the spread (min to max) beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from book_reference import BookNetwork  # noqa: E402

import mynn  # noqa: E402
import mynn.network  # noqa: E402
from mynn.datasets import load_mnist  # noqa: E402


class Timing:
    """Median and spread of repeated wall times, and the last run's result."""

    def __init__(self, seconds: list[float], result=None):
        self.seconds, self.result = seconds, result
        self.median = statistics.median(seconds)

    def cell(self) -> str:
        return f"{self.median:.3f} s ({min(self.seconds):.3f}–{max(self.seconds):.3f})"


def timed(repeats: int, make, run) -> Timing:
    """Wall time of ``run(make())`` over ``repeats`` fresh starts."""
    seconds = []
    for _ in range(repeats):
        subject = make()
        start = time.perf_counter()
        run(subject)
        seconds.append(time.perf_counter() - start)
    return Timing(seconds, subject)


@contextlib.contextmanager
def busy_process(active: bool):
    """One other process spinning on a core for the duration (a loaded machine)."""
    if not active:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        yield
    finally:
        spinner.kill()
        spinner.wait()


def sample_data():
    images, labels = load_mnist("train")
    return mynn.scale_inputs(images), mynn.make_targets(labels)


def per_sample_rows(inputs, targets, repeats: int, loaded: bool) -> list[list[str]]:
    """Rows: book loop, train looped, train_epoch (one BLAS thread, as shipped), and on default threads."""

    def fresh():
        return mynn.NeuralNetwork(784, 200, 10, 0.1, seed=0)

    start_weights = fresh()

    def fresh_book():  # the book's loop, starting from the very same weights
        return BookNetwork(start_weights.wih, start_weights.who, start_weights.lr)

    def loop(subject):
        for x, t in zip(inputs, targets):
            subject.train(x, t)

    with busy_process(loaded):
        book = timed(repeats, fresh_book, loop)
        looped = timed(repeats, fresh, loop)
        epoch = timed(repeats, fresh, lambda n: n.train_epoch(inputs, targets))
        with mock.patch.object(mynn.network, "_one_blas_thread", contextlib.nullcontext):
            epoch_threads = timed(repeats, fresh, lambda n: n.train_epoch(inputs, targets))
    for name, timing in (("train", looped), ("train_epoch", epoch), ("threads", epoch_threads)):
        for weights in ("wih", "who"):
            difference = np.abs(getattr(timing.result, weights) - getattr(book.result, weights))
            assert difference.max() < 1e-9, f"{name} drifted from the book's maths: {weights}"
    load = "one busy process" if loaded else "as it is"
    return [
        [load, "the book's loop (transcription)", book.cell(), "1.0x"],
        [load, "`train` in a loop", looped.cell(), f"{book.median / looped.median:.1f}x"],
        [load, "`train_epoch` (as shipped)", epoch.cell(), f"{book.median / epoch.median:.1f}x"],
        [
            load,
            "`train_epoch` left on the default BLAS threads",
            epoch_threads.cell(),
            f"{book.median / epoch_threads.median:.1f}x",
        ],
    ]


def torch_minibatch(inputs, targets, dtype, batch_size: int, repeats: int) -> Timing:
    """One epoch of plain minibatch SGD on the same MLP in PyTorch."""
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

    return timed(repeats, make, run)


def blas_threads() -> int:
    from threadpoolctl import threadpool_info

    return max(
        [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"] or [1]
    )


def minibatch_rows(inputs, targets, repeats: int, batch_size: int = 32) -> list[list[str]]:
    """Rows: mynn's train_minibatch (float64: mynn computes in float64 only) vs PyTorch in
    float64 (the same precision) and float32 (PyTorch's default), same batch and threads."""
    import torch

    threads = 1  # mynn's train_minibatch runs on one BLAS thread; PyTorch gets the same
    torch.set_num_threads(threads)
    ours = timed(
        repeats,
        lambda: mynn.NeuralNetwork(784, 200, 10, 0.1, seed=0),
        lambda n: n.train_minibatch(inputs, targets, batch_size),
    )
    rows = []
    for dtype in (torch.float64, torch.float32):
        theirs = torch_minibatch(inputs, targets, dtype, batch_size, repeats)
        rows.append(
            [
                f"batch {batch_size}, {threads} thread",
                ours.cell(),
                f"PyTorch {torch.__version__}, {str(dtype).split('.')[1]}",
                theirs.cell(),
                f"{theirs.median / ours.median:.1f}x",
            ]
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    inputs, targets = sample_data()
    for loaded in (False, True):
        for row in per_sample_rows(inputs, targets, args.repeats, loaded):
            print(" | ".join(row))
    for row in minibatch_rows(inputs, targets, args.repeats):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
