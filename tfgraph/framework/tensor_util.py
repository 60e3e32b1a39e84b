"""Build-time values of tensors (TF1's framework/tensor_util.py): `constant_value`.

`constant_value(t)` evaluates `t` at graph-build time when it can: Const, Identity and
StopGradient, Shape/ShapeN/Size/Rank of static shapes here, and any op type whose family
registered a folder (`register_constant_folder`): array_ops registers Pack, ConcatV2,
StridedSlice, Slice, Range, Fill, Reshape, InvertPermutation and ConcatOffset; math_ops Cast.
A folder gets the op, the output index and the NumPy values of all inputs, and returns the
output value (or None); ValueError/TypeError/IndexError inside it mean "not foldable".
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import numpy as np

from .graph import Tensor

# Largest constant computed at build time (shape vectors are tiny).
SMALL = 100000

_FOLDERS: Dict[str, Callable[[Any, int, List[Any]], Optional[np.ndarray]]] = {}


def register_constant_folder(op_type: str) -> Callable[[Callable], Callable]:
    """Decorator: `fn(op, output_index, input_values)` evaluates `op_type` at build time."""
    def deco(fn: Callable) -> Callable:
        _FOLDERS[op_type] = fn
        return fn
    return deco


def constant_value(t: Any) -> Optional[np.ndarray]:
    """The value of `t` if it can be computed at graph-build time, else None.

    Evaluates Const, Shape/Size/Rank of static shapes, and small constant subgraphs of
    Identity, Pack, ConcatV2, StridedSlice, Slice, Range, Fill, Reshape, Cast,
    InvertPermutation and ConcatOffset (as TF1's `tf.get_static_value` and its shape
    inference do).
    """
    if not isinstance(t, Tensor):
        return None
    op = t.op
    typ = op.type
    if typ == "Const":
        return op.attrs["value"]
    try:
        if typ in ("Identity", "StopGradient"):
            return constant_value(op.inputs[0])
        if typ in ("Shape", "ShapeN"):
            s = op.inputs[t.value_index if typ == "ShapeN" else 0].shape
            if not s.is_fully_defined():
                return None
            return np.array(s.as_list(), dtype=op.attrs["out_type"].np_dtype)
        if typ == "Size":
            n = op.inputs[0].shape.num_elements()
            return None if n is None else np.array(n, dtype=op.attrs["out_type"].np_dtype)
        if typ == "Rank":
            r = op.inputs[0].shape.ndims
            return None if r is None else np.array(r, dtype=np.int32)
        folder = _FOLDERS.get(typ)
        if folder is None or op._op_def.stateful:  # never "evaluate" a random op or a read
            return None
        vals = [constant_value(i) for i in op.inputs]
        if any(v is None for v in vals):
            return None
        return folder(op, t.value_index, vals)
    except (ValueError, TypeError, IndexError):
        return None


def static_int_vector(t: Tensor) -> Optional[List[Optional[int]]]:
    """The value of a 1-D int tensor if known at build time, else None.

    Shape ops of partially known shapes give their partial dims (None where unknown).
    """
    op = t.op
    if op.type == "Shape":
        s = op.inputs[0].shape
        return None if s.ndims is None else s.as_list()
    v = constant_value(t)
    if v is None:
        return None
    return [int(x) for x in np.asarray(v).reshape(-1)]


def const_ints(t: Tensor) -> Optional[List[int]]:
    """The value of an int tensor as a flat list if fully known at build time, else None."""
    v = constant_value(t)
    return None if v is None else [int(x) for x in np.asarray(v).reshape(-1)]
