"""The MPI graph ops: `MPIAllreduce`, `MPIBroadcast`, `MPIBroadcastVariables`, and builders.

They are ordinary graph ops: they show in the graph (and its diagrams), run inside
`Session.run` in the plan's order, and `MPIAllreduce` has a gradient (the allreduce of the
gradients, with the same reduction), so `tf.gradients` works through it.

All ranks must build the same graph (so a plan runs its collectives in the same order on
every rank, the ops' creation order breaking ties) and run the same fetches the same number
of times.
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework import errors
from ..framework.constant import convert_to_tensor, graph_of
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from . import runtime, transport
from .transport import AVERAGE, SUM

#: The reductions (Horovod's `hvd.Average` / `hvd.Sum`).
Average = AVERAGE
Sum = SUM

_REDUCIBLE = (_dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64)


def _static_nbytes(t: Tensor) -> Optional[int]:
    if not t.shape.is_fully_defined():
        return None
    return int(np.prod(t.shape.as_list(), dtype=np.int64)) * t.dtype.np_dtype.itemsize


def _bucket_plan(threshold: int, tensors: Sequence[Tensor]):
    """The fusion plan from static shapes, or None when a shape is only known at run time."""
    sizes = [_static_nbytes(t) for t in tensors]
    if any(s is None for s in sizes):
        return None
    return transport.fusion_buckets(sizes, [t.dtype for t in tensors], threshold)


class _AllIndices:
    """`ref_inputs` of MPIBroadcastVariables: every input is a variable reference."""

    def __contains__(self, i: int) -> bool:
        return True


@register_op("MPIAllreduce")
class MPIAllreduce(OpDef):
    """Sums or averages each input over all ranks; one output per input (same dtype, shape).

    Attrs: `reduce_op` ("average" or "sum"; integer averages round toward minus infinity),
    `fusion_threshold` (bytes per fused MPI call; None: TFGRAPH_FUSION_THRESHOLD at `init`).
    """

    stateful = True  # communicates: never folded, cached, or skipped

    def infer(self, *tensors, reduce_op, fusion_threshold=None):
        if not tensors:
            raise ValueError("MPIAllreduce needs at least one tensor")
        if reduce_op not in (AVERAGE, SUM):
            raise ValueError(f"reduce_op must be '{AVERAGE}' or '{SUM}', got {reduce_op!r}")
        for t in tensors:
            if t.dtype.base_dtype not in _REDUCIBLE:
                raise TypeError(f"MPIAllreduce cannot reduce {t.name} of dtype {t.dtype.name} "
                                f"(supported: {', '.join(d.name for d in _REDUCIBLE)})")
        return [spec(t.dtype, t.shape) for t in tensors]

    def kernel(self, be, op, ctx):
        st = runtime.get_state()
        reduce_op = op.attrs["reduce_op"]
        threshold = op.attrs.get("fusion_threshold")
        threshold = st.fusion_threshold if threshold is None else int(threshold)
        buckets = _bucket_plan(threshold, op.inputs)
        what = f"MPIAllreduce '{op.name}'"
        # Ranks fusing differently would make different numbers of MPI calls: checked too.
        detail = f"{reduce_op}, fusion threshold {threshold}"

        def run(*arrays):
            transport.check_collective(st, op, detail, arrays, be.name)
            outs = transport.allreduce(st, be, arrays, reduce_op, threshold, buckets, what)
            return tuple(outs)  # infer returns a list: the plan unpacks a sequence
        return run

    def gradient(self, op, *grads):
        # d(sum_r x_r)/dx_r = 1 for every rank's loss: the gradient reaching rank r is the
        # sum (or average) of the upstream gradients of all ranks.
        present = [i for i, g in enumerate(grads) if g is not None]
        out: List[Optional[Tensor]] = [None] * len(grads)
        if not present:
            return out
        reduced = _allreduce_op([grads[i] for i in present], op.attrs["reduce_op"],
                                op.attrs.get("fusion_threshold"), "MPIAllreduce")
        for i, g in zip(present, reduced):
            out[i] = g
        return out


@register_op("MPIBroadcast")
class MPIBroadcast(OpDef):
    """Root's value of each input, on every rank (one output per input). Attr `root_rank`."""

    stateful = True

    def infer(self, *tensors, root_rank):
        if not tensors:
            raise ValueError("MPIBroadcast needs at least one tensor")
        for t in tensors:
            if t.dtype is _dtypes.string:
                raise TypeError(f"MPIBroadcast cannot send the string tensor {t.name}")
        return [spec(t.dtype, t.shape) for t in tensors]

    def kernel(self, be, op, ctx):
        st = runtime.get_state()
        root = _checked_root(op, st)
        what = f"MPIBroadcast '{op.name}'"

        def run(*arrays):
            transport.check_collective(st, op, f"root {root}", arrays, be.name)
            outs = transport.broadcast(st, be, arrays, root, st.fusion_threshold, what)
            return tuple(outs)  # infer returns a list: the plan unpacks a sequence
        return run


