"""Reverse-mode differentiation over the graph: `tf.gradients` builds gradient *subgraphs*.

The gradient ops are ordinary ops in the same graph (so they can be fetched, drawn, placed and
differentiated again), created under a `gradients` name scope with one `<op name>_grad`
sub-scope per differentiated op, as TF1 names them.
"""
from __future__ import annotations

import collections
from typing import Any, Dict, List, Optional, Sequence, Set

from .framework import dtypes
from .framework.constant import convert_to_tensor, graph_of, name_scope
from .framework.graph import Operation, Tensor
from .framework.registry import get_gradient_function
from .framework.traversal import ancestors, descendants
from .ops import array_ops, math_ops


class UnconnectedGradients:
    """What `tf.gradients` returns for an x that ys do not depend on."""

    NONE = "none"
    ZERO = "zero"


def _as_list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _to_x_tensor(x: Any) -> Tensor:
    # Variables are differentiated at their reference (the VariableV2 output), so the gradient
    # flows through `W/read`, as in TF1.
    ref = getattr(x, "_ref", None)
    if ref is not None and not isinstance(x, Tensor):
        return ref()
    return convert_to_tensor(x)


def _is_differentiable(t: Tensor) -> bool:
    return t.dtype.is_differentiable


def gradients(ys: Any, xs: Any, grad_ys: Any = None, name: str = "gradients",
              colocate_gradients_with_ops: bool = False, gate_gradients: bool = False,
              aggregation_method: Any = None, stop_gradients: Any = None,
              unconnected_gradients: str = UnconnectedGradients.NONE) -> List[Optional[Tensor]]:
    """Symbolic derivatives of `sum(ys)` with respect to each of `xs` (`tf.gradients`).

    Args:
      ys: A Tensor or list of tensors to differentiate.
      xs: A Tensor/Variable or list of them to differentiate with respect to.
      grad_ys: Optional seeds, one per y (default: ones shaped like y).
      name: Name scope of the gradient ops (default "gradients", then "gradients_1", ...).
      colocate_gradients_with_ops, gate_gradients, aggregation_method: Accepted for
        compatibility.
      stop_gradients: Tensors through which no gradient flows (treated as constants).
      unconnected_gradients: "none" (default) gives None for an x that ys do not depend on;
        "zero" gives zeros.

    Returns:
      A list with one gradient tensor (or None) per x.

    Raises:
      LookupError: If an op on the path between xs and ys has no registered gradient.
      ValueError: If `grad_ys` does not match `ys` in length.
    """
    ys_l = [convert_to_tensor(y) if not isinstance(y, Tensor) else y for y in _as_list(ys)]
    xs_l = [_to_x_tensor(x) for x in _as_list(xs)]
    graph = graph_of(ys_l + xs_l)
    stop_l = [convert_to_tensor(s) for s in _as_list(stop_gradients)] if stop_gradients is not None else []
    if grad_ys is None:
        grad_ys_l: List[Any] = [None] * len(ys_l)
    else:
        grad_ys_l = _as_list(grad_ys)
        if len(grad_ys_l) != len(ys_l):
            raise ValueError(f"Passed {len(grad_ys_l)} grad_ys for {len(ys_l)} ys")

    with graph.as_default(), name_scope(name, "gradients", ys_l + xs_l):
        # Seeds: ones shaped like each y (Shape -> grad_ys_i -> Fill), or the given grad_ys.
        seeds = []
        for i, (y, gy) in enumerate(zip(ys_l, grad_ys_l)):
            if gy is None:
                if not y.dtype.is_differentiable:
                    raise TypeError(f"Gradients of non-floating type {y.dtype.name} (tensor "
                                    f"{y.name}) are not defined.")
                shp = array_ops.shape(y) if not y.shape.is_fully_defined() else \
                    convert_to_tensor(y.shape.as_list(), dtype=dtypes.int32, name="Shape")
                one = convert_to_tensor(1, dtype=y.dtype, name=f"grad_ys_{i}")
                gy = array_ops.fill(shp, one)
            else:
                gy = convert_to_tensor(gy, dtype=y.dtype)
                if not y.shape.is_compatible_with(gy.shape):
                    raise ValueError(f"grad_ys[{i}] has shape {gy.shape}, incompatible with y "
                                     f"{y.name} of shape {y.shape}")
            seeds.append(gy)

        # Ops between xs and ys: reachable forward from xs and backward from ys.
        stop_ops: Set[Operation] = {s.op for s in stop_l}
        x_ops = {x.op for x in xs_l}
        reached = descendants(x_ops)
        between = ancestors((y.op for y in ys_l), control=False, within=reached)

        # Pending counts: how many consumers in `between` each op waits on.
        pending: Dict[Operation, int] = collections.defaultdict(int)
        for op in between:
            for t in op._inputs:
                if t._op in between:
                    pending[t._op] += 1

        grads: Dict[Tensor, List[Tensor]] = collections.defaultdict(list)
        for y, gy in zip(ys_l, seeds):
            grads[y].append(gy)

        ready = collections.deque()
        seen_y_ops = set()
        for y in ys_l:
            if y.op in between and pending[y.op] == 0 and y.op not in seen_y_ops:
                seen_y_ops.add(y.op)
                ready.append(y.op)

        done: Set[Operation] = set()
        while ready:
            op = ready.popleft()
            if op in done:
                continue
            done.add(op)
            out_grads = [_aggregate(grads.get(t), t) for t in op._outputs]
            for t, g in zip(op._outputs, out_grads):
                if g is not None:
                    grads[t] = [g]
            has_grad = any(g is not None for g in out_grads)
            in_grads: List[Optional[Tensor]] = [None] * len(op._inputs)
            if has_grad and op not in stop_ops and not _is_leaf_x(op, x_ops, between):
                grad_fn = get_gradient_function(op)  # raises LookupError if none registered
                if grad_fn is not None:
                    filled = []
                    for t, g in zip(op._outputs, out_grads):
                        if g is None and _is_differentiable(t):
                            g = array_ops.zeros_like(t)
                        filled.append(g)
                    with graph.name_scope(op.name + "_grad"):
                        result = grad_fn(op, *filled)
                    result = list(result) if isinstance(result, (list, tuple)) else [result]
                    if len(result) != len(op._inputs):
                        raise ValueError(
                            f"Num gradients {len(result)} generated for op {op.node_def['name']} "
                            f"do not match num inputs {len(op._inputs)}")
                    in_grads = result
            for i, (t, g) in enumerate(zip(op._inputs, in_grads)):
                if g is not None and _is_differentiable(t):
                    if not isinstance(g, Tensor):
                        g = convert_to_tensor(g, dtype=t.dtype)
                    if g.dtype != t.dtype:
                        raise TypeError(f"Gradient for input {i} of op '{op.name}' has dtype "
                                        f"{g.dtype.name}, expected {t.dtype.name}")
                    grads[t].append(g)
            for t in op._inputs:
                src = t._op
                if src in between:
                    pending[src] -= 1
                    if pending[src] == 0:
                        ready.append(src)

        result_grads: List[Optional[Tensor]] = []
        for x in xs_l:
            g = _aggregate(grads.get(x), x)
            if g is not None:
                grads[x] = [g]
            if g is None and unconnected_gradients == UnconnectedGradients.ZERO:
                g = array_ops.zeros_like(x)
            result_grads.append(g)
        return result_grads


