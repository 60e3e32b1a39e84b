"""`tf.metrics`: streaming metrics as TF1 builds them. Each function returns
`(value, update_op)`: running `update_op` folds one batch into local accumulator variables
(LOCAL_VARIABLES and METRIC_VARIABLES, initialized by `tf.local_variables_initializer()`)
and returns the updated metric; `value` reads the metric without changing it.

Variables are named as TF1 names them ("accuracy/total", "accuracy/count",
"precision/true_positives/count", "auc/true_positives", "mean_iou/total_confusion_matrix"),
so checkpoints and `tf.local_variables()` listings match.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Tuple

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.graph_keys import GraphKeys
from ..framework.ops import convert_to_tensor
from . import array_ops, math_ops, state_ops
from .array_ops import matrix_diag_part
from .variable_scope import variable_scope
from .variables import Variable


# --- helpers -------------------------------------------------------------------------------------
def metric_variable(shape: Sequence[int], dtype: Any, validate_shape: bool = True,
                    name: Optional[str] = None) -> Variable:
    """A zero-initialized local accumulator in LOCAL_VARIABLES and METRIC_VARIABLES."""
    dtype = dtypes.as_dtype(dtype)
    return Variable(array_ops.zeros(shape, dtype), trainable=False,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
                    validate_shape=validate_shape, name=name)


def _collect(value: Any, update: Any, metrics_collections: Any, updates_collections: Any):
    g = value.graph
    if metrics_collections:
        g.add_to_collections(list(metrics_collections), value)
    if updates_collections:
        g.add_to_collections(list(updates_collections), update)


def _safe_div(num: Tensor, den: Tensor, name: str) -> Tensor:
    """num / den, 0 where den is 0 (TF1's metrics `_safe_div`)."""
    return math_ops.div_no_nan(num, den, name=name)


def _float(t: Any) -> Tensor:
    t = convert_to_tensor(t)
    return t if t.dtype == dtypes.float32 else math_ops.cast(t, dtypes.float32)


def _check_shapes(a: Tensor, b: Tensor, what: str) -> None:
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError(f"{what}: shapes {a.shape} and {b.shape} are incompatible")


def _squeeze_pair(labels: Tensor, predictions: Tensor) -> Tuple[Tensor, Tensor]:
    """TF1's remove_squeezable_dimensions: drop a trailing 1 where the ranks differ by one."""
    lr, pr = labels.shape.ndims, predictions.shape.ndims
    if lr is not None and pr is not None:
        if pr - lr == 1 and predictions.shape.as_list()[-1] in (1, None):
            predictions = array_ops.squeeze(predictions, [-1])
        elif lr - pr == 1 and labels.shape.as_list()[-1] in (1, None):
            labels = array_ops.squeeze(labels, [-1])
    return labels, predictions


def _weights_like(weights: Any, values: Tensor) -> Optional[Tensor]:
    if weights is None:
        return None
    w = _float(weights)
    if w.shape.ndims is not None and values.shape.ndims is not None and \
            w.shape.ndims < values.shape.ndims and w.shape.ndims > 0:
        # [batch] weights against [batch, d]: broadcast over the trailing axes
        for _ in range(values.shape.ndims - w.shape.ndims):
            w = array_ops.expand_dims(w, -1)
    return math_ops.multiply(w, array_ops.ones_like(values))


# --- mean family ---------------------------------------------------------------------------------
def mean(values: Any, weights: Any = None, metrics_collections: Any = None,
         updates_collections: Any = None, name: Optional[str] = None):
    """The (weighted) mean of `values` over all batches (`tf.metrics.mean`).

    Returns:
      `(mean, update_op)`; variables "<name>/total" and "<name>/count".
    """
    with variable_scope(name, "mean", [values, weights]):
        values = _float(values)
        total = metric_variable([], dtypes.float32, name="total")
        count = metric_variable([], dtypes.float32, name="count")
        w = _weights_like(weights, values)
        if w is None:
            num = math_ops.reduce_sum(values)
            n = math_ops.cast(array_ops.size(values), dtypes.float32)
        else:
            num = math_ops.reduce_sum(math_ops.multiply(values, w))
            n = math_ops.reduce_sum(w)
        update_total = state_ops.assign_add(total, num)
        update_count = state_ops.assign_add(count, n)
        value = _safe_div(total, count, "value")
        update = _safe_div(update_total, update_count, "update_op")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


def mean_tensor(values: Any, weights: Any = None, metrics_collections: Any = None,
                updates_collections: Any = None, name: Optional[str] = None):
    """The elementwise (weighted) mean of `values` over batches (`tf.metrics.mean_tensor`).

    Raises:
      ValueError: If `values` has no fully defined shape.
    """
    with variable_scope(name, "mean", [values, weights]):
        values = _float(values)
        if not values.shape.is_fully_defined():
            raise ValueError(f"mean_tensor needs a fully defined shape, got {values.shape}")
        shape = values.shape.as_list()
        total = metric_variable(shape, dtypes.float32, name="total_tensor")
        count = metric_variable(shape, dtypes.float32, name="count_tensor")
        w = _weights_like(weights, values)
        num = values if w is None else math_ops.multiply(values, w)
        n = array_ops.ones_like(values) if w is None else w
        update_total = state_ops.assign_add(total, num)
        update_count = state_ops.assign_add(count, n)
        value = _safe_div(total, count, "value")
        update = _safe_div(update_total, update_count, "update_op")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


def accuracy(labels: Any, predictions: Any, weights: Any = None,
             metrics_collections: Any = None, updates_collections: Any = None,
             name: Optional[str] = None):
    """How often `predictions` equal `labels` (`tf.metrics.accuracy`).

    Raises:
      ValueError: If the shapes are incompatible.
    """
    labels = convert_to_tensor(labels)
    predictions = convert_to_tensor(predictions)
    labels, predictions = _squeeze_pair(labels, predictions)
    _check_shapes(labels, predictions, "accuracy")
    if labels.dtype != predictions.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    is_correct = math_ops.cast(math_ops.equal(predictions, labels), dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections,
                name or "accuracy")


def _diff_mean(fn: Callable, default: str, labels: Any, predictions: Any, weights: Any,
               metrics_collections: Any, updates_collections: Any, name: Optional[str]):
    labels, predictions = _float(labels), _float(predictions)
    labels, predictions = _squeeze_pair(labels, predictions)
    _check_shapes(labels, predictions, default)
    values = fn(labels, predictions)
    return mean(values, weights, metrics_collections, updates_collections, name or default)


def mean_absolute_error(labels: Any, predictions: Any, weights: Any = None,
                        metrics_collections: Any = None, updates_collections: Any = None,
                        name: Optional[str] = None):
    """The mean of |predictions - labels| (`tf.metrics.mean_absolute_error`)."""
    return _diff_mean(lambda l, p: math_ops.abs(math_ops.subtract(p, l)), "mean_absolute_error",
                      labels, predictions, weights, metrics_collections, updates_collections,
                      name)


def mean_squared_error(labels: Any, predictions: Any, weights: Any = None,
                       metrics_collections: Any = None, updates_collections: Any = None,
                       name: Optional[str] = None):
    """The mean of (predictions - labels)^2 (`tf.metrics.mean_squared_error`)."""
    return _diff_mean(math_ops.squared_difference, "mean_squared_error", labels, predictions,
                      weights, metrics_collections, updates_collections, name)


def root_mean_squared_error(labels: Any, predictions: Any, weights: Any = None,
                            metrics_collections: Any = None, updates_collections: Any = None,
                            name: Optional[str] = None):
    """sqrt of the streaming mean squared error (`tf.metrics.root_mean_squared_error`)."""
    labels, predictions = _float(labels), _float(predictions)
    mse, update_mse = mean_squared_error(labels, predictions, weights, None, None,
                                         name or "root_mean_squared_error")
    value = math_ops.sqrt(mse)
    update = math_ops.sqrt(update_mse)
    _collect(value, update, metrics_collections, updates_collections)
    return value, update


def mean_relative_error(labels: Any, predictions: Any, normalizer: Any, weights: Any = None,
                        metrics_collections: Any = None, updates_collections: Any = None,
                        name: Optional[str] = None):
    """The mean of |predictions - labels| / normalizer, 0 where normalizer is 0
    (`tf.metrics.mean_relative_error`)."""
    normalizer = _float(normalizer)
    return _diff_mean(lambda l, p: math_ops.div_no_nan(math_ops.abs(math_ops.subtract(l, p)),
                                                       normalizer),
                      "mean_relative_error", labels, predictions, weights,
                      metrics_collections, updates_collections, name)


def mean_cosine_distance(labels: Any, predictions: Any, dim: int, weights: Any = None,
                         metrics_collections: Any = None, updates_collections: Any = None,
                         name: Optional[str] = None):
    """The mean of 1 - sum(labels * predictions, dim) for unit vectors
    (`tf.metrics.mean_cosine_distance`)."""
    labels, predictions = _float(labels), _float(predictions)
    _check_shapes(labels, predictions, "mean_cosine_distance")
    radial = math_ops.reduce_sum(math_ops.multiply(labels, predictions), [dim], keepdims=True)
    w = None if weights is None else _float(weights)
    m, update = mean(radial, w, None, None, name or "mean_cosine_distance")
    value = math_ops.subtract(1.0, m)
    update = math_ops.subtract(1.0, update)
    _collect(value, update, metrics_collections, updates_collections)
    return value, update


def percentage_below(values: Any, threshold: float, weights: Any = None,
                     metrics_collections: Any = None, updates_collections: Any = None,
                     name: Optional[str] = None):
    """The fraction of `values` below `threshold` (`tf.metrics.percentage_below`)."""
    values = _float(values)
    below = math_ops.cast(math_ops.less(values, threshold), dtypes.float32)
    return mean(below, weights, metrics_collections, updates_collections,
                name or "percentage_below_threshold")


# --- confusion counts ------------------------------------------------------------------------------
def _bool_pair(labels: Any, predictions: Any, what: str):
    labels = convert_to_tensor(labels)
    predictions = convert_to_tensor(predictions)
    labels, predictions = _squeeze_pair(labels, predictions)
    _check_shapes(labels, predictions, what)
    as_bool = (lambda t: t if t.dtype == dtypes.bool else math_ops.cast(t, dtypes.bool))
    return as_bool(labels), as_bool(predictions)


def _count_condition(values: Tensor, weights: Any, metrics_collections: Any,
                     updates_collections: Any):
    count = metric_variable([], dtypes.float32, name="count")
    v = math_ops.cast(values, dtypes.float32)
    w = _weights_like(weights, v)
    if w is not None:
        v = math_ops.multiply(v, w)
    update = state_ops.assign_add(count, math_ops.reduce_sum(v))
    value = array_ops.identity(count)
    _collect(value, update, metrics_collections, updates_collections)
    return value, update


def _confusion_count(kind: str, labels, predictions, weights, metrics_collections,
                     updates_collections, name):
    labels, predictions = _bool_pair(labels, predictions, kind)
    with variable_scope(name, kind, [predictions, labels, weights]):
        l, p = labels, predictions
        cond = {"true_positives": math_ops.logical_and(l, p),
                "false_positives": math_ops.logical_and(math_ops.logical_not(l), p),
                "true_negatives": math_ops.logical_and(math_ops.logical_not(l),
                                                       math_ops.logical_not(p)),
                "false_negatives": math_ops.logical_and(l, math_ops.logical_not(p))}[kind]
        return _count_condition(cond, weights, metrics_collections, updates_collections)


def true_positives(labels: Any, predictions: Any, weights: Any = None,
                   metrics_collections: Any = None, updates_collections: Any = None,
                   name: Optional[str] = None):
    """The (weighted) number of true positives (`tf.metrics.true_positives`); labels and
    predictions are cast to bool."""
    return _confusion_count("true_positives", labels, predictions, weights,
                            metrics_collections, updates_collections, name)


def false_positives(labels: Any, predictions: Any, weights: Any = None,
                    metrics_collections: Any = None, updates_collections: Any = None,
                    name: Optional[str] = None):
    """The (weighted) number of false positives (`tf.metrics.false_positives`)."""
    return _confusion_count("false_positives", labels, predictions, weights,
                            metrics_collections, updates_collections, name)


def true_negatives(labels: Any, predictions: Any, weights: Any = None,
                   metrics_collections: Any = None, updates_collections: Any = None,
                   name: Optional[str] = None):
    """The (weighted) number of true negatives (`tf.metrics.true_negatives`)."""
    return _confusion_count("true_negatives", labels, predictions, weights,
                            metrics_collections, updates_collections, name)


def false_negatives(labels: Any, predictions: Any, weights: Any = None,
                    metrics_collections: Any = None, updates_collections: Any = None,
                    name: Optional[str] = None):
    """The (weighted) number of false negatives (`tf.metrics.false_negatives`)."""
    return _confusion_count("false_negatives", labels, predictions, weights,
                            metrics_collections, updates_collections, name)


def _ratio_metric(kind: str, other: str, labels, predictions, weights, metrics_collections,
                  updates_collections, name):
    labels, predictions = _bool_pair(labels, predictions, kind)
    with variable_scope(name, kind, [predictions, labels, weights]):
        tp, tp_update = true_positives(labels, predictions, weights)
        counter = false_positives if other == "fp" else false_negatives
        o, o_update = counter(labels, predictions, weights)

        def ratio(t, f, n):
            denom = math_ops.add(t, f)
            return math_ops.select(math_ops.greater(denom, 0), math_ops.div_no_nan(t, denom),
                                   array_ops.zeros_like(t), name=n)
        value = ratio(tp, o, "value")
        update = ratio(tp_update, o_update, "update_op")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


def precision(labels: Any, predictions: Any, weights: Any = None,
              metrics_collections: Any = None, updates_collections: Any = None,
              name: Optional[str] = None):
    """tp / (tp + fp) over all batches, 0 before any positive prediction
    (`tf.metrics.precision`)."""
    return _ratio_metric("precision", "fp", labels, predictions, weights, metrics_collections,
                         updates_collections, name)


def recall(labels: Any, predictions: Any, weights: Any = None,
           metrics_collections: Any = None, updates_collections: Any = None,
           name: Optional[str] = None):
    """tp / (tp + fn) over all batches, 0 before any positive label (`tf.metrics.recall`)."""
    return _ratio_metric("recall", "fn", labels, predictions, weights, metrics_collections,
                         updates_collections, name)


# --- thresholds and AUC ----------------------------------------------------------------------------
def _confusion_at_thresholds(labels, predictions, thresholds, weights, includes):
    """Per-threshold tp/fn/tn/fp accumulators (TF1's `_confusion_matrix_at_thresholds`):
    a prediction counts as positive at threshold t when prediction > t."""
    labels = convert_to_tensor(labels)
    predictions = _float(predictions)
    labels, predictions = _squeeze_pair(labels, predictions)
    _check_shapes(labels, predictions, "thresholds")
    labels = labels if labels.dtype == dtypes.bool else math_ops.cast(labels, dtypes.bool)
    n = len(thresholds)
    p2 = array_ops.reshape(predictions, [1, -1])
    l2 = array_ops.reshape(labels, [1, -1])
    th = array_ops.reshape(convert_to_tensor([float(t) for t in thresholds], dtypes.float32),
                           [n, 1])
    pred_pos = math_ops.greater(p2, th)  # [n, N]
    pred_neg = math_ops.logical_not(pred_pos)
    is_pos = math_ops.logical_and(array_ops.ones_like(pred_pos), l2)
    is_neg = math_ops.logical_not(is_pos)
    w = None
    if weights is not None:
        w = array_ops.reshape(math_ops.multiply(_float(weights), array_ops.ones_like(
            predictions)), [1, -1])
    values, updates = {}, {}
    conds = {"tp": math_ops.logical_and(is_pos, pred_pos),
             "fn": math_ops.logical_and(is_pos, pred_neg),
             "tn": math_ops.logical_and(is_neg, pred_neg),
             "fp": math_ops.logical_and(is_neg, pred_pos)}
    names = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
             "fp": "false_positives"}
    for key in includes:
        var = metric_variable([n], dtypes.float32, name=names[key])
        c = math_ops.cast(conds[key], dtypes.float32)
        if w is not None:
            c = math_ops.multiply(c, w)
        updates[key] = state_ops.assign_add(var, math_ops.reduce_sum(c, 1))
        values[key] = var
    return values, updates


