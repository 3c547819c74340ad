"""Execute notebooks top to bottom in a fresh kernel and store them clean.

Usage: python tools/run_notebooks.py notebooks/02_mnist.ipynb [more.ipynb ...]

Each notebook is run in its own directory with a fresh ``python3`` kernel (execution
counts 1..n), then stripped of the metadata that changes from run to run (cell timing,
the Python patch version) so that diffs show only real changes.

A notebook that displays widgets (an output of type
``application/vnd.jupyter.widget-view+json``, e.g. 03's drawing board, 10's and 11's
explorers) keeps the widgets' state as nbclient recorded it (``store_widget_state``), in
``metadata.widgets``: GitHub and the website can then draw the widgets as they were left.
Only the models the displayed widgets use are kept (their children, layouts, styles...),
not those of widgets that were made and never shown; a notebook that shows no widget
keeps none.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_MODEL_REFERENCE = re.compile(r"IPY_MODEL_([0-9a-zA-Z_-]+)")


def displayed_widgets(nb: nbformat.NotebookNode) -> list[str]:
    """The model ids of the widgets shown in the notebook's outputs, in order."""
    return [
        out["data"][WIDGET_VIEW]["model_id"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if WIDGET_VIEW in out.get("data", {})
    ]


def widget_state_in_use(nb: nbformat.NotebookNode) -> dict | None:
    """``metadata.widgets`` cut down to the displayed widgets and the models they use.

    Starting from each displayed widget, follow every ``IPY_MODEL_<id>`` reference in the
    models' state (children, layout, style, ...). None when no widget is displayed or
    nbclient recorded no state.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    used: set[str] = set()
    waiting = displayed_widgets(nb)
    while waiting:
        model_id = waiting.pop()
        if model_id in used or model_id not in state:
            continue
        used.add(model_id)
        waiting.extend(_MODEL_REFERENCE.findall(repr(state[model_id].get("state", {}))))
    if not used:
        return None
    return {
        WIDGET_STATE: {
            "state": {model_id: state[model_id] for model_id in sorted(used)},
            "version_major": 2,
            "version_minor": 0,
        }
    }


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run-specific metadata so the committed notebook is stable.

    The state of the displayed widgets is kept (see :func:`widget_state_in_use`).
    """
    widgets = widget_state_in_use(nb)
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in KEEP_NOTEBOOK_METADATA}
    if widgets is not None:
        nb.metadata["widgets"] = widgets
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("transient", None)
    return nb


def run(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(clean(nb), path)
    return seconds


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    for name in argv:
        seconds = run(Path(name))
        print(f"{name}: ran in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
