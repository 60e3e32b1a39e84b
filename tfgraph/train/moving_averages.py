"""`tf.train.ExponentialMovingAverage` and `assign_moving_average`.

`ema.apply(var_list)` creates one shadow variable per variable, "<var>/ExponentialMovingAverage"
(not trainable; in GLOBAL_VARIABLES and MOVING_AVERAGE_VARIABLES), initialized to the
variable's initial value (to zeros for a plain tensor), and returns the op that moves every
shadow: `shadow -= (1 - decay) * (shadow - value)`; with `num_updates`, decay is
`min(decay, (1 + num_updates) / (10 + num_updates))` as TF1. `variables_to_restore()` maps the
shadow names onto the variables, to evaluate with averaged weights.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.graph_keys import GraphKeys
from ..framework.ops import convert_to_tensor, name_scope
from ..ops import array_ops, math_ops, state_ops
from ..ops.control_flow_ops import group
from ..ops.variables import (Variable, global_variables, moving_average_variables,
                             trainable_variables)
from .optimizer import _create_slot_var


def assign_moving_average(variable: Variable, value: Any, decay: Any,
                          zero_debias: bool = True, name: Optional[str] = None) -> Tensor:
    """`variable -= (1 - decay) * (variable - value)` (`tf.train.assign_moving_average`, TF1's
    `moving_averages.assign_moving_average`); returns the updated value.

    Raises:
      NotImplementedError: For `zero_debias=True` on a variable TF1 would debias (tfgraph does
        not offer the debiasing; pass zero_debias=False).
    """
    with name_scope(name, "AssignMovingAvg", [variable, value, decay]) as scope:
        value = convert_to_tensor(value, name="value")
        decay = convert_to_tensor(decay, name="decay")
        if decay.dtype != variable.dtype.base_dtype:
            decay = math_ops.cast(decay, variable.dtype.base_dtype)
        delta = math_ops.multiply(math_ops.subtract(variable, value),
                                  math_ops.subtract(convert_to_tensor(1.0, dtype=decay.dtype),
                                                    decay))
        return state_ops.assign_sub(variable, delta, name=scope)


class ExponentialMovingAverage:
    """Shadow variables that track exponential moving averages (`tf.train.
    ExponentialMovingAverage`).

    Args:
      decay: The decay (e.g. 0.999).
      num_updates: Optional step counter tensor: early on, decay is
        `min(decay, (1 + num_updates) / (10 + num_updates))`.
      zero_debias: Not offered (NotImplementedError when True).
      name: Suffix of the shadow variables and name scope of the update ops.
    """

    def __init__(self, decay: Any, num_updates: Any = None, zero_debias: bool = False,
                 name: str = "ExponentialMovingAverage"):
        if zero_debias:
            raise NotImplementedError("ExponentialMovingAverage(zero_debias=True) is not "
                                      "offered by tfgraph")
        self._decay = decay
        self._num_updates = num_updates
        self._name = name
        self._averages: Dict[Any, Variable] = {}

    @property
    def name(self) -> str:
        return self._name

    def _key(self, var: Any) -> Any:
        return var.op if isinstance(var, Variable) else var

    def apply(self, var_list: Optional[Sequence[Any]] = None):
        """Creates the shadow variables (once per variable) and returns the op that updates
        them all.

        Args:
          var_list: Variables or float tensors (default: all trainable variables).

        Raises:
          TypeError: For a non-float variable or tensor.
          ValueError: If a variable was passed twice.
        """
        if var_list is None:
            var_list = trainable_variables()
        var_list = list(var_list)
        seen = set()
        for var in var_list:
            if not var.dtype.base_dtype.is_floating:
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
            key = self._key(var)
            if key in seen:
                raise ValueError(f"Duplicate variable in var_list: {var.name}")
            seen.add(key)
            if key in self._averages:
                continue
            if isinstance(var, Variable):
                avg = _create_slot_var(var, var.initialized_value(), self._name,
                                       var.dtype.base_dtype)
            else:
                t = convert_to_tensor(var)
                prim = _TensorPrimary(t)
                avg = _create_slot_var(prim, array_ops.zeros(t.shape.as_list(), t.dtype),
                                       self._name, t.dtype)
            avg.graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
            self._averages[key] = avg
        with name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, dtype=dtypes.float32, name="decay")
            if self._num_updates is not None:
                n = math_ops.cast(self._num_updates, dtypes.float32)
                decay = math_ops.minimum(decay, math_ops.truediv(math_ops.add(1.0, n),
                                                                 math_ops.add(10.0, n)))
            updates = [assign_moving_average(self._averages[self._key(v)], v, decay)
                       for v in var_list]
            return group(*updates, name=scope)

    def average(self, var: Any) -> Optional[Variable]:
        """The shadow variable of `var` (None if `apply` never saw it)."""
        return self._averages.get(self._key(var))

    def average_name(self, var: Any) -> str:
        """The name of `var`'s shadow variable in a checkpoint ("W/ExponentialMovingAverage")."""
        if self._key(var) in self._averages:
            return self._averages[self._key(var)].op.name
        return var.op.name + "/" + self._name

    def variables_to_restore(self, moving_avg_variables: Optional[Sequence[Any]] = None
                             ) -> Dict[str, Any]:
        """`{name: variable}` for a Saver that loads the averages into the variables
        themselves (other global variables keep their own names)."""
        if moving_avg_variables is None:
            moving_avg_variables = moving_average_variables() or trainable_variables()
        out: Dict[str, Any] = {}
        for v in moving_avg_variables:
            out[self.average_name(v)] = v
        averaged = set(a.op for a in self._averages.values())
        for v in global_variables():
            if v.op.name not in [n for n in out] and v.op not in averaged and \
                    v not in moving_avg_variables:
                out.setdefault(v.op.name, v)
        return out


class _TensorPrimary:
    """Stands in for a variable when averaging a plain tensor (the shadow is named after the
    tensor's op and placed with it)."""

    def __init__(self, t: Tensor):
        self.op = t.op
        self.shape = t.shape
        self.dtype = t.dtype
        self.device = t.op.device


__all__ = ["ExponentialMovingAverage"]  # assign_moving_average: not a tf.train name in TF1
