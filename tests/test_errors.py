"""One base error class: every exception mynn defines is a mynn.MynnError (issue 24)."""

import importlib
import inspect
import pkgutil
import sys

import pytest

import mynn
from mynn import errors


def _mynn_modules():
    for info in pkgutil.walk_packages(mynn.__path__, "mynn."):
        if info.name == "mynn.__main__":  # runs the command line when imported
            continue
        try:
            yield importlib.import_module(info.name)
        except errors.MissingDependencyError:
            continue  # an optional extra this machine lacks
        except ImportError as error:
            if error.name and error.name.split(".")[0] in ("torch", "h5py", "onnx", "ipywidgets",
                                                           "ipycanvas", "onnxruntime"):  # fmt: skip
                continue
            raise


def test_every_exception_mynn_defines_derives_from_mynn_error():
    found = []
    for module in _mynn_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, Exception):
                found.append(cls)
                assert issubclass(cls, errors.MynnError), f"{cls.__module__}.{cls.__qualname__}"
    names = {cls.__name__ for cls in found}
    # The walk really finds them (a walk that found nothing would pass vacuously).
    assert {"MynnError", "StorageError", "DatasetError", "TrainingDiverged",
            "BlankImageError"} <= names  # fmt: skip


def test_each_keeps_its_builtin_base():
    from mynn import datasets, images, storage, training

    assert mynn.MynnError is errors.MynnError
    assert issubclass(storage.StorageError, ValueError)
    assert issubclass(storage.MissingDependencyError, ImportError)
    assert storage.MissingDependencyError is errors.MissingDependencyError
    assert issubclass(images.BlankImageError, ValueError)
    assert issubclass(training.TrainingDiverged, ValueError)
    assert issubclass(errors.UsageError, ValueError)
    assert issubclass(datasets.DatasetError, errors.MynnError)


def test_require_names_the_extra_and_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(errors.MissingDependencyError) as caught:
        errors.require("h5py", extra="storage", purpose="HDF5 files", alternative="or use .npz")
    assert str(caught.value) == (
        "HDF5 files need h5py, which is not installed: pip install 'mynn[storage]' (or pip "
        "install h5py), or use .npz"
    )
    assert errors.require("json", extra="x", purpose="y") is importlib.import_module("json")


def test_celeba_without_h5py_raises_the_one_missing_dependency_error(monkeypatch, tmp_path):
    from mynn.gan import celeba

    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(mynn.MynnError, match=r"pip install 'mynn\[storage\]'") as caught:
        celeba.build_hdf5(tmp_path / "x.zip", tmp_path / "x.h5")
    assert isinstance(caught.value, ImportError)


def test_celeba_moved_into_gan_and_the_old_name_still_works():
    import mynn.celeba as old
    from mynn.gan import celeba

    for name in old.__all__:
        assert getattr(old, name) is getattr(celeba, name)
    for module in (old, celeba):
        assert not hasattr(module, "FaceGenerator")
        assert not hasattr(module, "__getattr__")
