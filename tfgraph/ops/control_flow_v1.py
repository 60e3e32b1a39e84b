"""TF1's control-flow primitives (Switch, Merge, Enter, Exit, NextIteration, LoopCond,
ControlTrigger) and the contexts that build cond branches and loop bodies from them.

These ops have no kernels: the session's planner (`tfgraph/plan_control_flow.py`) recovers
structured control flow from them -- ops fed by a `Switch` output up to the `Merge` become
`if` blocks, a frame (`Enter` ... `Exit` with its `LoopCond`) a Python `while` loop -- so a
graph built by `tf.cond` / `tf.while_loop` here and one imported from a TF1 GraphDef run the
same way.  Attributes carry TF1's NodeDef names (`T`, `frame_name`, `is_constant`,
`parallel_iterations`, `N`).

A context (`CondContext`, `WhileContext`) is installed as `graph._cf_context` while a branch
or body function builds ops: `Graph.create_op` asks it to map each input (a tensor from
outside enters through a `Switch` for a branch, an `Enter` with `is_constant=True` for a loop,
named `<op>/Switch`, `<op>/Enter` as TF1 names them) and records the new op's context;
an op with no inputs gets a control input from the context's pivot, so it runs only when the
branch is taken / once per iteration.
"""
from __future__ import annotations

import contextlib
import weakref
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from ..framework import dtypes
from ..framework.constant import convert_to_tensor
from ..framework.control_flow_types import (CONTROL_FLOW_TYPES, LOOP_COND_TYPES,  # noqa: F401
                                            MERGE_TYPES, NEXT_ITERATION_TYPES, SWITCH_TYPES)
from ..framework.graph import Graph, Operation, Tensor
from ..framework.graph_io import register_import, tfgraph_attrs
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape, unknown_shape
from .array_ops import zeros_like


class _PlannedOp(OpDef):
    """An op the planner turns into control flow; it never runs as a kernel."""

    host_memory_ok = True  # takes the home of its data input (no transfer)
    may_alias_input = True  # its outputs are its input's value

    def kernel(self, be, op, ctx):
        raise AssertionError(f"{op.type} op '{op.name}' is handled by the control-flow planner")


def most_specific_common_shape(shapes: Sequence[TensorShape]) -> TensorShape:
    """The shape every one of `shapes` has: unknown where they differ (Merge's output)."""
    dims = None
    for s in shapes:
        d = s.as_tuple() if s.ndims is not None else None
        if d is None:
            return unknown_shape()
        if dims is None:
            dims = list(d)
        elif len(dims) != len(d):
            return unknown_shape()
        else:
            dims = [a if a == b else None for a, b in zip(dims, d)]
    return TensorShape(dims)


@register_op("Switch")
class Switch(_PlannedOp):
    """Forwards `data` to output 0 (`output_false`) or 1 (`output_true`) by `pred`; the other
    output is dead, and so is everything computed from it (up to a `Merge`)."""

    def infer(self, data, pred, *, T=None):
        if pred.dtype != dtypes.bool:
            raise TypeError(f"Switch's pred must be a bool tensor, got {pred.dtype.name} "
                            f"({pred.name})")
        if pred.shape.ndims not in (None, 0):
            raise ValueError(f"Switch's pred must be a scalar, got shape {pred.shape} ({pred.name})")
        return [spec(data.dtype, data.shape), spec(data.dtype, data.shape)]

    def gradient(self, op, grad_false, grad_true):
        # A cond's Switch: the gradient is whichever branch ran (TF1's _SwitchGrad). A loop's
        # Switch never gets here: gradients.py differentiates a while loop as a whole.
        _reject_loop_gradient(op)
        return [merge_gradients(op, grad_false, grad_true), None]


@register_op("RefSwitch")
class RefSwitch(Switch):
    pass


