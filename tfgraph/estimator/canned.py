"""TF1's canned estimators: `DNNClassifier`, `DNNRegressor`, `LinearClassifier`,
`LinearRegressor`, and the heads that turn their logits into predictions, loss, metrics and
export outputs.

As in TF1 (v1 estimators): variables `dnn/input_from_feature_columns/input_layer/...`,
`dnn/hiddenlayer_<i>/kernel|bias`, `dnn/logits/kernel|bias`, `linear/linear_model/<column>/
weights`, `linear/linear_model/bias_weights`; the training loss is the SUM of the examples'
losses (`loss_reduction=tf.losses.Reduction.SUM`); default optimizers Adagrad(0.05) for DNN
models and Ftrl(0.2) for linear ones; `evaluate` reports `loss` (per batch), `average_loss`
(per example), `accuracy`, and for two classes also `precision`, `recall`, `auc`,
`auc_precision_recall`, `label/mean`, `prediction/mean`, `accuracy_baseline`; regressors
report `average_loss`, `label/mean`, `prediction/mean`.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence

from .. import layers as _layers
from .. import losses as _losses
from .. import metrics as _metrics
from .. import nn as _nn
from ..framework import dtypes
from ..framework.graph import Tensor, get_default_graph
from ..framework.ops import name_scope
from ..framework.graph_keys import GraphKeys
from ..framework.ops import convert_to_tensor
from ..ops import array_ops, math_ops
from ..ops.string_ops import as_string
from ..ops.variable_scope import variable_scope
from ..train import training_util
from ..train.optimizer import Optimizer
from .estimator import Estimator
from .export_lib import ClassificationOutput, PredictOutput, RegressionOutput
from .model_fn import EstimatorSpec, ModeKeys

__all__ = ["DNNClassifier", "DNNRegressor", "LinearClassifier", "LinearRegressor"]

_DNN_LEARNING_RATE = 0.05
_LINEAR_LEARNING_RATE = 0.2


def _optimizer_classes() -> Dict[str, Any]:
    from .. import train
    return {"Adagrad": train.AdagradOptimizer, "Adam": train.AdamOptimizer,
            "Ftrl": train.FtrlOptimizer, "RMSProp": train.RMSPropOptimizer,
            "SGD": train.GradientDescentOptimizer}


def get_optimizer_instance(opt: Any, learning_rate: Optional[float] = None) -> Optimizer:
    """An optimizer from a name ("Adagrad", "Adam", "Ftrl", "RMSProp", "SGD" with
    `learning_rate`), an `Optimizer`, or a function returning one (TF1's canned rule).

    Raises:
      ValueError: For an unknown name or something that is not an optimizer.
    """
    if isinstance(opt, str):
        classes = _optimizer_classes()
        if opt in classes:
            if not learning_rate:
                raise ValueError("learning_rate must be specified when opt is string.")
            return classes[opt](learning_rate=learning_rate)
        raise ValueError(f"Unsupported optimizer name: {opt}. Supported names are: "
                         f"{tuple(sorted(classes))}")
    if callable(opt) and not isinstance(opt, Optimizer):
        opt = opt()
    if not isinstance(opt, Optimizer):
        raise ValueError(f"The given object is not an Optimizer instance. Given: {opt}")
    return opt


# --- heads ------------------------------------------------------------------------------------
def _weights(features: Dict[str, Any], weight_column: Any, logits: Tensor) -> Any:
    if weight_column is None:
        return 1.0
    key = weight_column if isinstance(weight_column, str) else weight_column.key
    if key not in features:
        raise ValueError(f"weight_column {key!r} is not in the features dict "
                         f"(keys: {sorted(features)}).")
    w = math_ops.cast(convert_to_tensor(features[key]), dtypes.float32)
    return array_ops.reshape(w, [-1, 1])


def _labels_column(labels: Any, dimension: int) -> Tensor:
    """Labels as [batch, dimension] (a [batch] vector gets a trailing 1), checked."""
    if labels is None:
        raise ValueError("You must provide a labels Tensor. Given: None. Suggested "
                         "troubleshooting steps: Check that your data contain your label "
                         "feature. Check that your input_fn properly parses and returns "
                         "labels.")
    if isinstance(labels, dict):
        raise ValueError(f"labels must be a Tensor for a single head, given a dict with keys "
                         f"{sorted(labels)}")
    labels = convert_to_tensor(labels)
    if labels.shape.ndims == 1 and dimension == 1:
        labels = array_ops.expand_dims(labels, -1)
    if labels.shape.ndims is not None and labels.shape.ndims != 2:
        raise ValueError(f"labels shape must be [D0, D1, ... DN, {dimension}]. Given: "
                         f"{labels.shape}")
    last = labels.shape.as_list()[-1] if labels.shape.ndims else None
    if last is not None and last != dimension:
        raise ValueError(f"Mismatched label shape. Expected labels dimension={dimension}.  "
                         f"Received {last}")
    return labels


def _label_ids(labels: Tensor, n_classes: int, vocabulary: Optional[Sequence[str]]) -> Tensor:
    from ..ops.logging_ops import Assert
    from ..ops.control_flow_ops import control_dependencies
    if vocabulary is None:
        if not labels.dtype.is_integer:
            raise ValueError(f"Labels dtype should be integer. Instead got {labels.dtype}.")
        ids = math_ops.cast(labels, dtypes.int64)
        bad = math_ops.logical_or(math_ops.less(ids, 0), math_ops.greater_equal(ids, n_classes))
        message = f"Labels must be in [0, {n_classes - 1}] (n_classes - 1)"
    else:
        if labels.dtype != dtypes.string:
            raise ValueError("Labels dtype should be string if there is a vocabulary. Instead "
                             f"got {labels.dtype}")
        vocab = convert_to_tensor([v.encode() if isinstance(v, str) else v
                                   for v in vocabulary], dtype=dtypes.string)
        matches = math_ops.equal(array_ops.expand_dims(labels, -1), vocab)
        ids = math_ops.argmax(math_ops.cast(matches, dtypes.int32), -1,
                              output_type=dtypes.int64)
        bad = math_ops.logical_not(math_ops.reduce_any(matches, -1))
        message = f"Labels must be in the label_vocabulary {list(vocabulary)}"
    check = Assert(math_ops.logical_not(math_ops.reduce_any(bad)), [message, labels])
    with control_dependencies([check]):
        return array_ops.identity(ids)


def _class_strings(n_classes: int, vocabulary: Optional[Sequence[str]]) -> Tensor:
    if vocabulary:
        return convert_to_tensor([v.encode() if isinstance(v, str) else v for v in vocabulary],
                                 dtype=dtypes.string)
    return as_string(array_ops.range(n_classes))


def _tile_rows(row: Tensor, logits: Tensor) -> Tensor:
    batch = array_ops.shape(logits)[0]
    return array_ops.tile(array_ops.expand_dims(row, 0), array_ops.stack([batch, 1]))


def _mean_metric(values: Tensor, weights: Any, name: str):
    values = math_ops.cast(values, dtypes.float32)
    w = None if isinstance(weights, float) else math_ops.multiply(
        weights, array_ops.ones_like(values))
    return _metrics.mean(values, weights=w, name=name)


class _Head:
    """Turns logits into an `EstimatorSpec` (TF1's `_Head.create_estimator_spec`)."""

    logits_dimension = 1

    def __init__(self, weight_column: Any = None, loss_reduction: str = None):
        if loss_reduction is None:
            loss_reduction = _losses.Reduction.SUM
        if loss_reduction not in _losses.Reduction.all() or \
                loss_reduction == _losses.Reduction.NONE:
            raise ValueError(f"Invalid loss_reduction: {loss_reduction}")
        self._weight_column = weight_column
        self._loss_reduction = loss_reduction

    def create_estimator_spec(self, features: Dict[str, Any], mode: str, logits: Tensor,
                              labels: Any = None,
                              train_op_fn: Optional[Callable[[Tensor], Any]] = None
                              ) -> EstimatorSpec:
        with name_scope("head"):
            predictions = self._predictions(logits)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode, predictions=predictions,
                                     export_outputs=self._export_outputs(predictions))
            weights = _weights(features, self._weight_column, logits)
            unreduced, label_values = self._unreduced_loss(logits, labels)
            training_loss = _losses.compute_weighted_loss(unreduced, weights,
                                                          reduction=self._loss_reduction,
                                                          loss_collection=None)
            reg = get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES)
            loss = math_ops.add_n([training_loss] + reg) if reg else training_loss
            if mode == ModeKeys.EVAL:
                with name_scope("metrics"):
                    metrics = self._metrics(label_values, predictions, weights, unreduced)
                return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                     eval_metric_ops=metrics)
            if train_op_fn is None:
                raise ValueError("train_op_fn and optimizer cannot both be None.")
            train_op = train_op_fn(loss)
            if self._loss_reduction == _losses.Reduction.SUM:
                weight_sum = math_ops.reduce_sum(math_ops.multiply(
                    weights, array_ops.ones_like(unreduced)))
                mean_loss = math_ops.truediv(training_loss, weight_sum)
            else:
                mean_loss = None
        from ..summary import summary_ops
        with name_scope(None):
            summary_ops.scalar("loss", loss)
            if mean_loss is not None:
                summary_ops.scalar("average_loss", mean_loss)
        return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op)