@register_op("MPIBroadcastVariables")
class MPIBroadcastVariables(OpDef):
    """Sets every input variable to its value on `root_rank` (fused MPI calls). No outputs."""

    ref_inputs = _AllIndices()
    stateful = True
    mutates_variables = True

    def infer(self, *refs, root_rank):
        for r in refs:
            if r.op.type != "VariableV2":
                raise TypeError(f"MPIBroadcastVariables needs variables, got {r.name} "
                                f"(op type {r.op.type})")
            if r.dtype is _dtypes.string:
                raise TypeError(f"MPIBroadcastVariables cannot send the string variable "
                                f"{r.op.name}")
        return ()

    def kernel(self, be, op, ctx):
        st = runtime.get_state()
        root = _checked_root(op, st)
        cells = [ctx.variable_cell(t.op) for t in op.inputs]
        groups: dict = {}  # variables on different devices travel separately
        for cell in cells:
            groups.setdefault(cell.backend.name, (cell.backend, []))[1].append(cell)
        what = f"MPIBroadcastVariables '{op.name}'"

        def run():
            missing = [c.op.name for c in cells if c.value is None]
            # Checked across ranks first (uninitialized variables included), so that no rank
            # is left waiting in a broadcast the others never enter.
            shown = [c.value if c.value is not None else _Absent(c) for c in cells]
            transport.check_collective(
                st, op, f"root {root}" + (f", uninitialized {missing}" if missing else ""),
                shown, ",".join(sorted(groups)))
            if missing:
                raise errors.FailedPreconditionError(
                    None, op, f"Attempting to use uninitialized value {missing[0]} (run the "
                              f"initializer on every rank before broadcasting)\n\t "
                              f"[[node {op.name}]]")
            for cell_be, group in groups.values():
                values = [c.value for c in group]
                outs = transport.broadcast(st, cell_be, values, root, st.fusion_threshold, what)
                for c, new in zip(group, outs):
                    c.value = new.copy()  # a cell owns its buffer (`new` views the fused one)
        return run


class _Absent:
    """Stands for an uninitialized variable's value in the cross-rank check (dtype, shape)."""

    def __init__(self, cell: Any):
        t = cell.op.outputs[0]
        self.dtype = t.dtype.np_dtype
        dims = t.shape.as_list() if t.shape.ndims is not None else [-1]
        self.shape = tuple(d if d is not None else -1 for d in dims)


NotDifferentiable("MPIBroadcast")
NotDifferentiable("MPIBroadcastVariables")


def _checked_root(op: Operation, st: runtime.State) -> int:
    root = int(op.attrs["root_rank"])
    if not 0 <= root < st.size:
        raise errors.InvalidArgumentError(
            None, op, f"root_rank {root} of '{op.name}' is not a rank of this job "
                      f"(size {st.size})")
    return root


# --- builders ---------------------------------------------------------------------------------
def _reduce_op(average: Optional[bool], op: Optional[str]) -> str:
    if average is not None and op is not None:
        raise ValueError("give either `average` (deprecated) or `op`, not both")
    if average is not None:
        return AVERAGE if average else SUM
    if op is None:
        return AVERAGE
    if op not in (AVERAGE, SUM):
        raise ValueError(f"op must be tfgraph.distribute.Average or Sum, got {op!r}")
    return op


def _allreduce_op(tensors: Sequence[Tensor], reduce_op: str, fusion_threshold: Optional[int],
                  name: str) -> List[Tensor]:
    graph = graph_of(tensors)
    op = graph.create_op("MPIAllreduce", list(tensors),
                         {"reduce_op": reduce_op, "fusion_threshold": fusion_threshold},
                         name=name)
    return list(op.outputs)


def _check_root(root_rank: int) -> int:
    root = int(root_rank)
    size = runtime.get_state().size
    if not 0 <= root < size:
        raise ValueError(f"root_rank must be in [0, {size}), got {root_rank}")
    return root


