"""`tf.metrics` for ranking and operating points: `precision_at_k`, `recall_at_k`,
`precision_at_top_k`, `recall_at_top_k`, `average_precision_at_k` (and TF1's `sparse_*`
aliases), `sensitivity_at_specificity`, `specificity_at_sensitivity`.

As TF1 (`metrics_impl.py`): labels are int64 class ids `[D1, ... DN, num_labels]` (or
`[D1, ... DN]`, meaning one label) or a `SparseTensor`; each row's labels and top-k predicted
classes are compared as sets (duplicates count once); the counts accumulate in float64 local
variables ("<name>/true_positive_at_<k>", "false_positive_at_<k>", "false_negative_at_<k>");
precision and recall divide without a guard (0/0 is NaN, as TF1), average precision returns 0
before any row. The set operations run as comparisons of the `[.., m]` and `[.., n]` rows
(`[.., m, n]` booleans), so no set kernels are needed.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor
from ..framework.sparse_tensor import SparseTensor
from . import array_ops, math_ops, state_ops
from .metrics_ops import _collect, _confusion_at_thresholds, metric_variable
from .variable_scope import variable_scope

__all__: List[str] = []  # tf.metrics picks its names from this module (see tfgraph/metrics.py)


def _at_k_name(name: str, k: Optional[int] = None, class_id: Optional[int] = None) -> str:
    name = f"{name}_at_{k}" if k is not None else f"{name}_at_k"
    return f"{name}_class{class_id}" if class_id is not None else name


def _labels_and_mask(labels: Any, predictions_idx: Tensor) -> Tuple[Tensor, Tensor]:
    """Dense int64 labels `[D1.. DN, n]` with the rank of `predictions_idx`, and where they
    hold a label (all of a dense tensor; the set entries of a SparseTensor)."""
    pred_rank = predictions_idx.shape.ndims
    if isinstance(labels, SparseTensor):
        rank = labels.dense_shape.shape.as_list()[0]
        indices, shape = labels.indices, labels.dense_shape
        if rank is not None and pred_rank is not None and pred_rank == rank + 1:
            indices = array_ops.concat([indices, array_ops.zeros_like(indices[:, :1])], 1)
            shape = array_ops.concat([shape, convert_to_tensor([1], dtypes.int64)], 0)
        values = math_ops.cast(labels.values, dtypes.int64)
        from .sparse_ops import sparse_tensor_to_dense
        dense = sparse_tensor_to_dense(SparseTensor(indices, values, shape), default_value=0,
                                       validate_indices=False)
        mask = sparse_tensor_to_dense(SparseTensor(indices, array_ops.ones_like(values), shape),
                                      default_value=0, validate_indices=False)
        return dense, math_ops.greater(mask, 0)
    labels = convert_to_tensor(labels)
    if not labels.dtype.is_integer:
        raise ValueError(f"labels must be an integer tensor (class ids), got {labels.dtype} "
                         f"({labels.name})")
    labels = math_ops.cast(labels, dtypes.int64)
    rank = labels.shape.ndims
    if rank is not None and pred_rank is not None:
        if pred_rank == rank + 1:
            labels = array_ops.expand_dims(labels, -1)
        elif pred_rank != rank:
            raise ValueError(f"Unexpected labels shape {labels.shape} for predictions shape "
                             f"{predictions_idx.shape}. Predictions rank should be the same "
                             "rank as labels rank or labels rank plus one .")
    return labels, array_ops.ones_like(labels, dtype=dtypes.bool)


def _in_set(x: Tensor, y: Tensor, y_mask: Tensor) -> Tensor:
    """Whether each entry of `x` [.., m] is among the masked entries of its row of `y`."""
    eq = math_ops.equal(array_ops.expand_dims(x, -1), array_ops.expand_dims(y, -2))
    return math_ops.reduce_any(math_ops.logical_and(eq, array_ops.expand_dims(y_mask, -2)), -1)


def _first(x: Tensor, mask: Tensor) -> Tensor:
    """The masked entries of `x` [.., m] not equal to an earlier masked entry of their row:
    each set element once."""
    r = array_ops.range(array_ops.shape(x)[-1])
    earlier = math_ops.less(array_ops.expand_dims(r, 0), array_ops.expand_dims(r, 1))  # j < i
    eq = math_ops.equal(array_ops.expand_dims(x, -1), array_ops.expand_dims(x, -2))
    dup = math_ops.reduce_any(math_ops.logical_and(
        math_ops.logical_and(eq, earlier), array_ops.expand_dims(mask, -2)), -1)
    return math_ops.logical_and(mask, math_ops.logical_not(dup))


def _count(flags: Tensor, weights: Any) -> Tensor:
    """Per-row float64 counts of `flags` [.., m], times `weights`, summed over the batch."""
    per_row = math_ops.reduce_sum(math_ops.cast(flags, dtypes.float64), -1)
    if weights is not None:
        per_row = math_ops.multiply(per_row, math_ops.cast(convert_to_tensor(weights),
                                                           dtypes.float64))
    return math_ops.reduce_sum(per_row)


def _set_counts(labels: Any, predictions_idx: Tensor, class_id: Optional[int]):
    """(unique predictions, whether in labels), (unique labels, whether in predictions)."""
    predictions_idx = math_ops.cast(predictions_idx, dtypes.int64)
    labels, label_mask = _labels_and_mask(labels, predictions_idx)
    pred_mask = array_ops.ones_like(predictions_idx, dtype=dtypes.bool)
    if class_id is not None:
        label_mask = math_ops.logical_and(label_mask, math_ops.equal(labels, class_id))
        pred_mask = math_ops.equal(predictions_idx, class_id)
    pred_unique = _first(predictions_idx, pred_mask)
    label_unique = _first(labels, label_mask)
    pred_in_labels = _in_set(predictions_idx, labels, label_mask)
    label_in_pred = _in_set(labels, predictions_idx, pred_mask)
    return pred_unique, pred_in_labels, label_unique, label_in_pred


def _accumulate(name: str, k: Optional[int], class_id: Optional[int], batch: Tensor):
    var = metric_variable([], dtypes.float64, name=_at_k_name(name, k, class_id))
    return var, state_ops.assign_add(var, batch)


def _ratio_at_top_k(kind: str, labels: Any, predictions_idx: Any, k: Optional[int],
                    class_id: Optional[int], weights: Any, metrics_collections: Any,
                    updates_collections: Any, name: Optional[str]):
    with variable_scope(name, _at_k_name(kind, k, class_id)):
        if callable(predictions_idx):  # top_k of the scores, inside this scope
            predictions_idx = predictions_idx()
        pred_unique, pred_in_labels, label_unique, label_in_pred = _set_counts(
            labels, convert_to_tensor(predictions_idx), class_id)
        tp, tp_update = _accumulate("true_positive", k, class_id, _count(
            math_ops.logical_and(pred_unique, pred_in_labels), weights))
        if kind == "precision":
            other, other_update = _accumulate("false_positive", k, class_id, _count(
                math_ops.logical_and(pred_unique, math_ops.logical_not(pred_in_labels)),
                weights))
        else:
            other, other_update = _accumulate("false_negative", k, class_id, _count(
                math_ops.logical_and(label_unique, math_ops.logical_not(label_in_pred)),
                weights))
        value = math_ops.truediv(tp, math_ops.add(tp, other), name="value")
        update = math_ops.truediv(tp_update, math_ops.add(tp_update, other_update),
                                  name="update")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


def _top_k_indices(predictions: Any, k: int) -> Tensor:
    from .nn_ops import top_k
    _, idx = top_k(convert_to_tensor(predictions), k)
    return idx


def recall_at_top_k(labels: Any, predictions_idx: Any, k: Optional[int] = None,
                    class_id: Optional[int] = None, weights: Any = None,
                    metrics_collections: Any = None, updates_collections: Any = None,
                    name: Optional[str] = None):
    """Recall of given top-k class indices against sparse labels
    (`tf.metrics.recall_at_top_k`): tp / (tp + fn) over all batches, where per row tp counts
    the labels among the predictions and fn the labels missing from them (a label outside
    [0, num_classes) is always missed); with `class_id`, only that class counts.

    Returns:
      `(recall, update_op)`, float64; NaN while tp + fn is 0 (as TF1).
    """
    return _ratio_at_top_k("recall", labels, predictions_idx, k, class_id, weights,
                           metrics_collections, updates_collections, name)


def precision_at_top_k(labels: Any, predictions_idx: Any, k: Optional[int] = None,
                       class_id: Optional[int] = None, weights: Any = None,
                       metrics_collections: Any = None, updates_collections: Any = None,
                       name: Optional[str] = None):
    """Precision of given top-k class indices against sparse labels
    (`tf.metrics.precision_at_top_k`): tp / (tp + fp), fp counting predictions not among the
    row's labels.

    Returns:
      `(precision, update_op)`, float64; NaN while tp + fp is 0 (as TF1).
    """
    return _ratio_at_top_k("precision", labels, predictions_idx, k, class_id, weights,
                           metrics_collections, updates_collections, name)


def recall_at_k(labels: Any, predictions: Any, k: int, class_id: Optional[int] = None,
                weights: Any = None, metrics_collections: Any = None,
                updates_collections: Any = None, name: Optional[str] = None):
    """`recall_at_top_k` of the `k` highest-scoring classes of `predictions` (logits or
    probabilities `[D1, ... DN, num_classes]`) (`tf.metrics.recall_at_k`)."""
    return _ratio_at_top_k("recall", labels, lambda: _top_k_indices(predictions, k), k,
                           class_id, weights, metrics_collections, updates_collections, name)


def precision_at_k(labels: Any, predictions: Any, k: int, class_id: Optional[int] = None,
                   weights: Any = None, metrics_collections: Any = None,
                   updates_collections: Any = None, name: Optional[str] = None):
    """`precision_at_top_k` of the `k` highest-scoring classes of `predictions`
    (`tf.metrics.precision_at_k`, also `tf.metrics.sparse_precision_at_k`)."""
    return _ratio_at_top_k("precision", labels, lambda: _top_k_indices(predictions, k), k,
                           class_id, weights, metrics_collections, updates_collections, name)


def sparse_precision_at_k(labels: Any, predictions: Any, k: int, class_id: Optional[int] = None,
                          weights: Any = None, metrics_collections: Any = None,
                          updates_collections: Any = None, name: Optional[str] = None):
    """TF1's deprecated name of `precision_at_k`."""
    return precision_at_k(labels, predictions, k, class_id, weights, metrics_collections,
                          updates_collections, name)