class _MultiClassHead(_Head):
    """Softmax cross-entropy over `n_classes` > 2 classes."""

    def __init__(self, n_classes: int, weight_column: Any = None,
                 label_vocabulary: Optional[Sequence[str]] = None, loss_reduction: str = None):
        super().__init__(weight_column, loss_reduction)
        self._n_classes = n_classes
        self._vocabulary = label_vocabulary
        self.logits_dimension = n_classes

    def _predictions(self, logits: Tensor) -> Dict[str, Tensor]:
        with name_scope("predictions"):
            class_ids = array_ops.expand_dims(math_ops.argmax(logits, -1, name="class_ids"), -1)
            names = _class_strings(self._n_classes, self._vocabulary)
            classes = array_ops.gather(names, class_ids) if self._vocabulary else \
                as_string(class_ids, name="str_classes")
            return {"logits": logits,
                    "probabilities": _nn.softmax(logits, name="probabilities"),
                    "class_ids": class_ids, "classes": classes,
                    "all_class_ids": _tile_rows(array_ops.range(self._n_classes), logits),
                    "all_classes": _tile_rows(names, logits)}

    def _export_outputs(self, predictions: Dict[str, Tensor]) -> Dict[str, Any]:
        scores = predictions["probabilities"]
        classes = _tile_rows(_class_strings(self._n_classes, self._vocabulary), scores)
        out = ClassificationOutput(scores=scores, classes=classes)
        return {"serving_default": out, "classification": out,
                "predict": PredictOutput(predictions)}

    def _unreduced_loss(self, logits: Tensor, labels: Any):
        label_ids = _label_ids(_labels_column(labels, 1), self._n_classes, self._vocabulary)
        loss = _losses.sparse_softmax_cross_entropy(label_ids, logits,
                                                    reduction=_losses.Reduction.NONE,
                                                    loss_collection=None)
        return array_ops.expand_dims(loss, -1) if loss.shape.ndims == 1 else loss, label_ids

    def _metrics(self, label_ids, predictions, weights, unreduced) -> Dict[str, Any]:
        w = None if isinstance(weights, float) else weights
        return {"average_loss": _mean_metric(unreduced, weights, "average_loss"),
                "accuracy": _metrics.accuracy(label_ids, predictions["class_ids"], weights=w,
                                              name="accuracy")}


