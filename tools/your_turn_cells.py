"""Insert, or refresh, the "Your turn" exercise cells in the exercise notebooks.

Usage: python tools/your_turn_cells.py [notebooks/01_the_network.ipynb ...]

For every notebook with exercises in :mod:`mynn.exercises` (all of them when no path is
given), the cells tagged ``your-turn`` are removed and written again from the exercises
themselves (``Exercise.stub()`` and ``Exercise.check_source()``): an intro, then a task
line, a stub cell and a check cell per exercise, placed before "## Things to try" (or at
the end). Only cell SOURCES change; no outputs are written (re-run the notebook with
tools/run_notebooks.py afterwards). Running it twice changes nothing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mynn.exercises as ex  # noqa: E402

TAG = "your-turn"
INTRO = (
    "## Your turn\n\n"
    "Write the key lines yourself. In each pair of cells below, replace `raise "
    "NotImplementedError` with your code, run the cell, then run the check under it: "
    "`mynn.exercises` tries your function on several inputs and says whether it is right "
    "and, if not, what exactly is wrong. Stuck? `.hint()` on the exercise (for example "
    '`mynn.exercises.get("{first}").hint()`) gives hints one at a time, and `.solution()` '
    "shows an answer. These cells import what they need, so they run on their own."
)


def _cell(kind: str, source: str, name: str) -> nbformat.NotebookNode:
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source)
    cell.id = "your-turn-" + re.sub(r"[^A-Za-z0-9]+", "-", name)
    cell.metadata = {"tags": [TAG]}
    return cell


def your_turn_cells(exercises: list[ex.Exercise]) -> list[nbformat.NotebookNode]:
    """The section's cells for one notebook's exercises."""
    number = exercises[0].id.split(".")[0]
    cells = [_cell("markdown", INTRO.format(first=exercises[0].id), f"{number}-intro")]
    for e in exercises:
        task = f"**{e.id}**: {e.title}. Write `{e.function_name}({e.parameters})`."
        cells.append(_cell("markdown", task, f"{e.id}-task"))
        cells.append(_cell("code", e.stub(), f"{e.id}-stub"))
        cells.append(_cell("code", e.check_source(), f"{e.id}-check"))
    return cells


def refresh(path: Path) -> int:
    """Rewrite ``path``'s your-turn cells; returns how many cells the section has."""
    number = path.name[:2]
    exercises = [ex.get(i) for i in ex.catalogue() if i.startswith(number + ".")]
    if not exercises:
        raise SystemExit(f"{path}: no exercises in mynn.exercises for notebook {number}")
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if TAG not in c.metadata.get("tags", [])]
    where = next(
        (
            i
            for i, c in enumerate(nb.cells)
            if c.cell_type == "markdown" and "## Things to try" in c.source
        ),
        len(nb.cells),
    )
    cells = your_turn_cells(exercises)
    nb.cells[where:where] = cells
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return len(cells)


def main(argv: list[str]) -> int:
    if argv:
        paths = [Path(a) for a in argv]
    else:
        numbers = sorted({i.split(".")[0] for i in ex.catalogue()})
        paths = [next((ROOT / "notebooks").glob(f"{n}_*.ipynb")) for n in numbers]
    for path in paths:
        print(f"{path.name}: {refresh(path)} your-turn cells")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
