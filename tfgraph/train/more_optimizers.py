"""The remaining TF1 optimizers: `AdadeltaOptimizer`, `ProximalGradientDescentOptimizer`,
`ProximalAdagradOptimizer`, `FtrlOptimizer`, `AdagradDAOptimizer`, with TF1's defaults, slot
names ("W/Adadelta", "W/Adadelta_1", "W/Ftrl", "W/Ftrl_1", ...) and update rules (the ops in
`ops/training_ops_extra.py`)."""
from __future__ import annotations

from typing import Any, List

from ..framework import dtypes
from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor
from ..ops import array_ops, math_ops, sparse_training_ops as _sparse, training_ops_extra as _ops
from ..ops.variables import Variable
from .optimizer import Optimizer, _cast


def _tensor(value: Any, name: str) -> Tensor:
    return convert_to_tensor(Optimizer._call_if_callable(value), name=name)


class AdadeltaOptimizer(Optimizer):
    """Adadelta (`tf.train.AdadeltaOptimizer`); slots "accum" ("W/Adadelta") and
    "accum_update" ("W/Adadelta_1").

    Args:
      learning_rate: Float or scalar tensor (default 0.001, as TF1).
      rho: Decay rate.
      epsilon: Conditioning constant.
      use_locking, name: As every optimizer.
    """

    def __init__(self, learning_rate: Any = 0.001, rho: Any = 0.95, epsilon: Any = 1e-8,
                 use_locking: bool = False, name: str = "Adadelta"):
        super().__init__(use_locking, name)
        self._lr, self._rho, self._epsilon = learning_rate, rho, epsilon

    def _create_slots(self, var_list: List[Variable]) -> None:
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _prepare(self) -> None:
        self._lr_t = _tensor(self._lr, "lr")
        self._rho_t = _tensor(self._rho, "rho")
        self._epsilon_t = _tensor(self._epsilon, "epsilon")

    def _apply_dense(self, grad: Tensor, var: Variable):
        d = var.dtype.base_dtype
        return _ops.apply_adadelta(var, self.get_slot(var, "accum"),
                                   self.get_slot(var, "accum_update"), _cast(self._lr_t, d),
                                   _cast(self._rho_t, d), _cast(self._epsilon_t, d), grad,
                                   use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var: Variable):
        d = var.dtype.base_dtype
        return _sparse.sparse_apply_adadelta(
            var, self.get_slot(var, "accum"), self.get_slot(var, "accum_update"),
            _cast(self._lr_t, d), _cast(self._rho_t, d), _cast(self._epsilon_t, d),
            grad.values, grad.indices, use_locking=self._use_locking).op


class ProximalGradientDescentOptimizer(Optimizer):
    """Proximal gradient descent with L1/L2 regularization
    (`tf.train.ProximalGradientDescentOptimizer`)."""

    def __init__(self, learning_rate: Any, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, use_locking: bool = False,
                 name: str = "ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._lr, self._l1, self._l2 = (learning_rate, l1_regularization_strength,
                                        l2_regularization_strength)

    def _prepare(self) -> None:
        self._lr_t = _tensor(self._lr, "learning_rate")
        self._l1_t = _tensor(self._l1, "l1_regularization_strength")
        self._l2_t = _tensor(self._l2, "l2_regularization_strength")

    def _apply_dense(self, grad: Tensor, var: Variable):
        d = var.dtype.base_dtype
        return _ops.apply_proximal_gradient_descent(
            var, _cast(self._lr_t, d), _cast(self._l1_t, d), _cast(self._l2_t, d), grad,
            use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var: Variable):
        d = var.dtype.base_dtype
        return _sparse.sparse_apply_proximal_gradient_descent(
            var, _cast(self._lr_t, d), _cast(self._l1_t, d), _cast(self._l2_t, d),
            grad.values, grad.indices, use_locking=self._use_locking).op