class _BinaryHead(_Head):
    """Sigmoid cross-entropy for two classes: one logit per example."""

    def __init__(self, weight_column: Any = None,
                 label_vocabulary: Optional[Sequence[str]] = None, loss_reduction: str = None):
        super().__init__(weight_column, loss_reduction)
        self._vocabulary = label_vocabulary

    def _predictions(self, logits: Tensor) -> Dict[str, Tensor]:
        with name_scope("predictions"):
            logistic = _nn.sigmoid(logits, name="logistic")
            two_class = array_ops.concat([array_ops.zeros_like(logits), logits], -1,
                                         name="two_class_logits")
            class_ids = array_ops.expand_dims(math_ops.argmax(two_class, -1,
                                                              name="class_ids"), -1)
            names = _class_strings(2, self._vocabulary)
            classes = array_ops.gather(names, class_ids) if self._vocabulary else \
                as_string(class_ids, name="str_classes")
            return {"logits": logits, "logistic": logistic,
                    "probabilities": _nn.softmax(two_class, name="probabilities"),
                    "class_ids": class_ids, "classes": classes,
                    "all_class_ids": _tile_rows(array_ops.range(2), logits),
                    "all_classes": _tile_rows(names, logits)}

    def _export_outputs(self, predictions: Dict[str, Tensor]) -> Dict[str, Any]:
        scores = predictions["probabilities"]
        classes = _tile_rows(_class_strings(2, self._vocabulary), scores)
        out = ClassificationOutput(scores=scores, classes=classes)
        return {"serving_default": out, "classification": out,
                "regression": RegressionOutput(predictions["logistic"]),
                "predict": PredictOutput(predictions)}

    def _unreduced_loss(self, logits: Tensor, labels: Any):
        label_ids = _label_ids(_labels_column(labels, 1), 2, self._vocabulary)
        float_labels = math_ops.cast(label_ids, dtypes.float32)
        loss = _nn.sigmoid_cross_entropy_with_logits(labels=float_labels, logits=logits)
        return loss, label_ids

    def _metrics(self, label_ids, predictions, weights, unreduced) -> Dict[str, Any]:
        w = None if isinstance(weights, float) else weights
        logistic = predictions["logistic"]
        labels_mean = _mean_metric(label_ids, weights, "label/mean")
        with name_scope("accuracy_baseline"):
            value, update = labels_mean
            baseline = (math_ops.maximum(value, 1.0 - value, name="value"),
                        math_ops.maximum(update, 1.0 - update, name="update_op"))
        bool_labels = math_ops.cast(label_ids, dtypes.bool)
        return {"average_loss": _mean_metric(unreduced, weights, "average_loss"),
                "accuracy": _metrics.accuracy(label_ids, predictions["class_ids"], weights=w,
                                              name="accuracy"),
                "precision": _metrics.precision(label_ids, predictions["class_ids"], weights=w,
                                                name="precision"),
                "recall": _metrics.recall(label_ids, predictions["class_ids"], weights=w,
                                          name="recall"),
                "prediction/mean": _mean_metric(logistic, weights, "prediction/mean"),
                "label/mean": labels_mean,
                "accuracy_baseline": baseline,
                "auc": _metrics.auc(bool_labels, logistic, weights=w, name="auc"),
                "auc_precision_recall": _metrics.auc(bool_labels, logistic, weights=w,
                                                     curve="PR", name="auc_precision_recall")}


