"""Math ops: elementwise arithmetic, comparisons, reductions, matmul.

Elementwise ops are declared by table: a binary op names its NumPy ufunc, so its kernel *is*
the ufunc (no Python wrapper on the hot path).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, graph_of, make_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.registry import OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ._helpers import binary_grads, broadcast_spec


def _binary_args(x: Any, y: Any):
    """Converts a pair of operands so a Python scalar takes the dtype of the tensor partner."""
    graph = graph_of([x, y])
    with graph.as_default():
        if isinstance(x, Tensor) or hasattr(x, "_as_graph_element"):
            x = convert_to_tensor(x)
            y = convert_to_tensor(y, dtype_hint=x.dtype) if not isinstance(y, Tensor) else y
            if not isinstance(y, Tensor):
                y = convert_to_tensor(y)
        else:
            y = convert_to_tensor(y)
            x = convert_to_tensor(x, dtype_hint=y.dtype)
    return graph, x, y


def _python_scalar_to(dtype: dtypes.DType, v: Any) -> Any:
    return v


class BinaryElementwise(OpDef):
    """An elementwise op of two broadcastable same-dtype inputs, computed by a NumPy ufunc."""

    ufunc = ""
    out_dtype: Optional[dtypes.DType] = None  # e.g. bool for comparisons

    def infer(self, x, y):
        return broadcast_spec(x, y, self.out_dtype)

    def kernel(self, be, op, ctx):
        return getattr(be.xp, self.ufunc)

    def compute(self, be, x, y):
        return getattr(be.xp, self.ufunc)(x, y)


class UnaryElementwise(OpDef):
    """An elementwise op of one input, computed by a NumPy ufunc."""

    ufunc = ""
    out_dtype: Optional[dtypes.DType] = None

    def infer(self, x):
        return spec(self.out_dtype or x.dtype, x.shape)

    def kernel(self, be, op, ctx):
        return getattr(be.xp, self.ufunc)

    def compute(self, be, x):
        return getattr(be.xp, self.ufunc)(x)


def _binary(op_type: str, x: Any, y: Any, name: Optional[str]) -> Tensor:
    graph, x, y = _binary_args(x, y)
    return graph.create_op(op_type, [x, y], name=name or op_type).outputs[0]


def _unary(op_type: str, x: Any, name: Optional[str]) -> Tensor:
    return make_tensor(op_type, [x], name=name or op_type)


# --- arithmetic -----------------------------------------------------------------------------
@register_op("Add")
class Add(BinaryElementwise):
    ufunc = "add"

    def gradient(self, op, grad):
        return binary_grads(op, grad, grad)


@register_op("AddV2")
class AddV2(Add):
    pass


@register_op("Sub")
class Sub(BinaryElementwise):
    ufunc = "subtract"

    def gradient(self, op, grad):
        return binary_grads(op, grad, negative(grad))


@register_op("Mul")
class Mul(BinaryElementwise):
    ufunc = "multiply"

    def gradient(self, op, grad):
        x, y = op.inputs
        return binary_grads(op, multiply(grad, y), multiply(x, grad))


@register_op("RealDiv")
class RealDiv(BinaryElementwise):
    ufunc = "true_divide"

    def gradient(self, op, grad):
        x, y = op.inputs
        return binary_grads(op, realdiv(grad, y), multiply(grad, realdiv(realdiv(negative(x), y), y)))


@register_op("Neg")
class Neg(UnaryElementwise):
    ufunc = "negative"

    def gradient(self, op, grad):
        return [negative(grad)]


@register_op("Square")
class Square(UnaryElementwise):
    ufunc = "square"

    def gradient(self, op, grad):
        x = op.inputs[0]
        with op.graph.control_dependencies([grad]):
            two = convert_to_tensor(2, dtype=x.dtype)
        return [multiply(grad, multiply(x, two))]


def add(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise `x + y` with broadcasting (`tf.add`)."""
    return _binary("Add", x, y, name)