class ProximalAdagradOptimizer(Optimizer):
    """Proximal Adagrad (`tf.train.ProximalAdagradOptimizer`); slot "accumulator"
    ("W/ProximalAdagrad") starting at `initial_accumulator_value`.

    Raises:
      ValueError: If `initial_accumulator_value` is not positive.
    """

    def __init__(self, learning_rate: Any, initial_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, use_locking: bool = False,
                 name: str = "ProximalAdagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._lr, self._init = learning_rate, initial_accumulator_value
        self._l1, self._l2 = l1_regularization_strength, l2_regularization_strength

    def _create_slots(self, var_list: List[Variable]) -> None:
        for v in var_list:
            self._filled_slot(v, self._init, "accumulator", self._name, initializer_name="Const")

    def _prepare(self) -> None:
        self._lr_t = _tensor(self._lr, "learning_rate")
        self._l1_t = _tensor(self._l1, "l1_regularization_strength")
        self._l2_t = _tensor(self._l2, "l2_regularization_strength")

    def _apply_dense(self, grad: Tensor, var: Variable):
        d = var.dtype.base_dtype
        return _ops.apply_proximal_adagrad(var, self.get_slot(var, "accumulator"),
                                           _cast(self._lr_t, d), _cast(self._l1_t, d),
                                           _cast(self._l2_t, d), grad,
                                           use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var: Variable):
        d = var.dtype.base_dtype
        return _sparse.sparse_apply_proximal_adagrad(
            var, self.get_slot(var, "accumulator"), _cast(self._lr_t, d), _cast(self._l1_t, d),
            _cast(self._l2_t, d), grad.values, grad.indices, use_locking=self._use_locking).op


class FtrlOptimizer(Optimizer):
    """FTRL-Proximal (`tf.train.FtrlOptimizer`); slots "accum" ("W/Ftrl") starting at
    `initial_accumulator_value` and "linear" ("W/Ftrl_1").

    Raises:
      ValueError: For a positive `learning_rate_power`, a negative initial accumulator or
        regularization strength.
    """

    def __init__(self, learning_rate: Any, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, use_locking: bool = False,
                 name: str = "Ftrl", accum_name: Any = None, linear_name: Any = None,
                 l2_shrinkage_regularization_strength: float = 0.0):
        super().__init__(use_locking, name)
        if initial_accumulator_value < 0.0:
            raise ValueError(f"initial_accumulator_value {initial_accumulator_value} needs to "
                             f"be positive or zero")
        if learning_rate_power > 0.0:
            raise ValueError(f"learning_rate_power {learning_rate_power} needs to be negative "
                             f"or zero")
        for what, v in (("l1_regularization_strength", l1_regularization_strength),
                        ("l2_regularization_strength", l2_regularization_strength),
                        ("l2_shrinkage_regularization_strength",
                         l2_shrinkage_regularization_strength)):
            if v < 0.0:
                raise ValueError(f"{what} {v} needs to be positive or zero")
        self._lr, self._lr_power = learning_rate, learning_rate_power
        self._init = initial_accumulator_value
        self._l1, self._l2 = l1_regularization_strength, l2_regularization_strength
        self._shrink = l2_shrinkage_regularization_strength
        self._accum_name, self._linear_name = accum_name, linear_name

    def _create_slots(self, var_list: List[Variable]) -> None:
        for v in var_list:
            self._filled_slot(v, self._init, "accum", self._accum_name or self._name,
                              initializer_name="Const")
            self._zeros_slot(v, "linear", self._linear_name or self._name)

    def _prepare(self) -> None:
        self._lr_t = _tensor(self._lr, "learning_rate")
        self._l1_t = _tensor(self._l1, "l1_regularization_strength")
        self._l2_t = _tensor(self._l2, "l2_regularization_strength")
        self._shrink_t = _tensor(self._shrink, "l2_shrinkage_regularization_strength")
        self._lr_power_t = _tensor(self._lr_power, "learning_rate_power")

    def _apply_dense(self, grad: Tensor, var: Variable):
        d = var.dtype.base_dtype
        args = (var, self.get_slot(var, "accum"), self.get_slot(var, "linear"), grad,
                _cast(self._lr_t, d), _cast(self._l1_t, d), _cast(self._l2_t, d))
        if self._shrink <= 0.0:
            return _ops.apply_ftrl(*args, _cast(self._lr_power_t, d),
                                   use_locking=self._use_locking).op
        return _ops.apply_ftrl_v2(*args, _cast(self._shrink_t, d), _cast(self._lr_power_t, d),
                                  use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var: Variable):
        d = var.dtype.base_dtype
        args = (var, self.get_slot(var, "accum"), self.get_slot(var, "linear"), grad.values,
                grad.indices, _cast(self._lr_t, d), _cast(self._l1_t, d), _cast(self._l2_t, d))
        if self._shrink <= 0.0:
            return _sparse.sparse_apply_ftrl(*args, _cast(self._lr_power_t, d),
                                             use_locking=self._use_locking).op
        return _sparse.sparse_apply_ftrl_v2(*args, _cast(self._shrink_t, d),
                                            _cast(self._lr_power_t, d),
                                            use_locking=self._use_locking).op


class AdagradDAOptimizer(Optimizer):
    """Adagrad dual averaging (`tf.train.AdagradDAOptimizer`); slots "gradient_accumulator"
    ("W/AdagradDA") and "gradient_squared_accumulator" ("W/AdagradDA_1"). The step used is
    `global_step + 1`, as TF1.

    Raises:
      ValueError: If `initial_gradient_squared_accumulator_value` is not positive.
    """

    def __init__(self, learning_rate: Any, global_step: Any,
                 initial_gradient_squared_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, use_locking: bool = False,
                 name: str = "AdagradDA"):
        if initial_gradient_squared_accumulator_value <= 0.0:
            raise ValueError(f"initial_gradient_squared_accumulator_value must be positive: "
                             f"{initial_gradient_squared_accumulator_value}")
        super().__init__(use_locking, name)
        self._lr, self._global_step = learning_rate, global_step
        self._init = initial_gradient_squared_accumulator_value
        self._l1, self._l2 = l1_regularization_strength, l2_regularization_strength

    def _create_slots(self, var_list: List[Variable]) -> None:
        for v in var_list:
            self._zeros_slot(v, "gradient_accumulator", self._name)
            self._filled_slot(v, self._init, "gradient_squared_accumulator", self._name,
                              initializer_name="Const")

    def _prepare(self) -> None:
        self._lr_t = _tensor(self._lr, "learning_rate")
        self._l1_t = _tensor(self._l1, "l1_regularization_strength")
        self._l2_t = _tensor(self._l2, "l2_regularization_strength")
        step = array_ops.identity(self._global_step)
        self._step_t = math_ops.add(step, math_ops.cast(1, step.dtype))

    def _apply_dense(self, grad: Tensor, var: Variable):
        d = var.dtype.base_dtype
        return _ops.apply_adagrad_da(var, self.get_slot(var, "gradient_accumulator"),
                                     self.get_slot(var, "gradient_squared_accumulator"), grad,
                                     _cast(self._lr_t, d), _cast(self._l1_t, d),
                                     _cast(self._l2_t, d), math_ops.cast(self._step_t, d),
                                     use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var: Variable):
        d = var.dtype.base_dtype
        return _sparse.sparse_apply_adagrad_da(
            var, self.get_slot(var, "gradient_accumulator"),
            self.get_slot(var, "gradient_squared_accumulator"), grad.values, grad.indices,
            _cast(self._lr_t, d), _cast(self._l1_t, d), _cast(self._l2_t, d),
            math_ops.cast(self._step_t, d), use_locking=self._use_locking).op


del dtypes
__all__ = ["AdadeltaOptimizer", "AdagradDAOptimizer", "FtrlOptimizer",
           "ProximalAdagradOptimizer", "ProximalGradientDescentOptimizer"]
