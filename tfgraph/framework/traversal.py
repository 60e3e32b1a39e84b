"""Walking the graph: the ancestors of some ops with cut points, and the descendants.

One implementation of the pruning walk that `Session` (what a run executes), the diagrams
(`viz.grouping.prune`: what a run touches) and `tf.gradients` (the ops between xs and ys)
all need. Iterative (no recursion limit on deep graphs); results keep discovery order.
"""
from __future__ import annotations

from typing import Callable, Container, Dict, Iterable, Optional

from .graph import Operation, Tensor


def ancestors(roots: Iterable[Operation], *, cut: Container[Tensor] = (),
              follow_refs: bool = True, control: bool = True,
              skip_control: Optional[Callable[[Operation], bool]] = None,
              within: Optional[Container[Operation]] = None) -> Dict[Operation, None]:
    """The `roots` and every op they depend on, as an ordered set (a dict).

    Args:
      roots: The ops to start from.
      cut: Tensors not to go through (fed tensors): their producers are not reached through
        them.
      follow_refs: Whether to go through inputs taken by reference (`OpDef.ref_inputs`: the
        variable an `Assign` updates). The session does not (a reference binds storage, not
        a value); diagrams do.
      control: Whether to follow control inputs.
      skip_control: Control inputs for which this returns True are not followed.
      within: When given, only ops in it are visited (roots included).

    Returns:
      A dict whose keys are the ops, in the order first reached.
    """
    seen: Dict[Operation, None] = {}
    stack = list(roots)
    stack.reverse()  # roots are visited in the order given
    while stack:
        op = stack.pop()
        if op in seen or (within is not None and op not in within):
            continue
        seen[op] = None
        refs = () if follow_refs else op._op_def.ref_inputs
        for i, t in enumerate(op._inputs):
            if t in cut or i in refs:
                continue
            stack.append(t._op)
        if control:
            stack.extend(c for c in op._control_inputs
                         if skip_control is None or not skip_control(c))
    return seen


def descendants(roots: Iterable[Operation]) -> Dict[Operation, None]:
    """The `roots` and every op consuming their outputs, transitively (data edges only)."""
    seen: Dict[Operation, None] = {}
    stack = list(roots)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen[op] = None
        for t in op._outputs:
            stack.extend(t._consumers)
    return seen
