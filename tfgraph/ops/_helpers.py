"""Shared helpers for op definitions: broadcasting shape rules and gradient reductions."""
from __future__ import annotations

from typing import Any, Optional

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.registry import Spec
from ..framework.tensor_shape import TensorShape, broadcast_shapes


def broadcast_spec(x: Tensor, y: Tensor, out_dtype: Optional[dtypes.DType] = None) -> Spec:
    """Output spec of an elementwise binary op (NumPy broadcasting), checking dtypes match.

    Raises:
      TypeError: If the two inputs have different dtypes.
      ValueError: If the static shapes can never broadcast.
    """
    if x.dtype != y.dtype:
        raise TypeError(f"Input 'y' has type {y.dtype.name} that does not match type "
                        f"{x.dtype.name} of argument 'x'.")
    shape = broadcast_shapes(x.shape, y.shape)
    if shape is None:
        raise ValueError(f"Dimensions must be equal, but are incompatible: shapes {x.shape} and "
                         f"{y.shape} cannot be broadcast")
    return Spec(out_dtype or x.dtype, shape)


def sum_to_shape_of(grad: Tensor, x: Tensor) -> Tensor:
    """Reduces a broadcast gradient back to the shape of `x` (TF1's Sum + Reshape pattern).

    Uses static shapes when both are fully known, a run-time reduction otherwise.
    """
    from . import array_ops, math_ops
    gs, xs = grad.shape, x.shape
    if gs.is_fully_defined() and xs.is_fully_defined():
        return _static_sum_to(grad, gs.as_list(), xs.as_list())
    sx = array_ops.shape(x)
    rx, _ = array_ops.broadcast_gradient_args(sx, array_ops.shape(grad))
    return array_ops.reshape(math_ops.reduce_sum(grad, rx), sx)


def _static_sum_to(grad: Tensor, g: list, s: list) -> Tensor:
    from . import array_ops, math_ops
    if g == s:
        return grad
    lead = len(g) - len(s)
    axes = list(range(lead)) + [lead + i for i, d in enumerate(s) if d == 1 and g[lead + i] != 1]
    r = math_ops.reduce_sum(grad, axes) if axes else grad
    return array_ops.reshape(r, s)


def binary_grads(op, gx: Optional[Tensor], gy: Optional[Tensor]):
    """Un-broadcasts the gradients of an elementwise binary op `op(x, y)`.

    Same static shapes (or the same tensor twice) need nothing; fully known shapes reduce
    statically; otherwise one run-time `BroadcastGradientArgs` serves both inputs, as in TF1.
    """
    from . import array_ops, math_ops
    x, y = op.inputs
    xs, ys = x.shape, y.shape
    if x is y or (xs.is_fully_defined() and xs == ys):
        return [gx, gy]
    out = op.outputs[0].shape
    if out.is_fully_defined() and xs.is_fully_defined() and ys.is_fully_defined():
        o = out.as_list()
        return [None if gx is None else _static_sum_to(gx, o, xs.as_list()),
                None if gy is None else _static_sum_to(gy, o, ys.as_list())]
    sx, sy = array_ops.shape(x), array_ops.shape(y)
    rx, ry = array_ops.broadcast_gradient_args(sx, sy)
    return [None if gx is None else array_ops.reshape(math_ops.reduce_sum(gx, rx), sx),
            None if gy is None else array_ops.reshape(math_ops.reduce_sum(gy, ry), sy)]
