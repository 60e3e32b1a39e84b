"""`tf.while_loop` built from Enter/Merge/Switch/Exit/NextIteration/LoopCond as TF1 builds it,
and its gradient: a backward while loop fed by stacks.

`tf.while_loop(cond, body, [i, x])` under scope "while" builds, per loop variable,
`while/Enter` -> `while/Merge` (<- `while/NextIteration`) -> `while/Switch` (pred
`while/LoopCond`) -> `while/Identity` (the body's input) and `while/Exit` (the result).
Tensors from outside used by `cond` or `body` enter through `<op>/Enter` (is_constant).

Gradient (`loop_gradients`, called by gradients.py, which treats a loop as one node from its
Enter inputs to its Exit outputs): a counter loop variable is added to the forward loop
(`f_count`); every forward value the backward body needs is pushed on a stack each
iteration (`f_acc` StackV2, StackPushV2 in the forward loop) and popped by a backward loop
that runs `f_count` times, carrying the gradients of the loop variables and summing those
of the captured tensors -- TF1's scheme.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, Dict, List, Optional, Sequence

from ..framework import dtypes
from ..framework.constant import constant, convert_to_tensor, name_scope
from ..framework.control_flow_types import LOOP_COND_TYPES, SWITCH_TYPES
from ..framework.graph import Graph, Operation, Tensor, get_default_graph
from ..framework.tensor_shape import TensorShape, as_shape
from ..util import nest
from .array_ops import zeros_like
from .math_ops import add, greater, less, logical_and, subtract
from .control_flow_v1 import ControlFlowContext, context_of, in_context, merge, switch
from .stack_ops import stack_v2

# Exit op -> its loop's WhileContext (an Exit is built in the enclosing context).
_EXIT_LOOP: "weakref.WeakKeyDictionary[Operation, WhileContext]" = weakref.WeakKeyDictionary()


class LoopVar:
    """The ops of one loop variable."""

    __slots__ = ("enter", "merge", "switch", "identity", "next", "exit")

    def __init__(self, enter, merge, switch, identity, nxt, exit_):
        self.enter, self.merge, self.switch = enter, merge, switch
        self.identity, self.next, self.exit = identity, nxt, exit_


class WhileContext(ControlFlowContext):
    """A while loop's frame being built: outer tensors enter through a constant Enter."""

    is_loop = True

    def __init__(self, graph: Graph, outer, name: str, parallel_iterations: int = 10,
                 back_prop: bool = True, swap_memory: bool = False):
        super().__init__(graph, outer)
        self.name = name
        self.frame_name = name + "/while_context"
        self.parallel_iterations = parallel_iterations
        self.back_prop = back_prop
        self.swap_memory = swap_memory
        self.loop_vars: List[LoopVar] = []
        self.loop_cond: Optional[Tensor] = None
        self.f_count = None  # (NextIteration op, Exit tensor) once a gradient needs it

    def enter(self, t: Tensor, is_constant: bool, name: str = "Enter") -> Tensor:
        """An Enter of `t` into this frame (built in the enclosing context, owned by this one)."""
        g = self.graph
        with in_context(g, self.outer):
            op = g.create_op("Enter", [t], {"T": t.dtype, "frame_name": self.frame_name,
                                            "is_constant": bool(is_constant),
                                            "parallel_iterations": self.parallel_iterations},
                             name=name)
        g._op_cf_context[op] = self
        return op._outputs[0]

    def _bring_in(self, t: Tensor) -> Tensor:
        return self.enter(t, True)

    def describe(self) -> str:
        return f"while loop '{self.name}'"


def loop_of(op: Operation) -> Optional[WhileContext]:
    """The while loop an Exit op leaves."""
    return _EXIT_LOOP.get(op)


def _flatten_loop_vars(loop_vars: Any) -> List[Any]:
    return [v.flow if _is_tensor_array(v) else v for v in nest.flatten(loop_vars)]


def _is_tensor_array(v: Any) -> bool:
    return hasattr(v, "_is_tensor_array")


def _pack_loop_vars(structure: Any, flat: Sequence[Tensor]) -> Any:
    items = []
    for like, t in zip(nest.flatten(structure), flat):
        items.append(like._with_flow(t) if _is_tensor_array(like) else t)
    return nest.pack_sequence_as(structure, items)


