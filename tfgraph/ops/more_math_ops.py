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
from .math_ops import (BinaryElementwise, UnaryElementwise, _binary, _unary, add, cast,
                       cumsum, div_no_nan, multiply, negative, not_equal, realdiv, reciprocal,
                       sqrt, square, subtract)

_FLOAT_COMPLEX = FLOATS | COMPLEX


def _unary_op(op_type: str, ufunc: str, grad_fn, allowed=_FLOAT_COMPLEX, doc: str = ""):
    """Registers one unary elementwise op computed by the ufunc `ufunc` (one row each)."""
    attrs = {"ufunc": ufunc, "allowed": allowed, "__doc__": doc}
    if grad_fn is not None:
        attrs["gradient"] = lambda self, op, grad: [grad_fn(op.inputs[0], op.outputs[0], grad)]
    cls = type(op_type, (UnaryElementwise,), attrs)
    return register_op(op_type)(cls)


# op type, ufunc, gradient(x, y, grad) in TF1's formulation
_unary_op("Tan", "tan", lambda x, y, g: multiply(g, add(square(y), 1)), doc="tan(x)")
_unary_op("Sinh", "sinh", lambda x, y, g: multiply(g, _cosh(x)), doc="sinh(x)")
_unary_op("Cosh", "cosh", lambda x, y, g: multiply(g, _sinh(x)), doc="cosh(x)")
_unary_op("Asin", "arcsin",
          lambda x, y, g: multiply(g, reciprocal(sqrt(subtract(1, square(x))))), doc="asin(x)")
_unary_op("Acos", "arccos",
          lambda x, y, g: negative(multiply(g, reciprocal(sqrt(subtract(1, square(x)))))),
          doc="acos(x)")
_unary_op("Atan", "arctan", lambda x, y, g: multiply(g, reciprocal(add(square(x), 1))),
          doc="atan(x)")
_unary_op("Asinh", "arcsinh", lambda x, y, g: multiply(g, reciprocal(_cosh(y))),
          doc="asinh(x)")
_unary_op("Acosh", "arccosh", lambda x, y, g: multiply(g, reciprocal(_sinh(y))),
          doc="acosh(x)")
_unary_op("Atanh", "arctanh", lambda x, y, g: multiply(g, reciprocal(subtract(1, square(x)))),
          doc="atanh(x)")
_unary_op("Rint", "rint", None, allowed=FLOATS, doc="round half to even")
NotDifferentiable("Rint")


def _sinh(x: Tensor) -> Tensor:
    return _unary("Sinh", x, None)


def _cosh(x: Tensor) -> Tensor:
    return _unary("Cosh", x, None)


@register_op("Atan2")
class Atan2(BinaryElementwise):
    """atan2(y, x): the angle of the point (x, y), in (-pi, pi]."""

    ufunc = "arctan2"
    allowed = FLOATS

    def gradient(self, op, grad):
        y, x = op.inputs
        inv = reciprocal(add(square(x), square(y)))
        return binary_grads(op, multiply(grad, multiply(x, inv)),
                            negative(multiply(grad, multiply(y, inv))))


class _ZeroWhereX(BinaryElementwise):
    """`f(x, y)`, but exactly 0 where `x` is 0 (TF1's Xlogy/Xdivy/Xlog1py)."""

    allowed = FLOATS | COMPLEX
    _f = None

    def kernel(self, be, op, ctx):
        xp = be.xp
        f = type(self)._f

        def zero_where_x(x, y):
            with np.errstate(divide="ignore", invalid="ignore"):
                out = f(xp, x, y)
            return xp.where(x == 0, xp.zeros((), out.dtype), out)
        return zero_where_x


def _nonzero(x: Tensor) -> Tensor:
    return cast(not_equal(x, 0), x.dtype)


@register_op("Xlogy")
class Xlogy(_ZeroWhereX):
    """x * log(y), 0 where x == 0."""

    _f = staticmethod(lambda xp, x, y: x * xp.log(y))

    def gradient(self, op, grad):
        x, y = op.inputs
        return binary_grads(op, multiply(grad, xlogy(_nonzero(x), y)),
                            multiply(grad, xdivy(x, y)))


