"""`tf.train.AdamOptimizer` (Kingma & Ba), with TF1's bias correction through the non-slot
variables "beta1_power" and "beta2_power"."""
from __future__ import annotations

from typing import Any, List, Tuple

from ..framework.constant import convert_to_tensor
from ..framework.graph import Operation, Tensor, get_default_graph
from ..ops import math_ops, scatter_ops, state_ops, training_ops
from ..ops.variables import Variable
from .optimizer import Optimizer, _cast, _colocated_with


class AdamOptimizer(Optimizer):
    """Adam (`tf.train.AdamOptimizer`).

    Per step t (starting at 1), as TF1::

        lr_t = learning_rate * sqrt(1 - beta2^t) / (1 - beta1^t)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        var -= lr_t * m / (sqrt(v) + epsilon)

    Slots "m" and "v" are the variables "W/Adam" and "W/Adam_1"; `beta1^t`, `beta2^t` live in
    the variables "beta1_power"/"beta2_power" (initialized to beta1/beta2, multiplied by
    beta1/beta2 after each step's updates).

    Args:
      learning_rate: A float or scalar float tensor (or a callable returning one).
      beta1, beta2: Decay rates of the moment estimates.
      epsilon: Added to `sqrt(v)` (TF1's "epsilon hat").
      use_locking: Accepted for compatibility.
      name: Name scope of the update ops (default "Adam").
    """

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-08, use_locking: bool = False, name: str = "Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon
        self._lr_t = self._beta1_t = self._beta2_t = self._epsilon_t = None

    def _get_beta_accumulators(self, graph=None) -> Tuple[Variable, Variable]:
        graph = graph if graph is not None else get_default_graph()
        return (self._get_non_slot_variable("beta1_power", graph=graph),
                self._get_non_slot_variable("beta2_power", graph=graph))

    def _create_slots(self, var_list: List[Variable]) -> None:
        # The beta powers sit with the first variable by name (deterministic placement).
        first_var = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self) -> None:
        self._lr_t = convert_to_tensor(self._call_if_callable(self._lr), name="learning_rate")
        self._beta1_t = convert_to_tensor(self._call_if_callable(self._beta1), name="beta1")
        self._beta2_t = convert_to_tensor(self._call_if_callable(self._beta2), name="beta2")
        self._epsilon_t = convert_to_tensor(self._call_if_callable(self._epsilon), name="epsilon")

    def _apply_dense(self, grad: Tensor, var: Variable):
        dtype = var.dtype.base_dtype
        beta1_power, beta2_power = self._get_beta_accumulators(var.op.graph)
        return training_ops.apply_adam(
            var, self.get_slot(var, "m"), self.get_slot(var, "v"),
            _cast(beta1_power, dtype), _cast(beta2_power, dtype), _cast(self._lr_t, dtype),
            _cast(self._beta1_t, dtype), _cast(self._beta2_t, dtype),
            _cast(self._epsilon_t, dtype), grad, use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var: Variable):
        # TF1's _apply_sparse_shared: m and v decay everywhere (Assign), the gradient rows are
        # added with ScatterAdd, then every row of var moves (its m may be non-zero).
        dtype = var.dtype.base_dtype
        graph = var.op.graph
        beta1_power, beta2_power = self._get_beta_accumulators(graph)
        beta1_power, beta2_power = _cast(beta1_power, dtype), _cast(beta2_power, dtype)
        lr_t, beta1_t = _cast(self._lr_t, dtype), _cast(self._beta1_t, dtype)
        beta2_t, epsilon_t = _cast(self._beta2_t, dtype), _cast(self._epsilon_t, dtype)
        lr = lr_t * math_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        m = self.get_slot(var, "m")
        m_scaled_g_values = grad.values * (1 - beta1_t)
        m_t = state_ops.assign(m, m * beta1_t, use_locking=self._use_locking)
        with graph.control_dependencies([m_t]):
            m_t = scatter_ops.scatter_add(m, grad.indices, m_scaled_g_values,
                                          use_locking=self._use_locking)
        v = self.get_slot(var, "v")
        v_scaled_g_values = (grad.values * grad.values) * (1 - beta2_t)
        v_t = state_ops.assign(v, v * beta2_t, use_locking=self._use_locking)
        with graph.control_dependencies([v_t]):
            v_t = scatter_ops.scatter_add(v, grad.indices, v_scaled_g_values,
                                          use_locking=self._use_locking)
        v_sqrt = math_ops.sqrt(v_t)
        var_update = state_ops.assign_sub(var, lr * m_t / (v_sqrt + epsilon_t),
                                          use_locking=self._use_locking)
        from ..ops.control_flow_ops import group
        return group(var_update, m_t, v_t)

    def _finish(self, update_ops: List[Any], name_scope: str) -> Operation:
        from ..ops.control_flow_ops import group
        graph = get_default_graph()
        # The powers advance only after every variable has used this step's values.
        with graph.control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators(graph)
            with _colocated_with(graph, beta1_power):
                update_beta1 = beta1_power.assign(beta1_power * self._beta1_t,
                                                  use_locking=self._use_locking)
                update_beta2 = beta2_power.assign(beta2_power * self._beta2_t,
                                                  use_locking=self._use_locking)
        return group(*update_ops, update_beta1, update_beta2, name=name_scope)


__all__ = ["AdamOptimizer"]