def grouped_allreduce(tensors: Sequence[Any], average: Optional[bool] = None,
                      op: Optional[str] = None, device_dense: str = "",
                      fusion_threshold: Optional[int] = None,
                      name: Optional[str] = None) -> List[Tensor]:
    """Reduces several tensors over all ranks with one op (and, fused, one MPI call per dtype).

    Args:
      tensors: Tensors (or values convertible to tensors) of float16/32/64, int32 or int64.
      average: Deprecated alias: True for `Average`, False for `Sum`.
      op: `tfgraph.distribute.Average` (default) or `tfgraph.distribute.Sum`.
      device_dense: Device of the op (default: the usual placement).
      fusion_threshold: Bytes per fused MPI call (default TFGRAPH_FUSION_THRESHOLD, 64 MiB);
        0 sends each tensor alone.
      name: Name of the op (default "MPIAllreduce").

    Returns:
      One tensor per input: the element-wise sum or average over the ranks.

    Raises:
      ValueError: If `init()` has not been called, or `average` and `op` are both given.
      TypeError: For a dtype that cannot be reduced.
    """
    runtime.get_state()
    reduce_op = _reduce_op(average, op)
    tensors = [convert_to_tensor(t) for t in tensors]
    graph = graph_of(tensors) if tensors else get_default_graph()
    with graph.as_default(), graph.device(device_dense or None):
        return _allreduce_op(tensors, reduce_op, fusion_threshold, name or "MPIAllreduce")


def allreduce(tensor: Any, average: Optional[bool] = None, op: Optional[str] = None,
              device_dense: str = "", fusion_threshold: Optional[int] = None,
              name: Optional[str] = None) -> Tensor:
    """The sum or average of `tensor` over all ranks (Horovod's `hvd.allreduce`).

    Args:
      tensor: A float16/32/64, int32 or int64 tensor; the same shape on every rank.
      average, op, device_dense, fusion_threshold, name: As in `grouped_allreduce`.

    Returns:
      A tensor of `tensor`'s dtype and shape.

    Raises:
      ValueError: If `init()` has not been called, or `average` and `op` are both given.
      TypeError: For a dtype that cannot be reduced.
    """
    return grouped_allreduce([tensor], average=average, op=op, device_dense=device_dense,
                             fusion_threshold=fusion_threshold, name=name)[0]


def broadcast(tensor: Any, root_rank: int, name: Optional[str] = None) -> Tensor:
    """`tensor`'s value on rank `root_rank`, on every rank (Horovod's `hvd.broadcast`).

    Args:
      tensor: A tensor with the same shape and dtype on every rank.
      root_rank: The rank whose value is sent.
      name: Name of the op (default "MPIBroadcast").

    Returns:
      A tensor of `tensor`'s dtype and shape (not differentiable).

    Raises:
      ValueError: If `init()` has not been called or `root_rank` is not a rank.
    """
    root = _check_root(root_rank)
    t = convert_to_tensor(tensor)
    return t.graph.create_op("MPIBroadcast", [t], {"root_rank": root},
                             name=name or "MPIBroadcast").outputs[0]


def broadcast_variables(variables: Sequence[Any], root_rank: int,
                        name: Optional[str] = None) -> Operation:
    """An op that sets each variable to its value on `root_rank` (Horovod's
    `hvd.broadcast_variables`): run it once after initializing (or restoring on the root).

    Args:
      variables: `tf.Variable`s, initialized on every rank when the op runs.
      root_rank: The rank whose values are sent.
      name: Name of the op (default "MPIBroadcastVariables").

    Returns:
      The `Operation` (a NoOp when `variables` is empty).

    Raises:
      ValueError: If `init()` has not been called or `root_rank` is not a rank.
      TypeError: If an element is not a variable.
    """
    from ..ops.control_flow_ops import no_op
    from ..ops.variables import _ref_of
    root = _check_root(root_rank)
    refs = [_ref_of(v) for v in variables]
    if not refs:
        return no_op(name=name or "MPIBroadcastVariables")
    graph = graph_of(refs)
    with graph.as_default():
        return graph.create_op("MPIBroadcastVariables", refs, {"root_rank": root},
                               name=name or "MPIBroadcastVariables")


def broadcast_global_variables(root_rank: int) -> Operation:
    """An op that sets every global variable to its value on `root_rank` (Horovod's
    `hvd.broadcast_global_variables`).  Build it after the optimizer (its slots are global
    variables too) and run it once, after `tf.global_variables_initializer()`.

    Args:
      root_rank: The rank whose values are sent.

    Returns:
      The `Operation`.

    Raises:
      ValueError: If `init()` has not been called or `root_rank` is not a rank.
    """
    from ..ops.variables import global_variables
    return broadcast_variables(global_variables(), root_rank, name="broadcast_global_variables")


__all__ = ["Average", "Sum", "allreduce", "grouped_allreduce", "broadcast",
           "broadcast_variables", "broadcast_global_variables"]
