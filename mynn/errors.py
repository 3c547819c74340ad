"""mynn's errors: one base class, and one way to say an optional package is missing.

Every error mynn defines derives from :class:`MynnError` *and* keeps the built-in class it
had before (``StorageError`` is still a ``ValueError``, ``MissingDependencyError`` an
``ImportError``), so ``except ValueError`` code keeps working while ``except MynnError``
catches exactly the problems mynn found and explained. The command line prints one line
for a ``MynnError`` and a traceback for anything else (an internal bug).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingDependencyError", "MynnError", "UsageError", "require"]


class MynnError(Exception):
    """The base of every error mynn raises on purpose: the message names the problem and the fix."""


class UsageError(MynnError, ValueError):
    """A setting or argument that mynn cannot use (an option given on the command line, say)."""


class MissingDependencyError(MynnError, ImportError):
    """An optional package a feature needs (h5py, onnx, torch, ...) is not installed."""


def require(module: str, *, extra: str, purpose: str, alternative: str = "") -> ModuleType:
    """Import an optional dependency, or raise :class:`MissingDependencyError` saying how to get it.

    The message reads ``"<purpose> need <package>, which is not installed: pip install
    'mynn[<extra>]' (or pip install <package>)[, <alternative>]"``.

    Parameters
    ----------
    module : str
        The module to import, e.g. ``"h5py"`` or ``"onnx.helper"``.
    extra : str
        mynn's extra that installs it (``pip install 'mynn[EXTRA]'``).
    purpose : str
        What needs it, a plural noun phrase: ``"HDF5 files (.h5, .hdf5)"``.
    alternative : str, optional
        A way to do without it, appended after a comma (``"or save as .npz"``).
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        raise MissingDependencyError(
            f"{purpose} need {package}, which is not installed: pip install 'mynn[{extra}]' "
            f"(or pip install {package})" + (f", {alternative}" if alternative else "")
        ) from None
