"""`tf.cond` and `tf.case` built from Switch/Merge as TF1 builds them, and their gradients.

`tf.cond(pred, true_fn, false_fn)` under scope "cond" builds::

    cond/Switch = Switch(pred, pred); cond/switch_t, cond/switch_f (the branch pivots);
    cond/pred_id = Identity(pred)
    true_fn() in a CondContext: outer tensors enter through `<op>/Switch:1`
    false_fn() likewise through `<op>/Switch:0`
    cond/Merge, cond/Merge_1, ...: one Merge(false_out, true_out) per output

so only the taken branch runs (the planner makes each branch an `if` block), and ops built
outside the branch functions run whatever the predicate.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.tensor_util import constant_value
from ..util import nest
from . import array_ops, math_ops
from .array_ops import identity
from .logging_ops import Assert
from .control_flow_v1 import (_MERGE_PRED, ControlFlowContext, in_context, merge,
                              switch)

class CondContext(ControlFlowContext):
    """One branch of a `tf.cond` being built: outer tensors enter through a Switch."""

    def __init__(self, graph, outer, pred: Tensor, pivot: Operation, branch: int, name: str):
        super().__init__(graph, outer)
        self.pred = pred
        self.pivot = pivot
        self.branch = branch
        self.name = name

    def _bring_in(self, t: Tensor) -> Tensor:
        return switch(t, self.pred)[self.branch]

    def describe(self) -> str:
        return f"the {'true' if self.branch else 'false'} branch of cond '{self.name}'"


def _branch_outputs(ctx: CondContext, fn: Callable, which: str, scope: str):
    graph = ctx.graph
    with in_context(graph, ctx):
        res = fn()
        flat = nest.flatten(res)
        out = []
        for v in flat:
            if v is None:
                raise ValueError(f"{which} of cond '{scope}' returned None (a branch must "
                                 f"return tensors or operations)")
            if isinstance(v, Operation):
                with graph.control_dependencies([v]):
                    out.append(identity(ctx.pivot._outputs[0]))
                continue
            t = v if isinstance(v, Tensor) else convert_to_tensor(v)
            out.append(ctx.capture(t, t.op.name))
    return res, out


def _describe_structure(x: Any) -> str:
    return repr(nest.pack_sequence_as(x, ["T"] * len(nest.flatten(x)))) if nest.is_sequence(x) \
        else "a single value"


def cond(pred: Any, true_fn: Optional[Callable] = None, false_fn: Optional[Callable] = None,
         strict: bool = False, name: Optional[str] = None, fn1: Optional[Callable] = None,
         fn2: Optional[Callable] = None) -> Any:
    """Returns `true_fn()` if `pred` is true else `false_fn()` (`tf.cond`).

    Only the ops built by the taken branch's function run; ops the functions use from outside
    run whatever `pred` is.

    Args:
      pred: A scalar bool tensor.
      true_fn, false_fn: Callables returning the same structure of tensors (or operations).
      strict: Keep a single-element list result as a list (default: unpack it).
      name: Name scope (default "cond").
      fn1, fn2: Deprecated spellings of `true_fn`, `false_fn`.

    Returns:
      The outputs of the taken branch, in the branches' structure.

    Raises:
      TypeError: If a function is not callable, `pred` is not bool, or the branches' outputs
        have different dtypes.
      ValueError: If the branches return different structures.
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool")
    graph = pred.graph if isinstance(pred, Tensor) else get_default_graph()
    with graph.as_default(), name_scope(name, "cond", [pred]) as scope:
        pred = convert_to_tensor(pred)
        if pred.dtype != dtypes.bool:
            raise TypeError(f"pred must be a bool tensor, got {pred.dtype.name} ({pred.name})")
        if pred.shape.ndims not in (None, 0):
            raise ValueError(f"pred must be a scalar, got shape {pred.shape} ({pred.name})")
        p_false, p_true = switch(pred, pred)
        switch_t = identity(p_true, name="switch_t")
        switch_f = identity(p_false, name="switch_f")
        pred_id = identity(pred, name="pred_id")
        outer = graph._cf_context
        scope_name = scope[:-1]
        ctx_t = CondContext(graph, outer, pred_id, switch_t.op, 1, scope_name)
        ctx_f = CondContext(graph, outer, pred_id, switch_f.op, 0, scope_name)
        res_t, flat_t = _branch_outputs(ctx_t, true_fn, "true_fn", scope_name)
        res_f, flat_f = _branch_outputs(ctx_f, false_fn, "false_fn", scope_name)
        if not nest.same_structure(res_t, res_f):
            raise ValueError(
                f"true_fn and false_fn of cond '{scope_name}' must return the same structure: "
                f"true_fn returned {_describe_structure(res_t)}, false_fn returned "
                f"{_describe_structure(res_f)}")
        for i, (a, b) in enumerate(zip(flat_t, flat_f)):
            if a.dtype != b.dtype:
                raise TypeError(
                    f"Outputs of true_fn and false_fn of cond '{scope_name}' must have the same "
                    f"type: output {i} is {a.dtype.name} ({a.name}) in true_fn and "
                    f"{b.dtype.name} ({b.name}) in false_fn")
        merges = []
        for f, t in zip(flat_f, flat_t):
            m = merge([f, t])[0]
            _MERGE_PRED[m.op] = pred_id
            merges.append(m)
        ops = [i for i, v in enumerate(nest.flatten(res_t)) if isinstance(v, Operation)]
        packed_items: List[Any] = [m.op if i in ops else m for i, m in enumerate(merges)]
        result = nest.pack_sequence_as(res_t, packed_items)
        if not strict and isinstance(result, (list, tuple)) and not hasattr(result, "_fields") \
                and len(result) == 1:
            result = result[0]
        return result