def _average_precision(labels: Any, predictions_idx: Tensor) -> Tensor:
    """Per-row average precision of the top-k indices: the mean over the relevant ranks i of
    precision@i, divided by min(number of labels, k)."""
    predictions_idx = math_ops.cast(predictions_idx, dtypes.int64)
    if predictions_idx.shape.ndims == 0:
        raise ValueError("The rank of `predictions_idx` must be at least 1.")
    k = predictions_idx.shape.as_list()[-1]
    if k is None:
        raise ValueError("The last dimension of predictions_idx must be set. Currently, it is "
                         "None.")
    sparse = isinstance(labels, SparseTensor)
    dense, mask = _labels_and_mask(labels, predictions_idx)
    relevant = math_ops.cast(_in_set(predictions_idx, dense, mask), dtypes.float64)
    tp_per_k = math_ops.cumsum(relevant, axis=-1)
    retrieved = math_ops.cast(array_ops.range(1, k + 1), dtypes.float64)
    precision_sum = math_ops.reduce_sum(
        math_ops.multiply(math_ops.truediv(tp_per_k, retrieved), relevant), -1)
    if sparse:  # the set size of each row
        n = math_ops.reduce_sum(math_ops.cast(_first(dense, mask), dtypes.int64), -1)
    else:  # TF1 counts the non-negative entries of a dense row
        n = math_ops.reduce_sum(math_ops.cast(math_ops.greater_equal(dense, 0), dtypes.int64),
                                -1)
    num_relevant = math_ops.cast(math_ops.minimum(n, k), dtypes.float64)
    return math_ops.truediv(precision_sum, num_relevant)


