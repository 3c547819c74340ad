"""The CelebA pipeline (zip -> HDF5 -> Dataset), on small JPEGs made here."""

import io
import zipfile

import numpy as np
import pytest

from mynn.datasets import DatasetError
from mynn.gan import celeba

h5py = pytest.importorskip("h5py")

HEIGHT, WIDTH = 36, 28  # small, with CelebA's portrait aspect (218 x 178)


def _jpeg(rng, shade):
    from PIL import Image

    pixels = np.clip(shade + rng.integers(-20, 20, size=(HEIGHT, WIDTH, 3)), 0, 255)
    buffer = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


@pytest.fixture
def face_zip(tmp_path, rng):
    """A zip like a Mac user's CelebA zip: a folder, 5 JPEGs, AppleDouble junk, a text file."""
    path = tmp_path / "img_align_celeba.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("img_align_celeba/", b"")
        for i in range(5):
            archive.writestr(f"img_align_celeba/{i + 1:06d}.jpg", _jpeg(rng, 40 * i + 30))
            archive.writestr(f"__MACOSX/img_align_celeba/._{i + 1:06d}.jpg", b"\x00\x05\x16\x07")
        archive.writestr("__MACOSX/._x.jpg", b"Mac OS X resource fork, not a picture")
        archive.writestr("img_align_celeba/._000009.jpg", b"AppleDouble")
        archive.writestr("img_align_celeba/README.txt", b"not an image")
        archive.writestr("img_align_celeba/.DS_Store", b"\x00\x00\x00\x01Bud1")
    return path


def test_image_entries_skip_mac_junk_folders_and_other_files():
    names = ["a/", "a/1.jpg", "__MACOSX/a/._1.jpg", "a/._2.jpg", "a/notes.txt", "a/3.JPEG"]
    assert celeba.image_entries(names) == ["a/1.jpg", "a/3.JPEG"]


def test_build_hdf5_writes_the_books_layout(face_zip, tmp_path):
    target = tmp_path / "celeba_aligned_small.h5py"
    assert celeba.build_hdf5(face_zip, target, progress=False) == 5
    with h5py.File(target, "r") as h5:
        group = h5["img_align_celeba"]
        assert sorted(group) == [f"{i}.jpg" for i in range(5)]
        first = group["0.jpg"]
        assert first.dtype == np.uint8 and first.shape == (HEIGHT, WIDTH, 3)
        assert first.compression == "gzip" and first.compression_opts == 9
        assert first.attrs["source"] == "img_align_celeba/000001.jpg"
        # the images keep their order and their pixels (JPEG is lossy: close, not equal)
        shades = [group[f"{i}.jpg"][()].mean() for i in range(5)]
        np.testing.assert_allclose(shades, [30, 70, 110, 150, 190], atol=3)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_build_hdf5_limit(face_zip, tmp_path):
    target = tmp_path / "small.h5"
    assert celeba.build_hdf5(face_zip, target, limit=2, compression_level=None, progress=False) == 2
    with h5py.File(target, "r") as h5:
        assert sorted(h5["img_align_celeba"]) == ["0.jpg", "1.jpg"]
        assert h5["img_align_celeba/0.jpg"].compression is None


def test_interrupted_build_leaves_no_half_file_and_keeps_the_old_one(
    face_zip, tmp_path, monkeypatch
):
    target = tmp_path / "faces.h5"
    assert celeba.build_hdf5(face_zip, target, limit=1, progress=False) == 1
    before = target.read_bytes()
    real_read = celeba._read_jpeg
    calls = []

    def interrupted_after_two(archive, name, *sizes):
        calls.append(name)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_read(archive, name, *sizes)

    monkeypatch.setattr(celeba, "_read_jpeg", interrupted_after_two)
    with pytest.raises(KeyboardInterrupt):
        celeba.build_hdf5(face_zip, target, progress=False)
    assert target.read_bytes() == before  # the old file, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faces.h5", face_zip.name]
    fresh = tmp_path / "fresh.h5"
    calls.clear()
    with pytest.raises(KeyboardInterrupt):
        celeba.build_hdf5(face_zip, fresh, progress=False)
    assert not fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faces.h5", face_zip.name]


def test_build_hdf5_clear_errors(tmp_path, rng):
    with pytest.raises(DatasetError, match="no such file"):
        celeba.build_hdf5(tmp_path / "missing.zip", tmp_path / "x.h5")
    not_zip = tmp_path / "fake.zip"
    not_zip.write_bytes(b"hello")
    with pytest.raises(DatasetError, match="not a zip"):
        celeba.build_hdf5(not_zip, tmp_path / "x.h5")
    only_junk = tmp_path / "junk.zip"
    with zipfile.ZipFile(only_junk, "w") as archive:
        archive.writestr("__MACOSX/._1.jpg", b"junk")
        archive.writestr("notes.txt", b"text")
    with pytest.raises(DatasetError, match="no .jpg images"):
        celeba.build_hdf5(only_junk, tmp_path / "x.h5")
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("1.jpg", _jpeg(rng, 100))
        archive.writestr("2.jpg", b"this is not a jpeg")
    with pytest.raises(DatasetError, match="'2.jpg' is named like an image"):
        celeba.build_hdf5(broken, tmp_path / "x.h5", progress=False)
    with pytest.raises(ValueError, match="limit"):
        celeba.build_hdf5(broken, tmp_path / "x.h5", limit=0)
    assert not (tmp_path / "x.h5").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_centre_crop_is_the_books():
    image = np.arange(218 * 178 * 3).reshape(218, 178, 3)
    cropped = celeba.centre_crop(image, 128)
    assert cropped.shape == (128, 128, 3)
    np.testing.assert_array_equal(cropped, image[45:173, 25:153])
    assert celeba.centre_crop(image, 100, 60).shape == (100, 60, 3)
    with pytest.raises(ValueError, match="cannot crop"):
        celeba.centre_crop(image, 200)