def _auc_thresholds(num_thresholds: int) -> List[float]:
    kepsilon = 1e-7
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - kepsilon] + inner + [1.0 + kepsilon]


def auc(labels: Any, predictions: Any, weights: Any = None, num_thresholds: int = 200,
        metrics_collections: Any = None, updates_collections: Any = None, curve: str = "ROC",
        name: Optional[str] = None, summation_method: str = "trapezoidal",
        thresholds: Any = None):
    """The area under the ROC or PR curve, from `num_thresholds` thresholds on predictions in
    [0, 1] (`tf.metrics.auc`, trapezoidal or Riemann sums as TF1).

    Raises:
      ValueError: For an unknown curve or summation_method.
    """
    if curve not in ("ROC", "PR"):
        raise ValueError(f"curve must be either ROC or PR, {curve} unknown")
    if summation_method not in ("trapezoidal", "careful_interpolation", "minoring",
                                "majoring"):
        raise ValueError(f"Invalid summation_method: {summation_method}")
    if summation_method == "careful_interpolation":
        raise NotImplementedError("auc(summation_method='careful_interpolation') is not "
                                  "offered by tfgraph; use 'trapezoidal'")
    with variable_scope(name, "auc", [labels, predictions, weights]):
        ths = list(thresholds) if thresholds is not None else _auc_thresholds(num_thresholds)
        if thresholds is not None:
            ths = [0.0 - 1e-7] + [float(t) for t in ths] + [1.0 + 1e-7]
        values, updates = _confusion_at_thresholds(labels, predictions, ths, weights,
                                                   ("tp", "fn", "tn", "fp"))
        eps = 1e-7

        def compute(tp, fn, tn, fp, name_):
            rec = math_ops.truediv(math_ops.add(tp, eps), math_ops.add(math_ops.add(tp, fn), eps))
            if curve == "ROC":
                x = math_ops.truediv(fp, math_ops.add(math_ops.add(fp, tn), eps))
                y = rec
            else:
                x = rec
                y = math_ops.truediv(math_ops.add(tp, eps), math_ops.add(math_ops.add(tp, fp),
                                                                         eps))
            n = len(ths)
            dx = math_ops.subtract(x[:n - 1], x[1:])
            if summation_method == "trapezoidal":
                h = math_ops.multiply(math_ops.add(y[:n - 1], y[1:]), 0.5)
            elif summation_method == "minoring":
                h = math_ops.minimum(y[:n - 1], y[1:])
            else:
                h = math_ops.maximum(y[:n - 1], y[1:])
            return math_ops.reduce_sum(math_ops.multiply(dx, h), name=name_)
        value = compute(values["tp"], values["fn"], values["tn"], values["fp"], "value")
        update = compute(updates["tp"], updates["fn"], updates["tn"], updates["fp"],
                         "update_op")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


