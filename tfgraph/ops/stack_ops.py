"""Stacks (StackV2, StackPushV2, StackPopV2, StackCloseV2): how a while loop's gradient gets
the forward values of each iteration back, last first, as TF1 does.

A stack lives for one run: `StackV2` makes a new one each time it runs; its handle is a 0-d
object array (dtype `resource`) in host memory. Pushed values stay on their device.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor
from ..framework.graph import get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import unknown_shape


class _Stack:
    __slots__ = ("items", "max_size", "name", "elem_type", "closed")

    def __init__(self, max_size: int, name: str, elem_type):
        self.items: list = []
        self.max_size = max_size
        self.name = name
        self.elem_type = elem_type
        self.closed = False


def handle_of(obj: Any) -> np.ndarray:
    """A 0-d object array holding `obj` (a resource handle value)."""
    h = np.empty((), dtype=object)
    h[()] = obj
    return h


def move_between(v: Any, src, dst) -> Any:
    """Array `v` of backend `src` on backend `dst` (a value pushed on one device, popped on
    another)."""
    if src.is_host:
        return dst.from_host(v)
    if dst.is_host:
        return src.to_host(v)
    return dst.from_host(src.to_host(v))


@register_op("StackV2")
class StackV2(OpDef):
    """A new, empty stack (each run); output 0 is its handle."""

    stateful = True
    host_only = True
    host_outputs = (0,)

    def infer(self, max_size, *, elem_type, stack_name=""):
        return spec(dtypes.resource, [])

    def kernel(self, be, op, ctx):
        name = op.attrs.get("stack_name", "") or op.name
        elem = op.attrs["elem_type"]

        def stack(max_size):
            return handle_of(_Stack(int(max_size), name, elem))
        return stack


@register_op("StackPushV2")
class StackPushV2(OpDef):
    """Pushes `elem` (kept on its device) and returns it."""

    stateful = True
    host_inputs = (0,)
    host_memory_ok = True

    def infer(self, handle, elem, *, T=None, swap_memory=False):
        return spec(elem.dtype, elem.shape)

    def kernel(self, be, op, ctx):
        def push(handle, elem):
            s = handle[()]
            if 0 <= s.max_size <= len(s.items):
                raise errors.InvalidArgumentError(
                    None, op, f"Stack[{s.name}] overflowed its max_size ({s.max_size})"
                              f"\n\t [[node {op.name}]]")
            s.items.append((elem, be))
            return elem
        return push


@register_op("StackPopV2")
class StackPopV2(OpDef):
    """Pops the last pushed value (moved to this op's device if it was pushed elsewhere)."""

    stateful = True
    host_inputs = (0,)
    # An index pushed by a forward loop and read as metadata (a TensorArray index) is popped
    # in host memory; values used as data are popped on the device.
    host_memory_ok = "if_consumed_as_metadata"

    def infer(self, handle, *, elem_type, shape=None):
        return spec(elem_type, unknown_shape() if shape is None else shape)

    def kernel(self, be, op, ctx):
        def pop(handle):
            s = handle[()]
            if not s.items:
                raise errors.InvalidArgumentError(
                    None, op, f"Stack[{s.name}] is empty.\n\t [[node {op.name}]]")
            v, src = s.items.pop()
            return move_between(v, src, be) if src.name != be.name else v
        return pop


@register_op("StackCloseV2")
class StackCloseV2(OpDef):
    stateful = True
    host_only = True

    def infer(self, handle):
        return ()

    def kernel(self, be, op, ctx):
        def close(handle):
            handle[()].items.clear()
        return close


for _t in ("StackV2", "StackPushV2", "StackPopV2", "StackCloseV2"):
    NotDifferentiable(_t)


def stack_v2(max_size: Any, elem_type: Any, stack_name: str = "", name: Optional[str] = None):
    m = convert_to_tensor(max_size, dtype=dtypes.int32)
    return get_default_graph().create_op(
        "StackV2", [m], {"elem_type": dtypes.as_dtype(elem_type), "stack_name": stack_name},
        name=name or "StackV2")._outputs[0]