@register_op("Merge")
class Merge(_PlannedOp):
    """Forwards the one live input; output 1 is its index (`value_index`, int32)."""

    def infer(self, *inputs, N=None, T=None):
        if not inputs:
            raise ValueError("Merge needs at least one input")
        dt = inputs[0].dtype
        for t in inputs[1:]:
            if t.dtype != dt:
                raise TypeError(f"Merge inputs must have one dtype: {inputs[0].name} is "
                                f"{dt.name}, {t.name} is {t.dtype.name}")
        return [spec(dt, most_specific_common_shape([t.shape for t in inputs])),
                spec(dtypes.int32, [])]

    def gradient(self, op, grad, _grad_index):
        _reject_loop_gradient(op)
        return switch_gradients(op, grad)


@register_op("RefMerge")
class RefMerge(Merge):
    pass


class _LoopOp(_PlannedOp):
    def infer(self, data, **attrs):
        return spec(data.dtype, data.shape)

    def gradient(self, op, *grads):
        _reject_loop_gradient(op, always=True)


@register_op("Enter")
class Enter(_LoopOp):
    """Makes `data` available in the loop frame `frame_name` (every iteration when
    `is_constant`; otherwise as the first value of a loop variable, through a `Merge`)."""

    def infer(self, data, *, frame_name="", is_constant=False, parallel_iterations=10, T=None):
        return spec(data.dtype, data.shape)


@register_op("RefEnter")
class RefEnter(Enter):
    pass


@register_op("Exit")
class Exit(_LoopOp):
    """A loop variable's final value, leaving the frame."""


@register_op("RefExit")
class RefExit(Exit):
    pass


@register_op("NextIteration")
class NextIteration(_LoopOp):
    """A loop variable's value for the next iteration (the back edge into its `Merge`)."""


@register_op("RefNextIteration")
class RefNextIteration(NextIteration):
    pass


@register_op("LoopCond")
class LoopCond(_PlannedOp):
    """The loop predicate: the frame's `Switch`es send values to the body while it is true,
    to the `Exit`s when it is false."""

    host_inputs = (0,)
    host_outputs = (0,)

    def infer(self, pred):
        if pred.dtype != dtypes.bool:
            raise TypeError(f"LoopCond's input must be bool, got {pred.dtype.name} ({pred.name})")
        return spec(dtypes.bool, pred.shape)


@register_op("ControlTrigger")
class ControlTrigger(OpDef):
    """Does nothing; TF1 uses it as a synchronization point in gradient loops."""

    def infer(self):
        return ()

    def kernel(self, be, op, ctx):
        return None


# --- GraphDef import: a loop's Merge names its NextIteration, a later node ----------------------
@register_import("Merge")
@register_import("RefMerge")
def _import_merge(node: Any, inputs: List[Any], attrs: Dict[str, Any], ctx: Any) -> Operation:
    """A Merge whose input is a back edge (None: its NextIteration comes later) starts with
    its first input there; `_import_next_iteration` puts the NextIteration in."""
    present = [t for t in inputs if t is not None]
    if not present:
        raise ValueError("a Merge needs at least one input that is not a loop back edge")
    op = ctx.create(node.op, [t if t is not None else present[0] for t in inputs],
                    tfgraph_attrs(node.op, node.op, attrs), ctx.name(node.name))
    pending = ctx.__dict__.setdefault("back_edges", {})
    for i, t in enumerate(inputs):
        if t is None:
            src, _, idx = node.input[i].partition(":")
            pending.setdefault(src, []).append((op, i, int(idx or 0)))
    return op


@register_import("NextIteration")
@register_import("RefNextIteration")
def _import_next_iteration(node: Any, inputs: List[Any], attrs: Dict[str, Any],
                           ctx: Any) -> Operation:
    op = ctx.create(node.op, inputs, tfgraph_attrs(node.op, node.op, attrs),
                    ctx.name(node.name))
    for merge, i, idx in ctx.__dict__.get("back_edges", {}).pop(node.name, ()):
        merge._update_input(i, op._outputs[idx])
    return op


for _t in ("LoopCond", "ControlTrigger", "RefSwitch", "RefMerge", "RefEnter", "RefExit",
           "RefNextIteration"):
    NotDifferentiable(_t)


