"""Control ops: `NoOp`, `tf.group`, `tf.tuple`, `tf.no_op`, `tf.control_dependencies`."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from ..framework.constant import graph_of, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.registry import OpDef, register_op, NotDifferentiable
from .logging_ops import Assert, check_numerics  # noqa: F401  (TF1 defines tf.Assert here)


@register_op("NoOp")
class NoOp(OpDef):
    """Does nothing; used to group control dependencies (`init`, `train`)."""

    def infer(self):
        return ()

    def kernel(self, be, op, ctx):
        return None  # nothing runs: the plan keeps only its ordering


NotDifferentiable("NoOp")


def no_op(name: Optional[str] = None) -> Operation:
    """An op that does nothing (`tf.no_op`)."""
    return get_default_graph().create_op("NoOp", [], name=name or "NoOp")


def _as_op(x: Any) -> Operation:
    if hasattr(x, "_as_graph_element") and not isinstance(x, (Tensor, Operation)):
        x = x._as_graph_element()
    if isinstance(x, Tensor):
        return x.op
    if isinstance(x, Operation):
        return x
    raise TypeError(f"Expected a Tensor or Operation in tf.group, got {x!r}")


def group(*inputs: Any, name: Optional[str] = None) -> Operation:
    """An op that runs after all `inputs` (`tf.group`); TF1 names it "group_deps".

    Args:
      *inputs: Tensors, Operations, or lists of them.
      name: Optional name.

    Returns:
      A NoOp with the inputs as control dependencies.
    """
    flat = []
    for x in inputs:
        if isinstance(x, (list, tuple)):
            flat.extend(x)
        elif x is not None:
            flat.append(x)
    ops = []
    for x in flat:
        op = _as_op(x)
        if op not in ops:
            ops.append(op)
    graph = graph_of(ops) if ops else get_default_graph()
    with graph.as_default():
        with name_scope(name, "group_deps", ops) as scope:
            with graph.control_dependencies(ops):
                return graph.create_op("NoOp", [], name=scope)


def tuple_(tensors: Sequence[Any], name: Optional[str] = None, control_inputs=None) -> list:
    """`tf.tuple`: each tensor, gated to be available only after all of them are computed.

    Args:
      tensors: Tensors (or None).
      name: Name scope (default "tuple").
      control_inputs: More ops to finish before the results are available.

    Returns:
      A list of tensors ("tuple/control_dependency", "..._1", ...), None for None.

    Raises:
      TypeError: If an item is not a Tensor or None.
    """
    from .array_ops import identity
    for t in tensors:
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"tf.tuple expects Tensors (or None), got {t!r}")
    with name_scope(name, "tuple", tensors):
        gate = group(*[t for t in tensors if t is not None], *(control_inputs or []))
        out = []
        for t in tensors:
            if t is None:
                out.append(None)
                continue
            with name_scope(None, "control_dependency", [t]) as scope:
                with get_default_graph().control_dependencies([gate]):
                    out.append(identity(t, name=scope))
        return out


def control_dependencies(control_inputs: Optional[Sequence[Any]]):
    """`with tf.control_dependencies([...]):` ops built inside run after `control_inputs`."""
    return get_default_graph().control_dependencies(control_inputs)


__all__ = ["no_op", "group", "control_dependencies"]
