"""Elementwise math beyond `math_ops`: trigonometric and hyperbolic functions and their
inverses, `atan2`, `rint`, TF1's "x-weighted" ops (`xlogy`, `xdivy`, `xlog1py`,
`multiply_no_nan`), `cumprod`, `bitcast`, and the complex-number helpers.

Each op is one `OpDef` with its gradient (TF1's formulas, built from public ops so gradients
of gradients work); the builders are TF1's `tf.tan`, `tf.math.xlogy`, ...
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.ops import convert_to_tensor, graph_of, name_scope
from ..framework.graph import Tensor
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ._helpers import COMPLEX, FLOATS, NUMERIC, check_dtype
from .array_ops import binary_grads
from .gen_math_ops import binary as _binary, unary as _unary
from .math_ops import (add, cast, cumsum, div_no_nan, multiply, negative, not_equal, realdiv,
                       reciprocal, scan_along, sqrt, square, subtract)
from .op_families import binary_op, unary_op

_FLOAT_COMPLEX = FLOATS | COMPLEX


def _g(f):
    """A one-input gradient row `f(x, y, grad)` as an op gradient."""
    return lambda op, grad: [f(op.inputs[0], op.outputs[0], grad)]


def _inv_sqrt_one_minus_square(x):
    return reciprocal(sqrt(subtract(1, square(x))))


# --- trigonometric and hyperbolic: one row each (TF1's gradient formulas) ----------------------
tan = unary_op("Tan", "tan", ufunc="tan", allowed=_FLOAT_COMPLEX,
               grad=_g(lambda x, y, g: multiply(g, add(square(y), 1))),
               doc='Elementwise tangent (`tf.math.tan`, op "Tan").')
sinh = unary_op("Sinh", "sinh", ufunc="sinh", allowed=_FLOAT_COMPLEX,
                grad=_g(lambda x, y, g: multiply(g, cosh(x))),
                doc='Elementwise hyperbolic sine (`tf.math.sinh`, op "Sinh").')
cosh = unary_op("Cosh", "cosh", ufunc="cosh", allowed=_FLOAT_COMPLEX,
                grad=_g(lambda x, y, g: multiply(g, sinh(x))),
                doc='Elementwise hyperbolic cosine (`tf.math.cosh`, op "Cosh").')
asin = unary_op("Asin", "asin", ufunc="arcsin", allowed=_FLOAT_COMPLEX,
                grad=_g(lambda x, y, g: multiply(g, _inv_sqrt_one_minus_square(x))),
                doc='Elementwise arcsine (`tf.math.asin`, op "Asin").')
acos = unary_op("Acos", "acos", ufunc="arccos", allowed=_FLOAT_COMPLEX,
                grad=_g(lambda x, y, g: negative(multiply(g, _inv_sqrt_one_minus_square(x)))),
                doc='Elementwise arccosine (`tf.math.acos`, op "Acos").')
atan = unary_op("Atan", "atan", ufunc="arctan", allowed=_FLOAT_COMPLEX,
                grad=_g(lambda x, y, g: multiply(g, reciprocal(add(square(x), 1)))),
                doc='Elementwise arctangent (`tf.math.atan`, op "Atan").')
asinh = unary_op("Asinh", "asinh", ufunc="arcsinh", allowed=_FLOAT_COMPLEX,
                 grad=_g(lambda x, y, g: multiply(g, reciprocal(cosh(y)))),
                 doc='Elementwise inverse hyperbolic sine (`tf.math.asinh`, op "Asinh").')
acosh = unary_op("Acosh", "acosh", ufunc="arccosh", allowed=_FLOAT_COMPLEX,
                 grad=_g(lambda x, y, g: multiply(g, reciprocal(sinh(y)))),
                 doc='Elementwise inverse hyperbolic cosine (`tf.math.acosh`, op "Acosh").')
atanh = unary_op("Atanh", "atanh", ufunc="arctanh", allowed=_FLOAT_COMPLEX,
                 grad=_g(lambda x, y, g: multiply(g, reciprocal(subtract(1, square(x))))),
                 doc='Elementwise inverse hyperbolic tangent (`tf.math.atanh`, op "Atanh").')
rint = unary_op("Rint", "rint", ufunc="rint", allowed=FLOATS, grad=None,
                doc='Rounds to the nearest integer, halves to even (`tf.math.rint`, op "Rint").')


def _atan2_grad(op, grad):
    y, x = op.inputs
    inv = reciprocal(add(square(x), square(y)))
    return binary_grads(op, multiply(grad, multiply(x, inv)),
                        negative(multiply(grad, multiply(y, inv))))


binary_op("Atan2", None, ufunc="arctan2", allowed=FLOATS, grad=_atan2_grad,
          doc="atan2(y, x): the angle of the point (x, y), in (-pi, pi].")


def atan2(y: Any, x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise atan2(y, x) (`tf.math.atan2`, op "Atan2"); note the (y, x) order."""
    return _binary("Atan2", y, x, name)


