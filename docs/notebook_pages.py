"""Build-time helpers for the website: the notebook copies and the landing page's map.

The map is not written twice: its rows come from the table in ``00_start_here.ipynb``
(the notebook map readers already see), grouped by the book or article each notebook
accompanies, the way the notebooks are numbered (0x: *Make Your Own Neural Network*,
1x: the articles, 2x: *Make Your First GAN With PyTorch*).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

GROUPS = {
    "0": "*Make Your Own Neural Network*",
    "1": "The articles",
    "2": "*Make Your First GAN With PyTorch*",
}
ROW = re.compile(r"^\|\s*\[(?P<name>\d\d_[a-z0-9_]+)\]\((?P=name)\.ipynb\)\s*\|(?P<rest>.*)$")


def copy_notebooks(source: Path, target: Path) -> list[Path]:
    """Copy every ``NN_*.ipynb`` into ``target``, rewriting only files that changed."""
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    wanted = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    for path in wanted:
        out = target / path.name
        data = path.read_bytes()
        if not out.exists() or out.read_bytes() != data:
            out.write_bytes(data)
        copied.append(out)
    names = {p.name for p in wanted}
    for stale in target.glob("*.ipynb"):
        if stale.name not in names:
            stale.unlink()
    return copied


def map_rows(start_here: Path) -> list[tuple[str, str]]:
    """The rows ``(notebook name, rest of the table row)`` of 00's notebook map."""
    nb = json.loads(start_here.read_text(encoding="utf-8"))
    rows = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            match = ROW.match(line.strip())
            if match:
                rows.append((match["name"], match["rest"]))
    if not rows:
        raise RuntimeError(f"{start_here} has no notebook map table (| [NN_name](NN_name.ipynb) | ...)")
    return rows


def write_landing_map(notebooks: Path, out: Path) -> None:
    """Write the landing page's map, one table per book, linking the notebook pages."""
    rows = map_rows(notebooks / "00_start_here.ipynb")
    lines: list[str] = []
    for key, title in GROUPS.items():
        group = [(name, rest) for name, rest in rows if name.startswith(key)]
        if key == "0":
            group.insert(0, ("00_start_here", " what this companion is, how to run it | both books |"))
        if not group:
            continue
        lines += [f"# {title}", "", "| notebook | what it shows | accompanies |", "|---|---|---|"]
        lines += [f"| {{doc}}`{name} </notebooks/{name}>` |{rest}" for name, rest in group]
        lines.append("")
    text = "\n".join(lines)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
