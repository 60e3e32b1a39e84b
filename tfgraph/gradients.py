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
from .framework.control_flow_types import NEXT_ITERATION_TYPES, SWITCH_TYPES
from .framework.graph import Operation, Tensor
from .framework.indexed_slices import IndexedSlices
from .framework.registry import get_gradient_function
from .ops import array_ops, math_ops, while_v1


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

        stop_ops: Set[Operation] = {s.op for s in stop_l}
        grads = _backprop(ys_l, seeds, xs_l, stop_ops, None)

        result_grads: List[Optional[Tensor]] = []
        for x in xs_l:
            g = _aggregate(grads.get(x), x)
            if g is not None:
                grads[x] = [g]
            if g is None and unconnected_gradients == UnconnectedGradients.ZERO:
                g = array_ops.zeros_like(x)
            result_grads.append(g)
        return result_grads


class _LoopNode:
    """A while loop built by tf.while_loop, differentiated as one node: from its Enter inputs
    (loop variables' initial values, captured tensors) to its Exit outputs."""

    __slots__ = ("ctx", "_inputs", "_outputs", "name")

    def __init__(self, ctx):
        self.ctx = ctx
        self._inputs = while_v1.loop_inputs(ctx)
        self._outputs = while_v1.loop_outputs(ctx)
        self.name = ctx.name


def _node_finder(within):
    """`node(op)`: the op, or the `_LoopNode` of the outermost while loop inside `within`
    (None: the top level) that contains it."""
    nodes: Dict[Any, _LoopNode] = {}

    def node(op):
        ctx = while_v1.loop_of(op) or op._graph._op_cf_context.get(op)
        best = None
        while ctx is not None and ctx is not within:
            if isinstance(ctx, while_v1.WhileContext):
                best = ctx
            ctx = ctx.outer
        if best is None or ctx is not within:
            return op
        n = nodes.get(best)
        if n is None:
            n = nodes[best] = _LoopNode(best)
        return n
    return node


def _backprop(ys_l: Sequence[Tensor], seeds: Sequence[Tensor], xs_l: Sequence[Tensor],
              stop_ops: Set[Operation], within: Any) -> Dict[Tensor, List[Tensor]]:
    """Propagates `seeds` (gradients of `ys_l`) back to `xs_l`; returns tensor -> gradients.

    `within`: the while loop whose body is differentiated (None: the top level); values
    cross from one iteration to the next only through NextIteration, which the traversal
    does not enter.
    """
    graph = ys_l[0].graph
    node = _node_finder(within)

    def outputs(n):
        return n._outputs

    def inputs(n):
        return n._inputs

    # Nodes between xs and ys: reachable forward from xs and backward from ys.
    x_nodes = {node(x.op) for x in xs_l}
    reached: Set[Any] = set()
    queue = collections.deque(x_nodes)
    while queue:
        n = queue.popleft()
        if n in reached:
            continue
        reached.add(n)
        if within is not None and getattr(n, "type", None) in NEXT_ITERATION_TYPES:
            continue
        for t in outputs(n):
            queue.extend(node(c) for c in t._consumers)
    between: Set[Any] = set()
    queue = collections.deque(node(y.op) for y in ys_l)
    while queue:
        n = queue.popleft()
        if n in between or n not in reached:
            continue
        between.add(n)
        if n in x_nodes and within is not None:
            continue  # a body input (the loop's Identity): its Switch is the previous iteration
        for t in inputs(n):
            queue.append(node(t._op))

    # Pending counts: how many consumers in `between` each node waits on.
    pending: Dict[Any, int] = collections.defaultdict(int)
    for n in between:
        if n in x_nodes and within is not None:
            continue
        for t in inputs(n):
            src = node(t._op)
            if src in between:
                pending[src] += 1

    grads: Dict[Tensor, List[Tensor]] = collections.defaultdict(list)
    for y, gy in zip(ys_l, seeds):
        grads[y].append(gy)

    ready = collections.deque()
    seen_y = set()
    for y in ys_l:
        n = node(y.op)
        if n in between and pending[n] == 0 and n not in seen_y:
            seen_y.add(n)
            ready.append(n)

    done: Set[Any] = set()
    while ready:
        n = ready.popleft()
        if n in done:
            continue
        done.add(n)
        outs = outputs(n)
        out_grads = [_aggregate(grads.get(t), t) for t in outs]
        for t, g in zip(outs, out_grads):
            if g is not None:
                grads[t] = [g]
        has_grad = any(g is not None for g in out_grads)
        ins = inputs(n)
        in_grads: List[Optional[Tensor]] = [None] * len(ins)
        stop_here = n in x_nodes and within is not None
        if isinstance(n, _LoopNode):
            if has_grad:
                with graph.name_scope(n.name + "_grad"):
                    in_grads = while_v1.loop_gradients(
                        n.ctx, [_densify(g) for g in out_grads],
                        lambda ys, xs, gys, ctx: _body_gradients(ys, xs, gys, ctx))
        elif has_grad and n not in stop_ops and not stop_here and \
                not _is_leaf_x(n, x_nodes, between):
            grad_fn = get_gradient_function(n)  # raises LookupError if none registered
            sparse = out_grads[0] if len(outs) == 1 and isinstance(out_grads[0], IndexedSlices) \
                else None
            if grad_fn is not None and sparse is not None and n.type in _SPARSE_PASS_THROUGH:
                with graph.name_scope(n.name + "_grad"):
                    in_grads = [_SPARSE_PASS_THROUGH[n.type](n, sparse)] + [None] * (len(ins) - 1)
            elif grad_fn is not None:
                filled = []
                for t, g in zip(outs, out_grads):
                    if g is None and _is_differentiable(t):
                        # (a cond Switch makes the zeros of its idle side itself)
                        if n.type not in SWITCH_TYPES:
                            g = array_ops.zeros_like(t)
                    filled.append(g)
                with graph.name_scope(n.name + "_grad"):
                    # Other gradient functions take dense gradients (TF1's convert them as
                    # they use them, in this scope); densify here once.
                    result = grad_fn(n, *[_densify(g) for g in filled])
                result = list(result) if isinstance(result, (list, tuple)) else [result]
                if len(result) != len(ins):
                    raise ValueError(
                        f"Num gradients {len(result)} generated for op {n.name} "
                        f"do not match num inputs {len(ins)}")
                in_grads = result
        for i, (t, g) in enumerate(zip(ins, in_grads)):
            if g is not None and _is_differentiable(t):
                if not isinstance(g, (Tensor, IndexedSlices)):
                    g = convert_to_tensor(g, dtype=t.dtype)
                if g.dtype != t.dtype:
                    raise TypeError(f"Gradient for input {i} of op '{n.name}' has dtype "
                                    f"{g.dtype.name}, expected {t.dtype.name}")
                grads[t].append(g)
        if stop_here:
            continue
        for t in ins:
            src = node(t._op)
            if src in between:
                pending[src] -= 1
                if pending[src] == 0:
                    ready.append(src)
    return grads


