"""Progress bars (tqdm) that never break the work they report on, and mynn's one rule for them.

The rule, for every mynn function with a ``progress`` argument: ``progress=None`` (the
default) shows a bar when stderr is a terminal (an interactive shell, the command line)
and none in notebooks, pipes, logs and tests, where a bar would only add noise to saved
output; ``progress=True`` asks for one anywhere (in a notebook too), ``progress=False``
never shows one.

A bar writes to stderr; when stderr is missing or closed (``2>&-``, ``pythonw``, a service)
tqdm would raise and abort the training or download it decorates, so the bar is simply
left off then, whatever was asked.
"""

from __future__ import annotations

import io
import sys

import numpy as np

from mynn.errors import UsageError


def stderr_usable() -> bool:
    """False when stderr is missing or closed."""
    stream = sys.stderr
    if stream is None or getattr(stream, "closed", True):
        return False
    try:
        stream.fileno()
    except io.UnsupportedOperation:  # a notebook's or StringIO stream: no descriptor, fine
        return True
    except (AttributeError, ValueError, OSError):  # ValueError: the file is closed
        return False
    return True


def stderr_is_terminal() -> bool:
    """True when stderr is an interactive terminal (where ``progress=None`` shows a bar)."""
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError, OSError):  # missing or closed
        return False


def wanted(progress: bool | None) -> bool:
    """Whether ``progress`` asks for a bar here: None means "if stderr is a terminal"."""
    if progress is None:
        return stderr_is_terminal()
    if not isinstance(progress, (bool, np.bool_)):
        raise UsageError(f"progress must be True, False or None (automatic), got {progress!r}")
    return bool(progress)


def progress_bar(enabled: bool | None = None, **options):
    """A ``tqdm.auto.tqdm`` bar, shown when :func:`wanted` (``enabled``) and stderr is usable."""
    from tqdm.auto import tqdm

    return tqdm(disable=not (wanted(enabled) and stderr_usable()), **options)