def subtract(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise `x - y` (`tf.subtract`)."""
    return _binary("Sub", x, y, name)


def multiply(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise `x * y` (`tf.multiply`)."""
    return _binary("Mul", x, y, name)


def realdiv(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise floating-point `x / y`."""
    return _binary("RealDiv", x, y, name)


def negative(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise `-x` (`tf.negative`)."""
    return _unary("Neg", x, name)


def square(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise `x * x` (`tf.square`)."""
    return _unary("Square", x, name)


# --- reductions -----------------------------------------------------------------------------
def _reduction_axes(x: Tensor, axis: Any) -> Tensor:
    """The axis tensor of a reduction: all axes when None (a Const named "Const", as TF1)."""
    if axis is None:
        if x.shape.ndims is not None:
            return convert_to_tensor(np.arange(x.shape.ndims, dtype=np.int32), name="Const")
        from .array_ops import rank_internal
        return rank_internal(x)
    return convert_to_tensor(axis, dtype=dtypes.int32)


def _reduced_spec(x: Tensor, axes: Tensor, keep_dims: bool, out_dtype=None):
    from .array_ops import _static_int_vector
    dtype = out_dtype or x.dtype
    known = _static_int_vector(axes) if axes.shape.ndims is not None else None
    if axes.shape.ndims == 0 and axes.op.type == "Const":
        known = [int(axes.op.attrs["value"])]
    if x.shape.ndims is None or known is None:
        if keep_dims and x.shape.ndims is not None:
            return spec(dtype, [None] * x.shape.ndims)
        return spec(dtype, None)
    n = x.shape.ndims
    norm = set()
    for a in known:
        if not -n <= a < max(n, 1):
            raise ValueError(f"Invalid reduction dimension {a} for input with {n} dimensions.")
        norm.add(a % n if n else 0)
    dims = x.shape.as_list()
    if keep_dims:
        return spec(dtype, [1 if i in norm else d for i, d in enumerate(dims)])
    return spec(dtype, [d for i, d in enumerate(dims) if i not in norm])


class Reduction(OpDef):
    """A reduction over the axes given by the second (int) input."""

    np_name = ""

    def infer(self, x, axes, *, keep_dims=False):
        return _reduced_spec(x, axes, keep_dims)

    def kernel(self, be, op, ctx):
        f = getattr(be.xp, self.np_name)
        keep = op.attrs.get("keep_dims", False)
        axes_t = op.inputs[1]
        from .array_ops import constant_value
        static = constant_value(axes_t)
        if static is not None:
            ax = tuple(int(a) for a in np.asarray(static).reshape(-1))

            def reduce_static(x, axes):
                return f(x, axis=ax, keepdims=keep)
            return reduce_static

        def reduce(x, axes):
            return f(x, axis=tuple(int(a) for a in np.asarray(be.to_host(axes)).reshape(-1)),
                     keepdims=keep)
        return reduce


@register_op("Sum")
class Sum(Reduction):
    np_name = "sum"

    def gradient(self, op, grad):
        from .array_ops import broadcast_to, reshape, shape
        x = op.inputs[0]
        kept = _reduced_spec(x, op.inputs[1], True).shape
        if kept.is_fully_defined() and x.shape.is_fully_defined():
            g = reshape(grad, kept.as_list())
            return [broadcast_to(g, x.shape.as_list()), None]
        g = reshape(grad, reduced_shape(shape(x), op.inputs[1]))
        return [broadcast_to(g, shape(x)), None]


def reduced_shape(input_shape: Tensor, axes: Tensor) -> Tensor:
    """The shape `input_shape` has after a keep-dims reduction over `axes` (run-time)."""
    return make_tensor("ReducedShape", [input_shape, axes], name="ReducedShape")


@register_op("ReducedShape")
class ReducedShape(OpDef):
    """Sets the reduced axes of a shape vector to 1."""

    def infer(self, s, axes):
        return spec(s.dtype, s.shape)

    def compute(self, be, s, axes):
        xp = be.xp
        out = xp.array(s, copy=True)
        n = out.shape[0]
        for a in np.asarray(be.to_host(axes)).reshape(-1):
            out[int(a) % n] = 1
        return out


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: Optional[bool] = None,
               name: Optional[str] = None, reduction_indices: Any = None,
               keep_dims: Optional[bool] = None) -> Tensor:
    """Sum over `axis` (all axes when None) (`tf.reduce_sum`).

    Args:
      input_tensor: The tensor to reduce.
      axis: Int or list of ints; None reduces everything.
      keepdims: Keep reduced axes with size 1.
      name: Op name (default "Sum").
      reduction_indices, keep_dims: TF1's deprecated spellings of `axis` and `keepdims`.
    """
    return _reduce("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _reduce(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    if axis is None:
        axis = reduction_indices
    keep = bool(keepdims if keepdims is not None else keep_dims)
    graph = graph_of([input_tensor])
    with graph.as_default():
        x = convert_to_tensor(input_tensor)
        axes = _reduction_axes(x, axis)
        return graph.create_op(op_type, [x, axes], {"keep_dims": keep}, name=name or op_type).outputs[0]


@register_op("AddN")
class AddN(OpDef):
    """Sum of N same-shaped tensors (gradient aggregation)."""

    def infer(self, *xs):
        s = xs[0].shape
        for x in xs[1:]:
            if x.dtype != xs[0].dtype:
                raise TypeError(f"AddN: inputs must share a dtype, got {xs[0].dtype.name} and {x.dtype.name}")
            if not s.is_compatible_with(x.shape):
                raise ValueError(f"AddN: shapes must be equal, got {s} and {x.shape}")
            s = s.merge_with(x.shape)
        return spec(xs[0].dtype, s)

    def compute(self, be, *xs):
        out = xs[0] + xs[1] if len(xs) > 1 else be.xp.array(xs[0], copy=True)
        for x in xs[2:]:
            out += x  # `out` is a fresh array here, so accumulating in place is safe
        return out

    def gradient(self, op, grad):
        return [grad] * len(op.inputs)


def add_n(inputs: Any, name: Optional[str] = None) -> Tensor:
    """Sums a list of same-shaped tensors (`tf.add_n`).

    Raises:
      ValueError: If `inputs` is empty or the shapes differ.
    """
    if not inputs:
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and shape")
    graph = graph_of(list(inputs))
    with graph.as_default():
        ts = [convert_to_tensor(x) for x in inputs]
    if len(ts) == 1 and name is None:
        return ts[0]
    return graph.create_op("AddN", ts, name=name or "AddN").outputs[0]


# --- matmul ---------------------------------------------------------------------------------
@register_op("MatMul")
class MatMul(OpDef):
    """`a @ b` for matrices, with optional transposes."""

    def infer(self, a, b, *, transpose_a=False, transpose_b=False):
        if a.dtype != b.dtype:
            raise TypeError(f"Input 'b' of 'MatMul' has type {b.dtype.name} that does not match "
                            f"type {a.dtype.name} of argument 'a'.")
        sa, sb = a.shape.with_rank(2).as_list(), b.shape.with_rank(2).as_list()
        m, ka = (sa[1], sa[0]) if transpose_a else (sa[0], sa[1])
        kb, n = (sb[1], sb[0]) if transpose_b else (sb[0], sb[1])
        if ka is not None and kb is not None and ka != kb:
            raise ValueError(f"Dimensions must be equal, but are {ka} and {kb} for 'MatMul' with "
                             f"input shapes: {a.shape}, {b.shape}.")
        return spec(a.dtype, [m, n])

    def kernel(self, be, op, ctx):
        xp = be.xp
        ta, tb = op.attrs.get("transpose_a", False), op.attrs.get("transpose_b", False)
        if not ta and not tb:
            return xp.matmul
        if ta and not tb:
            return lambda a, b: xp.matmul(a.T, b)
        if tb and not ta:
            return lambda a, b: xp.matmul(a, b.T)
        return lambda a, b: xp.matmul(a.T, b.T)

    def gradient(self, op, grad):
        a, b = op.inputs
        ta, tb = op.attrs.get("transpose_a", False), op.attrs.get("transpose_b", False)
        if not ta and not tb:
            return [matmul(grad, b, transpose_b=True), matmul(a, grad, transpose_a=True)]
        if not ta and tb:
            return [matmul(grad, b), matmul(grad, a, transpose_a=True)]
        if ta and not tb:
            return [matmul(b, grad, transpose_b=True), matmul(a, grad)]
        return [matmul(b, grad, transpose_a=True, transpose_b=True),
                matmul(grad, a, transpose_a=True, transpose_b=True)]


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, name: Optional[str] = None) -> Tensor:
    """Matrix product `a @ b` (`tf.matmul`); rank > 2 inputs use `BatchMatMul`.

    Raises:
      ValueError: If the inner dimensions differ (both shapes are named).
    """
    graph, a, b = _binary_args(a, b)
    ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
    if (a.shape.ndims or 2) > 2 or (b.shape.ndims or 2) > 2:
        return graph.create_op("BatchMatMulV2", [a, b], {"adj_x": ta, "adj_y": tb},
                               name=name or "MatMul").outputs[0]
    return graph.create_op("MatMul", [a, b], {"transpose_a": ta, "transpose_b": tb},
                           name=name or "MatMul").outputs[0]


def zeros_like_for_grad(t: Tensor) -> Tensor:
    """Zeros shaped like `t`, for a missing output gradient of a multi-output op."""
    from .array_ops import zeros_like
    return zeros_like(t)


__all__ = ["add_n", "add", "subtract", "multiply", "realdiv", "negative", "square", "reduce_sum", "matmul"]