def _at_thresholds(key: str, default: str, labels, predictions, thresholds, weights,
                   metrics_collections, updates_collections, name):
    with variable_scope(name, default, [predictions, labels, weights]):
        values, updates = _confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                   (key,))
        value, update = values[key], updates[key]
        _collect(value, update, metrics_collections, updates_collections)
        return array_ops.identity(value), update


def true_positives_at_thresholds(labels: Any, predictions: Any, thresholds: Sequence[float],
                                 weights: Any = None, metrics_collections: Any = None,
                                 updates_collections: Any = None, name: Optional[str] = None):
    """True positives per threshold (prediction > threshold)
    (`tf.metrics.true_positives_at_thresholds`)."""
    return _at_thresholds("tp", "true_positives", labels, predictions, thresholds, weights,
                          metrics_collections, updates_collections, name)


def false_positives_at_thresholds(labels: Any, predictions: Any, thresholds: Sequence[float],
                                  weights: Any = None, metrics_collections: Any = None,
                                  updates_collections: Any = None, name: Optional[str] = None):
    """False positives per threshold (`tf.metrics.false_positives_at_thresholds`)."""
    return _at_thresholds("fp", "false_positives", labels, predictions, thresholds, weights,
                          metrics_collections, updates_collections, name)


def true_negatives_at_thresholds(labels: Any, predictions: Any, thresholds: Sequence[float],
                                 weights: Any = None, metrics_collections: Any = None,
                                 updates_collections: Any = None, name: Optional[str] = None):
    """True negatives per threshold (`tf.metrics.true_negatives_at_thresholds`)."""
    return _at_thresholds("tn", "true_negatives", labels, predictions, thresholds, weights,
                          metrics_collections, updates_collections, name)