def _reject_loop_gradient(op: Operation, always: bool = False) -> None:
    """Loop ops are differentiated with their whole loop (gradients.py); reaching one alone
    means the loop was not built by tf.while_loop (an imported graph)."""
    if always or is_loop_op(op):
        raise LookupError(
            f"No gradient for op '{op.name}' ({op.type}) alone: tf.gradients differentiates a "
            f"while loop built by tf.while_loop as a whole; this one was not (an imported "
            f"loop?)")


def is_loop_op(op: Operation) -> bool:
    """A loop's Switch (pred from a LoopCond) or Merge (fed by a NextIteration)."""
    if op.type in SWITCH_TYPES:
        return op._inputs[1]._op.type in LOOP_COND_TYPES
    if op.type in MERGE_TYPES:
        return any(t._op.type in NEXT_ITERATION_TYPES for t in op._inputs)
    return op.type in CONTROL_FLOW_TYPES


# --- building ops in contexts -------------------------------------------------------------------
def canonical_pred(t: Tensor) -> Tensor:
    """`t` with Identity ops looked through (TF1's `cond/pred_id` is an Identity of the pred)."""
    while t._op.type == "Identity":
        t = t._op._inputs[0]
    return t


@contextlib.contextmanager
def in_context(graph: Graph, ctx: Any) -> Iterator[None]:
    """Builds ops in control-flow context `ctx` (None: the top level)."""
    old = graph._cf_context
    graph._cf_context = ctx
    try:
        yield
    finally:
        graph._cf_context = old


def context_of(op: Operation) -> Any:
    return op._graph._op_cf_context.get(op)


class ControlFlowContext:
    """A cond branch or loop body being built (see the module docstring).

    Attributes:
      graph: The graph.
      outer: The enclosing context, or None.
      pivot: The op every input-less op built here gets as control input.
    """

    def __init__(self, graph: Graph, outer: Optional["ControlFlowContext"]):
        self.graph = graph
        self.outer = outer
        self.pivot: Optional[Operation] = None
        self.captured: Dict[Tensor, Tensor] = {}  # outer tensor -> its value in here

    def encloses(self, ctx: Any) -> bool:
        """Whether `ctx` is this context or nested in it."""
        while ctx is not None:
            if ctx is self:
                return True
            ctx = ctx.outer
        return False

    def map_inputs(self, inputs: Sequence[Tensor], op_def: OpDef, name: str) -> List[Tensor]:
        refs = op_def.ref_inputs
        out = []
        self._reads_variable = False
        for i, t in enumerate(inputs):
            if i in refs:
                out.append(t)
            elif t._op.type == "VariableV2":
                # A variable read in here sees its value when the op runs (TF1's RefEnter):
                # no capture; the op gets the pivot as control input, and the loop planner
                # reads the variable again at each use inside a loop.
                self._reads_variable = True
                out.append(t)
            else:
                out.append(self.capture(t, name))
        return out

    def capture(self, t: Tensor, name: str) -> Tensor:
        """`t`'s value inside this context (a Switch/Enter is added for an outer tensor)."""
        src = self.graph._op_cf_context.get(t._op)
        if self.encloses(src):
            return t
        got = self.captured.get(t)
        if got is not None:
            return got
        outer = self.outer
        if src is not None and not src.encloses(self) and outer is None and \
                _leaves_a_loop(src, self):
            raise ValueError(
                f"Tensor '{t.name}' was built in {src.describe()} and cannot be used in "
                f"{self.describe()} (op '{name}'): return it from its branch or loop first.")
        if outer is not None:
            # The enclosing context brings it in first (or maps it: a gradient loop gets
            # its forward loop's values from stacks), or refuses it.
            t = outer.capture(t, name)
            got = self.captured.get(t)
            if got is not None:
                return got
        with in_context(self.graph, outer), self.graph.control_dependencies(None), \
                self.graph.name_scope(name + "/"):
            got = self._bring_in(t)
        self.captured[t] = got
        return got

    def _bring_in(self, t: Tensor) -> Tensor:
        raise NotImplementedError

    is_loop = False

    def add_op(self, op: Operation) -> None:
        self.graph._op_cf_context[op] = self
        pivot = self.pivot
        # An op without inputs from this context (a constant, an op under an outer
        # `control_dependencies`) runs when the context does: a control input from the pivot.
        reads_variable, self._reads_variable = getattr(self, "_reads_variable", False), False
        if pivot is not None and (not op._inputs or reads_variable) and not any(
                self.encloses(self.graph._op_cf_context.get(c)) for c in op._control_inputs):
            op._control_inputs.append(pivot)
            pivot._control_outputs.append(op)

    def describe(self) -> str:
        return "the top level"


