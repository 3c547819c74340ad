"""Progress bars (tqdm) that never break the work they report on.

A bar writes to stderr; when stderr is missing or closed (``2>&-``, ``pythonw``, a service)
tqdm would raise and abort the training or download it decorates, so the bar is simply
left off then.
"""

from __future__ import annotations

import io
import sys


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


def progress_bar(enabled: bool = True, **options):
    """A ``tqdm.auto.tqdm`` bar, disabled unless ``enabled`` and stderr is usable."""
    from tqdm.auto import tqdm

    return tqdm(disable=not (enabled and stderr_usable()), **options)