def false_negatives_at_thresholds(labels: Any, predictions: Any, thresholds: Sequence[float],
                                  weights: Any = None, metrics_collections: Any = None,
                                  updates_collections: Any = None, name: Optional[str] = None):
    """False negatives per threshold (`tf.metrics.false_negatives_at_thresholds`)."""
    return _at_thresholds("fn", "false_negatives", labels, predictions, thresholds, weights,
                          metrics_collections, updates_collections, name)


def precision_at_thresholds(labels: Any, predictions: Any, thresholds: Sequence[float],
                            weights: Any = None, metrics_collections: Any = None,
                            updates_collections: Any = None, name: Optional[str] = None):
    """tp / (tp + fp) per threshold (`tf.metrics.precision_at_thresholds`)."""
    with variable_scope(name, "precision_at_thresholds", [predictions, labels, weights]):
        values, updates = _confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                   ("tp", "fp"))
        eps = 1e-7
        value = math_ops.truediv(values["tp"], math_ops.add(math_ops.add(values["tp"],
                                                                         values["fp"]), eps),
                                 name="value")
        update = math_ops.truediv(updates["tp"], math_ops.add(
            math_ops.add(updates["tp"], updates["fp"]), eps), name="update_op")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


def recall_at_thresholds(labels: Any, predictions: Any, thresholds: Sequence[float],
                         weights: Any = None, metrics_collections: Any = None,
                         updates_collections: Any = None, name: Optional[str] = None):
    """tp / (tp + fn) per threshold (`tf.metrics.recall_at_thresholds`)."""
    with variable_scope(name, "recall_at_thresholds", [predictions, labels, weights]):
        values, updates = _confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                   ("tp", "fn"))
        eps = 1e-7
        value = math_ops.truediv(values["tp"], math_ops.add(math_ops.add(values["tp"],
                                                                         values["fn"]), eps),
                                 name="value")
        update = math_ops.truediv(updates["tp"], math_ops.add(
            math_ops.add(updates["tp"], updates["fn"]), eps), name="update_op")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