def _streaming_average_precision(labels: Any, predictions_idx: Tensor, weights: Any,
                                 metrics_collections: Any, updates_collections: Any):
    ap = _average_precision(labels, predictions_idx)
    if weights is not None:
        w = math_ops.multiply(math_ops.cast(convert_to_tensor(weights), dtypes.float64),
                              array_ops.ones_like(ap))
        ap = math_ops.multiply(ap, w)
        batch_max = math_ops.reduce_sum(w)
    else:
        batch_max = math_ops.cast(array_ops.size(ap), dtypes.float64)
    max_var = metric_variable([], dtypes.float64, name="max")
    total_var = metric_variable([], dtypes.float64, name="total")
    max_update = state_ops.assign_add(max_var, batch_max)
    total_update = state_ops.assign_add(total_var, math_ops.reduce_sum(ap))
    value = math_ops.div_no_nan(total_var, max_var, name="mean")
    update = math_ops.div_no_nan(total_update, max_update, name="update")
    _collect(value, update, metrics_collections, updates_collections)
    return value, update


def average_precision_at_k(labels: Any, predictions: Any, k: int, weights: Any = None,
                           metrics_collections: Any = None, updates_collections: Any = None,
                           name: Optional[str] = None):
    """The mean over rows of the average precision of the `k` highest-scoring classes
    (`tf.metrics.average_precision_at_k`, also `sparse_average_precision_at_k`): per row,
    the sum of precision@i over the ranks i whose class is a label, divided by
    min(number of labels, k).

    Returns:
      `(mean_average_precision, update_op)`, float64; 0 before any row.

    Raises:
      ValueError: If `k < 1`.
    """
    if k < 1:
        raise ValueError(f"Invalid k={k}")
    with variable_scope(name, _at_k_name("average_precision", k)):
        return _streaming_average_precision(labels, _top_k_indices(predictions, k), weights,
                                            metrics_collections, updates_collections)