def smart_cond(pred: Any, true_fn: Callable, false_fn: Callable,
               name: Optional[str] = None) -> Any:
    """`true_fn()` / `false_fn()` called directly when `pred` is known when the graph is built
    (a Python bool, or a tensor with a constant value), else `tf.cond` (TF1's `smart_cond`,
    as `tf.layers.dropout(training=...)` uses it).

    Raises:
      TypeError: If a function is not callable or `pred` is neither bool nor a bool tensor.
    """
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("true_fn and false_fn must be callable.")
    if isinstance(pred, (bool, int)) and not isinstance(pred, Tensor):
        return true_fn() if pred else false_fn()
    if not isinstance(pred, Tensor):
        raise TypeError(f"pred must be a bool or a bool Tensor, got {pred!r}")
    value = constant_value(pred)
    if value is not None:
        return true_fn() if bool(value) else false_fn()
    return cond(pred, true_fn, false_fn, name=name)


def case(pred_fn_pairs: Any, default: Optional[Callable] = None, exclusive: bool = False,
         strict: bool = False, name: str = "case") -> Any:
    """Runs the function of the first true predicate (`tf.case`), as nested `tf.cond`s.

    Args:
      pred_fn_pairs: A list of `(pred, fn)` pairs, or a dict `{pred: fn}`.
      default: Runs when no predicate is true (default: the last pair's function, guarded by
        an Assert that its predicate holds, as TF1).
      exclusive: Check at run time that at most one predicate is true.
      strict: As in `tf.cond`.
      name: Name scope (default "case").

    Returns:
      The outputs of the chosen function.

    Raises:
      TypeError: If `pred_fn_pairs` is not a list/dict of (bool tensor, callable) pairs.
      tf.errors.InvalidArgumentError (at run time): If `exclusive` and several predicates are
        true, or there is no default and none is true.
    """
    if isinstance(pred_fn_pairs, dict):
        pairs = list(pred_fn_pairs.items())
    elif isinstance(pred_fn_pairs, (list, tuple)):
        pairs = list(pred_fn_pairs)
    else:
        raise TypeError("pred_fn_pairs must be a list or a dict of (pred, fn) pairs")
    if not pairs:
        raise ValueError("pred_fn_pairs must not be empty")
    for p in pairs:
        if not isinstance(p, (list, tuple)) or len(p) != 2:
            raise TypeError(f"Each entry in pred_fn_pairs must be a 2-tuple, got {p!r}")
        if not callable(p[1]):
            raise TypeError(f"fn for pred {p[0]!r} must be callable.")
    values = [p for p, _ in pairs]
    with name_scope(name, "case", values):
        preds = [convert_to_tensor(p) for p, _ in pairs]
        for p in preds:
            if p.dtype != dtypes.bool:
                raise TypeError(f"pred must be a bool tensor, got {p.dtype.name} ({p.name})")
        fns = [f for _, f in pairs]
        if default is None:
            # TF1: the last function is the default, guarded by an Assert that its pred holds.
            last_pred, last_fn = preds[-1], fns[-1]
            preds, fns = preds[:-1], fns[:-1]
            stacked = array_ops.stack(preds + [last_pred]) if preds else array_ops.reshape(
                last_pred, [1])

            def default(last_pred=last_pred, last_fn=last_fn, stacked=stacked):
                check = Assert(last_pred, ["None of the conditions evaluated as True. "
                                           "Conditions: (" + ", ".join(p.name for p in
                                                                     [*preds, last_pred]) +
                                           "), Values:", stacked], name="Assert")
                with get_default_graph().control_dependencies([check]):
                    return nest.map_structure(
                        lambda v: array_ops.identity(v) if isinstance(v, Tensor) else v,
                        last_fn())
        fn = default
        for p, f in reversed(list(zip(preds, fns))):
            fn = (lambda p=p, f=f, g=fn: cond(p, f, g, strict=strict))
        if exclusive and len(pairs) > 1:
            all_preds = [convert_to_tensor(p) for p, _ in pairs]
            count = math_ops.reduce_sum(math_ops.cast(array_ops.stack(all_preds), dtypes.int32))
            check = Assert(math_ops.less_equal(count, 1),
                           ["Input error: exclusive=True: more than 1 conditions (" +
                            ", ".join(p.name for p in all_preds) + ") evaluated as True:",
                            array_ops.stack(all_preds)], name="Assert")
            with get_default_graph().control_dependencies([check]):
                return fn()
        return fn()


__all__ = ["cond", "case"]