# --- per-class metrics -----------------------------------------------------------------------------
def _streaming_confusion_matrix(labels, predictions, num_classes: int, weights):
    total_cm = metric_variable([num_classes, num_classes], dtypes.float64,
                               name="total_confusion_matrix")
    labels = math_ops.cast(array_ops.reshape(convert_to_tensor(labels), [-1]), dtypes.int64)
    predictions = math_ops.cast(array_ops.reshape(convert_to_tensor(predictions), [-1]),
                                dtypes.int64)
    idx = math_ops.add(math_ops.multiply(labels, num_classes), predictions)
    ones = array_ops.ones_like(idx, dtype=dtypes.float64)
    if weights is not None:
        ones = math_ops.cast(array_ops.reshape(math_ops.multiply(
            _float(weights), array_ops.ones_like(_float(predictions))), [-1]), dtypes.float64)
    counts = array_ops.unsorted_segment_sum(ones, idx, num_classes * num_classes)
    update = state_ops.assign_add(total_cm, array_ops.reshape(counts, [num_classes,
                                                                       num_classes]))
    return total_cm, update


def mean_iou(labels: Any, predictions: Any, num_classes: int, weights: Any = None,
             metrics_collections: Any = None, updates_collections: Any = None,
             name: Optional[str] = None):
    """The mean intersection-over-union of the classes present (`tf.metrics.mean_iou`).

    Returns:
      `(mean_iou, update_op)`; update_op returns the updated confusion matrix, as TF1.
    """
    with variable_scope(name, "mean_iou", [predictions, labels, weights]):
        total_cm, update = _streaming_confusion_matrix(labels, predictions, num_classes,
                                                       weights)

        def compute(cm, name_):
            cm = math_ops.cast(cm, dtypes.float32)
            rows = math_ops.reduce_sum(cm, 0)
            cols = math_ops.reduce_sum(cm, 1)
            diag = matrix_diag_part(cm)
            denom = math_ops.subtract(math_ops.add(rows, cols), diag)
            valid = math_ops.reduce_sum(math_ops.cast(math_ops.not_equal(denom, 0),
                                                      dtypes.float32))
            iou = math_ops.div_no_nan(diag, denom)
            return math_ops.div_no_nan(math_ops.reduce_sum(iou), valid, name=name_)
        value = compute(total_cm, "mean_iou")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


