"""`tf.saved_model.signature_def_utils` and `tf.saved_model.utils`: `TensorInfo` and
`SignatureDef` protos (TensorFlow's, from tensorboard's compiled copy) for graph tensors."""
from __future__ import annotations

from typing import Any, Dict, Optional

from ..framework import graph_io
from ..framework.graph import Tensor
from . import signature_constants as _sc


def build_tensor_info(tensor: Any) -> Any:
    """The `TensorInfo` (name, dtype, shape) of a `Tensor` (`tf.saved_model.build_tensor_info`).

    Raises:
      ValueError: For a sparse tensor or anything that is not a `Tensor`.
    """
    if not isinstance(tensor, Tensor):
        raise ValueError(f"build_tensor_info needs a Tensor, got {type(tensor).__name__}: "
                         f"{tensor!r}")
    pb = graph_io.protos()
    info = pb.meta_graph_pb2.TensorInfo(name=tensor.name, dtype=graph_io.dtype_enum(tensor.dtype))
    info.tensor_shape.CopyFrom(graph_io.shape_proto(tensor.shape))
    return info


def get_tensor_from_tensor_info(tensor_info: Any, graph: Any = None,
                                import_scope: Optional[str] = None) -> Tensor:
    """The graph tensor a `TensorInfo` names (`tf.saved_model.get_tensor_from_tensor_info`)."""
    from ..framework.graph import get_default_graph
    graph = graph or get_default_graph()
    name = tensor_info.name
    if import_scope:
        name = import_scope.rstrip("/") + "/" + name
    if tensor_info.WhichOneof("encoding") != "name":
        raise ValueError(f"Only dense tensors are supported; {tensor_info} is encoded as "
                         f"{tensor_info.WhichOneof('encoding')}")
    return graph.get_tensor_by_name(name)


def build_signature_def(inputs: Optional[Dict[str, Any]] = None,
                        outputs: Optional[Dict[str, Any]] = None,
                        method_name: Optional[str] = None) -> Any:
    """A `SignatureDef` from `{key: TensorInfo}` maps and a method name."""
    pb = graph_io.protos()
    sig = pb.meta_graph_pb2.SignatureDef()
    for k, v in (inputs or {}).items():
        sig.inputs[k].CopyFrom(v)
    for k, v in (outputs or {}).items():
        sig.outputs[k].CopyFrom(v)
    if method_name is not None:
        sig.method_name = method_name
    return sig


def predict_signature_def(inputs: Dict[str, Tensor], outputs: Dict[str, Tensor]) -> Any:
    """A Predict `SignatureDef` (TF Serving's "tensorflow/serving/predict") of named tensors.

    Raises:
      ValueError: If `inputs` or `outputs` is None or empty.
    """
    if not inputs:
        raise ValueError("Prediction inputs cannot be None or empty.")
    if not outputs:
        raise ValueError("Prediction outputs cannot be None or empty.")
    return build_signature_def({k: build_tensor_info(t) for k, t in inputs.items()},
                               {k: build_tensor_info(t) for k, t in outputs.items()},
                               _sc.PREDICT_METHOD_NAME)


def classification_signature_def(examples: Tensor, classes: Optional[Tensor],
                                 scores: Optional[Tensor]) -> Any:
    """A Classify `SignatureDef` (serialized examples in; classes and/or scores out)."""
    if examples is None:
        raise ValueError("Classification examples cannot be None.")
    if classes is None and scores is None:
        raise ValueError("Classification classes and scores cannot both be None.")
    outputs = {}
    if classes is not None:
        outputs[_sc.CLASSIFY_OUTPUT_CLASSES] = build_tensor_info(classes)
    if scores is not None:
        outputs[_sc.CLASSIFY_OUTPUT_SCORES] = build_tensor_info(scores)
    return build_signature_def({_sc.CLASSIFY_INPUTS: build_tensor_info(examples)}, outputs,
                               _sc.CLASSIFY_METHOD_NAME)


def regression_signature_def(examples: Tensor, predictions: Tensor) -> Any:
    """A Regress `SignatureDef` (serialized examples in, predictions out)."""
    if examples is None or predictions is None:
        raise ValueError("Regression examples and predictions cannot be None.")
    return build_signature_def({_sc.REGRESS_INPUTS: build_tensor_info(examples)},
                               {_sc.REGRESS_OUTPUTS: build_tensor_info(predictions)},
                               _sc.REGRESS_METHOD_NAME)


def is_valid_signature(signature_def: Any) -> bool:
    """True for a SignatureDef with a method name, inputs and outputs, all named tensors."""
    if signature_def is None or not signature_def.method_name:
        return False
    if not signature_def.inputs or not signature_def.outputs:
        return False
    return all(v.name for v in list(signature_def.inputs.values()) +
               list(signature_def.outputs.values()))


__all__ = ["build_signature_def", "predict_signature_def", "classification_signature_def",
           "regression_signature_def", "is_valid_signature"]
