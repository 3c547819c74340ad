"""This computer's memory, and refusing work that cannot fit in it, before allocating.

numpy asked for an array larger than memory either fails with a bare ``MemoryError`` or,
worse, succeeds lazily and the machine starts swapping. mynn checks the size first and
says how much was asked for and how much there is, in one unit system: binary (1 KiB =
1024 bytes, 1 GiB = 2**30 bytes), the units operating systems report memory in.
"""

from __future__ import annotations

import os

from mynn.checks import ArgumentError

__all__ = ["format_bytes", "physical_memory", "require_memory"]

_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")


def physical_memory() -> int | None:
    """This machine's physical memory in bytes (page size x page count); None if unknown."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX
        return None


def format_bytes(count: float, unit: str | None = None) -> str:
    """A byte count for people: ``format_bytes(3 * 2**30)`` is ``'3.0 GiB'``.

    Binary units (a KiB is 1024 bytes). ``unit`` fixes the unit (say ``"GiB"``, so two
    numbers in one message compare at a glance); by default the largest unit that keeps
    the number at least 1 is used.
    """
    if unit is not None and unit not in _UNITS:
        raise ArgumentError(f"unit must be one of {', '.join(_UNITS)}; got {unit!r}")
    chosen = unit
    if chosen is None:
        chosen = "bytes"
        for index, name in enumerate(_UNITS):
            if count >= 1024**index:
                chosen = name
    value = count / 1024 ** _UNITS.index(chosen)
    return f"{value:,.0f} bytes" if chosen == "bytes" else f"{value:,.1f} {chosen}"


def require_memory(needed: int, what: str, fix: str, unit: str | None = None) -> None:
    """Refuse, with the numbers, work whose ``needed`` bytes exceed this machine's memory.

    The message reads "{what}: N of memory needed, more than this machine's M; {fix}".
    Does nothing where the memory size is unknown (numpy then gets its chance).

    Raises
    ------
    ArgumentError
        ``needed`` is more than the physical memory.
    """
    available = physical_memory()
    if available is not None and needed > available:
        raise ArgumentError(
            f"{what}: {format_bytes(needed, unit)} of memory needed, more than this machine's "
            f"{format_bytes(available, unit)}; {fix}"
        )
