"""`tf.losses.mean_pairwise_squared_error`: the loss on the differences between pairs of
elements of each example (TF1's `losses_impl`), which ignores a constant offset between
predictions and labels."""
from __future__ import annotations

from typing import Any, Optional

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.graph_keys import GraphKeys
from ..framework.ops import convert_to_tensor, name_scope
from . import array_ops, math_ops

__all__ = ["mean_pairwise_squared_error"]


def mean_pairwise_squared_error(labels: Any, predictions: Any, weights: Any = 1.0,
                                scope: Optional[str] = None,
                                loss_collection: Optional[str] = GraphKeys.LOSSES) -> Tensor:
    """For each example (first dimension), the mean over pairs of its elements (i, j) of
    ((p_i - p_j) - (l_i - l_j))^2, i.e. 2 * (sum(d^2) / (n - 1) - sum(d)^2 / (n (n - 1)))
    with d = predictions - labels and n the example's element count with non-zero weight;
    then the examples' values times `weights`, summed (`tf.losses.mean_pairwise_squared_error`).

    Args:
      labels: The ground truth, `[batch, d0, ... dN]`.
      predictions: Same shape as `labels`.
      weights: A scalar or a tensor broadcastable to `[batch, 1, ...]` (per example).
      scope: Name scope.
      loss_collection: Where the loss is added (default `tf.GraphKeys.LOSSES`).

    Returns:
      A float32 scalar.

    Raises:
      ValueError: If `labels` or `predictions` is None or their shapes are incompatible.
    """
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if predictions is None:
        raise ValueError("Argument `predictions` must not be None.")
    with name_scope(scope, "mean_pairwise_squared_error", [predictions, labels, weights]):
        weights = math_ops.cast(convert_to_tensor(weights), dtypes.float32)
        labels = math_ops.cast(convert_to_tensor(labels), dtypes.float32)
        predictions = math_ops.cast(convert_to_tensor(predictions), dtypes.float32)
        if not predictions.shape.is_compatible_with(labels.shape):
            raise ValueError(f"mean_pairwise_squared_error: predictions shape "
                             f"{predictions.shape} is incompatible with labels shape "
                             f"{labels.shape} ({predictions.name}, {labels.name})")
        diffs = math_ops.subtract(predictions, labels)
        axis = array_ops.range(1, array_ops.rank(diffs))
        sum_squares = math_ops.reduce_sum(math_ops.square(diffs), axis, keepdims=True)
        present = array_ops.where(math_ops.equal(weights, 0.0), array_ops.zeros_like(weights),
                                  array_ops.ones_like(weights))
        present = math_ops.multiply(present, array_ops.ones_like(diffs))
        num_present = math_ops.reduce_sum(present, axis, keepdims=True)
        term1 = 2.0 * math_ops.div_no_nan(sum_squares, math_ops.maximum(num_present - 1, 0.0))
        sum_diff = math_ops.reduce_sum(diffs, axis, keepdims=True)
        term2 = 2.0 * math_ops.div_no_nan(math_ops.square(sum_diff), math_ops.maximum(
            math_ops.multiply(num_present, num_present - 1), 0.0))
        loss = math_ops.reduce_sum(math_ops.multiply(term1 - term2, weights))
        mean_loss = array_ops.where(math_ops.greater(math_ops.reduce_sum(num_present), 0.0),
                                    loss, array_ops.zeros_like(loss), name="value")
        if loss_collection:
            from .losses_ops import add_loss
            add_loss(mean_loss, loss_collection)
        return mean_loss