def sparse_average_precision_at_k(labels: Any, predictions: Any, k: int, weights: Any = None,
                                  metrics_collections: Any = None,
                                  updates_collections: Any = None, name: Optional[str] = None):
    """TF1's deprecated name of `average_precision_at_k`."""
    return average_precision_at_k(labels, predictions, k, weights, metrics_collections,
                                  updates_collections, name)


def _rate_at_rate(target_kind: str, target: float, labels: Any, predictions: Any, weights: Any,
                  num_thresholds: int, metrics_collections: Any, updates_collections: Any,
                  name: Optional[str], default: str):
    kepsilon = 1e-7
    with variable_scope(name, default):
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        last = 1.0 + kepsilon if target_kind == "specificity" else 1.0 - kepsilon
        thresholds = [0.0 - kepsilon] + inner + [last]
        values, updates = _confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                   ("tp", "fn", "tn", "fp"))

        def compute(c, name_):
            tp, fn, tn, fp = c["tp"], c["fn"], c["tn"], c["fp"]
            if target_kind == "specificity":  # sensitivity at the closest specificity
                spec = math_ops.truediv(tn, tn + fp + kepsilon)
                index = math_ops.argmin(math_ops.abs(spec - target), 0)
                return math_ops.truediv(array_ops.gather(tp, index), array_ops.gather(
                    tp, index) + array_ops.gather(fn, index) + kepsilon, name=name_)
            # specificity at the closest sensitivity; the last threshold among ties (TF1)
            sens = math_ops.truediv(tp, tp + fn + kepsilon)
            distance = math_ops.abs(sens - target)
            at_min = math_ops.cast(math_ops.equal(distance, math_ops.reduce_min(distance)),
                                   dtypes.int64)
            index = math_ops.argmax(math_ops.cumsum(at_min), 0)
            return math_ops.truediv(array_ops.gather(tn, index), array_ops.gather(
                tn, index) + array_ops.gather(fp, index) + kepsilon, name=name_)

        value = compute(values, "value")
        update = compute(updates, "update_op")
        _collect(value, update, metrics_collections, updates_collections)
        return value, update


def sensitivity_at_specificity(labels: Any, predictions: Any, specificity: float,
                               weights: Any = None, num_thresholds: int = 200,
                               metrics_collections: Any = None, updates_collections: Any = None,
                               name: Optional[str] = None):
    """The sensitivity (recall) at the threshold whose specificity is closest to
    `specificity`, over `num_thresholds` thresholds on predictions in [0, 1]
    (`tf.metrics.sensitivity_at_specificity`).

    Raises:
      ValueError: If `specificity` is not in [0, 1].
    """
    if specificity < 0 or specificity > 1:
        raise ValueError("`specificity` must be in the range [0, 1]. Currently, `specificity` "
                         f"got {specificity}.")
    return _rate_at_rate("specificity", specificity, labels, predictions, weights,
                         num_thresholds, metrics_collections, updates_collections, name,
                         "sensitivity_at_specificity")


def specificity_at_sensitivity(labels: Any, predictions: Any, sensitivity: float,
                               weights: Any = None, num_thresholds: int = 200,
                               metrics_collections: Any = None, updates_collections: Any = None,
                               name: Optional[str] = None):
    """The specificity at the threshold whose sensitivity is closest to `sensitivity` (the
    last such threshold among ties), over `num_thresholds` thresholds on predictions in
    [0, 1] (`tf.metrics.specificity_at_sensitivity`).

    Raises:
      ValueError: If `sensitivity` is not in [0, 1].
    """
    if sensitivity < 0 or sensitivity > 1:
        raise ValueError("`sensitivity` must be in the range [0, 1]. Currently, `sensitivity` "
                         f"is {sensitivity}.")
    return _rate_at_rate("sensitivity", sensitivity, labels, predictions, weights,
                         num_thresholds, metrics_collections, updates_collections, name,
                         "specificity_at_sensitivity")


del Tensor