def _body_gradients(ys, xs, grad_ys, ctx) -> List[Optional[Tensor]]:
    """Gradients of a loop body's results `ys` w.r.t. its inputs `xs` (one iteration)."""
    grads = _backprop(list(ys), list(grad_ys), list(xs), set(), ctx)
    return [_densify(_aggregate(grads.get(x), x)) for x in xs]


def _is_leaf_x(op: Operation, x_ops: Set[Any], between: Set[Any]) -> bool:
    """An x's op none of whose inputs leads to another x: differentiating it would be wasted."""
    return op in x_ops and not any(t._op in between for t in op._inputs)


def _aggregate(gs: Optional[List[Any]], t: Tensor) -> Any:
    """Sums the gradients reaching one tensor from several consumers: AddN of dense ones;
    with any `IndexedSlices` among them, one `IndexedSlices` concatenating all their rows
    (dense ones count as slices of every row), as TF1's `_AggregatedGrads`."""
    if not gs:
        return None
    if len(gs) == 1:
        return gs[0]
    if all(isinstance(g, Tensor) for g in gs):
        return math_ops.add_n(gs)
    slices = [_as_indexed_slices(g) for g in gs]
    if len({s.indices.dtype for s in slices}) > 1:  # TF1 casts mixed index types to int64
        slices = [IndexedSlices(s.values, math_ops.cast(s.indices, dtypes.int64), s.dense_shape)
                  for s in slices]
    return IndexedSlices(array_ops.concat([s.values for s in slices], 0),
                         array_ops.concat([s.indices for s in slices], 0),
                         slices[0].dense_shape)


def _as_indexed_slices(g: Any) -> IndexedSlices:
    """A dense gradient as slices of all its rows (TF1's `math_ops._as_indexed_slices`)."""
    if isinstance(g, IndexedSlices):
        return g
    dense_shape = array_ops.shape(g)
    return IndexedSlices(g, array_ops.range(0, dense_shape[0]), dense_shape)


def _densify(g: Any) -> Any:
    """`g` as a dense tensor (None stays None)."""
    return convert_to_tensor(g) if isinstance(g, IndexedSlices) else g


def _identity_sparse_grad(op: Operation, grad: IndexedSlices) -> IndexedSlices:
    return grad


def _cast_sparse_grad(op: Operation, grad: IndexedSlices) -> IndexedSlices:
    dtype = op.inputs[0].dtype
    if not dtype.is_floating:
        return None
    return IndexedSlices(math_ops.cast(grad.values, dtype), grad.indices, grad.dense_shape)


# Ops whose gradient passes IndexedSlices through (TF1's _IdGrad and _CastGrad keep them sparse).
_SPARSE_PASS_THROUGH = {"Identity": _identity_sparse_grad, "Snapshot": _identity_sparse_grad,
                        "Cast": _cast_sparse_grad}


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