# --- cond building blocks and gradients (TF1's _SwitchGrad / _MergeGrad) -----------------
# A Merge op -> the predicate that chose its input (its gradient switches on it).
_MERGE_PRED: "weakref.WeakKeyDictionary[Operation, Tensor]" = weakref.WeakKeyDictionary()


def switch(data: Any, pred: Any, name: Optional[str] = None) -> Tuple[Tensor, Tensor]:
    """`(output_false, output_true)`: `data` forwarded to the side `pred` selects."""
    data = convert_to_tensor(data)
    pred = convert_to_tensor(pred)
    g = data.graph
    op = g.create_op("Switch", [data, pred], {"T": data.dtype}, name=name or "Switch")
    return op._outputs[0], op._outputs[1]


def merge(inputs: Sequence[Any], name: Optional[str] = None) -> Tuple[Tensor, Tensor]:
    """`(output, value_index)`: the live one of `inputs` and its index."""
    inputs = [convert_to_tensor(x) for x in inputs]
    g = inputs[0].graph
    op = g.create_op("Merge", inputs, {"N": len(inputs), "T": inputs[0].dtype},
                     name=name or "Merge")
    return op._outputs[0], op._outputs[1]


def merge_gradients(switch_op: Operation, grad_false: Optional[Tensor],
                    grad_true: Optional[Tensor]) -> Tensor:
    """A cond Switch's gradient: the gradient of the branch that ran. A side without one gets
    zeros shaped like the Switch's input, switched to that side (TF1's `_SwitchGrad`): they
    exist only when that branch runs, and have its shape inside loops too."""
    data, pred = switch_op._inputs
    grads = [grad_false, grad_true]
    for k in (0, 1):
        if grads[k] is None:
            grads[k] = zeros_like(switch(data, pred)[k], optimize=False)
    grad_false, grad_true = grads
    m = merge([grad_false, grad_true], name="cond_grad")[0]
    _MERGE_PRED[m.op] = pred
    return m


def switch_gradients(merge_op: Operation, grad: Tensor) -> List[Optional[Tensor]]:
    """A cond Merge's gradient: the incoming gradient routed into the branch that ran."""
    if len(merge_op._inputs) != 2:
        raise LookupError(f"No gradient for Merge '{merge_op.name}' with "
                          f"{len(merge_op._inputs)} inputs (only a cond's 2-way Merge)")
    pred = _MERGE_PRED.get(merge_op)
    if pred is None:
        pred = _find_pred(merge_op)
    f, t = switch(grad, pred, name="cond_grad")
    return [f, t]


def _find_pred(merge_op: Operation) -> Tensor:
    """The predicate of the nearest Switch feeding a Merge (imported graphs)."""
    seen = set()
    stack = [t._op for t in merge_op._inputs]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.type in SWITCH_TYPES and op._inputs[1]._op.type not in LOOP_COND_TYPES:
            return op._inputs[1]
        stack.extend(t._op for t in op._inputs)
        stack.extend(op._control_inputs)
    raise LookupError(f"No gradient for Merge '{merge_op.name}': no Switch feeds it")


def _leaves_a_loop(src: Any, ctx: Any) -> bool:
    """Whether a value built in context `src` would leave a while loop to reach `ctx` (an
    error, as in TF1; a cond branch's value may be used outside: it is dead when the branch
    does not run, and so is what uses it)."""
    while src is not None and not src.encloses(ctx):
        if src.is_loop:
            return True
        src = src.outer
    return False
