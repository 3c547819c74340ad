"""File helpers every part of mynn uses: the atomic writer and its leftovers.

Every file mynn writes (data, networks, checkpoints, ONNX, HDF5, GIFs, GAN samples, the
bundled samples) goes through :func:`atomic_writer`, so an interrupted or failed write
never destroys or half-writes a file that was already there. A write that is killed
outright (SIGKILL, power loss) can leave its temporary ``.<name>.<random>.part`` file
behind; :func:`remove_stale_parts` removes such leftovers once they are older than any
live write could be.

This module imports nothing from the rest of mynn, so a plot or storage module can write a
file without importing the data module.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["atomic_writer", "remove_stale_parts"]


@contextlib.contextmanager
def atomic_writer(path: Path, verify=lambda: True) -> Iterator[io.BufferedWriter]:
    """Write to a temporary file beside ``path``; rename it into place only on success.

    mynn's one atomic writer: every file mynn writes (data, networks, checkpoints, ONNX,
    HDF5, GIFs, GAN samples) goes through it, so an interrupted or failed write never
    destroys or half-writes a file that was already there. ``verify`` is checked before the
    rename (e.g. a checksum); if it returns False nothing is replaced.

    The new file gets the permissions of the file it replaces, or, for a new file, what
    any new file gets here (0o666 less the umask, or the folder's default ACL): the
    temporary file is created with mode 0o666 and the system applies them. The process's
    umask is never changed, so other threads never see a different one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    name, descriptor = _create_temporary(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        if path.exists():
            os.chmod(name, path.stat().st_mode & 0o777)
        if verify():
            os.replace(name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def _create_temporary(path: Path) -> tuple[Path, int]:
    """A new, empty file ``.<name>.<random>.part`` beside ``path``, open for writing."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = path.parent / f".{path.name}.{secrets.token_hex(6)}.part"
        try:
            return name, os.open(name, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {path}")


def remove_stale_parts(folder: Path, names: Iterable[str], older_than: float) -> None:
    """Remove temporary files that a killed write of ``folder/<name>`` left behind.

    Only files named as :func:`atomic_writer` names them (``.<name>.<random>.part``) are
    touched, and only those untouched for more than ``older_than`` seconds: a file that old
    cannot belong to a live write. Younger ones are left alone (and harmless: every write
    uses a fresh temporary name). Files that vanish or cannot be removed are skipped.
    """
    now = time.time()
    for name in names:
        for part in Path(folder).glob(f".{glob.escape(name)}.*.part"):
            with contextlib.suppress(OSError):
                if part.is_file() and now - part.stat().st_mtime > older_than:
                    part.unlink()