def build_loop(ctx: WhileContext, cond: Callable, body: Callable, structure: Any,
               flat_init: Sequence[Tensor], invariants: Sequence[Optional[TensorShape]],
               ) -> List[Tensor]:
    """Builds the loop ops of `ctx` (see the module docstring); returns the Exit tensors."""
    g = ctx.graph
    enters = []
    for i, (t, inv) in enumerate(zip(flat_init, invariants)):
        e = ctx.enter(t, False)
        if inv is not None:
            if not inv.is_compatible_with(t.shape):
                raise ValueError(
                    f"The shape invariant specified for {t.name} is not compatible with the "
                    f"initial shape of the loop variable. It enters the loop with shape "
                    f"{t.shape}, but the specified shape invariant is {inv}.")
            e._shape = inv
        enters.append(e)
    with in_context(g, ctx):
        merges = [g.create_op("Merge", [e, e], {"N": 2, "T": e.dtype}, name="Merge")
                  for e in enters]
        merge_outs = [m._outputs[0] for m in merges]
        for m, e in zip(merge_outs, enters):
            m._shape = e.shape
        ctx.pivot = merges[0]
        pred = cond(*_as_args(_pack_loop_vars(structure, merge_outs)))
        pred = convert_to_tensor(pred)
        if pred.dtype != dtypes.bool:
            raise TypeError(f"The while_loop cond of '{ctx.name}' must return a bool tensor, "
                            f"got {pred.dtype.name} ({pred.name})")
        if pred.shape.ndims not in (None, 0):
            raise ValueError(f"The while_loop cond of '{ctx.name}' must return a scalar, got "
                             f"shape {pred.shape} ({pred.name})")
        loop_cond = g.create_op("LoopCond", [pred], {}, name="LoopCond")._outputs[0]
        ctx.loop_cond = loop_cond
        switches = [g.create_op("Switch", [m, loop_cond], {"T": m.dtype}, name="Switch")
                    for m in merge_outs]
        ids = [g.create_op("Identity", [s._outputs[1]], {}, name="Identity")._outputs[0]
               for s in switches]
        ctx.pivot = ids[0].op
        res = body(*_as_args(_pack_loop_vars(structure, ids)))
        if isinstance(structure, (list, tuple)) and len(structure) == 1 and \
                not hasattr(structure, "_fields") and nest.same_structure(structure[0], res) \
                and not nest.same_structure(structure, res):
            res = type(structure)([res])  # one loop variable: the body may return it bare
        if not nest.same_structure(structure, res):
            raise ValueError(
                f"The body of while loop '{ctx.name}' must return the same structure as "
                f"loop_vars: loop_vars is {_describe(structure)}, body returned {_describe(res)}")
        flat_res = []
        for i, v in enumerate(_flatten_loop_vars(res)):
            t = convert_to_tensor(v)
            t = ctx.capture(t, t.op.name)
            init = flat_init[i]
            if t.dtype != init.dtype:
                raise TypeError(
                    f"Loop variable {i} of while loop '{ctx.name}' ({init.name}) enters the loop "
                    f"as {init.dtype.name} but the body returns {t.dtype.name} ({t.name})")
            if not merge_outs[i].shape.is_compatible_with(t.shape) or (
                    invariants[i] is None and not _more_specific(t.shape, merge_outs[i].shape)):
                raise ValueError(
                    f"Input tensor '{init.name}' enters the loop with shape "
                    f"{merge_outs[i].shape}, but has shape {t.shape} after one iteration. To "
                    f"allow the shape to vary across iterations, use the `shape_invariants` "
                    f"argument of tf.while_loop to specify a less-specific shape.")
            flat_res.append(t)
        nexts = [g.create_op("NextIteration", [t], {"T": t.dtype}, name="NextIteration")
                 for t in flat_res]
    for m, n in zip(merges, nexts):
        m._update_input(1, n._outputs[0])
    with in_context(g, ctx.outer):
        exits = [g.create_op("Exit", [s._outputs[0]], {"T": s._outputs[0].dtype}, name="Exit")
                 for s in switches]
    for e in exits:
        _EXIT_LOOP[e] = ctx
    ctx.loop_vars = [LoopVar(e.op, m, s, i.op, n, x) for e, m, s, i, n, x in
                     zip(enters, merges, switches, ids, nexts, exits)]
    return [x._outputs[0] for x in exits]


