"""mynn: the runnable companion to *Make Your Own Neural Network* and *Make Your First GAN*.

``import mynn`` is light: numpy only. Torch-based parts (``mynn.gan``) and the optional
storage formats import their heavy dependencies only when used.
"""

from mynn import datasets
from mynn._version import package_version
from mynn.errors import MynnError
from mynn.network import (
    NeuralNetwork,
    accuracy,
    confusion_matrix,
    make_targets,
    scale_inputs,
    sigmoid,
)
from mynn.storage import export_onnx, load, load_book_weights

__all__ = [
    "MynnError",
    "datasets",
    "NeuralNetwork",
    "accuracy",
    "confusion_matrix",
    "make_targets",
    "scale_inputs",
    "sigmoid",
    "load",
    "load_book_weights",
    "export_onnx",
]
__version__ = package_version()  # from the package metadata (pyproject.toml)
