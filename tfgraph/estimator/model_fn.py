"""`tf.estimator.ModeKeys` and `tf.estimator.EstimatorSpec`: what a `model_fn` returns, checked
as TF1 checks it (required fields per mode, scalar loss, tensors of the current graph,
`(value, update_op)` metric pairs, `SessionRunHook`s, a `Scaffold`)."""
from __future__ import annotations

import collections
from typing import Any, Dict, Optional

from ..framework.graph import Operation, Tensor, get_default_graph
from ..ops import array_ops
from ..ops.variables import Variable
from ..train.basic_session_run_hooks import SessionRunHook
from ..train.monitored_session import Scaffold

__all__ = ["ModeKeys", "EstimatorSpec"]

LOSS_METRIC_KEY = "loss"
AVERAGE_LOSS_METRIC_KEY = "average_loss"


class ModeKeys:
    """The three modes a `model_fn` is called in (`tf.estimator.ModeKeys`)."""
    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


_GRAPH_ERROR = ("{0} with {1} must be from the default graph. Possible causes of this error "
                "include: \n\n1) {0} was created outside the context of the default graph."
                "\n\n2) The object passed through to EstimatorSpec was not created in the "
                "most recent call to \"model_fn\".")


def _check_is_tensor(x: Any, name: str) -> Tensor:
    if isinstance(x, Variable):
        x = x.value() if hasattr(x, "value") else x
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be Tensor, given: {x}")
    return x


def _check_in_graph(x: Any, what: str, name: str) -> None:
    if x.graph is not get_default_graph():
        raise ValueError(_GRAPH_ERROR.format(what, name))


def _validate_train_op(train_op: Any, mode: str) -> Any:
    if train_op is None:
        if mode == ModeKeys.TRAIN:
            raise ValueError("Missing train_op.")
        return None
    if isinstance(train_op, Variable):
        train_op = train_op.op
    if not isinstance(train_op, (Operation, Tensor)):
        raise TypeError(f"train_op must be Operation or Tensor, given: {train_op}")
    _check_in_graph(train_op, "train_op", train_op.name)
    return train_op


def _validate_loss(loss: Any, mode: str) -> Optional[Tensor]:
    if loss is None:
        if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
            raise ValueError("Missing loss.")
        return None
    loss = _check_is_tensor(loss, "loss")
    n = loss.shape.num_elements() if loss.shape.is_fully_defined() else None
    if loss.shape.ndims is not None and n not in (None, 1):
        raise ValueError(f"Loss must be scalar, given: {loss}")
    _check_in_graph(loss, "loss", loss.name)
    if loss.shape.ndims != 0:
        loss = array_ops.reshape(loss, [])
    return loss


def _validate_predictions(predictions: Any, mode: str) -> Any:
    if predictions is None:
        if mode == ModeKeys.PREDICT:
            raise ValueError("Missing predictions.")
        return {}
    if isinstance(predictions, dict):
        predictions = {k: _check_is_tensor(v, f"predictions[{k}]")
                       for k, v in predictions.items()}
        for k, v in predictions.items():
            _check_in_graph(v, "prediction values", f"{k}: {v.name}")
        return predictions
    predictions = _check_is_tensor(predictions, "predictions")
    _check_in_graph(predictions, "prediction values", predictions.name)
    return predictions


def _validate_eval_metric_ops(eval_metric_ops: Any) -> Dict[str, Any]:
    if eval_metric_ops is None:
        return {}
    if not isinstance(eval_metric_ops, dict):
        raise TypeError(f"eval_metric_ops must be a dict, given: {eval_metric_ops}")
    for key, value in eval_metric_ops.items():
        if not isinstance(value, tuple) or len(value) != 2:
            raise TypeError("Values of eval_metric_ops must be (metric_value, update_op) "
                            f"tuples, given: {value} for key: {key}")
        for v in value:
            if not isinstance(v, (Tensor, Operation)):
                raise TypeError(f"Values of eval_metric_ops must be (metric_value, update_op) "
                                f"tuples of Tensors or Operations, given: {value} for key: "
                                f"{key}")
            _check_in_graph(v, "eval_metric_ops", f"{key}: {v.name}")
    return dict(eval_metric_ops)