class _RegressionHead(_Head):
    """Squared error of `label_dimension` real outputs."""

    def __init__(self, label_dimension: int = 1, weight_column: Any = None,
                 loss_reduction: str = None):
        super().__init__(weight_column, loss_reduction)
        if label_dimension < 1:
            raise ValueError(f"Invalid label_dimension {label_dimension}.")
        self.logits_dimension = label_dimension

    def _predictions(self, logits: Tensor) -> Dict[str, Tensor]:
        return {"predictions": array_ops.identity(logits, name="predictions")}

    def _export_outputs(self, predictions: Dict[str, Tensor]) -> Dict[str, Any]:
        out = RegressionOutput(predictions["predictions"])
        return {"serving_default": out, "regression": out,
                "predict": PredictOutput(predictions)}

    def _unreduced_loss(self, logits: Tensor, labels: Any):
        labels = _labels_column(labels, self.logits_dimension)
        labels = math_ops.cast(labels, dtypes.float32)
        return math_ops.squared_difference(logits, labels), labels

    def _metrics(self, labels, predictions, weights, unreduced) -> Dict[str, Any]:
        return {"average_loss": _mean_metric(unreduced, weights, "average_loss"),
                "prediction/mean": _mean_metric(predictions["predictions"], weights,
                                                "prediction/mean"),
                "label/mean": _mean_metric(labels, weights, "label/mean")}


def _classification_head(n_classes: int, weight_column: Any, label_vocabulary: Any,
                         loss_reduction: Any) -> _Head:
    if n_classes is None or n_classes < 2:
        raise ValueError(f"n_classes must be > 1: {n_classes}")
    if label_vocabulary is not None:
        if not isinstance(label_vocabulary, (list, tuple)):
            raise ValueError(f"label_vocabulary should be a list or a tuple. Given type: "
                             f"{type(label_vocabulary)}")
        if len(label_vocabulary) != n_classes:
            raise ValueError(f"label_vocabulary has {len(label_vocabulary)} classes but "
                             f"n_classes is {n_classes}")
    if n_classes == 2:
        return _BinaryHead(weight_column, label_vocabulary, loss_reduction)
    return _MultiClassHead(n_classes, weight_column, label_vocabulary, loss_reduction)