# --- x-weighted ops: exactly 0 where x is 0 (TF1's Xlogy/Xdivy/Xlog1py), MulNoNan -------------
def _zero_where_x(f):
    def kernel(be, op):
        xp = be.xp

        def zero_where_x(x, y):
            with np.errstate(divide="ignore", invalid="ignore"):
                out = f(xp, x, y)
            return xp.where(x == 0, xp.zeros((), out.dtype), out)
        return zero_where_x
    return kernel


def _nonzero(x: Tensor) -> Tensor:
    return cast(not_equal(x, 0), x.dtype)


def _mul_no_nan_kernel(be, op):
    xp = be.xp

    def mul_no_nan(x, y):
        with np.errstate(invalid="ignore"):
            out = x * y
        return xp.where(y == 0, xp.zeros((), out.dtype), out)
    return mul_no_nan


xlogy = binary_op(
    "Xlogy", "xlogy", allowed=_FLOAT_COMPLEX, kernel=_zero_where_x(lambda xp, x, y: x * xp.log(y)),
    grad=lambda op, g: binary_grads(op, multiply(g, xlogy(_nonzero(op.inputs[0]), op.inputs[1])),
                                    multiply(g, xdivy(op.inputs[0], op.inputs[1]))),
    doc='`x * log(y)`, 0 where `x` is 0 (`tf.math.xlogy`, op "Xlogy").')
xdivy = binary_op(
    "Xdivy", "xdivy", allowed=_FLOAT_COMPLEX, kernel=_zero_where_x(lambda xp, x, y: x / y),
    grad=lambda op, g: binary_grads(
        op, multiply(g, xdivy(_nonzero(op.inputs[0]), op.inputs[1])),
        multiply(g, xdivy(negative(op.inputs[0]), square(op.inputs[1])))),
    doc='`x / y`, 0 where `x` is 0 (`tf.math.xdivy`, op "Xdivy").')
xlog1py = binary_op(
    "Xlog1py", "xlog1py", allowed=_FLOAT_COMPLEX,
    kernel=_zero_where_x(lambda xp, x, y: x * xp.log1p(y)),
    grad=lambda op, g: binary_grads(
        op, multiply(g, xlog1py(_nonzero(op.inputs[0]), op.inputs[1])),
        multiply(g, xdivy(op.inputs[0], add(op.inputs[1], 1)))),
    doc='`x * log1p(y)`, 0 where `x` is 0 (`tf.math.xlog1py`, op "Xlog1py").')
multiply_no_nan = binary_op(
    "MulNoNan", "multiply_no_nan", allowed=_FLOAT_COMPLEX, kernel=_mul_no_nan_kernel,
    grad=lambda op, g: binary_grads(op, multiply_no_nan(g, op.inputs[1]),
                                    multiply_no_nan(op.inputs[0], g)),
    doc='`x * y`, 0 where `y` is 0 even if `x` is inf or nan (`tf.math.multiply_no_nan`, op '
        '"MulNoNan").')