def mean_per_class_accuracy(labels: Any, predictions: Any, num_classes: int,
                            weights: Any = None, metrics_collections: Any = None,
                            updates_collections: Any = None, name: Optional[str] = None):
    """The mean over classes of each class's accuracy (`tf.metrics.mean_per_class_accuracy`);
    variables "<name>/total" and "<name>/count" of shape [num_classes]."""
    with variable_scope(name, "mean_accuracy", [predictions, labels, weights]):
        labels = math_ops.cast(array_ops.reshape(convert_to_tensor(labels), [-1]), dtypes.int64)
        predictions = math_ops.cast(array_ops.reshape(convert_to_tensor(predictions), [-1]),
                                    dtypes.int64)
        total = metric_variable([num_classes], dtypes.float32, name="total")
        count = metric_variable([num_classes], dtypes.float32, name="count")
        ones = array_ops.ones_like(labels, dtype=dtypes.float32)
        if weights is not None:
            ones = array_ops.reshape(math_ops.multiply(_float(weights),
                                                       array_ops.ones_like(_float(labels))),
                                     [-1])
        correct = math_ops.multiply(math_ops.cast(math_ops.equal(labels, predictions),
                                                  dtypes.float32), ones)
        update_total = state_ops.assign_add(total, array_ops.unsorted_segment_sum(
            ones, labels, num_classes))
        update_count = state_ops.assign_add(count, array_ops.unsorted_segment_sum(
            correct, labels, num_classes))

        def compute(t, c, name_):
            per_class = math_ops.div_no_nan(c, t)
            present = math_ops.reduce_sum(math_ops.cast(math_ops.greater(t, 0), dtypes.float32))
            return math_ops.div_no_nan(math_ops.reduce_sum(per_class), present, name=name_)
        value = compute(total, count, "mean_accuracy")
        update = compute(update_total, update_count, "update_op")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


del Tuple
__all__: List[str] = []  # tf.metrics picks its names from this module (see tfgraph/metrics.py)
