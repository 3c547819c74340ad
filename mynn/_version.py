"""mynn's version, single-sourced from ``pyproject.toml`` through the package metadata.

An installed mynn (a wheel, ``pip install git+URL``, an editable install) has metadata, and
:func:`importlib.metadata.version` reads the version from it. A source tree used without
installing (``PYTHONPATH=/path/to/clone``, as the project's own development does) has none:
then the version is read from the ``pyproject.toml`` beside the package, the same line the
metadata is built from. Nothing else states the version.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path


def package_version() -> str:
    """The version of the mynn being imported, e.g. ``"0.1.0"`` (``"0+unknown"`` when
    neither metadata nor a ``pyproject.toml`` is there to say)."""
    try:
        return metadata.version("mynn")
    except metadata.PackageNotFoundError:
        pass
    import tomllib  # only a source tree needs it

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return "0+unknown"
    if project.get("name") != "mynn" or "version" not in project:
        return "0+unknown"  # a pyproject.toml above the package, but not mynn's
    return str(project["version"])
