"""`tf.estimator.export`: what `Estimator.export_saved_model` needs -- the serving inputs
(`ServingInputReceiver`, `TensorServingInputReceiver`, the raw-placeholder and parsing
receiver builders) and the signatures' outputs (`PredictOutput`, `ClassificationOutput`,
`RegressionOutput`), with TF1's checks."""
from __future__ import annotations

import collections
from typing import Any, Callable, Dict, Optional

from .. import logging as _log
from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.tensor_shape import TensorShape
from ..saved_model import signature_constants as _sc
from ..saved_model import signature_def_utils as _sdu

__all__ = ["ServingInputReceiver", "TensorServingInputReceiver",
           "build_raw_serving_input_receiver_fn", "build_parsing_serving_input_receiver_fn",
           "ExportOutput", "PredictOutput", "ClassificationOutput", "RegressionOutput"]


def _wrap_and_check(tensors: Any, field: str, default_key: str) -> Dict[str, Tensor]:
    if tensors is None:
        raise ValueError(f"{field} must be defined.")
    if not isinstance(tensors, dict):
        tensors = {default_key: tensors}
    for name, tensor in tensors.items():
        if not isinstance(name, str):
            raise ValueError(f"{field} keys must be strings: {name}.")
        if not isinstance(tensor, Tensor):
            raise ValueError(f"{field} {name} must be a Tensor.")
    return dict(tensors)


class ServingInputReceiver(collections.namedtuple(
        "ServingInputReceiver", ["features", "receiver_tensors",
                                 "receiver_tensors_alternatives"])):
    """The serving graph's inputs (`receiver_tensors`, what a client feeds) and the `features`
    the model_fn gets from them (`tf.estimator.export.ServingInputReceiver`); a single tensor
    is named "feature" / "input"."""

    def __new__(cls, features: Any, receiver_tensors: Any,
                receiver_tensors_alternatives: Optional[Dict] = None) -> "ServingInputReceiver":
        features = _wrap_and_check(features, "feature", "feature")
        receiver_tensors = _wrap_and_check(receiver_tensors, "receiver_tensor", "input")
        if receiver_tensors_alternatives is not None:
            if not isinstance(receiver_tensors_alternatives, dict):
                raise ValueError("receiver_tensors_alternatives must be a dict: "
                                 f"{receiver_tensors_alternatives}.")
            receiver_tensors_alternatives = {
                k: _wrap_and_check(v, "receiver_tensor", "input")
                for k, v in receiver_tensors_alternatives.items()}
        return super().__new__(cls, features, receiver_tensors, receiver_tensors_alternatives)


class TensorServingInputReceiver(collections.namedtuple(
        "TensorServingInputReceiver", ["features", "receiver_tensors",
                                       "receiver_tensors_alternatives"])):
    """Like `ServingInputReceiver`, but the model_fn gets `features` as a single tensor."""

    def __new__(cls, features: Tensor, receiver_tensors: Any,
                receiver_tensors_alternatives: Optional[Dict] = None
                ) -> "TensorServingInputReceiver":
        if features is None:
            raise ValueError("features must be defined.")
        if not isinstance(features, Tensor):
            raise ValueError(f"feature must be a Tensor; got {features}.")
        receiver = ServingInputReceiver({"feature": features}, receiver_tensors,
                                        receiver_tensors_alternatives)
        return super().__new__(cls, features, receiver.receiver_tensors,
                               receiver.receiver_tensors_alternatives)


def build_raw_serving_input_receiver_fn(features: Dict[str, Tensor],
                                        default_batch_size: Optional[int] = None) -> Callable:
    """A `serving_input_receiver_fn` feeding the model_fn placeholders shaped like `features`
    (batch dimension `default_batch_size`), each named by its key."""
    def serving_input_receiver_fn():
        from ..ops.array_ops import placeholder
        receiver_tensors = {}
        items = features.items() if isinstance(features, dict) else [("feature", features)]
        for name, t in items:
            shape = t.shape.as_list() if t.shape.ndims is not None else None
            if shape:
                shape[0] = default_batch_size
            receiver_tensors[name] = placeholder(t.dtype, TensorShape(shape), name=name)
        if not isinstance(features, dict):
            return TensorServingInputReceiver(receiver_tensors["feature"], receiver_tensors)
        return ServingInputReceiver(dict(receiver_tensors), receiver_tensors)
    return serving_input_receiver_fn


def build_parsing_serving_input_receiver_fn(feature_spec: Dict[str, Any],
                                            default_batch_size: Optional[int] = None
                                            ) -> Callable:
    """A `serving_input_receiver_fn` taking serialized `tf.Example`s (the string placeholder
    "input_example_tensor", receiver key "examples") parsed with `feature_spec` (e.g. from
    `tf.feature_column.make_parse_example_spec`)."""
    def serving_input_receiver_fn():
        from ..ops.array_ops import placeholder
        from ..ops.parsing_ops import parse_example
        serialized = placeholder(dtypes.string, [default_batch_size],
                                 name="input_example_tensor")
        return ServingInputReceiver(parse_example(serialized, feature_spec),
                                    {"examples": serialized})
    return serving_input_receiver_fn


class ExportOutput:
    """A signature's outputs (`tf.estimator.export.ExportOutput`)."""

    def as_signature_def(self, receiver_tensors: Dict[str, Tensor]) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.as_signature_def")


