"""Builders of math ops that layers below `math_ops` need too (TF1's gen_math_ops role).

`array_ops` builds subtractions, casts, reductions and selects in its shape arithmetic and
gradients; importing `math_ops` there would make the two families import each other. The
builder mechanics live here instead and both families use them: `binary`/`unary` (one
elementwise op in its own name scope, TF1's operand conversion), `reduce` (a reduction with
TF1's axis/keepdims spellings), `cast`, `select`, `where`, `where_v2`. These create ops by
type name through the graph, so they need no OpDef class: the ops themselves (with shape
rules, kernels and gradients) are declared in `math_ops`, which re-exports the public ones.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, graph_of, is_tensor_like, make_op, name_scope


def convert_pair(x: Any, y: Any, names: Tuple[str, str] = ("x", "y")) -> Tuple[Tensor, Tensor]:
    """Converts two operands; a non-tensor takes the dtype of its tensor partner if it can."""
    if is_tensor_like(x) or not is_tensor_like(y):
        x = convert_to_tensor(x, name=names[0])
        y = convert_to_tensor(y, dtype_hint=x.dtype, name=names[1])
    else:
        y = convert_to_tensor(y, name=names[1])
        x = convert_to_tensor(x, dtype_hint=y.dtype, name=names[0])
    return x, y


def binary(op_type: str, x: Any, y: Any, name: Optional[str],
            attrs: Optional[dict] = None) -> Tensor:
    graph = graph_of([x, y])
    with graph.as_default(), graph.name_scope(name or op_type) as scope:
        x, y = convert_pair(x, y)
        return graph.create_op(op_type, [x, y], attrs, name=scope).outputs[0]


def unary(op_type: str, x: Any, name: Optional[str], attrs: Optional[dict] = None) -> Tensor:
    graph = graph_of([x])
    with graph.as_default(), graph.name_scope(name or op_type) as scope:
        x = convert_to_tensor(x, name="x")
        return graph.create_op(op_type, [x], attrs, name=scope).outputs[0]


def reduction_axes(x: Tensor, axis: Any) -> Tensor:
    """The axis tensor of a reduction: all axes when None (a Const named "Const", as TF1)."""
    if axis is None:
        if x.shape.ndims is not None:
            return convert_to_tensor(np.arange(x.shape.ndims, dtype=np.int32), name="Const")
        return make_op("AllAxes", [x], name="range").outputs[0]  # array_ops.rank_internal
    return convert_to_tensor(axis, dtype=dtypes.int32)


def lookup(new: Any, new_name: str, old: Any, old_name: str) -> Any:
    if new is not None and old is not None:
        raise ValueError(f"Cannot specify both '{new_name}' and '{old_name}'.")
    return new if new is not None else old


def reduce(op_type: str, input_tensor: Any, axis: Any, keepdims: Any, name: Optional[str],
            reduction_indices: Any, keep_dims: Any) -> Tensor:
    axis = lookup(axis, "axis", reduction_indices, "reduction_indices")
    keep = bool(lookup(keepdims, "keepdims", keep_dims, "keep_dims"))
    graph = graph_of([input_tensor, axis])
    with graph.as_default():
        x = convert_to_tensor(input_tensor)
        if axis is None:
            axes = reduction_axes(x, None)
        with graph.name_scope(name or op_type) as scope:
            if axis is not None:
                axes = axis if isinstance(axis, Tensor) else convert_to_tensor(
                    axis, dtype=dtypes.int32, name="reduction_indices")
            out = graph.create_op(op_type, [x, axes], {"keep_dims": keep}, name=scope).outputs[0]
    if axis is None and not keep:
        out.set_shape([])  # everything reduced: a scalar even for an input of unknown rank
    return out


def cast(x: Any, dtype: Any, name: Optional[str] = None) -> Tensor:
    """Converts `x` to `dtype` (`tf.cast`, op "Cast").

    A tensor that already has `dtype` is returned as it is (no op).  Float to integer casts
    truncate toward zero; to bool, non-zero is True.

    Args:
      x: A tensor or a Python/NumPy value.
      dtype: The target dtype.
      name: Op name (default "Cast").

    Returns:
      A tensor of `dtype`, the shape of `x`.

    Raises:
      TypeError: If `x` cannot be cast to `dtype` (string <-> number).
    """
    base = dtypes.as_dtype(dtype)
    if isinstance(x, Tensor) and x.dtype == base:
        return x
    graph = graph_of([x])
    with graph.as_default(), name_scope(name, "Cast", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype != base:
            x = graph.create_op("Cast", [x], {"SrcT": x.dtype, "DstT": base, "Truncate": False},
                                name=scope).outputs[0]
    return x


def select(condition: Any, x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise `condition ? x : y` (op "Select"; `tf.where` with x and y).

    `condition` has the shape of x and y, or is a vector matching their first dimension
    (choosing whole rows), or a scalar.
    """
    graph = graph_of([condition, x, y])
    with graph.as_default(), graph.name_scope(name or "Select") as scope:
        c = convert_to_tensor(condition, dtype_hint=dtypes.bool, name="condition")
        x, y = convert_pair(x, y, ("t", "e"))
        return graph.create_op("Select", [c, x, y], name=scope).outputs[0]


def where(condition: Any, x: Any = None, y: Any = None, name: Optional[str] = None) -> Tensor:
    """TF1's `tf.where`: with `x` and `y`, `Select`; with only `condition`, its true indices.

    Args:
      condition: A bool tensor.
      x, y: Same-shaped tensors of one dtype; `condition` has their shape, or is a vector
        matching their first dimension, or a scalar. No broadcasting (see `where_v2`).
      name: Op name (default "Select", or "Where" for the one-argument form).

    Returns:
      With x and y: elements of x where condition is true, else of y.  Without: an int64
      tensor `[num_true, rank(condition)]` of the coordinates of the true elements.

    Raises:
      ValueError: If only one of x and y is given, or the shapes do not fit.
    """
    if x is None and y is None:
        graph = graph_of([condition])
        with graph.as_default(), name_scope(name, "Where", [condition]) as scope:
            c = convert_to_tensor(condition, dtype_hint=dtypes.bool, name="condition")
            return graph.create_op("Where", [c], name=scope).outputs[0]
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return select(condition, x, y, name=name)


def where_v2(condition: Any, x: Any = None, y: Any = None, name: Optional[str] = None) -> Tensor:
    """`tf.where_v2`: like `where`, but condition, x and y broadcast (op "SelectV2")."""
    if x is None and y is None:
        return where(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    graph = graph_of([condition, x, y])
    with graph.as_default(), graph.name_scope(name or "SelectV2") as scope:
        c = convert_to_tensor(condition, dtype_hint=dtypes.bool, name="condition")
        x, y = convert_pair(x, y, ("t", "e"))
        return graph.create_op("SelectV2", [c, x, y], name=scope).outputs[0]