def _more_specific(a: TensorShape, b: TensorShape) -> bool:
    """Whether every dimension `b` knows, `a` knows equally (a body result fits the Merge)."""
    if b.ndims is None:
        return True
    if a.ndims is None or a.ndims != b.ndims:
        return False
    return all(db is None or da == db for da, db in zip(a.as_tuple(), b.as_tuple()))


def _as_args(packed: Any) -> list:
    return list(packed) if isinstance(packed, (list, tuple)) and not hasattr(packed, "_fields") \
        else [packed]


def _describe(x: Any) -> str:
    if not nest.is_sequence(x):
        return "a single value"
    return repr(nest.pack_sequence_as(x, ["T"] * len(nest.flatten(x))))


def while_loop(cond: Callable, body: Callable, loop_vars: Any, shape_invariants: Any = None,
               parallel_iterations: int = 10, back_prop: bool = True, swap_memory: bool = False,
               name: Optional[str] = None, maximum_iterations: Any = None,
               return_same_structure: bool = False) -> Any:
    """Repeats `body` while `cond` is true (`tf.while_loop`).

    Args:
      cond: `cond(*loop_vars)` -> scalar bool tensor.
      body: `body(*loop_vars)` -> loop variables of the same structure, dtypes and shapes
        (or shapes within `shape_invariants`).
      loop_vars: A (nested) tuple/list/namedtuple/dict of tensors and TensorArrays.
      shape_invariants: The same structure of `TensorShape`s a variable may vary within.
      parallel_iterations, swap_memory: Accepted (the loop runs iterations in order).
      back_prop: False: no gradient flows through the loop.
      name: Name scope (default "while").
      maximum_iterations: Stop after this many iterations (an int scalar), as TF1.
      return_same_structure: Return a one-variable loop's result as a 1-element structure.

    Returns:
      The loop variables after the last iteration, in `loop_vars`' structure.

    Raises:
      TypeError: If `cond`/`body` are not callable, or a variable changes dtype.
      ValueError: If `loop_vars` is empty, the body returns another structure, or a variable
        changes shape beyond its invariant (the message names it and both shapes).
    """
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if parallel_iterations < 1:
        raise TypeError("parallel_iterations must be a positive integer.")
    packed_single = not isinstance(loop_vars, (list, tuple, dict))
    if packed_single:
        loop_vars = (loop_vars,)
    if not nest.flatten(loop_vars):
        raise ValueError("No loop variables provided")
    graph = get_default_graph()
    for v in nest.flatten(loop_vars):
        if isinstance(v, Tensor):
            graph = v.graph
            break
    with graph.as_default(), name_scope(name, "while", [v for v in _flatten_loop_vars(loop_vars)
                                                         if isinstance(v, Tensor)]) as scope:
        if maximum_iterations is not None:
            mi = convert_to_tensor(maximum_iterations, name="maximum_iterations")
            if not mi.dtype.is_integer or mi.shape.ndims not in (None, 0):
                raise ValueError(f"maximum_iterations must be an integer scalar, got "
                                 f"{mi.dtype.name} of shape {mi.shape}")
            orig_cond, orig_body = cond, body
            user_structure = loop_vars
            loop_vars = (constant(0, dtype=mi.dtype, name="iteration_counter"), loop_vars)
            if shape_invariants is not None:
                shape_invariants = (TensorShape([]), shape_invariants)

            def cond(i, lv):
                return logical_and(less(i, mi), orig_cond(*_as_args(lv)))

            def body(i, lv):
                out = orig_body(*_as_args(lv))
                if len(nest.flatten(user_structure)) == 1 and not nest.is_sequence(out):
                    out = nest.pack_sequence_as(user_structure, [out])
                elif isinstance(user_structure, (list, tuple)) and isinstance(out, (list, tuple)) \
                        and type(out) is not type(user_structure) and \
                        not hasattr(user_structure, "_fields"):
                    out = type(user_structure)(out)
                return (i + 1, out)
        flat = []
        for v in _flatten_loop_vars(loop_vars):
            flat.append(convert_to_tensor(v))
        if shape_invariants is not None:
            if not nest.same_structure(loop_vars, shape_invariants) and not (
                    len(flat) == 1 and not nest.is_sequence(shape_invariants)):
                raise ValueError(f"shape_invariants must have the structure of loop_vars: "
                                 f"{_describe(loop_vars)}")
            invs = [as_shape(s) for s in nest.flatten(shape_invariants)]
        else:
            invs = [None] * len(flat)
        ctx = WhileContext(graph, graph._cf_context, scope[:-1], parallel_iterations, back_prop,
                           swap_memory)
        exits = build_loop(ctx, cond, body, loop_vars, flat, invs)
        result = _pack_loop_vars(loop_vars, exits)
        if maximum_iterations is not None:
            result = result[1]
        if packed_single or (isinstance(result, (list, tuple)) and len(result) == 1 and
                             not return_same_structure and not hasattr(result, "_fields")):
            return result[0] if isinstance(result, (list, tuple)) else result
        return result