class PredictOutput(ExportOutput):
    """Arbitrary named output tensors (a Predict signature); a single tensor is named
    "output"."""

    def __init__(self, outputs: Any):
        if not isinstance(outputs, dict):
            outputs = {"output": outputs}
        for key, value in outputs.items():
            if not isinstance(key, str):
                raise ValueError(f"Prediction output key must be a string; got {key}.")
            if not isinstance(value, Tensor):
                raise ValueError(f"Prediction output value must be a Tensor; got {value}.")
        self._outputs = dict(outputs)

    @property
    def outputs(self) -> Dict[str, Tensor]:
        return self._outputs

    def as_signature_def(self, receiver_tensors: Dict[str, Tensor]) -> Any:
        return _sdu.predict_signature_def(receiver_tensors, self._outputs)


class ClassificationOutput(ExportOutput):
    """Class scores (float32) and/or class names (string) of a Classify signature, which
    takes one string tensor of serialized examples."""

    def __init__(self, scores: Optional[Tensor] = None, classes: Optional[Tensor] = None):
        if scores is not None and not (isinstance(scores, Tensor)
                                       and scores.dtype == dtypes.float32):
            raise ValueError(f"Classification scores must be a float32 Tensor; got {scores}")
        if classes is not None and not (isinstance(classes, Tensor)
                                        and classes.dtype == dtypes.string):
            raise ValueError(f"Classification classes must be a string Tensor; got {classes}")
        if scores is None and classes is None:
            raise ValueError("At least one of scores and classes must be set.")
        self._scores, self._classes = scores, classes

    scores = property(lambda self: self._scores)
    classes = property(lambda self: self._classes)

    def as_signature_def(self, receiver_tensors: Dict[str, Tensor]) -> Any:
        if len(receiver_tensors) != 1:
            raise ValueError("Classification input must be a single string Tensor; got "
                             f"{receiver_tensors}")
        (_, examples), = receiver_tensors.items()
        if examples.dtype != dtypes.string:
            raise ValueError("Classification input must be a single string Tensor; got "
                             f"{receiver_tensors}")
        return _sdu.classification_signature_def(examples, self._classes, self._scores)


class RegressionOutput(ExportOutput):
    """The float32 prediction of a Regress signature (one string tensor of serialized
    examples in)."""

    def __init__(self, value: Tensor):
        if not (isinstance(value, Tensor) and value.dtype == dtypes.float32):
            raise ValueError(f"Regression output value must be a float32 Tensor; got {value}")
        self._value = value

    value = property(lambda self: self._value)

    def as_signature_def(self, receiver_tensors: Dict[str, Tensor]) -> Any:
        if len(receiver_tensors) != 1:
            raise ValueError("Regression input must be a single string Tensor; got "
                             f"{receiver_tensors}")
        (_, examples), = receiver_tensors.items()
        if examples.dtype != dtypes.string:
            raise ValueError("Regression input must be a single string Tensor; got "
                             f"{receiver_tensors}")
        return _sdu.regression_signature_def(examples, self._value)


def default_export_outputs(export_outputs: Any, predictions: Any) -> Dict[str, ExportOutput]:
    """The PREDICT spec's export outputs: `export_outputs` checked, with the
    "serving_default" key added for a single output, or a `PredictOutput` of `predictions`."""
    if export_outputs is None:
        return {_sc.DEFAULT_SERVING_SIGNATURE_DEF_KEY: PredictOutput(predictions)}
    if not isinstance(export_outputs, dict):
        raise TypeError(f"export_outputs must be dict, given: {export_outputs}")
    for value in export_outputs.values():
        if not isinstance(value, ExportOutput):
            raise TypeError(f"Values in export_outputs must be ExportOutput objects. Given: "
                            f"{export_outputs}")
    export_outputs = dict(export_outputs)
    if len(export_outputs) == 1:
        (_, only), = export_outputs.items()
        export_outputs[_sc.DEFAULT_SERVING_SIGNATURE_DEF_KEY] = only
    elif _sc.DEFAULT_SERVING_SIGNATURE_DEF_KEY not in export_outputs:
        raise ValueError("Multiple export_outputs were provided, but none of them is specified "
                         "as the default.  Do this by naming one of them with "
                         "signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY.")
    return export_outputs


def build_signature_defs(receiver_tensors: Dict[str, Tensor],
                         export_outputs: Dict[str, ExportOutput],
                         alternatives: Optional[Dict[str, Dict[str, Tensor]]] = None
                         ) -> Dict[str, Any]:
    """`{signature key: SignatureDef}` for every export output that fits the receiver
    tensors (others are skipped with a warning, as TF1); alternatives add
    "<receiver name>:<output key>" signatures."""
    signatures = {}
    inputs = {None: receiver_tensors, **(alternatives or {})}
    for receiver_name, tensors in inputs.items():
        for key, output in export_outputs.items():
            name = key if receiver_name is None else f"{receiver_name}:{key}"
            try:
                signatures[name] = output.as_signature_def(tensors)
            except ValueError as e:
                _log.warning("Export includes no signature for %s: %s", name, e)
    if not signatures:
        raise ValueError("None of the export outputs makes a valid signature for the receiver "
                         f"tensors {sorted(receiver_tensors)}.")
    return signatures
