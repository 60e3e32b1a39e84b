"""`tf.train.GradientDescentOptimizer`: `var -= learning_rate * grad`."""
from __future__ import annotations

from typing import Any

from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor
from ..framework.indexed_slices import IndexedSlices
from ..ops import training_ops
from ..ops.variables import Variable
from .optimizer import Optimizer, _cast


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent (`tf.train.GradientDescentOptimizer`).

    Args:
      learning_rate: A Python float, a scalar float tensor (e.g. a placeholder or
        `tf.train.exponential_decay`), or a callable returning one.
      use_locking: Accepted for compatibility.
      name: The name scope of the update ops (default "GradientDescent").
    """

    def __init__(self, learning_rate: Any, use_locking: bool = False,
                 name: str = "GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self) -> None:
        lr = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = convert_to_tensor(lr, name="learning_rate")

    def _apply_dense(self, grad: Tensor, var: Variable):
        return training_ops.apply_gradient_descent(
            var, _cast(self._learning_rate_tensor, var.dtype.base_dtype), grad,
            use_locking=self._use_locking).op


    def _apply_sparse_duplicate_indices(self, grad: IndexedSlices, var: Variable):
        # ScatterSub sums repeated indices itself: no deduplication (as TF1).
        return self._apply_sparse(grad, var)

    def _apply_sparse(self, grad: IndexedSlices, var: Variable):
        lr = _cast(self._learning_rate_tensor, var.dtype.base_dtype)
        delta = IndexedSlices(grad.values * lr, grad.indices, grad.dense_shape)
        return var.scatter_sub(delta, use_locking=self._use_locking).op


__all__ = ["GradientDescentOptimizer"]