def test_dataset_items_are_cropped_channels_first_in_0_1(face_zip, tmp_path):
    torch = pytest.importorskip("torch")
    target = tmp_path / "faces.h5"
    celeba.build_hdf5(face_zip, target, progress=False)
    faces = celeba.CelebADataset(target, crop=16)
    assert len(faces) == 5
    item = faces[2]
    assert isinstance(item, torch.Tensor) and item.dtype == torch.float32
    assert item.shape == (3, 16, 16)
    assert 0.0 <= float(item.min()) and float(item.max()) <= 1.0
    stored = faces.image(2)  # uint8, cropped, channels last
    np.testing.assert_allclose(item.permute(1, 2, 0).numpy(), stored / 255.0, rtol=1e-6)
    assert faces[-1].shape == (3, 16, 16)
    with pytest.raises(IndexError, match="holds 5"):
        faces[5]
    whole = celeba.CelebADataset(target, crop=None)
    assert whole[0].shape == (3, HEIGHT, WIDTH)
    batch = next(iter(torch.utils.data.DataLoader(faces, batch_size=4)))
    assert batch.shape == (4, 3, 16, 16)
    faces.close()


def test_load_faces_is_the_datasets_images_as_uint8(face_zip, tmp_path):
    target = tmp_path / "faces.h5"
    celeba.build_hdf5(face_zip, target, progress=False)
    pixels = celeba.load_faces(target, crop=16)
    assert pixels.dtype == np.uint8 and pixels.shape == (5, 3, 16, 16)
    faces = celeba.CelebADataset(target, crop=16)
    np.testing.assert_array_equal(pixels[3], faces.image(3).transpose(2, 0, 1))
    assert celeba.load_faces(target, n=2, crop=None).shape == (2, 3, HEIGHT, WIDTH)
    with pytest.raises(ValueError, match="at least 1"):
        celeba.load_faces(target, n=0)


def test_dataset_clear_errors(tmp_path):
    with pytest.raises(DatasetError, match="build_hdf5"):
        celeba.CelebADataset(tmp_path / "none.h5")
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as h5:
        h5.create_dataset("x", data=[1, 2])
    with pytest.raises(DatasetError, match="no group 'img_align_celeba'"):
        celeba.CelebADataset(other)
    garbage = tmp_path / "garbage.h5"
    garbage.write_bytes(b"not hdf5")
    with pytest.raises(DatasetError, match="not a readable HDF5"):
        celeba.CelebADataset(garbage)