# --- logits ----------------------------------------------------------------------------------
def _hidden_layer_summary(value: Tensor, tag: str) -> None:
    from ..summary import summary_ops
    summary_ops.scalar(f"{tag}/fraction_of_zero_values", _nn.zero_fraction(value))
    summary_ops.histogram(f"{tag}/activation", value)


def _dnn_logits(features: Dict[str, Any], mode: str, units: int, hidden_units: Sequence[int],
                feature_columns: Sequence[Any], activation_fn: Callable,
                dropout: Optional[float], batch_norm: bool) -> Tensor:
    from ..feature_column.feature_column import input_layer
    with variable_scope("input_from_feature_columns"):
        net = input_layer(features, feature_columns)
    training = mode == ModeKeys.TRAIN
    for i, n in enumerate(hidden_units):
        name = f"hiddenlayer_{i}"
        net = _layers.dense(net, n, activation=activation_fn, name=name)
        if dropout is not None and training:
            net = _layers.dropout(net, rate=dropout, training=True)
        if batch_norm:
            with variable_scope(name):
                net = _layers.batch_normalization(net, momentum=0.999, training=training,
                                                  name=f"batchnorm_{i}")
        _hidden_layer_summary(net, f"dnn/{name}")
    logits = _layers.dense(net, units, name="logits")
    _hidden_layer_summary(logits, "dnn/logits")
    return logits


def _train_op_fn(optimizer: Optimizer) -> Callable[[Tensor], Any]:
    def train_op_fn(loss: Tensor) -> Any:
        from ..ops.control_flow_ops import control_dependencies
        update_ops = get_default_graph().get_collection(GraphKeys.UPDATE_OPS)
        with control_dependencies(update_ops):
            return optimizer.minimize(loss, global_step=training_util.get_global_step())
    return train_op_fn


def _dnn_model_fn(features, labels, mode, params, config):
    head = params["head"]
    if not isinstance(features, dict):
        raise ValueError(f"features should be a dictionary of `Tensor`s. Given type: "
                         f"{type(features)}")
    optimizer = get_optimizer_instance(params["optimizer"], _DNN_LEARNING_RATE)
    with variable_scope("dnn"):
        logits = _dnn_logits(features, mode, head.logits_dimension, params["hidden_units"],
                             params["feature_columns"], params["activation_fn"],
                             params["dropout"], params["batch_norm"])
    return head.create_estimator_spec(features, mode, logits, labels, _train_op_fn(optimizer))


def _linear_model_fn(features, labels, mode, params, config):
    from ..feature_column.feature_column import linear_model
    head = params["head"]
    if not isinstance(features, dict):
        raise ValueError(f"features should be a dictionary of `Tensor`s. Given type: "
                         f"{type(features)}")
    optimizer = get_optimizer_instance(params["optimizer"], _LINEAR_LEARNING_RATE)
    with variable_scope("linear"):
        logits = linear_model(features, params["feature_columns"], units=head.logits_dimension,
                              sparse_combiner=params["sparse_combiner"])
        from ..summary import summary_ops
        bias = [v for v in get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES)
                if v.op.name == "linear/linear_model/bias_weights"]
        if head.logits_dimension == 1 and bias:
            summary_ops.scalar("bias", array_ops.reshape(bias[0], []))
        summary_ops.scalar("fraction_of_zero_weights", _zero_weight_fraction())
    return head.create_estimator_spec(features, mode, logits, labels, _train_op_fn(optimizer))


def _zero_weight_fraction() -> Tensor:
    weights = [v for v in get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES)
               if v.op.name.startswith("linear/linear_model/")
               and v.op.name.endswith("/weights")]
    zeros = math_ops.add_n([math_ops.reduce_sum(math_ops.cast(math_ops.equal(w, 0.0),
                                                              dtypes.float32))
                            for w in weights])
    total = float(sum(w.shape.num_elements() for w in weights))
    return math_ops.truediv(zeros, total)


def _check_columns(feature_columns: Any) -> tuple:
    from ..feature_column.feature_column import _clean_feature_columns
    return tuple(_clean_feature_columns(feature_columns))


class _Canned(Estimator):
    """An Estimator whose model_fn is a canned one (params hold its settings)."""

    def __init__(self, model_fn, settings, model_dir, config, warm_start_from):
        self._settings = settings
        super().__init__(lambda features, labels, mode, config: model_fn(
            features, labels, mode, self._settings, config), model_dir=model_dir,
            config=config, warm_start_from=warm_start_from)