def _validate_hooks(hooks: Any) -> tuple:
    hooks = tuple(hooks or [])
    for hook in hooks:
        if not isinstance(hook, SessionRunHook):
            raise TypeError(f"All hooks must be SessionRunHook instances, given: {hook}")
    return hooks


def _validate_export_outputs(export_outputs: Any, predictions: Any, mode: str) -> Any:
    if mode != ModeKeys.PREDICT:
        return export_outputs
    from .export_lib import default_export_outputs
    return default_export_outputs(export_outputs, predictions)


_SPEC_FIELDS = ["mode", "predictions", "loss", "train_op", "eval_metric_ops",
                "export_outputs", "training_chief_hooks", "training_hooks", "scaffold",
                "evaluation_hooks", "prediction_hooks"]


class EstimatorSpec(collections.namedtuple("EstimatorSpec", _SPEC_FIELDS)):
    """What a `model_fn` returns: the ops an `Estimator` runs in one mode
    (`tf.estimator.EstimatorSpec`).

    Required per mode: TRAIN needs `loss` and `train_op`, EVAL `loss`, PREDICT `predictions`;
    the rest may be given in any mode and is ignored where it does not apply.

    Args:
      mode: A `ModeKeys` value.
      predictions: A `Tensor` or a dict of `Tensor`s.
      loss: The training loss, a scalar (or shape [1]) `Tensor`.
      train_op: The training step (`Operation` or `Tensor`).
      eval_metric_ops: `{name: (metric_value, update_op)}`, e.g. from `tf.metrics`.
      export_outputs: `{name: ExportOutput}` for `export_saved_model` (PREDICT mode); default
        a `PredictOutput` of `predictions`.
      training_chief_hooks, training_hooks, evaluation_hooks, prediction_hooks:
        `SessionRunHook`s for the matching calls.
      scaffold: A `tf.train.Scaffold` (default: a new one).

    Raises:
      ValueError: For a missing required field, a non-scalar loss, or a tensor of another
        graph.
      TypeError: For a field of the wrong type.
    """

    def __new__(cls, mode: str, predictions: Any = None, loss: Any = None, train_op: Any = None,
                eval_metric_ops: Any = None, export_outputs: Any = None,
                training_chief_hooks: Any = None, training_hooks: Any = None,
                scaffold: Any = None, evaluation_hooks: Any = None,
                prediction_hooks: Any = None) -> "EstimatorSpec":
        train_op = _validate_train_op(train_op, mode)
        loss = _validate_loss(loss, mode)
        predictions = _validate_predictions(predictions, mode)
        export_outputs = _validate_export_outputs(export_outputs, predictions, mode)
        training_hooks = _validate_hooks(training_hooks)
        training_chief_hooks = _validate_hooks(training_chief_hooks)
        evaluation_hooks = _validate_hooks(evaluation_hooks)
        prediction_hooks = _validate_hooks(prediction_hooks)
        eval_metric_ops = _validate_eval_metric_ops(eval_metric_ops)
        scaffold = scaffold or Scaffold()
        if not isinstance(scaffold, Scaffold):
            raise TypeError(f"scaffold must be tf.train.Scaffold. Given: {scaffold}")
        return super().__new__(cls, mode=mode, predictions=predictions, loss=loss,
                               train_op=train_op, eval_metric_ops=eval_metric_ops,
                               export_outputs=export_outputs,
                               training_chief_hooks=training_chief_hooks,
                               training_hooks=training_hooks, scaffold=scaffold,
                               evaluation_hooks=evaluation_hooks,
                               prediction_hooks=prediction_hooks)

    def _replace(self, **kwds: Any) -> "EstimatorSpec":
        if "mode" in kwds and self.mode != kwds["mode"]:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        new_fields = dict(self._asdict(), **kwds)
        return EstimatorSpec(**new_fields)
