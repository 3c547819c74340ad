"""Verified downloads of the full datasets: mirrors, checksums, size caps and deadlines.

:func:`download` fetches a dataset's IDX files into the data folder
(:func:`~mynn.datasets.registry.data_dir`), guaranteeing, for every file:

1. **checksum and size**: the MD5 the dataset publishes must match, and a body longer than
   the published size (plus a margin; :data:`UNKNOWN_SIZE_CAP` when none is published) is
   cut off as soon as it goes past it, as is a ``Content-Length`` announcing more;
2. **a per-file deadline**: one file may take ``deadline`` seconds in all, however slowly a
   mirror trickles bytes (a per-read timeout alone never fires on a server that sends one
   byte every few seconds);
3. **the next mirror on any bad reply**: a refused connection, an HTTP error, a malformed
   status line or headers, a cut-off body, a wrong checksum, an oversize body or a missed
   deadline all count as that mirror failing, and the next mirror is tried;
4. **atomic files**: a file is renamed into place only once verified, so nothing
   half-written is ever left, and leftovers of a killed run are cleaned by the next;
5. **a clear offline message** listing each mirror's failure and what to do.

Why not ``pooch`` (+ ``platformdirs``)? Considered for issue 24: pooch 1.9 gives a
checksummed registry, a cache folder, atomic downloads and progress bars, but of the
guarantees above it lacks (2) a per-file deadline (``HTTPDownloader(timeout=)`` is handed
to ``requests`` as a per-read timeout, so a trickling mirror holds it for as long as it
keeps sending), (1)'s size cap (it streams whatever the server sends to disk and checks the
hash only at the end, so an endless body fills the disk), and (3) mirrors (one URL per
file: ``retry_if_failed`` retries the same URL). It would also add ``requests`` as a
dependency. ``platformdirs`` alone would only replace :func:`data_dir`'s six lines and move
the folder on macOS and Windows away from where existing readers' downloads are. So the
downloader stays hand-written, on the standard library, and the hostile-server tests in
``tests/test_datasets.py`` check each guarantee.
"""

from __future__ import annotations

import hashlib
import http.client
import math
import os
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from mynn.datasets.readers import DatasetError, _excerpt
from mynn.datasets.registry import DATASETS, RemoteDataset, data_dir
from mynn.errors import UsageError
from mynn.files import atomic_writer, remove_stale_parts

#: A file whose size the dataset table doesn't give is cut off beyond this many bytes.
UNKNOWN_SIZE_CAP = 256 * 2**20

#: Seconds one file's download may take, from the request to the last byte.
FILE_DEADLINE = 900.0


class DownloadInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`download`. It is a KeyboardInterrupt, and says what was kept:
    ``kept`` are the verified files in ``folder``; ``missing`` the ones still to fetch."""

    def __init__(self, folder: Path, kept: Sequence[str], missing: Sequence[str]):
        self.folder, self.kept, self.missing = folder, tuple(kept), tuple(missing)
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.kept:
            kept = (
                f"kept {len(self.kept)} verified file{'s' if len(self.kept) != 1 else ''} in "
                f"{self.folder} ({', '.join(self.kept)})"
            )
        else:
            kept = f"no file was complete yet, nothing was added to {self.folder}"
        rest = (
            f"Run the same command again to fetch the other {len(self.missing)}"
            if self.missing
            else "All files were already verified"
        )
        return f"{kept}; no half-written file was left. {rest}"


def download(
    dataset: str | RemoteDataset = "mnist",
    dest: str | os.PathLike | None = None,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    timeout: float = 30.0,
    deadline: float = FILE_DEADLINE,
) -> Path:
    """Download a dataset's IDX files, verifying each against its published MD5.

    Files go into ``<dest>/<dataset name>/``, where ``dest`` is the data folder (the same
    meaning as ``$MYNN_DATA_DIR``; default :func:`data_dir`), so that the loaders find
    them with ``MYNN_DATA_DIR=dest``. Mirrors are tried in turn for each file; a mirror
    that refuses, sends a malformed reply, sends more bytes than the file can have (its
    published size plus a margin), takes longer than ``deadline`` seconds for one file,
    or sends a file whose checksum differs counts as failed, and the next one is tried. A
    file is written to a temporary name in the folder and renamed into place only once its
    checksum matches, so an interrupted or corrupt download never leaves a half file
    behind; temporary files left by a killed run are removed by the next one. Files
    already present with the right checksum are kept. Returns the dataset's folder.

    Parameters
    ----------
    timeout : float
        Seconds to wait for the connection and for each piece of data.
    deadline : float
        Seconds one file may take in all (checked between pieces, so it can overrun by up
        to ``timeout``).

    Raises
    ------
    DatasetError
        If a file could not be fetched from any mirror (listing why for each).
    DownloadInterrupted
        On Ctrl-C, saying which verified files were kept.
    """
    spec = DATASETS.get(dataset) if isinstance(dataset, str) else dataset
    if spec is None:
        raise UsageError(f"unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}")
    if dest is not None and not str(dest).strip():
        raise UsageError(
            "the destination folder is empty (''); give the data folder to save into (the "
            "files go into DEST/<dataset>/), or leave it out to use $MYNN_DATA_DIR or "
            "~/.cache/mynn"
        )
    for name, value in (("timeout", timeout), ("deadline", deadline)):
        if not isinstance(value, int | float) or not 0 < value < math.inf:
            raise UsageError(f"{name} must be a positive number of seconds, got {value!r}")
    folder = (Path(dest).expanduser() if dest is not None else data_dir()) / spec.name
    mirrors = tuple(mirrors) if mirrors is not None else spec.mirrors
    kept: list[str] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(folder, spec.md5, older_than=deadline + timeout)
        for file_name, md5 in spec.md5.items():
            target = folder / file_name
            if not (target.exists() and _md5(target.read_bytes()) == md5):
                _fetch_from_mirrors(spec, file_name, folder, mirrors, progress, timeout, deadline)
            kept.append(file_name)
    except KeyboardInterrupt:
        missing = [name for name in spec.md5 if name not in kept]
        raise DownloadInterrupted(folder, kept, missing) from None
    return folder


def _fetch_from_mirrors(spec, file_name, folder, mirrors, progress, timeout, deadline) -> None:
    md5 = spec.md5[file_name]
    known = spec.sizes.get(file_name)
    limit = known + max(known // 10, 1 << 16) if known else UNKNOWN_SIZE_CAP
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + file_name
        try:
            _fetch_verified(url, folder / file_name, md5, progress, timeout, deadline, limit)
            return
        except (urllib.error.URLError, OSError, DatasetError) as error:
            failures.append(f"  {url}: {getattr(error, 'reason', error)}")
        except (http.client.HTTPException, ValueError) as error:
            # A malformed reply (bad status line, too many headers, a cut-off chunked body,
            # a URL urllib cannot use): this mirror failed, the next may work.
            reason = _excerpt(str(error), 60) if str(error) else "no details"
            failures.append(f"  {url}: malformed reply ({type(error).__name__}: {reason})")
    raise DatasetError(
        f"could not download {file_name} from any mirror:\n"
        + "\n".join(failures)
        + f"\nCheck your internet connection, or copy the file into {folder} by hand."
    )


def _fetch_verified(
    url: str, target: Path, md5: str, progress: bool, timeout: float, deadline: float, limit: int
) -> None:
    from mynn.progress import progress_bar

    start = time.monotonic()
    digest = hashlib.md5(usedforsecurity=False)
    received = 0
    with urllib.request.urlopen(url, timeout=timeout) as response:
        total = _content_length(response)
        if total is not None and total > limit:
            raise DatasetError(
                f"the server announces {total:,} bytes, more than this file can be "
                f"({limit:,} at most)"
            )
        read = getattr(response, "read1", response.read)  # read1: whatever has arrived
        with (
            atomic_writer(target, verify=lambda: digest.hexdigest() == md5) as handle,
            progress_bar(progress, total=total, unit="B", unit_scale=True, desc=target.name) as bar,
        ):
            while True:
                if time.monotonic() - start > deadline:
                    raise DatasetError(
                        f"gave up after {deadline:.0f} s with {received:,} bytes received: the "
                        "mirror is too slow (download(..., deadline=) allows longer)"
                    )
                chunk = read(1 << 16)
                if not chunk:
                    break
                received += len(chunk)
                if received > limit:
                    raise DatasetError(
                        f"the mirror sent more than {limit:,} bytes, more than this file can "
                        "be: stopped"
                    )
                handle.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
    if total is not None and received < total:
        raise DatasetError(f"the connection closed after {received:,} of {total:,} bytes")
    if digest.hexdigest() != md5:
        raise DatasetError(f"checksum mismatch (got MD5 {digest.hexdigest()}, expected {md5})")


def _content_length(response) -> int | None:
    """The announced size, or None when it is missing or not a number (``abc``)."""
    try:
        length = int(response.headers.get("Content-Length") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()