# --- gradients -------------------------------------------------------------------------------
class GradWhileContext(WhileContext):
    """The backward loop of `forward`: forward values come from stacks (pushed each forward
    iteration, popped here in reverse); loop-invariant ones enter as constants."""

    def __init__(self, graph, outer, name, forward: WhileContext):
        super().__init__(graph, outer, name)
        self.forward = forward
        self.popped: Dict[Tensor, Tensor] = {}

    def capture(self, t: Tensor, name: str) -> Tensor:
        src = context_of(t._op)
        if self.encloses(src):
            return t
        fwd = self.forward
        if fwd.encloses(src):
            for outer_t, inner_t in fwd.captured.items():
                if inner_t is t:  # a loop invariant: enter its outer value
                    return self.capture(outer_t, name)
            got = self.popped.get(t)
            if got is None:
                got = self._pop(t)
                self.popped[t] = got
            return got
        return super().capture(t, name)

    def _pop(self, t: Tensor) -> Tensor:
        g = self.graph
        fwd = self.forward
        count_next, _ = forward_counter(fwd)
        src = context_of(t._op)
        shape = t.shape
        pred = branch = None
        if src is not fwd:
            branch = getattr(src, "branch", None)
            if branch is None or src.outer is not fwd:
                raise LookupError(
                    f"Gradient of while loop '{fwd.name}' needs '{t.name}', a value computed "
                    f"in a nested cond or loop inside the loop: not supported")
            pred = src.pred
        elif t.op.type in SWITCH_TYPES and t.op.inputs[1].op.type not in LOOP_COND_TYPES:
            pred, branch = t.op.inputs[1], t.value_index  # a value entering a cond branch
        if pred is not None:
            # A value of a cond branch is pushed every iteration: when the branch did not run,
            # a 0 (whose pop the backward branch, dead then too, never reads).
            with in_context(g, fwd), g.control_dependencies(None), \
                    g.name_scope(t.op.name + "_acc/"):
                zero = constant(0, dtype=t.dtype, name="zero")
                other = switch(zero, pred)[1 - branch]
                pair = [other, t] if branch else [t, other]
                t = merge(pair)[0]
            shape = None
        # One stack per run, at the top level (TF1 makes it where tf.gradients was called):
        # a loop nested in another one pushes all its iterations of all outer iterations
        # there, and the backward loops pop them in exactly the reverse order.
        with in_context(g, None), g.control_dependencies(None):
            stack = stack_v2(-1, t.dtype, name="f_acc")
        with in_context(g, fwd), g.control_dependencies(None):
            h = fwd.capture(stack, stack.op.name)
            push = g.create_op("StackPushV2", [h, t], {"T": t.dtype, "swap_memory": False},
                               name=stack.op.name + "/StackPushV2/")
        # Ordered as TF1 orders them (iterations may run in parallel there): a push after
        # its iteration's count, the next count after the pushes.
        push._add_control_input(count_next._inputs[0].op)
        count_next._add_control_input(push)
        with in_context(g, self), g.control_dependencies(None):
            h2 = self.capture(stack, stack.op.name)
            pop = g.create_op("StackPopV2", [h2], {"elem_type": t.dtype, "shape": shape},
                              name=stack.op.name + "/StackPopV2/")
        pop._control_inputs.append(self.pivot)
        self.pivot._control_outputs.append(pop)
        return pop._outputs[0]


