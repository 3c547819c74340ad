"""Full size: one epoch over the 60,000 Fashion-MNIST training images, each way of training.

Each method runs in a fresh process, which reports its own peak resident memory (Linux's
``VmHWM``; a parent's ``getrusage`` would count the parent's size at fork time). Needs Debian's ``dataset-fashion-mnist`` (or the downloaded
files); skipped with a message when they are absent.

    python benchmarks/bench_fullsize.py            # the table
    python benchmarks/bench_fullsize.py --method book   # one method, prints JSON (the child)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
METHODS = {
    "cli": "`python -m mynn train --data fashion-mnist --epochs 1` (`fit`: `train_epoch` per chunk)",
    "book": "the book's loop (transcription), scaling each image as it reads it",
    "minibatch": "`train_minibatch`, batch 32, lr 0.1, scaled per chunk",
    "torch": "PyTorch, same MLP, float32, batch 32, SGD lr 0.1, 1 thread",
}


def fashion_available() -> bool:
    from mynn import datasets

    try:
        datasets.load_fashion_mnist("test")
    except datasets.DatasetError:
        return False
    return True


def peak_mib() -> float:
    """This process's peak resident memory in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(method: str) -> dict:
    """Train one epoch with ``method``; report seconds, test accuracy and peak memory."""
    result = _train(method)
    return {**result, "peak_mib": peak_mib()}


def _train(method: str) -> dict:
    if method == "cli":  # the command itself, in this process: python -m mynn train ...
        import contextlib
        import io

        from mynn.cli import main as cli_main

        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            status = cli_main(
                ["train", "--data", "fashion-mnist", "--epochs", "1", "--no-progress"]
            )
        if status != 0:
            raise RuntimeError(f"the train command failed with status {status}")
        lines = output.getvalue().splitlines()
        seconds = float(lines[-2].split(" in ")[1].split()[0])
        return {"seconds": seconds, "accuracy": float(lines[-1].split(":")[1])}

    import numpy as np

    import mynn
    from mynn import datasets
    from mynn.training import score

    train_images, train_labels = datasets.load_fashion_mnist("train")
    test_images, test_labels = datasets.load_fashion_mnist("test")
    network = mynn.NeuralNetwork(784, 200, 10, 0.1, seed=0)
    start = time.perf_counter()
    if method == "book":
        sys.path.insert(0, str(ROOT / "tests"))
        from book_reference import BookNetwork

        book = BookNetwork(network.wih, network.who, network.lr)
        for image, label in zip(train_images, train_labels):
            book.train(mynn.scale_inputs(image), mynn.make_targets(label))
        network.wih, network.who = book.wih, book.who
    elif method == "minibatch":
        for first in range(0, len(train_images), 3200):  # a multiple of the batch size
            network.train_minibatch(
                mynn.scale_inputs(train_images[first : first + 3200]),
                mynn.make_targets(train_labels[first : first + 3200]),
                batch_size=32,
            )
    elif method == "torch":
        import torch

        torch.set_num_threads(1)
        torch.manual_seed(0)
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 200, bias=False), torch.nn.Sigmoid(),
            torch.nn.Linear(200, 10, bias=False), torch.nn.Sigmoid(),
        )  # fmt: skip
        optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
        for first in range(0, len(train_images), 32):
            x = torch.from_numpy(mynn.scale_inputs(train_images[first : first + 32])).float()
            t = torch.from_numpy(mynn.make_targets(train_labels[first : first + 32])).float()
            optimiser.zero_grad()
            loss = 0.5 * ((t - model(x)) ** 2).sum(dim=1).mean()
            loss.backward()
            optimiser.step()
        seconds = time.perf_counter() - start
        with torch.no_grad():
            predicted = model(torch.from_numpy(mynn.scale_inputs(test_images)).float())
        accuracy = float((predicted.argmax(1).numpy() == test_labels).mean())
        return {"seconds": seconds, "accuracy": accuracy}
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "accuracy": score(network, test_images, np.asarray(test_labels))}


def run_method(method: str) -> dict:
    """Run a method in a fresh process and read back its report."""
    result = subprocess.run(
        [sys.executable, __file__, "--method", method],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{method} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def rows() -> list[list[str]]:
    table = []
    for method, description in METHODS.items():
        result = run_method(method)
        table.append(
            [
                description,
                f"{result['seconds']:.1f} s",
                f"{result['accuracy']:.4f}",
                f"{result['peak_mib']:.0f} MiB",
            ]
        )
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=sorted(METHODS))
    args = parser.parse_args()
    if args.method:
        print(json.dumps(child(args.method)))
        return
    if not fashion_available():
        print("Fashion-MNIST files not found (apt-get install dataset-fashion-mnist): skipped")
        return
    for row in rows():
        print(" | ".join(row))


if __name__ == "__main__":
    main()
