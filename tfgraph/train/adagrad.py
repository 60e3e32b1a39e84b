"""`tf.train.AdagradOptimizer`: `accum += g * g; var -= lr * g / sqrt(accum)`."""
from __future__ import annotations

from typing import Any, List

from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor
from ..ops import sparse_training_ops, training_ops
from ..ops.variables import Variable
from .optimizer import Optimizer, _cast


class AdagradOptimizer(Optimizer):
    """Adagrad (`tf.train.AdagradOptimizer`).

    Each variable gets a slot "accumulator" (variable "W/Adagrad") initialized to
    `initial_accumulator_value`.

    Args:
      learning_rate: A float or scalar float tensor (or a callable returning one).
      initial_accumulator_value: Starting value of the accumulators; must be positive.
      use_locking: Accepted for compatibility.
      name: Name scope of the update ops (default "Adagrad").

    Raises:
      ValueError: If `initial_accumulator_value` is not positive.
    """

    def __init__(self, learning_rate: Any, initial_accumulator_value: float = 0.1,
                 use_locking: bool = False, name: str = "Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s" %
                             initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._learning_rate_tensor = None

    def _create_slots(self, var_list: List[Variable]) -> None:
        for v in var_list:
            # TF1 names this initializer "Const" (a constant_initializer).
            self._filled_slot(v, self._initial_accumulator_value, "accumulator", self._name,
                              initializer_name="Const")

    def _prepare(self) -> None:
        self._learning_rate_tensor = convert_to_tensor(
            self._call_if_callable(self._learning_rate), name="learning_rate")

    def _apply_dense(self, grad: Tensor, var: Variable):
        return training_ops.apply_adagrad(
            var, self.get_slot(var, "accumulator"),
            _cast(self._learning_rate_tensor, var.dtype.base_dtype), grad,
            use_locking=self._use_locking).op


    def _apply_sparse(self, grad, var: Variable):
        return sparse_training_ops.sparse_apply_adagrad(
            var, self.get_slot(var, "accumulator"),
            _cast(self._learning_rate_tensor, var.dtype.base_dtype), grad.values, grad.indices,
            use_locking=self._use_locking).op


__all__ = ["AdagradOptimizer"]