def forward_counter(fwd: WhileContext):
    """The forward loop's iteration counter (added on first use): (NextIteration op, Exit)."""
    if fwd.f_count is not None:
        return fwd.f_count
    g = fwd.graph
    with g.control_dependencies(None), g.name_scope(fwd.name + "/"):
        with in_context(g, fwd.outer):
            zero = constant(0, dtype=dtypes.int32, name="f_count")
        e = fwd.enter(zero, False, name="f_count_1")
        with in_context(g, fwd):
            m = g.create_op("Merge", [e, e], {"N": 2, "T": dtypes.int32}, name="Merge")
            s = g.create_op("Switch", [m._outputs[0], fwd.loop_cond], {"T": dtypes.int32},
                            name="Switch")
            one = constant(1, dtype=dtypes.int32, name="Add/y")
            add = g.create_op("AddV2", [s._outputs[1], one], {}, name="Add")
            n = g.create_op("NextIteration", [add._outputs[0]], {"T": dtypes.int32},
                            name="NextIteration")
        m._update_input(1, n._outputs[0])
        with in_context(g, fwd.outer):
            x = g.create_op("Exit", [s._outputs[0]], {"T": dtypes.int32}, name="f_count_2")
    fwd.f_count = (n, x._outputs[0])
    return fwd.f_count


def loop_inputs(fwd: WhileContext) -> List[Tensor]:
    """A loop's inputs as one node of gradients.py: loop variables' and captured values."""
    return [lv.enter._inputs[0] for lv in fwd.loop_vars] + list(fwd.captured)


def loop_outputs(fwd: WhileContext) -> List[Tensor]:
    return [lv.exit._outputs[0] for lv in fwd.loop_vars]


def loop_gradients(fwd: WhileContext, exit_grads: Sequence[Optional[Tensor]],
                   body_gradients: Callable) -> List[Optional[Tensor]]:
    """The gradients of a loop's inputs (`loop_inputs` order) from those of its Exits.

    `body_gradients(ys, xs, grad_ys, ctx)` is gradients.py's traversal restricted to the
    loop body `ctx`.
    """
    g = fwd.graph
    lvs = fwd.loop_vars
    caps = list(fwd.captured.items())
    n_in = len(lvs) + len(caps)
    if not fwd.back_prop:
        return [None] * n_in
    diff = [i for i, lv in enumerate(lvs) if lv.exit._outputs[0].dtype.is_differentiable]
    dcaps = [j for j, (o, _) in enumerate(caps) if o.dtype.is_differentiable]
    if not diff or all(exit_grads[i] is None for i in diff):
        return [None] * n_in
    _, count = forward_counter(fwd)
    outer = g._cf_context
    init = [count if outer is None else outer.capture(count, count.op.name)]
    for i in diff:
        gr = exit_grads[i]
        init.append(gr if gr is not None else zeros_like(lvs[i].exit._outputs[0]))
    for j in dcaps:
        init.append(zeros_like(caps[j][0]))
    invs = [TensorShape([])] + [lvs[i].merge._outputs[0].shape for i in diff] + \
        [caps[j][0].shape for j in dcaps]
    nd = len(diff)
    gctx = GradWhileContext(g, outer, g.get_name_scope() or fwd.name + "_grad", fwd)

    def cond(b, *rest):
        return greater(b, 0)

    def body(b, *rest):
        dvs, accs = list(rest[:nd]), list(rest[nd:])
        ys = [lvs[i].next._inputs[0] for i in diff]
        xs = [lvs[i].identity._outputs[0] for i in diff] + [caps[j][1] for j in dcaps]
        grads = body_gradients(ys, xs, dvs, fwd)
        new_dvs = [gr if gr is not None else zeros_like(dv) for gr, dv in zip(grads[:nd], dvs)]
        new_accs = [acc if gr is None else add(acc, gr) for gr, acc in zip(grads[nd:], accs)]
        return [subtract(b, 1)] + new_dvs + new_accs
    structure = list(range(len(init)))
    exits = build_loop(gctx, cond, body, structure, init, invs)
    # The next backward iteration starts after this one's pops (TF1's b_sync).
    for pop in gctx.popped.values():
        gctx.loop_vars[0].next._add_control_input(pop.op)
    out: List[Optional[Tensor]] = [None] * n_in
    for k, i in enumerate(diff):
        out[i] = exits[1 + k]
    for k, j in enumerate(dcaps):
        out[len(lvs) + j] = exits[1 + nd + k]
    return out


__all__ = ["while_loop"]
