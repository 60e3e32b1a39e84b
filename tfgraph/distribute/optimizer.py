"""`DistributedOptimizer` (gradients averaged over ranks) and `BroadcastGlobalVariablesHook`."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

from ..framework.constant import name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..train.optimizer import Optimizer
from . import mpi_ops, runtime


class DistributedOptimizer(Optimizer):
    """Wraps a `tf.train` optimizer so that every gradient is averaged over the ranks
    (Horovod's `hvd.DistributedOptimizer`).

    `compute_gradients` asks the wrapped optimizer for the gradients, then reduces all of them
    with ONE `MPIAllreduce` op (fused into one MPI call per dtype); `apply_gradients` and the
    slots are the wrapped optimizer's.  With one rank the gradients are returned unchanged (no
    op is added), as in Horovod.

    Conventions (Horovod's): each rank feeds its own batch of `B` examples, so one step uses
    `B * size()` examples; scale the learning rate by `size()` to keep the step size per
    example (or keep it and train with a larger effective batch).

    Args:
      optimizer: The `tf.train.Optimizer` to wrap.
      name: Name of the allreduce scope (default "Distributed" + the wrapped optimizer's name).
      use_locking: Accepted for compatibility.
      device_dense: Device of the allreduce op (default: the usual placement).
      op: `tfgraph.distribute.Average` (default) or `Sum`.
      average: Deprecated alias of `op` (True: Average, False: Sum).
      fusion_threshold: Bytes per fused MPI call (default TFGRAPH_FUSION_THRESHOLD, 64 MiB).

    Raises:
      TypeError: If `optimizer` is not a `tf.train.Optimizer`.
      ValueError: If `init()` has not been called, or `average` and `op` are both given.
    """

    def __init__(self, optimizer: Optimizer, name: Optional[str] = None,
                 use_locking: bool = False, device_dense: str = "", op: Optional[str] = None,
                 average: Optional[bool] = None, fusion_threshold: Optional[int] = None):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"DistributedOptimizer wraps a tf.train.Optimizer, got "
                            f"{type(optimizer).__name__}")
        runtime.get_state()
        self._reduce_op = mpi_ops._reduce_op(average, op)
        super().__init__(use_locking, name or "Distributed" + optimizer.get_name())
        self._optimizer = optimizer
        self._device_dense = device_dense
        self._fusion_threshold = fusion_threshold

    def compute_gradients(self, *args: Any, **kwargs: Any) -> List[Tuple[Optional[Tensor], Any]]:
        """The wrapped optimizer's `(gradient, variable)` pairs, each gradient reduced over
        all ranks by one `MPIAllreduce` op (arguments as `tf.train.Optimizer`'s)."""
        grads_and_vars = self._optimizer.compute_gradients(*args, **kwargs)
        if runtime.get_state().size == 1:
            return grads_and_vars
        present = [i for i, (g, _) in enumerate(grads_and_vars) if g is not None]
        if not present:
            return grads_and_vars
        with name_scope(self._name + "_Allreduce"):
            reduced = mpi_ops.grouped_allreduce(
                [grads_and_vars[i][0] for i in present], op=self._reduce_op,
                device_dense=self._device_dense, fusion_threshold=self._fusion_threshold)
        out = list(grads_and_vars)
        for i, g in zip(present, reduced):
            out[i] = (g, grads_and_vars[i][1])
        return out

    def apply_gradients(self, grads_and_vars: Sequence[Tuple[Any, Any]], global_step: Any = None,
                        name: Optional[str] = None) -> Operation:
        """The wrapped optimizer's `apply_gradients`."""
        return self._optimizer.apply_gradients(grads_and_vars, global_step=global_step,
                                               name=name)

    def get_slot(self, var: Any, name: str) -> Any:
        return self._optimizer.get_slot(var, name)

    def get_slot_names(self) -> List[str]:
        return self._optimizer.get_slot_names()

    def variables(self) -> list:
        return self._optimizer.variables()


def _hook_base() -> type:
    from .. import train
    return getattr(train, "SessionRunHook", object)


class BroadcastGlobalVariablesHook(_hook_base()):  # type: ignore[misc]
    """A `SessionRunHook` that broadcasts the global variables from `root_rank` once the
    session exists (Horovod's `hvd.BroadcastGlobalVariablesHook`).  Without hooked sessions,
    call `begin()` after building the model and `after_create_session(sess, None)` after
    initializing.

    Args:
      root_rank: The rank whose values are sent (usually 0).
      device: Device of the broadcast op (default: with the variables).
    """

    def __init__(self, root_rank: int, device: str = ""):
        super().__init__()
        self.root_rank = root_rank
        self.device = device
        self.bcast_op: Optional[Operation] = None

    def begin(self) -> None:
        """Builds the broadcast op in the default graph (once per graph)."""
        graph = get_default_graph()
        if self.bcast_op is None or self.bcast_op.graph is not graph:
            with graph.device(self.device or None):
                self.bcast_op = mpi_ops.broadcast_global_variables(self.root_rank)

    def after_create_session(self, session: Any, coord: Any) -> None:
        """Runs the broadcast (the variables must be initialized)."""
        session.run(self.bcast_op)

    def before_run(self, run_context: Any) -> None:
        return None

    def after_run(self, run_context: Any, run_values: Any) -> None:
        return None

    def end(self, session: Any) -> None:
        return None


__all__ = ["DistributedOptimizer", "BroadcastGlobalVariablesHook"]
