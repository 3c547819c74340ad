"""CelebA faces for the book's face GANs: the zip -> HDF5 builder, a Dataset, the centre crop.

*Make Your First GAN With PyTorch* trains its face GANs on the aligned CelebA images
(``img_align_celeba.zip``: 202,599 JPEGs of 218 x 178 pixels, 3 colours). Reading 20,000
JPEGs out of a zip every epoch is slow, so the book first copies them into one HDF5 file,
then reads images from it during training. This module does the same, with three mends:

* Zips made on a Mac hold ``__MACOSX/._000001.jpg`` entries (resource forks, not images)
  that broke the book's builder; they, folders and any non-JPEG entry are skipped.
* The file is written atomically: an interrupted or failing build leaves no half-written
  file, and an existing file is replaced only once the new one is complete.
* A progress bar (tqdm) instead of a count printed every 1,000 images.
* Every image is decoded in full and checked before it is stored: a damaged JPEG (cut
  short, failing its zip checksum, encrypted, compressed in a way zipfile can't read, a
  decompression bomb, a size outside ``min_side..max_side``) is skipped and counted, and
  the skipped entries are reported at the end (:class:`BuildResult`, and a warning).

The HDF5 layout is the book's, so the book's own reading code works on the file:
a group ``img_align_celeba`` holding one uint8 dataset per image, named ``'0.jpg'``,
``'1.jpg'``, ... in the zip's order (each of shape height x width x 3, gzip level 9 by
default, as the book). Each dataset keeps the zip entry's name in its ``source`` attribute.

CelebA itself cannot be shipped with this project; download ``img_align_celeba.zip`` from
the CelebA page (Liu, Luo, Wang, Tang, *Deep Learning Face Attributes in the Wild*, 2015)
for non-commercial research use, then::

    from mynn.gan.celeba import build_hdf5, CelebADataset
    build_hdf5("img_align_celeba.zip", "celeba_aligned_small.h5py", limit=20_000)
    faces = CelebADataset("celeba_aligned_small.h5py", crop=128)   # 3 x 128 x 128, 0..1
    pixels = load_faces("celeba_aligned_small.h5py")   # uint8 (20000, 3, 128, 128) for train_gan

h5py (the ``storage`` extra) and torch (the ``torch`` extra) are imported only when used.
The book's convolutional face GAN lives in :mod:`mynn.gan.conv` (``FaceDiscriminator``,
``FaceGenerator``). This module was ``mynn.celeba``, which still re-exports it.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import numpy as np

from mynn.datasets import DatasetError
from mynn.errors import MynnError, UsageError, require
from mynn.files import atomic_writer

__all__ = [
    "GROUP",
    "BuildResult",
    "CelebADataset",
    "build_hdf5",
    "centre_crop",
    "demo_zip",
    "image_entries",
    "load_faces",
]

#: The group the book stores the images under.
GROUP = "img_align_celeba"

IMAGE_SUFFIXES = (".jpg", ".jpeg")

#: Sides (pixels) a stored face may have; CelebA's aligned faces are 178 x 218.
MIN_SIDE, MAX_SIDE = 16, 4096

_JPEG_MAGIC = b"\xff\xd8\xff"


class BuildResult(int):
    """The number of images :func:`build_hdf5` stored (an ``int``), with what it skipped.

    Attributes
    ----------
    skipped : tuple of (str, str)
        ``(zip entry, reason)`` for each damaged image left out, in the zip's order.
    """

    skipped: tuple[tuple[str, str], ...]

    def __new__(cls, stored: int, skipped=()):
        result = super().__new__(cls, stored)
        result.skipped = tuple(skipped)
        return result

    def report(self) -> str:
        """One line per skipped entry, after a count (empty when nothing was skipped)."""
        if not self.skipped:
            return ""
        lines = [f"skipped {len(self.skipped)} damaged image(s), stored {int(self)}:"]
        lines += [f"  {name}: {reason}" for name, reason in self.skipped]
        return "\n".join(lines)


class _Damaged(MynnError):
    """One zip entry is a damaged image: skipped and counted, not fatal."""


def _h5py():
    return require("h5py", extra="storage", purpose="CelebA's HDF5 files")


def image_entries(names) -> list[str]:
    """The zip entries that are images, in the zip's order.

    Skips folders, everything under ``__MACOSX/`` and AppleDouble files (``._name.jpg``,
    which macOS adds beside each file: they hold metadata, not a picture), and anything
    whose name does not end in .jpg or .jpeg (any case).
    """
    kept = []
    for name in names:
        path = PurePosixPath(name)
        if name.endswith("/") or "__MACOSX" in path.parts or path.name.startswith("._"):
            continue
        if path.suffix.lower() in IMAGE_SUFFIXES:
            kept.append(name)
    return kept


def _read_jpeg(
    archive: zipfile.ZipFile, name: str, min_side: int = MIN_SIDE, max_side: int = MAX_SIDE
) -> np.ndarray:
    """Decode one entry in full and check it; ``_Damaged`` names what is wrong.

    Raises :class:`~mynn.datasets.DatasetError` for an entry that is not a JPEG at all
    (the zip is not what it claims), ``_Damaged`` for a JPEG that can't be stored faithfully:
    failing its zip checksum, encrypted, in a compression zipfile can't read, cut short or
    with broken data, a decompression bomb, or a size outside ``min_side..max_side``.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        data = archive.read(name)
    except zipfile.BadZipFile as error:
        raise _Damaged(f"fails its zip checksum or is damaged ({error})") from None
    except NotImplementedError as error:  # "That compression method is not supported"
        raise _Damaged(f"compressed in a way Python's zipfile can't read ({error})") from None
    except RuntimeError as error:  # zipfile: "File ... is encrypted, password required"
        raise _Damaged(f"encrypted, can't be read ({error})") from None
    except (OSError, EOFError, zlib.error) as error:
        raise _Damaged(f"can't be decompressed ({error})") from None
    if not data.startswith(_JPEG_MAGIC):
        raise DatasetError(
            f"zip entry {name!r} is named like an image but is not a readable JPEG (it does not "
            "start as a JPEG does); remove it from the zip or download the zip again"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            width, height = picture.size
            if not (min_side <= min(width, height) and max(width, height) <= max_side):
                raise _Damaged(
                    f"its header says {width} x {height} pixels, outside the expected "
                    f"{min_side}..{max_side} per side"
                )
            picture.load()  # the full decode: a truncated or broken stream fails here
            pixels = np.asarray(picture.convert("RGB"), dtype=np.uint8)
    except _Damaged:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _Damaged(f"a decompression bomb ({error})") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _Damaged(f"a damaged JPEG ({error})") from None
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise _Damaged("a JPEG cut short (no end-of-image marker)")
    if pixels.shape != (height, width, 3):
        raise _Damaged(f"decodes to {pixels.shape}, not the {height} x {width} its header says")
    return pixels


def build_hdf5(
    zip_path: str | os.PathLike,
    h5_path: str | os.PathLike,
    limit: int | None = None,
    *,
    compression_level: int | None = 9,
    progress: bool = True,
    min_side: int = MIN_SIDE,
    max_side: int = MAX_SIDE,
) -> BuildResult:
    """Copy the JPEGs of a CelebA zip into an HDF5 file, in the book's layout.

    Parameters
    ----------
    zip_path : path
        ``img_align_celeba.zip`` (or any zip of JPEGs).
    h5_path : path
        The HDF5 file to write (the book calls it ``celeba_aligned_small.h5py``). Written
        to a temporary file beside it and renamed into place only when complete.
    limit : int, optional
        Copy only the first ``limit`` images (the book takes 20,000); all when None.
    compression_level : int or None
        gzip level of each dataset (the book's 9: smallest file, slowest build);
        None stores the pixels uncompressed.
    progress : bool
        Show a tqdm progress bar.
    min_side, max_side : int
        The range of sizes (pixels per side) an image may have; others are skipped, as
        are images whose size differs from the first one stored (CelebA's all share one).

    Returns
    -------
    BuildResult
        The number of images written (an ``int``): datasets ``'0.jpg'`` ...
        ``f'{n - 1}.jpg'`` of uint8, shape (height, width, 3), in the group
        ``img_align_celeba``; its ``skipped`` lists the damaged entries left out (also
        reported at the end as a ``UserWarning``). ``limit`` counts entries tried, so a
        skipped one is not replaced by the next.

    Raises
    ------
    DatasetError
        The zip is missing, not a regular file, not a zip, holds no JPEG, an entry named
        like a JPEG is not a JPEG at all, or every image is damaged. Nothing is written
        then, and an existing ``h5_path`` is kept.
    ValueError
        ``limit`` is not a positive whole number, or ``h5_path`` can't be written (checked
        before any work: an existing folder, a missing parent folder, the zip itself).
    """
    from mynn.progress import progress_bar

    h5py = _h5py()
    zip_path, h5_path = Path(zip_path), Path(h5_path)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise UsageError(f"limit must be a positive whole number (or None for all); got {limit!r}")
    if not zip_path.exists():
        raise DatasetError(f"{zip_path}: no such file; download img_align_celeba.zip first")
    if not stat.S_ISREG(zip_path.stat().st_mode):
        raise DatasetError(f"{zip_path}: not a regular file (a folder, a pipe or a device)")
    _check_target(h5_path)
    if not zipfile.is_zipfile(zip_path):
        raise DatasetError(f"{zip_path}: not a zip file; download img_align_celeba.zip again")
    if zip_path.resolve() == h5_path.resolve():
        raise UsageError("h5_path must differ from zip_path: it would overwrite the zip")
    compression = {} if compression_level is None else {"compression": "gzip"}
    if compression_level is not None:
        compression["compression_opts"] = compression_level

    from mynn.files import remove_stale_parts
    from mynn.storage.files import STALE_PART_SECONDS

    # left by a build that was killed (a day or more ago)
    remove_stale_parts(h5_path.parent, [h5_path.name], STALE_PART_SECONDS)
    with zipfile.ZipFile(zip_path) as archive:
        names = image_entries(archive.namelist())[:limit]
        if not names:
            raise DatasetError(
                f"{zip_path}: holds no .jpg images (only folders, __MACOSX entries or other "
                "files); is it the CelebA zip?"
            )
        with (
            atomic_writer(h5_path) as handle,
            h5py.File(handle, "w") as h5,
            progress_bar(progress, total=len(names), unit="img", desc=h5_path.name) as bar,
        ):
            group = h5.create_group(GROUP)
            group.attrs["source"] = zip_path.name
            stored, skipped, size = 0, [], None
            for name in names:
                try:
                    pixels = _read_jpeg(archive, name, min_side, max_side)
                    if size is not None and pixels.shape != size:
                        raise _Damaged(
                            f"{pixels.shape[1]} x {pixels.shape[0]} pixels, but the images "
                            f"before it are {size[1]} x {size[0]} (CelebA's all share one "
                            "size; a header that disagrees with its data decodes to another)"
                        )
                    size = pixels.shape
                except _Damaged as damage:
                    skipped.append((name, str(damage)))
                else:
                    dataset = group.create_dataset(f"{stored}.jpg", data=pixels, **compression)
                    dataset.attrs["source"] = name
                    stored += 1
                bar.update()
            if not stored:
                raise DatasetError(
                    f"{zip_path}: every image is damaged, nothing was written; the first: "
                    f"{skipped[0][0]!r} is {skipped[0][1]}. Download the zip again"
                )
    result = BuildResult(stored, skipped)
    if skipped:
        warnings.warn(result.report(), stacklevel=2)
    return result


def _check_target(h5_path: Path) -> None:
    """Refuse an output path that can't be written, before any work (the checks of
    :func:`mynn.storage.check_output_path`, raised as a :class:`UsageError`)."""
    from mynn.storage import StorageError, check_output_path

    try:
        check_output_path(h5_path)
    except StorageError as error:
        raise UsageError(str(error)) from None


def demo_zip(
    zip_path: str | os.PathLike, n: int = 8, seed: int = 0, mac_entries: bool = True
) -> Path:
    """Write a tiny made-up stand-in for ``img_align_celeba.zip``, to try the pipeline.

    ``n`` cartoon faces (an oval on a plain background, eyes, a mouth; random colours and
    positions) as 218 x 178 JPEGs named ``img_align_celeba/000001.jpg``, ... like CelebA's.
    With ``mac_entries`` it also holds what a Mac adds: ``__MACOSX/img_align_celeba/._*.jpg``
    resource forks (not pictures) and a ``.DS_Store``, the entries that broke the book's
    builder. Returns the path.
    """
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    zip_path = Path(zip_path)
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("img_align_celeba/", b"")
        for i in range(n):
            background = tuple(int(v) for v in rng.integers(60, 230, size=3))
            skin = tuple(int(v) for v in rng.integers([150, 100, 70], [255, 200, 170]))
            picture = Image.new("RGB", (178, 218), background)
            draw = ImageDraw.Draw(picture)
            cx, cy = 89 + rng.integers(-8, 9), 112 + rng.integers(-8, 9)
            half_w, half_h = rng.integers(44, 56), rng.integers(58, 70)
            draw.ellipse((cx - half_w, cy - half_h, cx + half_w, cy + half_h), fill=skin)
            hair = tuple(int(v) for v in rng.integers(0, 120, size=3))
            draw.chord((cx - half_w, cy - half_h - 6, cx + half_w, cy + 10), 180, 360, fill=hair)
            for side in (-1, 1):
                ex = cx + side * half_w // 2
                draw.ellipse((ex - 7, cy + 5, ex + 7, cy + 13), fill=(250, 250, 250))
                draw.ellipse((ex - 3, cy + 6, ex + 3, cy + 12), fill=(40, 30, 20))
            draw.arc((cx - 20, cy + 20, cx + 20, cy + 45), 20, 160, fill=(150, 40, 50), width=4)
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG", quality=90)
            name = f"img_align_celeba/{i + 1:06d}.jpg"
            archive.writestr(name, buffer.getvalue())
            if mac_entries:
                archive.writestr(f"__MACOSX/{name.replace('/', '/._')}", b"\x00\x05\x16\x07")
        if mac_entries:
            archive.writestr("img_align_celeba/.DS_Store", b"\x00\x00\x00\x01Bud1")
    return zip_path


def centre_crop(image, height: int = 128, width: int | None = None):
    """The middle ``height`` x ``width`` of an image laid out height x width (x channels).

    The book's crop: the top-left corner at (H // 2 - height // 2, W // 2 - width // 2), so
    a 218 x 178 CelebA image cropped to 128 x 128 keeps rows 45..172 and columns 25..152.
    Works on numpy arrays and torch tensors (channels last).
    """
    width = height if width is None else width
    full_height, full_width = image.shape[0], image.shape[1]
    if height > full_height or width > full_width or height < 1 or width < 1:
        raise UsageError(
            f"cannot crop {height} x {width} out of a {full_height} x {full_width} image; "
            "choose a crop no larger than the image"
        )
    top = full_height // 2 - height // 2
    left = full_width // 2 - width // 2
    return image[top : top + height, left : left + width]


def load_faces(
    h5_path: str | os.PathLike, n: int | None = None, crop: int | None = 128
) -> np.ndarray:
    """The first ``n`` faces of a :func:`build_hdf5` file as one uint8 array, channels first.

    Shape (n, 3, crop, crop) (or the whole image when ``crop`` is None), values 0..255:
    ready for :func:`mynn.gan.training.train_gan`, which divides uint8 pixels by 255.
    20,000 crops of 128 x 128 take 983 MB (3.9 GB once the loop turns them into floats).
    """
    faces = CelebADataset(h5_path, crop=crop)
    count = len(faces) if n is None else min(n, len(faces))
    if count < 1:
        raise UsageError(f"n must be at least 1, got {n}")
    try:
        return np.stack([faces.image(i).transpose(2, 0, 1) for i in range(count)])
    finally:
        faces.close()


class CelebADataset:
    """The faces of an HDF5 file made by :func:`build_hdf5`, as a map-style torch Dataset.

    ``dataset[i]`` is image ``'{i}.jpg'`` as a float32 tensor of shape 3 x H x W (channels
    first, as Conv2d wants it) with values in 0..1 (the stored 0..255 divided by 255),
    centre-cropped to ``crop`` x ``crop`` when ``crop`` is given (the book's conv GAN uses
    128). ``len(dataset)`` is the number of images. Works with ``torch.utils.data.DataLoader``
    (each worker opens the file for itself).

    Parameters
    ----------
    h5_path : path
        A file written by :func:`build_hdf5` (or by the book's own builder).
    crop : int, optional
        Side of the square centre crop; the whole image when None.
    """

    def __init__(self, h5_path: str | os.PathLike, crop: int | None = 128):
        self.path = Path(h5_path)
        self.crop = crop
        h5py = _h5py()
        if not self.path.exists():
            raise DatasetError(
                f"{self.path}: no such file; build it with mynn.gan.celeba.build_hdf5(zip_path, "
                f"{str(self.path)!r})"
            )
        try:
            with h5py.File(self.path, "r") as h5:
                if GROUP not in h5:
                    raise DatasetError(
                        f"{self.path}: no group {GROUP!r}; not a file made by build_hdf5"
                    )
                self._length = len(h5[GROUP])
        except OSError as error:
            raise DatasetError(f"{self.path}: not a readable HDF5 file ({error})") from None
        self._file = None

    def __len__(self) -> int:
        return self._length

    def image(self, index: int) -> np.ndarray:
        """Image ``index`` as stored: uint8, height x width x 3, cropped if ``crop`` is set."""
        if not -self._length <= index < self._length:
            raise IndexError(f"image {index} out of range: the file holds {self._length}")
        if self._file is None:  # opened on first use, so that each DataLoader worker has its own
            self._file = _h5py().File(self.path, "r")
        pixels = self._file[GROUP][f"{index % self._length}.jpg"][()]
        return pixels if self.crop is None else centre_crop(pixels, self.crop)

    def __getitem__(self, index: int):
        import torch

        pixels = np.ascontiguousarray(self.image(int(index)).transpose(2, 0, 1))
        return torch.from_numpy(pixels).float().div_(255.0)

    def __getstate__(self):
        return {**self.__dict__, "_file": None}

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __repr__(self) -> str:
        return f"CelebADataset({str(self.path)!r}, crop={self.crop}): {self._length} images"
