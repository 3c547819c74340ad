"""mynn's version, single-sourced from ``pyproject.toml`` through the package metadata.

An installed mynn (a wheel, ``pip install git+URL``, an editable install) has metadata, and
:func:`importlib.metadata.version` reads the version from it. A source tree used without
installing (``PYTHONPATH=/path/to/clone``, as the project's own development does) has none:
then the version is read from the ``pyproject.toml`` beside the package, the same line the
metadata is built from. Nothing else states the version.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path


def package_version() -> str:
    """The version of the mynn being imported, e.g. ``"0.1.0"`` (``"0+unknown"`` when
    neither metadata nor a ``pyproject.toml`` is there to say)."""
    try:
        return metadata.version("mynn")
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return "0+unknown"
    # The [project] table's version line (tomllib is Python 3.11+; mynn runs on 3.10 too).
    project = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, flags=re.M | re.S)
    match = project and re.search(r'^version\s*=\s*"([^"]+)"', project.group(1), flags=re.M)
    return match.group(1) if match else "0+unknown"