class DNNClassifier(_Canned):
    """A feed-forward classifier on feature columns (`tf.estimator.DNNClassifier`):
    `input_layer` -> dense ReLU layers `hidden_units` -> logits; softmax (or, for two
    classes, sigmoid) cross-entropy summed over the batch; default optimizer Adagrad(0.05).

    Raises:
      ValueError: For `n_classes < 2`, empty or duplicated feature columns, or a
        `label_vocabulary` that does not match `n_classes`.
    """

    def __init__(self, hidden_units: Sequence[int], feature_columns: Sequence[Any],
                 model_dir: Optional[str] = None, n_classes: int = 2, weight_column: Any = None,
                 label_vocabulary: Optional[Sequence[str]] = None, optimizer: Any = "Adagrad",
                 activation_fn: Callable = None, dropout: Optional[float] = None,
                 input_layer_partitioner: Any = None, config: Any = None,
                 warm_start_from: Any = None, loss_reduction: str = None,
                 batch_norm: bool = False):
        head = _classification_head(n_classes, weight_column, label_vocabulary, loss_reduction)
        super().__init__(_dnn_model_fn, dict(
            head=head, hidden_units=list(hidden_units),
            feature_columns=_check_columns(feature_columns), optimizer=optimizer,
            activation_fn=activation_fn or _nn.relu, dropout=dropout, batch_norm=batch_norm),
            model_dir, config, warm_start_from)


class DNNRegressor(_Canned):
    """A feed-forward regressor on feature columns (`tf.estimator.DNNRegressor`): squared
    error summed over the batch; default optimizer Adagrad(0.05)."""

    def __init__(self, hidden_units: Sequence[int], feature_columns: Sequence[Any],
                 model_dir: Optional[str] = None, label_dimension: int = 1,
                 weight_column: Any = None, optimizer: Any = "Adagrad",
                 activation_fn: Callable = None, dropout: Optional[float] = None,
                 input_layer_partitioner: Any = None, config: Any = None,
                 warm_start_from: Any = None, loss_reduction: str = None,
                 batch_norm: bool = False):
        head = _RegressionHead(label_dimension, weight_column, loss_reduction)
        super().__init__(_dnn_model_fn, dict(
            head=head, hidden_units=list(hidden_units),
            feature_columns=_check_columns(feature_columns), optimizer=optimizer,
            activation_fn=activation_fn or _nn.relu, dropout=dropout, batch_norm=batch_norm),
            model_dir, config, warm_start_from)


class LinearClassifier(_Canned):
    """A linear classifier on feature columns (`tf.estimator.LinearClassifier`):
    `linear_model` logits; default optimizer Ftrl(0.2).

    Raises:
      ValueError: For `n_classes < 2` or empty or duplicated feature columns.
    """

    def __init__(self, feature_columns: Sequence[Any], model_dir: Optional[str] = None,
                 n_classes: int = 2, weight_column: Any = None,
                 label_vocabulary: Optional[Sequence[str]] = None, optimizer: Any = "Ftrl",
                 config: Any = None, partitioner: Any = None, warm_start_from: Any = None,
                 loss_reduction: str = None, sparse_combiner: str = "sum"):
        head = _classification_head(n_classes, weight_column, label_vocabulary, loss_reduction)
        super().__init__(_linear_model_fn, dict(
            head=head, feature_columns=_check_columns(feature_columns), optimizer=optimizer,
            sparse_combiner=sparse_combiner), model_dir, config, warm_start_from)


class LinearRegressor(_Canned):
    """A linear regressor on feature columns (`tf.estimator.LinearRegressor`); default
    optimizer Ftrl(0.2)."""

    def __init__(self, feature_columns: Sequence[Any], model_dir: Optional[str] = None,
                 label_dimension: int = 1, weight_column: Any = None, optimizer: Any = "Ftrl",
                 config: Any = None, partitioner: Any = None, warm_start_from: Any = None,
                 loss_reduction: str = None, sparse_combiner: str = "sum"):
        head = _RegressionHead(label_dimension, weight_column, loss_reduction)
        super().__init__(_linear_model_fn, dict(
            head=head, feature_columns=_check_columns(feature_columns), optimizer=optimizer,
            sparse_combiner=sparse_combiner), model_dir, config, warm_start_from)
