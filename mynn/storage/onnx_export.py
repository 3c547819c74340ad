"""Export a network to ONNX, for people who don't run this code.

ONNX is an open format for trained models: a graph of standard operators plus the weights.
Any ONNX runtime (onnxruntime in Python, C++, C#, Java, JavaScript in a browser...) can run
the exported file. The book's forward pass for a batch of inputs ``X`` (one sample per
row, already scaled by ``pixel / 255 * 0.99 + 0.01``) is::

    outputs = sigmoid(sigmoid(X @ wih.T [+ bh]) @ who.T [+ bo])

which becomes the graph MatMul -> (Add) -> Sigmoid -> MatMul -> (Add) -> Sigmoid, with a
dynamic batch dimension. The file is for running the network, not for reloading it into
mynn (use :func:`mynn.storage.save` for that).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mynn.errors import require
from mynn.network import NeuralNetwork
from mynn.storage.files import StorageError, check_output_path, write_atomically

#: The ONNX operator set the graph is built for (supported by onnxruntime 1.13 and later).
OPSET = 17

#: The input's scaling, recorded in the file's metadata for whoever runs it.
INPUT_SCALING = "pixel / 255 * 0.99 + 0.01 (0..255 pixels to 0.01..1.0)"


def export_onnx(network: NeuralNetwork, path: str | os.PathLike, dtype: str = "float32") -> Path:
    """Write ``network`` as an ONNX model that computes :meth:`NeuralNetwork.query`.

    Parameters
    ----------
    network : NeuralNetwork
    path : path-like
        The file to write (``.onnx``), atomically.
    dtype : {"float32", "float64"}
        The number type inside the model. float32 is what most ONNX runtimes and
        accelerators expect; its outputs match ``query()`` to about 1e-7. float64 keeps
        the network's own precision.

    The model has one input ``inputs`` of shape (batch, input_nodes) and one output
    ``outputs`` of shape (batch, output_nodes); the batch size is free. Inputs must be
    scaled as the network's were in training (``mynn.scale_inputs``). Node counts, the
    learning rate, the input scaling and the mynn version are stored as metadata.
    Needs the ``onnx`` extra (``pip install 'mynn[onnx]'``). Returns the path written.
    """
    onnx = require("onnx", extra="onnx", purpose="ONNX files")
    from onnx import TensorProto, helper, numpy_helper

    from mynn import __version__

    if dtype not in ("float32", "float64"):
        raise StorageError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    path = Path(path)
    if path.suffix.lower() != ".onnx":
        raise StorageError(f"{path}: name the ONNX file with the suffix .onnx")
    target = check_output_path(path, create_parents=True)  # before any work
    element_type = TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE

    def tensor(name: str, values: np.ndarray):
        return numpy_helper.from_array(np.ascontiguousarray(values, dtype=dtype), name)

    has_bias = bool(getattr(network, "bias", False))
    initializers = [tensor("wih_T", network.wih.T), tensor("who_T", network.who.T)]
    nodes = [helper.make_node("MatMul", ["inputs", "wih_T"], ["hidden_inputs"])]
    hidden_inputs, final_inputs = "hidden_inputs", "final_inputs"
    if has_bias:
        initializers += [tensor("bh", network.bh), tensor("bo", network.bo)]
        nodes.append(helper.make_node("Add", ["hidden_inputs", "bh"], ["hidden_biased"]))
        hidden_inputs = "hidden_biased"
    nodes += [
        helper.make_node("Sigmoid", [hidden_inputs], ["hidden_outputs"]),
        helper.make_node("MatMul", ["hidden_outputs", "who_T"], ["final_inputs"]),
    ]
    if has_bias:
        nodes.append(helper.make_node("Add", ["final_inputs", "bo"], ["final_biased"]))
        final_inputs = "final_biased"
    nodes.append(helper.make_node("Sigmoid", [final_inputs], ["outputs"]))
    graph = helper.make_graph(
        nodes,
        "mynn_network",
        [helper.make_tensor_value_info("inputs", element_type, ["batch", network.inodes])],
        [helper.make_tensor_value_info("outputs", element_type, ["batch", network.onodes])],
        initializer=initializers,
        doc_string=f"The book's 3-layer sigmoid network; inputs scaled as {INPUT_SCALING}",
    )
    opsets = [helper.make_opsetid("", OPSET)]
    model = helper.make_model(
        graph,
        opset_imports=opsets,
        ir_version=helper.find_min_ir_version_for(opsets),
        producer_name="mynn",
        producer_version=__version__,
        doc_string="Make Your Own Neural Network: a 3-layer sigmoid network exported by mynn",
    )
    helper.set_model_props(
        model,
        {
            "input_nodes": str(network.inodes),
            "hidden_nodes": str(network.hnodes),
            "output_nodes": str(network.onodes),
            "learning_rate": repr(float(network.lr)),
            "activation": "sigmoid",
            "bias": str(has_bias).lower(),
            "input_scaling": INPUT_SCALING,
        },
    )
    onnx.checker.check_model(model, full_check=True)
    with write_atomically(target) as handle:
        handle.write(model.SerializeToString())
    return path
