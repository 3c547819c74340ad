"""Every performance comparison in one run: prints a markdown report and writes RESULTS.md.

    python benchmarks/run_all.py [--repeats 5] [--skip-notebooks] [--out benchmarks/RESULTS.md]

1. The book's per-sample rule: the book's loop, ``train``, ``train_epoch`` (weights asserted
   equal), on the machine as it is and with one competing busy process.
2. Minibatch: ``train_minibatch`` against the same MLP in PyTorch on the same CPU.
3. Full size: one epoch over 60,000 Fashion-MNIST images, seconds, accuracy, peak memory.
4. The GANs: the book's per-sample training against minibatch training (when
   ``benchmarks/bench_gan.py`` is present).
5. ``import mynn`` time, and each notebook's time under nbval in one run of the whole
   suite (the README's test command), plus the suite's wall time.

Medians of several repeats with the spread (min to max) beside them; each comparison is
made side by side in this one run. Not timed tests: the numbers describe this machine now.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_fullsize  # noqa: E402
import bench_training  # noqa: E402


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def machine() -> str:
    import numpy
    import scipy
    import threadpoolctl

    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo") if Path("/proc/cpuinfo").exists() else open(os.devnull) as info:
        names = [line.split(":", 1)[1].strip() for line in info if line.startswith("model name")]
    if names:
        cpu = names[0]
    blas = ", ".join(
        f"{lib['internal_api']} {lib['version']} ({lib['num_threads']} threads by default)"
        for lib in threadpoolctl.threadpool_info()
        if lib["user_api"] == "blas"
    )
    return (
        f"Made {date.today()} on {os.cpu_count()} CPU cores ({cpu}); Python "
        f"{platform.python_version()}, numpy {numpy.__version__} with {blas}, scipy "
        f"{scipy.__version__}, PyTorch {torch_version}."
    )


def import_time(repeats: int) -> str:
    """Median wall time of ``import mynn`` in a fresh interpreter, minus the bare interpreter."""

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        return time.perf_counter() - start

    check = "import mynn, sys; assert 'torch' not in sys.modules, 'torch imported'"
    with_mynn = statistics.median(run(check) for _ in range(repeats))
    bare = statistics.median(run("pass") for _ in range(repeats))
    return f"{(with_mynn - bare) * 1000:.0f} ms (torch not imported: checked)"


def notebook_times() -> tuple[list[list[str]], str]:
    """One run of the whole suite (README's test command): each notebook's time under strict
    nbval (the sum of its cells), the unit tests' total, and the suite's wall time."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "suite.xml"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"],
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
        suite_wall = time.perf_counter() - start
        seconds: dict[str, float] = {}
        failed: set[str] = set()
        unit_seconds, unit_failed = 0.0, 0
        for case in ElementTree.parse(report).iter("testcase"):
            classname = case.get("classname", "")
            broke = case.find("failure") is not None or case.find("error") is not None
            if not classname.startswith("notebooks."):
                unit_seconds += float(case.get("time", 0))
                unit_failed += broke
                continue
            name = classname.removeprefix("notebooks.")
            seconds[name] = seconds.get(name, 0.0) + float(case.get("time", 0))
            if broke:
                failed.add(name)
    rows = [
        [name, f"{value:.1f} s", "FAILED" if name in failed else "passed"]
        for name, value in sorted(seconds.items())
    ]
    summary = (
        f"All notebooks: {sum(seconds.values()):.0f} s of cell time; unit tests: "
        f"{unit_seconds:.0f} s ({unit_failed} failed); the whole suite "
        f"(`python -m pytest`, kernel start-ups included): {suite_wall:.0f} s wall."
    )
    return rows, summary


def gan_section() -> str | None:
    script = ROOT / "benchmarks" / "bench_gan.py"
    if not script.exists():
        return None
    result = subprocess.run(
        [sys.executable, str(script), "--ablation", "--speed"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return f"bench_gan.py failed:\n\n```\n{result.stderr[-2000:]}\n```"
    return (
        "`python benchmarks/bench_gan.py --ablation --speed` (every `python -m mynn gan` recipe "
        "on the bundled digits with its defaults, then the default recipe without each of its "
        "tools; CPU seconds, one torch thread):\n\n```\n" + result.stdout.strip() + "\n```"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()

    parts = ["# mynn benchmarks", "", machine(), ""]

    def show(text: str) -> None:
        print(text, flush=True)
        parts.append(text)

    for line in parts:
        print(line)
    inputs, targets = bench_training.sample_data()
    rows = []
    for loaded in (False, True):
        rows += bench_training.per_sample_rows(inputs, targets, args.repeats, loaded)
    show("## 1. The book's per-sample rule: one epoch, 4,000 digits, 784-200-10, lr 0.1\n")
    show(table(["machine", "what", "median (min–max)", "vs the book's loop"], rows))
    show("\nEvery fast path's weights are asserted equal to the book's loop to 1e-9.\n")

    show("## 2. Minibatch SGD: one epoch, 4,000 digits, 784-200-10\n")
    show(
        table(
            ["setting", "mynn `train_minibatch` (float64)", "PyTorch", "PyTorch time", "mynn is"],
            bench_training.minibatch_rows(inputs, targets, args.repeats),
        )
    )

    show("\n## 3. Full size: one epoch over 60,000 Fashion-MNIST images\n")
    if bench_fullsize.fashion_available():
        show(
            table(
                ["method", "seconds", "test accuracy", "peak memory"],
                bench_fullsize.rows(),
            )
        )
    else:
        show(
            "Skipped: the Fashion-MNIST files are absent (`apt-get install dataset-fashion-mnist`)."
        )

    gan = gan_section()
    show("\n## 4. GANs\n")
    show(gan if gan else "Skipped: benchmarks/bench_gan.py is not there.")

    show("\n## 5. Import time and the notebook suite\n")
    show(f"`import mynn`: {import_time(args.repeats)}\n")
    if args.skip_notebooks:
        show("Notebooks: skipped (--skip-notebooks).")
    else:
        rows, summary = notebook_times()
        show(table(["notebook", "time under nbval (its cells)", "result"], rows))
        show(f"\n{summary}")
    args.out.write_text("\n".join(parts) + "\n")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