def reciprocal_no_nan(x: Any, name: Optional[str] = None) -> Tensor:
    """`1 / x`, 0 where `x` is 0 (`tf.math.reciprocal_no_nan`)."""
    with name_scope(name, "reciprocal_no_nan", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return div_no_nan(convert_to_tensor(1, dtype=x.dtype), x, name=scope)


# --- cumprod ----------------------------------------------------------------------------------
@register_op("Cumprod")
class Cumprod(OpDef):
    """Cumulative product along `axis`, optionally exclusive and/or reversed."""

    host_inputs = (1,)

    def infer(self, x, axis, *, exclusive=False, reverse=False):
        check_dtype(x, NUMERIC)
        if x.shape.ndims == 0:
            raise ValueError("Cumprod needs an input of rank at least 1, got a scalar")
        return spec(x.dtype, x.shape)

    def compute(self, be, x, axis, *, exclusive=False, reverse=False):
        xp = be.xp
        return scan_along(xp, xp.cumprod, x, int(np.asarray(axis)), exclusive, reverse)

    def gradient(self, op, grad):
        # TF1's formula (valid where x != 0): cumsum(y * grad, reversed) / x.
        x, axis = op.inputs
        ex, rev = op.attrs.get("exclusive", False), op.attrs.get("reverse", False)
        y = op.outputs[0]
        out = cumsum(multiply(y, grad), axis, exclusive=ex, reverse=not rev)
        return [realdiv(out, x), None]


def cumprod(x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False,
            name: Optional[str] = None) -> Tensor:
    """Cumulative product along `axis` (`tf.math.cumprod`, op "Cumprod").

    Args:
      x: A numeric tensor of rank >= 1.
      axis: The axis (an int).
      exclusive: Exclude each element from its own product (`[1, a, a * b]`).
      reverse: Multiply from the end (`[a * b * c, b * c, c]`).
      name: Op name (default "Cumprod").
    """
    graph = graph_of([x])
    with graph.as_default(), graph.name_scope(name or "Cumprod") as scope:
        x = convert_to_tensor(x, name="x")
        n = x.shape.ndims
        if not isinstance(axis, Tensor):
            if n is not None and not -n <= int(axis) < n:
                raise ValueError(f"Cumprod: expected axis in the range [{-n}, {n}), but got "
                                 f"{int(axis)}")
            axis = convert_to_tensor(int(axis) % n if n else int(axis), dtype=dtypes.int32,
                                     name="axis")
        return graph.create_op("Cumprod", [x, axis], {"exclusive": bool(exclusive),
                                                      "reverse": bool(reverse)},
                               name=scope).outputs[0]


# --- bitcast ----------------------------------------------------------------------------------
@register_op("Bitcast")
class Bitcast(OpDef):
    """Reinterprets the bytes of a tensor as another dtype (no copy of values)."""

    may_alias_input = True

    def infer(self, x, *, type):  # noqa: A002  (TF1's attribute name)
        out = dtypes.as_dtype(type)
        a, b = x.dtype.as_numpy_dtype().itemsize, out.as_numpy_dtype().itemsize
        dims = x.shape.as_list() if x.shape.ndims is not None else None
        if a == b:
            return spec(out, x.shape)
        if a > b:
            if a % b:
                raise ValueError(f"Bitcast: cannot bitcast from {x.dtype.name} to {out.name}")
            return spec(out, None if dims is None else dims + [a // b])
        if dims is not None and dims and dims[-1] is not None and dims[-1] != b // a:
            raise ValueError(f"Bitcast: cannot bitcast from {x.dtype.name} to {out.name}: the "
                             f"last dimension must be {b // a}, got shape {dims}")
        if dims is not None and not dims:
            raise ValueError(f"Bitcast: cannot bitcast a scalar {x.dtype.name} to {out.name}")
        return spec(out, None if dims is None else dims[:-1])

    def compute(self, be, x, *, type):  # noqa: A002
        out = dtypes.as_dtype(type).as_numpy_dtype
        a, b = x.dtype.itemsize, np.dtype(out).itemsize
        x = be.xp.ascontiguousarray(x)
        if a == b:
            return x.view(out)
        if a > b:
            return x.view(out).reshape(x.shape + (a // b,))
        return x.view(out).reshape(x.shape[:-1])


NotDifferentiable("Bitcast")


def bitcast(input: Any, type: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """Reinterprets the bytes of `input` as `type` (`tf.bitcast`).

    A wider input type adds a last dimension (float32 -> uint8: [..., 4]); a narrower one
    removes it (its size must be the ratio of the sizes).
    """
    graph = graph_of([input])
    with graph.as_default():
        x = convert_to_tensor(input, name="input")
        return graph.create_op("Bitcast", [x], {"type": dtypes.as_dtype(type)},
                               name=name or "Bitcast").outputs[0]


# Top-level TF1 names; tf.math picks the others (xlogy, multiply_no_nan, ...) by name.
__all__ = ["acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "bitcast", "cosh",
           "cumprod", "rint", "sinh", "tan"]