def _is_leaf_x(op: Operation, x_ops: Set[Operation], between: Set[Operation]) -> bool:
    """An x's op none of whose inputs leads to another x: differentiating it would be wasted."""
    return op in x_ops and not any(t._op in between for t in op._inputs)


def _aggregate(gs: Optional[List[Tensor]], t: Tensor) -> Optional[Tensor]:
    """Sums the gradients reaching one tensor from several consumers (AddN)."""
    if not gs:
        return None
    if len(gs) == 1:
        return gs[0]
    return math_ops.add_n(gs)


def hessians(ys: Any, xs: Any, name: str = "hessians", **kwargs) -> List[Tensor]:
    """Second derivatives of `sum(ys)` w.r.t. each x, as `tf.hessians` (for small xs)."""
    xs_l = _as_list(xs)
    out = []
    with name_scope(name):
        for x in xs_l:
            g = gradients(ys, x, **kwargs)[0]
            n = x.shape.num_elements()
            if n is None:
                raise ValueError("hessians needs a fully defined shape for each x")
            flat = array_ops.reshape(g, [-1])
            rows = [gradients(array_ops.unstack(flat, num=n)[i], x)[0] for i in range(n)]
            rows = [r if r is not None else array_ops.zeros_like(x) for r in rows]
            out.append(array_ops.reshape(array_ops.stack(rows), x.shape.as_list() + x.shape.as_list()))
    return out