@register_op("Xdivy")
class Xdivy(_ZeroWhereX):
    """x / y, 0 where x == 0."""

    _f = staticmethod(lambda xp, x, y: x / y)

    def gradient(self, op, grad):
        x, y = op.inputs
        return binary_grads(op, multiply(grad, xdivy(_nonzero(x), y)),
                            multiply(grad, xdivy(negative(x), square(y))))


@register_op("Xlog1py")
class Xlog1py(_ZeroWhereX):
    """x * log1p(y), 0 where x == 0."""

    _f = staticmethod(lambda xp, x, y: x * xp.log1p(y))

    def gradient(self, op, grad):
        x, y = op.inputs
        return binary_grads(op, multiply(grad, xlog1py(_nonzero(x), y)),
                            multiply(grad, xdivy(x, add(y, 1))))


@register_op("MulNoNan")
class MulNoNan(BinaryElementwise):
    """x * y, 0 where y == 0 (even where x is inf or nan)."""

    allowed = FLOATS | COMPLEX

    def kernel(self, be, op, ctx):
        xp = be.xp

        def mul_no_nan(x, y):
            with np.errstate(invalid="ignore"):
                out = x * y
            return xp.where(y == 0, xp.zeros((), out.dtype), out)
        return mul_no_nan

    def gradient(self, op, grad):
        x, y = op.inputs
        return binary_grads(op, multiply_no_nan(grad, y), multiply_no_nan(x, grad))


def tan(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise tangent (`tf.math.tan`, op "Tan")."""
    return _unary("Tan", x, name)


def sinh(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise hyperbolic sine (`tf.math.sinh`, op "Sinh")."""
    return _unary("Sinh", x, name)


def cosh(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise hyperbolic cosine (`tf.math.cosh`, op "Cosh")."""
    return _unary("Cosh", x, name)


def asin(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise arcsine (`tf.math.asin`, op "Asin")."""
    return _unary("Asin", x, name)


def acos(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise arccosine (`tf.math.acos`, op "Acos")."""
    return _unary("Acos", x, name)


def atan(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise arctangent (`tf.math.atan`, op "Atan")."""
    return _unary("Atan", x, name)


def asinh(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise inverse hyperbolic sine (`tf.math.asinh`, op "Asinh")."""
    return _unary("Asinh", x, name)


def acosh(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise inverse hyperbolic cosine (`tf.math.acosh`, op "Acosh")."""
    return _unary("Acosh", x, name)


def atanh(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise inverse hyperbolic tangent (`tf.math.atanh`, op "Atanh")."""
    return _unary("Atanh", x, name)


def rint(x: Any, name: Optional[str] = None) -> Tensor:
    """Rounds to the nearest integer, halves to even (`tf.math.rint`, op "Rint")."""
    return _unary("Rint", x, name)


def atan2(y: Any, x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise atan2(y, x) (`tf.math.atan2`, op "Atan2"); note the (y, x) order."""
    return _binary("Atan2", y, x, name)


def xlogy(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """`x * log(y)`, 0 where `x` is 0 (`tf.math.xlogy`)."""
    return _binary("Xlogy", x, y, name)


def xdivy(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """`x / y`, 0 where `x` is 0 (`tf.math.xdivy`)."""
    return _binary("Xdivy", x, y, name)


def xlog1py(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """`x * log1p(y)`, 0 where `x` is 0 (`tf.math.xlog1py`)."""
    return _binary("Xlog1py", x, y, name)


def multiply_no_nan(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """`x * y`, 0 where `y` is 0 even if `x` is inf or nan (`tf.math.multiply_no_nan`)."""
    return _binary("MulNoNan", x, y, name)


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
        a = int(np.asarray(axis))
        m = xp.moveaxis(x, a, 0)
        if reverse:
            m = m[::-1]
        c = xp.cumprod(m, axis=0, dtype=x.dtype)
        if exclusive:
            e = xp.ones_like(c)
            e[1:] = c[:-1]
            c = e
        if reverse:
            c = c[::-1]
        return xp.moveaxis(c, 0, a)

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
