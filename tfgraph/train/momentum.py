"""`tf.train.MomentumOptimizer`: `accum = momentum * accum + grad; var -= lr * accum`."""
from __future__ import annotations

from typing import Any, List

from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor
from ..ops import sparse_training_ops, training_ops
from ..ops.variables import Variable
from .optimizer import Optimizer, _cast


class MomentumOptimizer(Optimizer):
    """Gradient descent with momentum (`tf.train.MomentumOptimizer`).

    Each variable gets a zero-initialized slot "momentum" (variable "W/Momentum").  With
    `use_nesterov`, the update is `var -= lr * grad + lr * momentum * accum` (after the
    accumulator update), TF1's Nesterov form.

    Args:
      learning_rate: A float or scalar float tensor (or a callable returning one).
      momentum: A float or scalar float tensor.
      use_locking: Accepted for compatibility.
      name: Name scope of the update ops (default "Momentum").
      use_nesterov: Use Nesterov momentum.
    """

    def __init__(self, learning_rate: Any, momentum: Any, use_locking: bool = False,
                 name: str = "Momentum", use_nesterov: bool = False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list: List[Variable]) -> None:
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self) -> None:
        self._learning_rate_tensor = convert_to_tensor(
            self._call_if_callable(self._learning_rate), name="learning_rate")
        self._momentum_tensor = convert_to_tensor(
            self._call_if_callable(self._momentum), name="momentum")

    def _apply_dense(self, grad: Tensor, var: Variable):
        dtype = var.dtype.base_dtype
        return training_ops.apply_momentum(
            var, self.get_slot(var, "momentum"), _cast(self._learning_rate_tensor, dtype), grad,
            _cast(self._momentum_tensor, dtype), use_locking=self._use_locking,
            use_nesterov=self._use_nesterov).op


    def _apply_sparse(self, grad, var: Variable):
        dtype = var.dtype.base_dtype
        return sparse_training_ops.sparse_apply_momentum(
            var, self.get_slot(var, "momentum"), _cast(self._learning_rate_tensor, dtype),
            grad.values, grad.indices, _cast(self._momentum_tensor, dtype),
            use_locking=self._use_locking, use_nesterov=self._use_nesterov).op


__all__ = ["MomentumOptimizer"]
