"""`tf.train.RMSPropOptimizer`: gradient scaled by a running root mean square (optionally
centered), with momentum."""
from __future__ import annotations

from typing import Any, List

from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor
from ..ops import sparse_training_ops, training_ops
from ..ops.variables import Variable
from .optimizer import Optimizer, _cast


class RMSPropOptimizer(Optimizer):
    """RMSProp (`tf.train.RMSPropOptimizer`), TF1's variant::

        ms = decay * ms + (1 - decay) * g * g          # slot "rms", initialized to ONES
        mg = decay * mg + (1 - decay) * g              # slot "mg" (centered only)
        mom = momentum * mom + lr * g / sqrt(ms [- mg * mg] + epsilon)
        var -= mom

    Slot variables: "W/RMSProp" (rms), then "W/RMSProp_1" (mg if centered, else momentum),
    "W/RMSProp_2" (momentum, centered).

    Args:
      learning_rate: A float or scalar float tensor (or a callable returning one).
      decay: Discount of the running averages.
      momentum: Momentum coefficient.
      epsilon: Added inside the square root.
      use_locking: Accepted for compatibility.
      centered: Normalize by the estimated variance instead of the second moment.
      name: Name scope of the update ops (default "RMSProp").
    """

    def __init__(self, learning_rate: Any, decay: Any = 0.9, momentum: Any = 0.0,
                 epsilon: Any = 1e-10, use_locking: bool = False, centered: bool = False,
                 name: str = "RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list: List[Variable]) -> None:
        for v in var_list:
            # TF1 starts the mean square at ones, so early steps are not huge.
            self._filled_slot(v, 1, "rms", self._name, initializer_name="ones")
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self) -> None:
        self._learning_rate_tensor = convert_to_tensor(
            self._call_if_callable(self._learning_rate), name="learning_rate")
        self._decay_tensor = convert_to_tensor(self._call_if_callable(self._decay), name="decay")
        self._momentum_tensor = convert_to_tensor(
            self._call_if_callable(self._momentum), name="momentum")
        self._epsilon_tensor = convert_to_tensor(
            self._call_if_callable(self._epsilon), name="epsilon")

    def _hyper(self, var: Variable):
        """The slots rms, momentum and the hyperparameters in `var`'s dtype."""
        dtype = var.dtype.base_dtype
        return (self.get_slot(var, "rms"), self.get_slot(var, "momentum"),
                (_cast(self._learning_rate_tensor, dtype), _cast(self._decay_tensor, dtype),
                 _cast(self._momentum_tensor, dtype), _cast(self._epsilon_tensor, dtype)))

    def _apply_dense(self, grad: Tensor, var: Variable):
        rms, mom, hyper = self._hyper(var)
        if self._centered:
            return training_ops.apply_centered_rms_prop(
                var, self.get_slot(var, "mg"), rms, mom, *hyper, grad,
                use_locking=self._use_locking).op
        return training_ops.apply_rms_prop(var, rms, mom, *hyper, grad,
                                           use_locking=self._use_locking).op


    def _apply_sparse(self, grad, var: Variable):
        rms, mom, hyper = self._hyper(var)
        if self._centered:
            return sparse_training_ops.sparse_apply_centered_rms_prop(
                var, self.get_slot(var, "mg"), rms, mom, *hyper, grad.values, grad.indices,
                use_locking=self._use_locking).op
        return sparse_training_ops.sparse_apply_rms_prop(
            var, rms, mom, *hyper, grad.values, grad.indices, use_locking=self._use_locking).op


__all__ = ["RMSPropOptimizer"]