def test_import_does_not_need_torch_or_h5py():
    import subprocess
    import sys

    code = (
        "import mynn.celeba, sys; assert 'torch' not in sys.modules and 'h5py' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_demo_zip_is_a_mac_style_celeba_stand_in(tmp_path):
    path = celeba.demo_zip(tmp_path / "demo.zip", n=3)
    names = zipfile.ZipFile(path).namelist()
    assert any(name.startswith("__MACOSX/") for name in names)
    assert celeba.image_entries(names) == [f"img_align_celeba/00000{i}.jpg" for i in (1, 2, 3)]
    assert celeba.build_hdf5(path, tmp_path / "demo.h5", progress=False) == 3
    assert celeba.CelebADataset(tmp_path / "demo.h5", crop=None).image(0).shape == (218, 178, 3)


# ------------------------------------------------------------------ damaged entries (issue 23)


def _with_size(jpeg: bytes, height: int, width: int) -> bytes:
    """The JPEG with its frame header (SOF0) claiming another size than its data holds."""
    import struct

    at = jpeg.index(b"\xff\xc0") + 5  # marker, length (2), precision (1), then height, width
    return jpeg[:at] + struct.pack(">HH", height, width) + jpeg[at + 4 :]


def _patch_central(path, name: str, offset: int, value: bytes) -> None:
    """Overwrite bytes of an entry's central-directory record (flags at 8, method at 10)."""
    raw = bytearray(path.read_bytes())
    start = 0
    while True:
        start = raw.index(b"PK\x01\x02", start)
        length = int.from_bytes(raw[start + 28 : start + 30], "little")
        if raw[start + 46 : start + 46 + length] == name.encode():
            raw[start + offset : start + offset + len(value)] = value
            path.write_bytes(bytes(raw))
            return
        start += 4


def test_damaged_images_are_skipped_counted_and_reported(tmp_path, rng):
    """The probe's damaged entries: each skipped and named, the good ones stored exactly."""
    from PIL import Image

    good = [_jpeg(rng, 90), _jpeg(rng, 160)]
    # A 178 x 218 picture (CelebA's size) whose header claims 356 x 436 (libjpeg decodes
    # it without an error, filling the missing rows), or which really is another size.
    face = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (218, 178, 3), dtype=np.uint8)).save(face, "JPEG")
    path = tmp_path / "faces.zip"
    entries = {
        "a/000001.jpg": good[0],
        "a/000002.jpg": good[0][: len(good[0]) // 2],  # cut short
        "a/000003.jpg": _with_size(face.getvalue(), 436, 356),  # header disagrees with data
        "a/000004.jpg": _with_size(good[1], 11000, 11000),  # a 121-megapixel header
        "a/000005.jpg": good[1],  # its stored bytes are damaged below: bad CRC
        "a/000006.jpg": good[1],  # marked encrypted below
        "a/000007.jpg": good[1],  # an unknown compression method below
        "a/000008.jpg": good[1],
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    raw = bytearray(path.read_bytes())
    fifth = raw.index(b"a/000005.jpg") + len("a/000005.jpg") + len(good[1]) // 2
    raw[fifth] ^= 0xFF
    path.write_bytes(bytes(raw))
    _patch_central(path, "a/000006.jpg", 8, b"\x01\x00")  # flag bit 0: encrypted
    _patch_central(path, "a/000007.jpg", 10, b"\x63\x00")  # method 99 (AES)
    target = tmp_path / "faces.h5"
    with pytest.warns(UserWarning, match="skipped 6 damaged image") as caught:
        result = celeba.build_hdf5(path, target, progress=False)
    assert result == 2 and isinstance(result, int)
    reasons = dict(result.skipped)
    assert list(reasons) == [f"a/00000{i}.jpg" for i in range(2, 8)]
    assert "cut short" in reasons["a/000002.jpg"] or "damaged" in reasons["a/000002.jpg"]
    assert "356 x 436 pixels, but the images before it are 28 x 36" in reasons["a/000003.jpg"]
    assert "decompression bomb (Image size (121000000 pixels)" in reasons["a/000004.jpg"]
    assert "zip checksum" in reasons["a/000005.jpg"]
    assert "encrypted" in reasons["a/000006.jpg"]
    assert "compressed in a way" in reasons["a/000007.jpg"]
    assert "a/000007.jpg" in str(caught[0].message)
    with h5py.File(target, "r") as h5:
        group = h5["img_align_celeba"]
        assert sorted(group) == ["0.jpg", "1.jpg"]
        assert [group[n].attrs["source"] for n in ("0.jpg", "1.jpg")] == ["a/000001.jpg",
                                                                          "a/000008.jpg"]  # fmt: skip


def test_a_decompression_bomb_header_is_skipped(tmp_path, rng):
    path = tmp_path / "faces.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("1.jpg", _jpeg(rng, 100))
        archive.writestr("2.jpg", _with_size(_jpeg(rng, 100), 10000, 10000))  # 100 megapixels
    with pytest.warns(UserWarning, match="decompression bomb"):
        result = celeba.build_hdf5(path, tmp_path / "x.h5", progress=False, max_side=20000)
    assert result == 1 and result.skipped[0][0] == "2.jpg"


def test_every_image_damaged_is_an_error_and_writes_nothing(tmp_path, rng):
    path = tmp_path / "faces.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("1.jpg", _jpeg(rng, 100)[:200])
    with pytest.raises(DatasetError, match="every image is damaged.*'1.jpg'"):
        celeba.build_hdf5(path, tmp_path / "x.h5", progress=False)
    assert not (tmp_path / "x.h5").exists()


def test_images_outside_the_size_range_are_skipped(tmp_path, rng):
    path = tmp_path / "faces.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("1.jpg", _jpeg(rng, 100))  # 28 x 36
        archive.writestr("2.jpg", _with_size(_jpeg(rng, 100), 8, 8))
    with pytest.warns(UserWarning, match="8 x 8 pixels, outside the expected 16..4096"):
        assert celeba.build_hdf5(path, tmp_path / "x.h5", progress=False) == 1
    with pytest.raises(DatasetError, match="every image is damaged.*28 x 36 pixels, outside the "
                       "expected 40..4096"):  # fmt: skip
        celeba.build_hdf5(path, tmp_path / "y.h5", progress=False, min_side=40)


def test_a_killed_builds_stale_part_file_is_cleaned(face_zip, tmp_path):
    import os
    import time

    from mynn.storage.files import STALE_PART_SECONDS

    stale = tmp_path / ".faces.h5.0123456789ab.part"
    stale.write_bytes(b"\x00" * 100_000)
    old = time.time() - STALE_PART_SECONDS - 60
    os.utime(stale, (old, old))
    assert celeba.build_hdf5(face_zip, tmp_path / "faces.h5", progress=False) == 5
    assert not stale.exists()
