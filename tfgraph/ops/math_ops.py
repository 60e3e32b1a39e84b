"""Math ops: elementwise arithmetic, comparisons and logic, casts, reductions, matmul.

Elementwise ops are declared by table: an op names its NumPy ufunc, so its kernel *is* the
ufunc (no Python wrapper on the hot path).

Builders follow TF1's naming of generated ops: each opens a name scope called after the op
(`name`, or the op type), converts Python operands inside it (`tf.add(x, 1.0)` makes "Add/y"
and "Add") and gives the op the scope's own name.  A Python scalar operand takes the dtype of
its tensor partner (`x * 2.0` stays float32 for a float32 `x`).

Gradients are built from the public builders below, so gradients of gradients work.  Where
TF1 registers a gradient that returns None (Floor, Ceil, Round, FloorDiv) the op is declared
`NotDifferentiable`, which has the same effect.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, List, Optional, Tuple

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, graph_of, make_tensor, name_scope
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape, broadcast_shapes, shape_str
from ..framework.tensor_util import constant_value, register_constant_folder, static_int_vector
from ..kernels import parallel
from ..kernels import select as kernel_select
from . import array_ops, gen_math_ops
from .op_families import (BinaryElementwise, UnaryElementwise, binary_op,  # noqa: F401
                          reduction_op, unary_op)
from .array_ops import (binary_grads, broadcast_to, identity, ones_like, reshape, shape,
                        stop_gradient, sum_to_shape_of, zeros_like)
from ._helpers import (BOOL, COMPLEX, FLOATS, INTEGERS, NUMERIC, REAL, broadcast_spec, check_dtype,
                       host_array)

_INDEX = frozenset({dtypes.int32, dtypes.int64})
_FLOAT_COMPLEX = FLOATS | COMPLEX


# The builder mechanics live in gen_math_ops (array_ops uses them too).
_convert_pair = gen_math_ops.convert_pair
_unary = gen_math_ops.unary
_lookup = gen_math_ops.lookup
cast = gen_math_ops.cast
select = gen_math_ops.select
where = gen_math_ops.where
where_v2 = gen_math_ops.where_v2


# --- elementwise ops: one row each (op_families), with their builders ------------------------
class _IntegerDivision(BinaryElementwise):
    """Division-like ops: integer division by zero is an error, as in TF1 (NumPy gives 0)."""

    def kernel(self, be, op, ctx):
        f = getattr(be.xp, self.ufunc)
        if not op.inputs[0].dtype.is_integer:
            return f
        xp = be.xp

        def int_division(x, y):
            # A divisor in host memory (a NumPy scalar from a shape) is checked there.
            host = isinstance(y, (np.ndarray, np.generic))
            if (np.any(y == 0) if host else xp.any(y == 0)):
                raise ZeroDivisionError("Integer division by zero")
            return f(x, y)
        return int_division


class _EqualityBase(BinaryElementwise):
    out_dtype = dtypes.bool
    allowed = NUMERIC | BOOL | {dtypes.string}

    def kernel(self, be, op, ctx):
        f = getattr(be.xp, self.ufunc)
        if op.inputs[0].dtype is dtypes.string:
            # object arrays compare to object arrays; the result must be bool
            return lambda x, y: be.xp.asarray(f(x, y), dtype=bool)
        return f


# Shared by the binary arithmetic rows: a 0-d host operand stays a NumPy scalar, and int
# shape arithmetic may run in host memory.
_SHAPE_ARITH = dict(scalar_operands_ok=True, host_memory_ok=True)


# --- arithmetic -------------------------------------------------------------------------------
def _conj(t: Tensor) -> Tensor:
    """conj(t) for a complex t (op "Conj", declared with the complex ops), else t: TF1's
    gradients of holomorphic ops multiply by the conjugate derivative."""
    return gen_math_ops.unary("Conj", t, None) if t.dtype.is_complex else t


def _add_grad(op, grad):
    return binary_grads(op, grad, grad)


add = binary_op("Add", "add", ufunc="add", **_SHAPE_ARITH,
                allowed=NUMERIC | {dtypes.string},  # string Add concatenates, as in TF1
                grad=_add_grad, doc="""Elementwise `x + y` with broadcasting (`tf.add`, op "Add").

    Args:
      x, y: Tensors of the same dtype, or a tensor and a Python value (converted to the
        tensor's dtype).
      name: Op name (default "Add").

    Raises:
      TypeError: If the dtypes differ.
      ValueError: If the shapes cannot broadcast (both shapes are named).
    """)
binary_op("AddV2", None, ufunc="add", **_SHAPE_ARITH, allowed=NUMERIC | {dtypes.string},
          grad=_add_grad, doc='Elementwise `x + y` (op "AddV2"; TF1 graphs use both).')
subtract = binary_op("Sub", "subtract", ufunc="subtract", **_SHAPE_ARITH,
                     grad=lambda op, grad: binary_grads(op, grad, negative(grad)),
                     doc='Elementwise `x - y` (`tf.subtract`, op "Sub"); see `add`.')
multiply = binary_op("Mul", "multiply", ufunc="multiply", **_SHAPE_ARITH,
                     grad=lambda op, grad: binary_grads(op, multiply(grad, _conj(op.inputs[1])),
                                                        multiply(_conj(op.inputs[0]), grad)),
                     doc='Elementwise `x * y` (`tf.multiply`, op "Mul"); see `add`.')


def _realdiv_grad(op, grad):
    x, y = op.inputs
    return binary_grads(op, realdiv(grad, _conj(y)),
                        multiply(grad, _conj(realdiv(realdiv(negative(x), y), y))))


realdiv = binary_op("RealDiv", "realdiv", ufunc="true_divide", **_SHAPE_ARITH,
                    allowed=_FLOAT_COMPLEX, grad=_realdiv_grad,
                    doc='Elementwise floating-point `x / y` (`tf.realdiv`, op "RealDiv").')


def _div_no_nan_kernel(be, op):
    xp = be.xp

    def div_no_nan(x, y):
        zero = y == 0
        safe_y = xp.where(zero, xp.ones((), y.dtype), y)
        return xp.where(zero, xp.zeros((), x.dtype), x / safe_y)
    return div_no_nan


def _div_no_nan_grad(op, grad):
    x, y = op.inputs
    return binary_grads(op, div_no_nan(grad, y),
                        multiply(grad, div_no_nan(div_no_nan(negative(x), y), y)))


binary_op("DivNoNan", None, allowed=_FLOAT_COMPLEX, kernel=_div_no_nan_kernel,
          grad=_div_no_nan_grad,
          doc="`x / y`, or 0 where `y` is 0.")


def div_no_nan(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """`x / y`, 0 where `y` is 0 (`tf.div_no_nan`, op "DivNoNan")."""
    graph = graph_of([x, y])
    with graph.as_default(), name_scope(name, "div_no_nan", [x, y]) as scope:
        x, y = _convert_pair(x, y)
        return graph.create_op("DivNoNan", [x, y], name=scope).outputs[0]


# TF1 registers a FloorDiv gradient returning None (piecewise constant): not differentiable.
binary_op("FloorDiv", None, base=_IntegerDivision, ufunc="floor_divide", **_SHAPE_ARITH,
          allowed=REAL, grad=None, doc="`x // y` rounding toward -inf.")


def floordiv(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """`x // y` rounding toward -inf (`tf.floordiv`; the `//` operator). Op "FloorDiv",
    named "floordiv".

    Raises (at run time):
      tf.errors.InvalidArgumentError: On integer division by zero.
    """
    graph = graph_of([x, y])
    with graph.as_default(), name_scope(name, "floordiv", [x, y]) as scope:
        x, y = _convert_pair(x, y)
        return graph.create_op("FloorDiv", [x, y], name=scope).outputs[0]


floormod = binary_op(
    "FloorMod", "floormod", base=_IntegerDivision, **_SHAPE_ARITH, allowed=REAL,
    ufunc="remainder",  # Python's %: the result takes the sign of y, as TF1's FloorMod
    grad=lambda op, grad: binary_grads(
        op, grad, multiply(grad, negative(floordiv(op.inputs[0], op.inputs[1])))),
    doc='`x % y` with the sign of `y` (`tf.floormod`, `tf.mod`; the `%` operator), op "FloorMod".')
mod = floormod


def _pow_grad(op, grad):
    x, y = op.inputs
    z = op.outputs[0]
    gx = multiply(multiply(grad, y), pow(x, subtract(y, 1)))
    # log(x) only where x > 0: the exponent's gradient there is 0, not NaN (as TF1).
    mask = greater(x, 0) if not x.dtype.is_complex else not_equal(x, 0)
    safe_x = select(mask, x, ones_like(x))
    log_x = select(mask, log(safe_x), zeros_like(x))
    gy = multiply(multiply(grad, z), log_x)
    return binary_grads(op, gx, gy)


pow = binary_op("Pow", "pow", ufunc="power", scalar_operands_ok=True,  # noqa: A001 (TF1 name)
                allowed=FLOATS | COMPLEX | {dtypes.int32, dtypes.int64}, grad=_pow_grad,
                doc='Elementwise `x ** y` (`tf.pow`, op "Pow").')


def _max_min_grad(x_wins: Callable) -> Callable:
    def grad_fn(op, grad):
        x, y = op.inputs
        # Ties go to x (x >= y for Maximum, x <= y for Minimum), as in TF1.  The mask has the
        # broadcast output shape, like `grad`.
        xmask = x_wins(x, y)
        zeros = zeros_like(grad)
        return binary_grads(op, select(xmask, grad, zeros), select(xmask, zeros, grad))
    return grad_fn


maximum = binary_op("Maximum", "maximum", ufunc="maximum", **_SHAPE_ARITH, allowed=REAL,
                    grad=_max_min_grad(lambda x, y: greater_equal(x, y)),
                    doc='Elementwise max with broadcasting (`tf.maximum`, op "Maximum").')
minimum = binary_op("Minimum", "minimum", ufunc="minimum", **_SHAPE_ARITH, allowed=REAL,
                    grad=_max_min_grad(lambda x, y: less_equal(x, y)),
                    doc='Elementwise min with broadcasting (`tf.minimum`, op "Minimum").')


def _sqdiff_kernel(be, op):
    xp = be.xp
    if op.inputs[0].dtype.is_complex:
        def sqdiff_complex(x, y):
            d = x - y
            return d * xp.conj(d)
        return sqdiff_complex

    def sqdiff(x, y):
        d = x - y
        return d * d
    return sqdiff


def _sqdiff_grad(op, grad):
    x, y = op.inputs
    with op.graph.control_dependencies([grad]):
        two = convert_to_tensor(2, dtype=grad.dtype)
    gx = multiply(multiply(grad, two), subtract(x, y))
    return binary_grads(op, gx, negative(gx))


squared_difference = binary_op(
    "SquaredDifference", "squared_difference", allowed=REAL | COMPLEX, kernel=_sqdiff_kernel,
    grad=_sqdiff_grad,
    doc='Elementwise `(x - y)^2` (`tf.squared_difference`, op "SquaredDifference").')


# --- unary ------------------------------------------------------------------------------------
negative = unary_op("Neg", "negative", ufunc="negative", host_memory_ok=True,
                    grad=lambda op, grad: [negative(grad)],
                    doc='Elementwise `-x` (`tf.negative`, op "Neg").')
unary_op("Abs", None, ufunc="absolute", host_memory_ok=True, allowed=REAL,
         grad=lambda op, grad: [multiply(grad, sign(op.inputs[0]))], doc="Elementwise `|x|`.")


def abs(x: Any, name: Optional[str] = None) -> Tensor:  # noqa: A001 (TF1 name)
    """Elementwise `|x|` (`tf.abs`, op "Abs"); a complex `x` gives its real magnitude, op
    "ComplexAbs" (declared with the complex ops in complex_ops.py), as in TF1."""
    graph = graph_of([x])
    with graph.as_default(), graph.name_scope(name or "Abs") as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.is_complex:
            return graph.create_op("ComplexAbs", [x], {"Tout": x.dtype.real_dtype},
                                   name=scope).outputs[0]
        return graph.create_op("Abs", [x], name=scope).outputs[0]


sign = unary_op("Sign", "sign", ufunc="sign",
                grad=lambda op, grad: [zeros_like(op.inputs[0])],  # TF1: zeros (not None)
                doc='Elementwise -1, 0 or 1 (`tf.sign`, op "Sign"); its gradient is zero.')


def _square_grad(op, grad):
    x = op.inputs[0]
    with op.graph.control_dependencies([grad]):
        two = convert_to_tensor(2, dtype=x.dtype)
    return [multiply(grad, multiply(_conj(x), two))]


square = unary_op("Square", "square", ufunc="square", grad=_square_grad,
                  doc='Elementwise `x * x` (`tf.square`, op "Square").')
sqrt = unary_op("Sqrt", "sqrt", ufunc="sqrt", allowed=_FLOAT_COMPLEX,
                # d sqrt(x) = 0.5 / sqrt(x)
                grad=lambda op, grad: [realdiv(multiply(grad, 0.5), _conj(op.outputs[0]))],
                doc='Elementwise square root of a float tensor (`tf.sqrt`, op "Sqrt").')


def _rsqrt_kernel(be, op):
    xp = be.xp
    return lambda x: xp.reciprocal(xp.sqrt(x))


def _rsqrt_grad(op, grad):
    y = op.outputs[0]  # d x^-1/2 = -0.5 y^3
    return [multiply(multiply(grad, -0.5), multiply(square(y), y))]


rsqrt = unary_op("Rsqrt", "rsqrt", allowed=_FLOAT_COMPLEX, kernel=_rsqrt_kernel,
                 grad=_rsqrt_grad, doc='Elementwise `1 / sqrt(x)` (`tf.rsqrt`, op "Rsqrt").')
exp = unary_op("Exp", "exp", ufunc="exp", allowed=_FLOAT_COMPLEX,
               grad=lambda op, grad: [multiply(grad, _conj(op.outputs[0]))],
               doc='Elementwise `e^x` (`tf.exp`, op "Exp").')
expm1 = unary_op("Expm1", "expm1", ufunc="expm1", allowed=_FLOAT_COMPLEX,
                 grad=lambda op, grad: [multiply(grad, _conj(exp(op.inputs[0])))],
                 doc='Elementwise `e^x - 1`, accurate near 0 (`tf.expm1`, op "Expm1").')
log = unary_op("Log", "log", ufunc="log", allowed=_FLOAT_COMPLEX,
               grad=lambda op, grad: [multiply(grad, reciprocal(_conj(op.inputs[0])))],
               doc='Elementwise natural logarithm (`tf.log`, op "Log").')
log1p = unary_op("Log1p", "log1p", ufunc="log1p", allowed=_FLOAT_COMPLEX,
                 grad=lambda op, grad: [multiply(grad, reciprocal(_conj(add(op.inputs[0], 1))))],
                 doc='Elementwise `log(1 + x)`, accurate near 0 (`tf.log1p`, op "Log1p").')
reciprocal = unary_op("Reciprocal", "reciprocal", ufunc="reciprocal", allowed=_FLOAT_COMPLEX,
                      # d 1/x = -y^2
                      grad=lambda op, grad: [
                          negative(multiply(grad, _conj(square(op.outputs[0]))))],
                      doc='Elementwise `1 / x` (`tf.reciprocal`, op "Reciprocal").')
sin = unary_op("Sin", "sin", ufunc="sin", allowed=_FLOAT_COMPLEX,
               grad=lambda op, grad: [multiply(grad, _conj(cos(op.inputs[0])))],
               doc='Elementwise sine (`tf.sin`, op "Sin").')
cos = unary_op("Cos", "cos", ufunc="cos", allowed=_FLOAT_COMPLEX,
               grad=lambda op, grad: [negative(multiply(grad, _conj(sin(op.inputs[0]))))],
               doc='Elementwise cosine (`tf.cos`, op "Cos").')
floor = unary_op("Floor", "floor", ufunc="floor", allowed=FLOATS, grad=None,
                 doc='Elementwise floor (`tf.floor`, op "Floor"); not differentiable.')
ceil = unary_op("Ceil", "ceil", ufunc="ceil", allowed=FLOATS, grad=None,
                doc='Elementwise ceiling (`tf.ceil`, op "Ceil"); not differentiable.')
unary_op("Round", None, ufunc="rint",  # half to even ("banker's rounding"), as TF1
         allowed=FLOATS | INTEGERS, grad=None, doc="Rounds half to even.")


def round(x: Any, name: Optional[str] = None) -> Tensor:  # noqa: A001  (TF1 name)
    """Rounds half to even (`tf.round`, op "Round"); integer tensors are returned as they are."""
    x = convert_to_tensor(x, name="x")
    if x.dtype.is_integer:
        return x
    return _unary("Round", x, name)


is_nan = unary_op("IsNan", "is_nan", ufunc="isnan", allowed=FLOATS, out_dtype=dtypes.bool,
                  grad=None, doc='Elementwise `x != x` (`tf.is_nan`, op "IsNan").')
is_inf = unary_op("IsInf", "is_inf", ufunc="isinf", allowed=FLOATS, out_dtype=dtypes.bool,
                  grad=None, doc='Elementwise `x == +-inf` (`tf.is_inf`, op "IsInf").')
is_finite = unary_op("IsFinite", "is_finite", ufunc="isfinite", allowed=FLOATS,
                     out_dtype=dtypes.bool, grad=None,
                     doc='Elementwise "neither inf nor NaN" (`tf.is_finite`, op "IsFinite").')


# --- comparisons and logic (not differentiable) -----------------------------------------------
# Comparisons and logic of host metadata (a loop counter against its limit) stay in host
# memory: a loop's predicate is then tested without a device round trip.
_COMPARISON = dict(out_dtype=dtypes.bool, allowed=REAL, grad=None, host_memory_ok=True)
less = binary_op("Less", "less", ufunc="less", **_COMPARISON,
                 doc='Elementwise `x < y` as bool (`tf.less`, op "Less").')
less_equal = binary_op("LessEqual", "less_equal", ufunc="less_equal", **_COMPARISON,
                       doc='Elementwise `x <= y` as bool (`tf.less_equal`, op "LessEqual").')
greater = binary_op("Greater", "greater", ufunc="greater", **_COMPARISON,
                    doc='Elementwise `x > y` as bool (`tf.greater`, op "Greater").')
greater_equal = binary_op(
    "GreaterEqual", "greater_equal", ufunc="greater_equal", **_COMPARISON,
    doc='Elementwise `x >= y` as bool (`tf.greater_equal`, op "GreaterEqual").')
equal = binary_op("Equal", "equal", base=_EqualityBase, ufunc="equal", grad=None,
                  doc='Elementwise `x == y` as bool (`tf.equal`, op "Equal").')
not_equal = binary_op("NotEqual", "not_equal", base=_EqualityBase, ufunc="not_equal", grad=None,
                      doc='Elementwise `x != y` as bool (`tf.not_equal`, op "NotEqual").')
logical_and = binary_op("LogicalAnd", "logical_and", ufunc="logical_and", allowed=BOOL, grad=None,
                        host_memory_ok=True,
                        doc='Elementwise and of bool tensors (`tf.logical_and`, op "LogicalAnd").')
logical_or = binary_op("LogicalOr", "logical_or", ufunc="logical_or", allowed=BOOL, grad=None,
                       doc='Elementwise or of bool tensors (`tf.logical_or`, op "LogicalOr").')
logical_not = unary_op("LogicalNot", "logical_not", ufunc="logical_not", allowed=BOOL, grad=None,
                       doc='Elementwise not of a bool tensor (`tf.logical_not`, op "LogicalNot").')


# --- select / where ---------------------------------------------------------------------------
@register_op("Select")
class Select(OpDef):
    """`condition ? x : y` elementwise; a vector condition picks whole rows of x and y."""

    def infer(self, condition, x, y):
        if condition.dtype is not dtypes.bool:
            raise TypeError(f"Input 'condition' of 'Select' Op has type {condition.dtype.name} "
                            f"that does not match expected type of bool.")
        if x.dtype != y.dtype:
            raise TypeError(f"Input 'e' of 'Select' Op has type {y.dtype.name} that does not "
                            f"match type {x.dtype.name} of argument 't'.")
        if not x.shape.is_compatible_with(y.shape):
            raise ValueError(f"Shapes must be equal, but x has shape {_sh(x.shape)} and y has "
                             f"shape {_sh(y.shape)}")
        out = x.shape.merge_with(y.shape)
        c = condition.shape
        if c.ndims is None or out.ndims is None or c.ndims == 0:
            return spec(x.dtype, out)
        if c.ndims == 1 and out.ndims > 1:
            d, first = c.as_list()[0], out.as_list()[0]
            if d is not None and first is not None and d != first:
                raise ValueError(f"Condition has shape {_sh(c)} but x and y have shape "
                                 f"{_sh(out)}: a vector condition must match their first dimension")
            dims = out.as_list()
            return spec(x.dtype, [d if first is None else first] + dims[1:])
        if not c.is_compatible_with(out):
            raise ValueError(f"Condition has shape {_sh(c)}, x and y have shape {_sh(out)}: "
                             f"they must be equal (or the condition a vector or a scalar)")
        return spec(x.dtype, out.merge_with(c))

    def kernel(self, be, op, ctx):
        xp = be.xp

        def select_kernel(c, x, y):
            if x.shape != y.shape:
                raise ValueError(f"'then' and 'else' must have the same size, but received: "
                                 f"{x.shape} vs. {y.shape}")
            if c.ndim == 1 and x.ndim > 1:
                if c.shape[0] != x.shape[0]:
                    raise ValueError(f"Number of batches of 'then' must match size of 'cond', "
                                     f"but saw: {x.shape[0]} vs. {c.shape[0]}")
                c = c.reshape(c.shape + (1,) * (x.ndim - 1))
            elif c.ndim and c.shape != x.shape:
                raise ValueError(f"'cond' and 'then' must have the same size, but received: "
                                 f"{c.shape} vs. {x.shape}")
            return kernel_select.select(xp, c, x, y)  # branch-free where same-shaped
        return select_kernel

    def gradient(self, op, grad):
        c = op.inputs[0]
        zeros = zeros_like(op.inputs[1])
        return [None, select(c, grad, zeros), select(c, zeros, grad)]


@register_op("SelectV2")
class SelectV2(OpDef):
    """`condition ? x : y` with NumPy broadcasting of all three (`tf.where_v2`)."""

    def infer(self, condition, x, y):
        if condition.dtype is not dtypes.bool:
            raise TypeError(f"Input 'condition' of 'SelectV2' Op has type "
                            f"{condition.dtype.name} that does not match expected type of bool.")
        out = broadcast_spec(x, y)
        shape = broadcast_shapes(condition.shape, out.shape)
        if shape is None:
            raise ValueError(f"Condition of shape {_sh(condition.shape)} cannot be broadcast "
                             f"with x and y of shape {_sh(out.shape)}")
        return spec(x.dtype, shape)

    def kernel(self, be, op, ctx):
        xp = be.xp
        return lambda c, x, y: kernel_select.select(xp, c, x, y)  # branch-free where same-shaped

    def gradient(self, op, grad):
        c, x, y = op.inputs
        zeros = zeros_like(grad)
        return [None, sum_to_shape_of(where_v2(c, grad, zeros), x),
                sum_to_shape_of(where_v2(c, zeros, grad), y)]


@register_op("Where")
class Where(OpDef):
    """The coordinates of the true (non-zero) elements: int64 `[num_true, rank]`."""

    def infer(self, condition):
        return spec(dtypes.int64, [None, condition.shape.ndims])

    def compute(self, be, condition):
        return be.xp.argwhere(condition).astype(np.int64)


NotDifferentiable("Where")


def _sh(shape: TensorShape) -> str:
    return shape_str(shape.as_tuple())


# --- cast -------------------------------------------------------------------------------------
@register_constant_folder("Cast")
def _fold_cast(op, i, vals):
    return np.asarray(vals[0]).astype(op.outputs[0].dtype.np_dtype)


@register_op("Cast")
class Cast(OpDef):
    """Converts the elements to `DstT` (float -> int truncates toward zero)."""

    host_memory_ok = True

    def infer(self, x, *, DstT, SrcT=None, Truncate=False):  # noqa: N803  (TF1 attr names)
        if (x.dtype is dtypes.string) != (DstT is dtypes.string):
            raise TypeError(f"Cast {x.dtype.name} to {DstT.name} is not supported")
        return spec(DstT, x.shape)

    def kernel(self, be, op, ctx):
        dst = op.attrs["DstT"].np_dtype
        return lambda x: x.astype(dst)

    def gradient(self, op, grad):
        src = op.inputs[0].dtype
        if src.is_floating or src.is_complex:
            if op.outputs[0].dtype.is_floating or op.outputs[0].dtype.is_complex:
                return [cast(grad, src)]
        return [None]  # through an integer or bool cast no gradient flows (TF1)


# --- reductions -------------------------------------------------------------------------------
def _reduced_spec(x: Tensor, axes: Tensor, keep_dims: bool, out_dtype=None):
    dtype = out_dtype or x.dtype
    known = static_int_vector(axes) if axes.shape.ndims is not None else None
    if axes.shape.ndims == 0 and axes.op.type == "Const":
        known = [int(axes.op.attrs["value"])]
    if x.shape.ndims is None or known is None or any(a is None for a in known):
        if keep_dims and x.shape.ndims is not None:
            return spec(dtype, [None] * x.shape.ndims)
        return spec(dtype, None)
    n = x.shape.ndims
    norm = set()
    for a in known:
        if not -n <= a < n:
            raise ValueError(f"Invalid reduction dimension {a} for input with {n} dimensions.")
        norm.add(a % n)
    dims = x.shape.as_list()
    if keep_dims:
        return spec(dtype, [1 if i in norm else d for i, d in enumerate(dims)])
    return spec(dtype, [d for i, d in enumerate(dims) if i not in norm])


def _normalized_axes(values: Any, n: int) -> tuple:
    """Sorted, de-duplicated, non-negative axes (TF1 ignores repeats; NumPy rejects them)."""
    out = set()
    for a in np.asarray(values).reshape(-1):
        a = int(a)
        if not -n <= a < n:
            raise ValueError(f"Invalid reduction dimension {a} for input with {n} dimensions.")
        out.add(a % n)
    return tuple(sorted(out))


class Reduction(OpDef):
    """A reduction over the axes given by the second (int) input."""

    np_name = ""
    allowed = NUMERIC
    host_inputs = (1,)  # the axes are read on the host

    def infer(self, x, axes, *, keep_dims=False):
        check_dtype(x, self.allowed, "input")
        check_dtype(axes, _INDEX, "reduction_indices")
        return _reduced_spec(x, axes, keep_dims)

    def reducer(self, be, op):
        """`f(x, axis_tuple, keepdims)` computing the reduction in the input's dtype."""
        f = getattr(be.xp, self.np_name)
        return lambda x, axis, keepdims: f(x, axis=axis, keepdims=keepdims)

    def kernel(self, be, op, ctx):
        f = self.reducer(be, op)
        keep = bool(op.attrs.get("keep_dims", False))
        static = constant_value(op.inputs[1])
        n = op.inputs[0].shape.ndims
        if static is not None and n is not None:
            ax = _normalized_axes(static, n)
            return lambda x, axes: f(x, ax, keep)

        def reduce_dynamic(x, axes):
            return f(x, _normalized_axes(host_array(be, axes), x.ndim), keep)
        return reduce_dynamic


def _kept_shape(op) -> Any:
    """The shape of a reduction's output with the reduced axes kept as 1 (list or tensor)."""
    x, axes = op.inputs[0], op.inputs[1]
    kept = _reduced_spec(x, axes, True).shape
    if kept.is_fully_defined():
        return kept.as_list()
    return reduced_shape(shape(x), axes)


def _reshape_to(t: Tensor, target: Any) -> Tensor:
    if isinstance(target, list) and t.shape.is_fully_defined() and t.shape.as_list() == target:
        return t
    return reshape(t, target)


def _sum_grad(op, grad):
    x = op.inputs[0]
    g = _reshape_to(grad, _kept_shape(op))
    if x.shape.is_fully_defined():
        target = x.shape.as_list()
        if g.shape.is_fully_defined() and g.shape.as_list() == target:
            return g
        return broadcast_to(g, target)
    return broadcast_to(g, shape(x))


def _sum_reducer(self, be, op):
    xp, dt = be.xp, op.inputs[0].dtype.np_dtype
    # dtype=: NumPy would widen int32 sums to int64
    return lambda x, axis, keepdims: xp.sum(x, axis=axis, keepdims=keepdims, dtype=dt)


reduce_sum = reduction_op(
    "Sum", "reduce_sum", base=Reduction, host_memory_ok=True, reducer=_sum_reducer,
    grad=lambda op, grad: [_sum_grad(op, grad), None],
    doc="""Sum over `axis` (all axes when None) (`tf.reduce_sum`).

    Args:
      input_tensor: The tensor to reduce (numeric).
      axis: Int, list of ints or int tensor; None reduces everything. Negative axes count
        from the end.
      keepdims: Keep reduced axes with size 1.
      name: Op name (default "Sum").
      reduction_indices, keep_dims: TF1's deprecated spellings of `axis` and `keepdims`.

    Returns:
      The reduced tensor, of the input's dtype.

    Raises:
      ValueError: If an axis is out of range, or both spellings of an argument are given.
    """)


def _mean_reducer(self, be, op):
    xp = be.xp
    if not op.inputs[0].dtype.is_integer:
        return lambda x, axis, keepdims: xp.mean(x, axis=axis, keepdims=keepdims)

    def int_mean(x, axis, keepdims):
        # TF1 divides the integer sum by the count in integer arithmetic (truncating)
        s = xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
        n = 1
        for a in axis:
            n *= x.shape[a]
        return (xp.sign(s) * (xp.abs(s) // max(n, 1))).astype(x.dtype)
    return int_mean


def _mean_grad(op, grad):
    sum_grad = _sum_grad(op, grad)
    n_in = op.inputs[0].shape.num_elements()
    n_out = op.outputs[0].shape.num_elements()
    if n_in is not None and n_out is not None:
        factor = convert_to_tensor(n_in // max(n_out, 1), dtype=sum_grad.dtype)
    else:
        factor = floordiv(reduce_prod(shape(op.inputs[0])),
                          maximum(reduce_prod(shape(op.outputs[0])), 1))
        factor = cast(factor, sum_grad.dtype)
    return [truediv(sum_grad, factor), None]


reduce_mean = reduction_op(
    "Mean", "reduce_mean", base=Reduction, reducer=_mean_reducer, grad=_mean_grad,
    doc="""Mean over `axis` (`tf.reduce_mean`); integer inputs give a truncated integer mean.

    Args: as `reduce_sum` (default name "Mean").
    """)


def _prod_reducer(self, be, op):
    xp, dt = be.xp, op.inputs[0].dtype.np_dtype
    return lambda x, axis, keepdims: xp.prod(x, axis=axis, keepdims=keepdims, dtype=dt)


def _prod_grad(op, grad):
    # d prod / d x_i = prod / x_i: exact for non-zero inputs (TF1 also handles zeros).
    kept = _kept_shape(op)
    g = _reshape_to(grad, kept)
    y = _reshape_to(op.outputs[0], kept)
    return [realdiv(multiply(g, y), op.inputs[0]), None]


reduce_prod = reduction_op(
    "Prod", "reduce_prod", base=Reduction, host_memory_ok=True, reducer=_prod_reducer,
    grad=_prod_grad,
    doc='Product over `axis` (`tf.reduce_prod`). Args: as `reduce_sum` (default name "Prod").')


def _min_or_max_grad(op, grad):
    x, axes = op.inputs
    kept = _kept_shape(op)
    y = _reshape_to(op.outputs[0], kept)
    g = _reshape_to(grad, kept)
    # Ties share the gradient equally, as in TF1.
    indicators = cast(equal(y, x), grad.dtype)
    num_selected = reduce_sum(indicators, axes, keepdims=True)
    return [multiply(truediv(indicators, num_selected), g), None]


class _MinMaxReduction(Reduction):
    """Max/Min: an empty reduction gives the dtype's lowest/highest value, as in TF1 (NumPy
    raises for a zero-size max)."""

    def reducer(self, be, op):
        f = getattr(be.xp, self.np_name)
        dt = op.inputs[0].dtype.as_numpy_dtype
        info = np.finfo(dt) if np.issubdtype(dt, np.floating) else np.iinfo(dt)
        ident = dt(-np.inf if np.issubdtype(dt, np.floating) else info.min) \
            if self.np_name == "max" else dt(np.inf if np.issubdtype(dt, np.floating)
                                             else info.max)

        def min_or_max(x, axis, keepdims):
            if x.size:
                return f(x, axis=axis, keepdims=keepdims)
            shape = np.sum(np.zeros(x.shape, np.int8), axis=axis, keepdims=keepdims).shape
            return be.xp.full(shape, ident, dtype=dt)
        return min_or_max


reduce_max = reduction_op(
    "Max", "reduce_max", base=_MinMaxReduction, np_name="max", allowed=REAL, host_memory_ok=True,
    grad=_min_or_max_grad,
    doc='Maximum over `axis` (`tf.reduce_max`). Args: as `reduce_sum` (default name "Max").')
reduce_min = reduction_op(
    "Min", "reduce_min", base=_MinMaxReduction, np_name="min", allowed=REAL, host_memory_ok=True,
    grad=_min_or_max_grad,
    doc='Minimum over `axis` (`tf.reduce_min`). Args: as `reduce_sum` (default name "Min").')
reduce_any = reduction_op(
    "Any", "reduce_any", base=Reduction, np_name="any", allowed=BOOL, grad=None,
    doc='Logical or over `axis` of a bool tensor (`tf.reduce_any`, default name "Any").')
reduce_all = reduction_op(
    "All", "reduce_all", base=Reduction, np_name="all", allowed=BOOL, grad=None,
    doc='Logical and over `axis` of a bool tensor (`tf.reduce_all`, default name "All").')


def reduced_shape(input_shape: Tensor, axes: Tensor) -> Tensor:
    """The shape `input_shape` has after a keep-dims reduction over `axes` (run-time)."""
    return make_tensor("ReducedShape", [input_shape, axes], name="ReducedShape")


@register_op("ReducedShape")
class ReducedShape(OpDef):
    """Sets the reduced axes of a shape vector to 1 (shapes and axes in host memory)."""

    host_inputs = (0, 1)
    host_outputs = (0,)

    def infer(self, s, axes):
        return spec(s.dtype, s.shape)

    def compute(self, be, s, axes):
        out = np.array(host_array(be, s), copy=True)
        n = out.shape[0]
        for a in np.asarray(host_array(be, axes)).reshape(-1).tolist():
            out[a % n] = 1
        return out


NotDifferentiable("ReducedShape")


def reduce_logsumexp(input_tensor: Any, axis: Any = None, keepdims: Optional[bool] = None,
                     name: Optional[str] = None, reduction_indices: Any = None,
                     keep_dims: Optional[bool] = None) -> Tensor:
    """`log(sum(exp(x)))` over `axis`, computed stably (`tf.reduce_logsumexp`).

    The maximum along `axis` is subtracted before exponentiating (and added back), so large
    inputs do not overflow; infinite maxima are replaced by 0 for that shift, as in TF1.

    Args: as `reduce_sum` (name scope "ReduceLogSumExp").
    """
    axis = _lookup(axis, "axis", reduction_indices, "reduction_indices")
    keep = bool(_lookup(keepdims, "keepdims", keep_dims, "keep_dims"))
    with name_scope(name, "ReduceLogSumExp", [input_tensor]):
        x = convert_to_tensor(input_tensor)
        raw_max = reduce_max(x, axis=axis, keepdims=True)
        my_max = stop_gradient(select(is_finite(raw_max), raw_max, zeros_like(raw_max)))
        result = log(reduce_sum(exp(subtract(x, my_max)), axis, keepdims=keep))
        if not keep:
            my_max = reshape(my_max, shape(result) if not result.shape.is_fully_defined()
                             else result.shape.as_list())
        result = add(result, my_max)
    if axis is None and not keep:
        result.set_shape([])
    return result


def count_nonzero(input_tensor: Any = None, axis: Any = None, keepdims: Optional[bool] = None,
                  dtype: Any = dtypes.int64, name: Optional[str] = None,
                  reduction_indices: Any = None, keep_dims: Optional[bool] = None,
                  input: Any = None) -> Tensor:  # noqa: A002  (TF1 name)
    """The number of non-zero elements along `axis` (`tf.count_nonzero`).

    Args: as `reduce_sum`, plus `dtype` of the result (default int64) and `input`, TF1's
      alias of `input_tensor`.
    """
    input_tensor = _lookup(input, "input", input_tensor, "input_tensor")
    axis = _lookup(axis, "axis", reduction_indices, "reduction_indices")
    keep = _lookup(keepdims, "keepdims", keep_dims, "keep_dims")
    with name_scope(name, "count_nonzero", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        zero = convert_to_tensor(np.zeros((), dtype=x.dtype.np_dtype), name="zeros")
        nonzero = cast(not_equal(x, zero), dtypes.int64)
        return cast(reduce_sum(nonzero, axis=axis, keepdims=keep), dtype=dtype)


# --- argmax / argmin --------------------------------------------------------------------------
class _ArgReduction(OpDef):
    np_name = ""
    host_inputs = (1,)

    def infer(self, x, dimension, *, output_type=dtypes.int64):
        check_dtype(x, REAL, "input")
        check_dtype(dimension, _INDEX, "dimension")
        if output_type not in _INDEX:
            raise TypeError(f"output_type must be int32 or int64, got {output_type.name}")
        if dimension.shape.ndims not in (None, 0):
            raise ValueError(f"dimension must be a scalar, got shape {_sh(dimension.shape)}")
        n = x.shape.ndims
        if n is None:
            return spec(output_type, None)
        v = constant_value(dimension)
        if v is None:
            return spec(output_type, [None] * max(n - 1, 0))
        a = int(v)
        if not -n <= a < n:
            raise ValueError(f"Expected dimension in the range [{-n}, {n}), but got {a}")
        dims = x.shape.as_list()
        del dims[a % n]
        return spec(output_type, dims)

    def kernel(self, be, op, ctx):
        f = getattr(be.xp, self.np_name)
        out = op.attrs.get("output_type", dtypes.int64).np_dtype
        static = constant_value(op.inputs[1])
        if static is not None:
            a = int(static)
            return lambda x, d: f(x, axis=a).astype(out)
        return lambda x, d: f(x, axis=int(host_array(be, d))).astype(out)


@register_op("ArgMax")
class ArgMax(_ArgReduction):
    np_name = "argmax"


@register_op("ArgMin")
class ArgMin(_ArgReduction):
    np_name = "argmin"


NotDifferentiable("ArgMax")
NotDifferentiable("ArgMin")


def _arg_reduce(op_type: str, input: Any, axis: Any, name: Optional[str], dimension: Any,
                output_type: Any) -> Tensor:
    axis = _lookup(axis, "axis", dimension, "dimension")
    if axis is None:
        axis = 0  # TF1: None means axis 0 (not "flatten")
    graph = graph_of([input, axis])
    with graph.as_default(), graph.name_scope(name or op_type) as scope:
        x = convert_to_tensor(input, name="input")
        d = axis if isinstance(axis, Tensor) else convert_to_tensor(axis, dtype=dtypes.int32,
                                                                    name="dimension")
        return graph.create_op(op_type, [x, d], {"output_type": dtypes.as_dtype(output_type)},
                               name=scope).outputs[0]


def argmax(input: Any, axis: Any = None, name: Optional[str] = None, dimension: Any = None,
           output_type: Any = dtypes.int64) -> Tensor:  # noqa: A002  (TF1 name)
    """The index of the largest value along `axis` (`tf.argmax`).

    Args:
      input: A real tensor.
      axis: The axis to reduce; None means 0, as in TF1.
      name: Op name (default "ArgMax").
      dimension: TF1's deprecated spelling of `axis`.
      output_type: int64 (default) or int32.

    Returns:
      A tensor of `output_type` with `axis` removed.

    Raises:
      ValueError: If `axis` is out of range.
    """
    return _arg_reduce("ArgMax", input, axis, name, dimension, output_type)


def argmin(input: Any, axis: Any = None, name: Optional[str] = None, dimension: Any = None,
           output_type: Any = dtypes.int64) -> Tensor:  # noqa: A002
    """The index of the smallest value along `axis` (`tf.argmin`); see `argmax`."""
    return _arg_reduce("ArgMin", input, axis, name, dimension, output_type)


# --- cumsum -----------------------------------------------------------------------------------
def scan_infer(op_type: str, x: Tensor, axis: Tensor, allowed: Any) -> Any:
    """The shape rule of the cumulative ops (Cumsum, CumulativeLogsumexp): `x` of rank >= 1 and
    one of `allowed` dtypes, an int `axis` within its rank; the output is like `x`."""
    check_dtype(x, allowed)
    check_dtype(axis, _INDEX, "axis")
    n = x.shape.ndims
    if n == 0:
        raise ValueError(f"{op_type} needs an input of rank at least 1, got a scalar")
    v = constant_value(axis)
    if v is not None and n is not None and not -n <= int(v) < n:
        raise ValueError(f"Expected axis in the range [{-n}, {n}), but got {int(v)}")
    return spec(x.dtype, x.shape)


def scan_along(xp: Any, scan: Any, x: Any, axis: int, exclusive: bool, reverse: bool,
               identity: Any = None) -> Any:
    """Runs `scan` (xp.cumsum, xp.cumprod, or any `scan(m, axis=0, dtype=...)`) along `axis`
    with TF1's exclusive/reverse rules; an exclusive scan starts from `identity` (default: 0
    for a sum, 1 for a product)."""
    m = xp.moveaxis(x, axis, 0)
    if reverse:
        m = m[::-1]
    c = scan(m, axis=0, dtype=x.dtype)
    if exclusive:
        if identity is None:
            identity = 0 if scan is xp.cumsum else 1
        e = xp.full_like(c, identity)
        e[1:] = c[:-1]
        c = e
    if reverse:
        c = c[::-1]
    return xp.moveaxis(c, 0, axis)


@register_op("Cumsum")
class Cumsum(OpDef):
    """Cumulative sum along `axis`, optionally exclusive and/or reversed."""

    host_inputs = (1,)

    def infer(self, x, axis, *, exclusive=False, reverse=False):
        return scan_infer("Cumsum", x, axis, NUMERIC)

    def kernel(self, be, op, ctx):
        xp = be.xp
        exclusive = op.attrs.get("exclusive", False)
        reverse = op.attrs.get("reverse", False)
        static = constant_value(op.inputs[1])

        def cumsum_kernel(x, axis):
            a = int(static if static is not None else host_array(be, axis))
            return scan_along(xp, xp.cumsum, x, a, exclusive, reverse)
        return cumsum_kernel

    def gradient(self, op, grad):
        return [cumsum(grad, op.inputs[1], exclusive=op.attrs.get("exclusive", False),
                       reverse=not op.attrs.get("reverse", False)), None]


def cumsum(x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False,
           name: Optional[str] = None) -> Tensor:
    """Cumulative sum along `axis` (`tf.cumsum`).

    Args:
      x: A numeric tensor of rank >= 1.
      axis: The axis (int or int scalar tensor).
      exclusive: Exclude each element from its own sum (`[0, a, a + b]`).
      reverse: Sum from the end (`[a + b + c, b + c, c]`).
      name: Op name (default "Cumsum").
    """
    graph = graph_of([x, axis])
    with graph.as_default(), graph.name_scope(name or "Cumsum") as scope:
        x = convert_to_tensor(x, name="x")
        axis = axis if isinstance(axis, Tensor) else convert_to_tensor(axis, dtype=dtypes.int32,
                                                                       name="axis")
        return graph.create_op("Cumsum", [x, axis], {"exclusive": bool(exclusive),
                                                     "reverse": bool(reverse)},
                               name=scope).outputs[0]


# --- add_n ------------------------------------------------------------------------------------
@register_op("AddN")
class AddN(OpDef):
    """Sum of N same-shaped tensors (gradient aggregation)."""

    def infer(self, *xs):
        s = xs[0].shape
        for x in xs[1:]:
            if x.dtype != xs[0].dtype:
                raise TypeError(f"AddN: inputs must share a dtype, got {xs[0].dtype.name} and "
                                f"{x.dtype.name}")
            if not s.is_compatible_with(x.shape):
                raise ValueError(f"AddN: shapes must be equal, got {_sh(s)} and {_sh(x.shape)}")
            s = s.merge_with(x.shape)
        check_dtype(xs[0], NUMERIC, "inputs")
        return spec(xs[0].dtype, s)

    fresh_outputs = True

    def compute(self, be, *xs):
        xp = be.xp
        if len(xs) == 1:
            return xp.array(xs[0], copy=True)
        if xs[0].ndim == 0 or any(x.shape != xs[0].shape for x in xs[1:]):
            out = xs[0] + xs[1]
            for x in xs[2:]:
                out += x  # `out` is a fresh array here, so accumulating in place is safe
            return out
        out = xp.empty_like(xs[0], dtype=xp.result_type(xs[0], xs[1]))

        def add_rows(o, a, b, *rest):
            xp.add(a, b, out=o)
            for x in rest:
                o += x
        # row blocks on tfgraph's threads in convolutional plans (gradient sums of feature maps)
        return parallel.rows(be, add_rows, out, *xs)

    def inplace_kernel(self, be, op, ctx):
        def add_n_into_first(*xs):
            if any(x.shape != xs[0].shape for x in xs[1:]):
                return self.compute(be, *xs)

            def add_rows(o, *rest):
                for x in rest:
                    o += x
            return parallel.rows(be, add_rows, xs[0], *xs[1:])
        return add_n_into_first

    def gradient(self, op, grad):
        return [grad] * len(op.inputs)


def add_n(inputs: Any, name: Optional[str] = None) -> Tensor:
    """Sums a list of same-shaped tensors (`tf.add_n`).

    Raises:
      ValueError: If `inputs` is empty or the shapes differ.
    """
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and "
                         "shape")
    graph = graph_of(list(inputs))
    with graph.as_default():
        ts = [convert_to_tensor(x) for x in inputs]
        if len(ts) == 1:
            if name:
                return identity(ts[0], name=name)
            return ts[0]
        return graph.create_op("AddN", ts, name=name or "AddN").outputs[0]


# --- matmul -----------------------------------------------------------------------------------
_MATMUL_TYPES = FLOATS | COMPLEX | {dtypes.int32, dtypes.int64}


def _check_matmul_dtypes(op_type: str, a: Tensor, b: Tensor) -> None:
    if a.dtype != b.dtype:
        raise TypeError(f"Input 'b' of '{op_type}' Op has type {b.dtype.name} that does not "
                        f"match type {a.dtype.name} of argument 'a'.")
    check_dtype(a, _MATMUL_TYPES, "a")


@register_op("MatMul")
class MatMul(OpDef):
    """`a @ b` for matrices, with optional transposes."""

    uses_blas = True  # BLAS threads the product (kernels/threads.py)
    fresh_outputs = True

    def infer(self, a, b, *, transpose_a=False, transpose_b=False):
        _check_matmul_dtypes("MatMul", a, b)
        for t in (a, b):
            if t.shape.ndims is not None and t.shape.ndims != 2:
                raise ValueError(f"Shape must be rank 2 but is rank {t.shape.ndims} for 'MatMul' "
                                 f"with input shapes: {_sh(a.shape)}, {_sh(b.shape)}.")
        sa, sb = a.shape.with_rank(2).as_list(), b.shape.with_rank(2).as_list()
        m, ka = (sa[1], sa[0]) if transpose_a else (sa[0], sa[1])
        kb, n = (sb[1], sb[0]) if transpose_b else (sb[0], sb[1])
        if ka is not None and kb is not None and ka != kb:
            raise ValueError(f"Dimensions must be equal, but are {ka} and {kb} for 'MatMul' with "
                             f"input shapes: {_sh(a.shape)}, {_sh(b.shape)}.")
        return spec(a.dtype, [m, n])

    def kernel(self, be, op, ctx):
        ta, tb = op.attrs.get("transpose_a", False), op.attrs.get("transpose_b", False)
        mm = functools.partial(parallel.matmul, be)  # rows split while tfgraph's threads run
        if not ta and not tb:
            return mm
        if ta and not tb:
            return lambda a, b: mm(a.T, b)
        if tb and not ta:
            return lambda a, b: mm(a, b.T)
        return lambda a, b: mm(a.T, b.T)

    def gradient(self, op, grad):
        a, b = _conj(op.inputs[0]), _conj(op.inputs[1])  # TF1: the conjugates, for complex
        ta, tb = op.attrs.get("transpose_a", False), op.attrs.get("transpose_b", False)
        if not ta and not tb:
            return [matmul(grad, b, transpose_b=True), matmul(a, grad, transpose_a=True)]
        if not ta and tb:
            return [matmul(grad, b), matmul(grad, a, transpose_a=True)]
        if ta and not tb:
            return [matmul(b, grad, transpose_b=True), matmul(a, grad)]
        return [matmul(b, grad, transpose_a=True, transpose_b=True),
                matmul(grad, a, transpose_a=True, transpose_b=True)]


@register_op("BatchMatMulV2")
class BatchMatMulV2(OpDef):
    """Batched `x @ y` over the last two axes; the batch axes broadcast (NumPy rules)."""

    uses_blas = True  # BLAS threads the product (kernels/threads.py)

    def infer(self, x, y, *, adj_x=False, adj_y=False):
        _check_matmul_dtypes("BatchMatMulV2", x, y)
        for t in (x, y):
            if t.shape.ndims is not None and t.shape.ndims < 2:
                raise ValueError(f"Shape must be at least rank 2 but is rank {t.shape.ndims} for "
                                 f"'BatchMatMulV2' with input shapes: {_sh(x.shape)}, "
                                 f"{_sh(y.shape)}.")
        if x.shape.ndims is None or y.shape.ndims is None:
            return spec(x.dtype, None)
        sx, sy = x.shape.as_list(), y.shape.as_list()
        m, kx = (sx[-1], sx[-2]) if adj_x else (sx[-2], sx[-1])
        ky, n = (sy[-1], sy[-2]) if adj_y else (sy[-2], sy[-1])
        if kx is not None and ky is not None and kx != ky:
            raise ValueError(f"Dimensions must be equal, but are {kx} and {ky} for "
                             f"'BatchMatMulV2' with input shapes: {_sh(x.shape)}, {_sh(y.shape)}.")
        batch = broadcast_shapes(TensorShape(sx[:-2]), TensorShape(sy[:-2]))
        if batch is None:
            raise ValueError(f"Batch dimensions of 'BatchMatMulV2' cannot be broadcast: input "
                             f"shapes {_sh(x.shape)}, {_sh(y.shape)}.")
        return spec(x.dtype, batch.as_list() + [m, n])

    def kernel(self, be, op, ctx):
        xp = be.xp
        conj = op.inputs[0].dtype.is_complex
        adj_x, adj_y = op.attrs.get("adj_x", False), op.attrs.get("adj_y", False)

        def adjoint(t):
            t = xp.swapaxes(t, -1, -2)
            return xp.conj(t) if conj else t

        if not adj_x and not adj_y:
            return xp.matmul

        def batch_matmul(x, y):
            return xp.matmul(adjoint(x) if adj_x else x, adjoint(y) if adj_y else y)
        return batch_matmul

    def gradient(self, op, grad):
        x, y = op.inputs
        adj_x, adj_y = op.attrs.get("adj_x", False), op.attrs.get("adj_y", False)
        if not adj_x:
            if not adj_y:
                gx, gy = matmul(grad, y, adjoint_b=True), matmul(x, grad, adjoint_a=True)
            else:
                gx, gy = matmul(grad, y), matmul(grad, x, adjoint_a=True)
        else:
            if not adj_y:
                gx, gy = matmul(y, grad, adjoint_b=True), matmul(x, grad)
            else:
                gx = matmul(y, grad, adjoint_a=True, adjoint_b=True)
                gy = matmul(grad, x, adjoint_a=True, adjoint_b=True)
        # The gradients have the broadcast batch shape: sum back over broadcast batch axes.
        return [sum_to_shape_of(gx, x), sum_to_shape_of(gy, y)]


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, name: Optional[str] = None) -> Tensor:
    """Matrix product `a @ b` (`tf.matmul`).

    Inputs of rank > 2 (or unknown rank) use `BatchMatMulV2`: the last two axes are
    multiplied, the leading (batch) axes broadcast.

    Args:
      a, b: Tensors of the same dtype (float, int32/int64, complex), rank >= 2.
      transpose_a, transpose_b: Transpose the matrices first.
      adjoint_a, adjoint_b: Conjugate-transpose the matrices first.
      a_is_sparse, b_is_sparse: Accepted for compatibility (hints only).
      name: Op name (default "MatMul").

    Returns:
      The product, of the inputs' dtype.

    Raises:
      ValueError: If the inner dimensions differ (both shapes are named) or a rank is < 2.
      TypeError: If the dtypes differ.
    """
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    graph = graph_of([a, b])
    with graph.as_default(), name_scope(name, "MatMul", [a, b]) as scope:
        a, b = _convert_pair(a, b, ("a", "b"))
        ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
        ra, rb = a.shape.ndims, b.shape.ndims
        if ra is None or rb is None or ra > 2 or rb > 2:
            return graph.create_op("BatchMatMulV2", [a, b], {"adj_x": ta, "adj_y": tb},
                                   name=scope).outputs[0]
        return graph.create_op("MatMul", [a, b], {"transpose_a": ta, "transpose_b": tb},
                               name=scope).outputs[0]


def _tensordot_axes(a: Tensor, axes: Any) -> Tuple[List[int], List[int]]:
    if isinstance(axes, (int, np.integer)):
        axes = int(axes)
        if axes < 0:
            raise ValueError("'axes' must be at least 0.")
        n = a.shape.ndims
        if n is None:
            raise ValueError("tensordot with an integer 'axes' needs the rank of 'a' to be known")
        if axes > n:
            raise ValueError(f"'axes' must not be larger than the number of dimensions of "
                             f"tensor {a}.")
        return list(range(n - axes, n)), list(range(axes))
    if isinstance(axes, (list, tuple)):
        if len(axes) != 2:
            raise ValueError("'axes' must be an integer or have length 2.")
        a_axes, b_axes = axes
        if isinstance(a_axes, (int, np.integer)) and isinstance(b_axes, (int, np.integer)):
            a_axes, b_axes = [a_axes], [b_axes]
        a_axes, b_axes = [int(i) for i in a_axes], [int(i) for i in b_axes]
        if len(a_axes) != len(b_axes):
            raise ValueError(f"Different number of contraction axes 'a' and 'b', "
                             f"{len(a_axes)} != {len(b_axes)}.")
        return a_axes, b_axes
    raise TypeError(f"'axes' must be an int or a pair of axis lists, got {axes!r}")


def _tensordot_reshape(t: Tensor, axes: List[int], flipped: bool):
    """Transposes/reshapes `t` to a matrix [free, contracted] (or [contracted, free])."""
    if t.shape.ndims is None:
        raise ValueError(f"tensordot needs the rank of {t.name} to be known")
    dims = t.shape.as_list()
    n = len(dims)
    axes = [i % n if -n <= i < n else i for i in axes]
    if any(not 0 <= i < n for i in axes):
        raise ValueError(f"tensordot axes {axes} out of range for {t.name} of rank {n}")
    free = [i for i in range(n) if i not in axes]
    free_dims = [dims[i] for i in free]
    axes_dims = [dims[i] for i in axes]
    perm = axes + free if flipped else free + axes
    tt = t if perm == list(range(n)) else array_ops.transpose(t, perm)

    def prod(ds):
        return None if any(d is None for d in ds) else int(np.prod(ds, dtype=np.int64))

    p_free, p_axes = prod(free_dims), prod(axes_dims)
    if p_free is None and p_axes is None:
        shp = array_ops.shape(tt)
        k = len(axes)
        first = reduce_prod(shp[:k] if flipped else shp[:n - k])
        second = reduce_prod(shp[k:] if flipped else shp[n - k:])
        new_shape = array_ops.stack([first, second])
    else:
        pf = -1 if p_free is None else p_free
        pa = -1 if p_axes is None else p_axes
        new_shape = [pa, pf] if flipped else [pf, pa]
    if isinstance(new_shape, list) and tt.shape.is_fully_defined() and \
            tt.shape.as_list() == new_shape:
        return tt, free_dims, free
    return array_ops.reshape(tt, new_shape), free_dims, free


def tensordot(a: Any, b: Any, axes: Any, name: Optional[str] = None) -> Tensor:
    """Tensor contraction of `a` and `b` over `axes` (`tf.tensordot`).

    Built from transpose, reshape and matmul (so it needs no gradient of its own).

    Args:
      a, b: Tensors of the same dtype with known ranks.
      axes: An int N (the last N axes of `a` with the first N of `b`) or a pair of axis
        lists `[a_axes, b_axes]`.
      name: Name scope (default "Tensordot").

    Returns:
      A tensor of shape `free axes of a + free axes of b`.

    Raises:
      ValueError: If the axes are invalid or the contracted dimensions differ.
    """
    graph = graph_of([a, b])
    with graph.as_default(), name_scope(name, "Tensordot", [a, b]) as scope:
        a, b = _convert_pair(a, b, ("a", "b"))
        a_axes, b_axes = _tensordot_axes(a, axes)
        if a.shape.ndims is not None and b.shape.ndims is not None:
            da, db = a.shape.as_list(), b.shape.as_list()
            for i, j in zip(a_axes, b_axes):
                p, q = da[i], db[j]
                if p is not None and q is not None and p != q:
                    raise ValueError(f"Dimensions must be equal, but are {p} and {q} for "
                                     f"tensordot of shapes {_sh(a.shape)} and {_sh(b.shape)} "
                                     f"over axes {a_axes} and {b_axes}")
        a_mat, a_free_dims, a_free = _tensordot_reshape(a, a_axes, False)
        b_mat, b_free_dims, b_free = _tensordot_reshape(b, b_axes, True)
        ab = matmul(a_mat, b_mat)
        out_dims = a_free_dims + b_free_dims
        if ab.shape.is_fully_defined() and ab.shape.as_list() == out_dims:
            return ab
        if sum(d is None for d in out_dims) <= 1:
            return array_ops.reshape(ab, [-1 if d is None else d for d in out_dims], name=scope)
        sa, sb = array_ops.shape(a), array_ops.shape(b)
        parts = [sa[i] for i in a_free] + [sb[i] for i in b_free]
        out = array_ops.reshape(ab, array_ops.stack(parts), name=scope)
        out.set_shape(out_dims)  # what is known statically, as TF1
        return out


# --- composite builders: several ops, or the op type depends on the dtype ---------------------
def scalar_mul(scalar: Any, x: Any, name: Optional[str] = None) -> Tensor:
    """`scalar * x` for a scalar (`tf.scalar_mul`).

    Raises:
      ValueError: If `scalar` is not a scalar.
    """
    x = convert_to_tensor(x)
    with x.graph.as_default():
        s = convert_to_tensor(scalar, dtype=x.dtype, name="scalar")
    if s.shape.ndims != 0:
        raise ValueError(f"Only scalar multiply works, got shape {_sh(s.shape)}")
    return multiply(s, x, name=name)


_TRUEDIV_TABLE = {
    dtypes.uint8: dtypes.float32, dtypes.int8: dtypes.float32, dtypes.uint16: dtypes.float32,
    dtypes.int16: dtypes.float32, dtypes.int32: dtypes.float64, dtypes.int64: dtypes.float64,
    dtypes.float16: None, dtypes.float32: None, dtypes.float64: None,
    dtypes.complex64: None, dtypes.complex128: None,
}


def truediv(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """Python 3 division `x / y` (`tf.truediv`; also the `/` operator).

    Integer operands are cast first, as in TF1 (and NumPy): int8/uint8/int16/uint16 to float32,
    int32/int64 to float64.  The result is a "RealDiv" op named after the scope ("truediv").

    Args:
      x, y: Numeric tensors of one dtype (a Python value takes its partner's dtype).
      name: Name (default "truediv").

    Returns:
      `x / y` in floating point.

    Raises:
      TypeError: If x and y have different dtypes, or the dtype cannot be divided.
    """
    graph = graph_of([x, y])
    with graph.as_default(), name_scope(name, "truediv", [x, y]) as scope:
        x, y = _convert_pair(x, y)
        if x.dtype != y.dtype:
            raise TypeError(f"x and y must have the same dtype, got {x.dtype!r} != {y.dtype!r}")
        if x.dtype not in _TRUEDIV_TABLE:
            raise TypeError(f"Invalid dtype {x.dtype!r} in __truediv__")
        target = _TRUEDIV_TABLE[x.dtype]
        if target is not None:
            x, y = cast(x, target), cast(y, target)
        return graph.create_op("RealDiv", [x, y], name=scope).outputs[0]


def divide(x: Any, y: Any, name: Optional[str] = None) -> Any:
    """Python 3 division `x / y` (`tf.divide`): `truediv` for tensors.

    As in TF1, two non-tensor operands are divided by Python itself.
    """
    # Any graph element (even an Operation) takes the tensor path, which names it in its error.
    if not hasattr(x, "_as_graph_element") and not hasattr(y, "_as_graph_element") and \
            name is None:
        return x / y
    return truediv(x, y, name=name)


def div(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """Python 2 division (`tf.div`, deprecated in TF1): floor division for integers.

    Floats (and complex) give "RealDiv", integers "FloorDiv"; the op is named "div".
    """
    graph = graph_of([x, y])
    with graph.as_default(), name_scope(name, "div", [x, y]) as scope:
        x, y = _convert_pair(x, y)
        if x.dtype != y.dtype:
            raise TypeError(f"x and y must have the same dtype, got {x.dtype!r} != {y.dtype!r}")
        op_type = "RealDiv" if (x.dtype.is_floating or x.dtype.is_complex) else "FloorDiv"
        return graph.create_op(op_type, [x, y], name=scope).outputs[0]


def log_sigmoid(x: Any, name: Optional[str] = None) -> Tensor:
    """`log(1 / (1 + exp(-x)))`, computed stably (`tf.log_sigmoid`, scope "LogSigmoid").

    Uses `-(max(-x, 0) + log1p(exp(-|x|)))`, which neither overflows nor loses precision.
    """
    graph = graph_of([x])
    with graph.as_default(), name_scope(name, "LogSigmoid", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        softplus_neg = add(maximum(negative(x), 0), log1p(exp(negative(abs(x)))))
        return negative(softplus_neg, name=scope)


def logical_xor(x: Any, y: Any, name: str = "LogicalXor") -> Tensor:
    """Elementwise exclusive or (`tf.logical_xor`): `(x | y) & ~(x & y)`, as TF1 builds it."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


# --- public builders: casts -------------------------------------------------------------------
def saturate_cast(value: Any, dtype: Any, name: Optional[str] = None) -> Tensor:
    """Casts to `dtype`, first clipping to its range (`tf.saturate_cast`)."""
    graph = graph_of([value])
    with graph.as_default(), name_scope(name, "saturate_cast", [value]) as scope:
        value = convert_to_tensor(value, name="value")
        dtype = dtypes.as_dtype(dtype)
        if value.dtype.is_floating or value.dtype.is_integer:
            if value.dtype.min < dtype.min:
                value = maximum(value, convert_to_tensor(dtype.min, dtype=value.dtype, name="min"))
            if value.dtype.max > dtype.max:
                value = minimum(value, convert_to_tensor(dtype.max, dtype=value.dtype, name="max"))
        return cast(value, dtype, name=scope)


def to_float(x: Any, name: str = "ToFloat") -> Tensor:
    """`cast(x, float32)` (`tf.to_float`, deprecated in TF1)."""
    return cast(x, dtypes.float32, name=name)


def to_double(x: Any, name: str = "ToDouble") -> Tensor:
    """`cast(x, float64)` (`tf.to_double`)."""
    return cast(x, dtypes.float64, name=name)


def to_int32(x: Any, name: str = "ToInt32") -> Tensor:
    """`cast(x, int32)` (`tf.to_int32`)."""
    return cast(x, dtypes.int32, name=name)


def to_int64(x: Any, name: str = "ToInt64") -> Tensor:
    """`cast(x, int64)` (`tf.to_int64`)."""
    return cast(x, dtypes.int64, name=name)


def zeros_like_for_grad(t: Tensor) -> Tensor:
    """Zeros shaped like `t`, for a missing output gradient of a multi-output op."""
    return zeros_like(t)


__all__ = [
    "add", "subtract", "multiply", "scalar_mul", "divide", "truediv", "div", "realdiv",
    "div_no_nan", "floordiv", "floormod", "mod", "pow", "maximum", "minimum",
    "squared_difference", "negative", "abs", "sign", "square", "sqrt", "rsqrt", "exp", "expm1",
    "log", "log1p", "reciprocal", "sin", "cos", "floor", "ceil", "round", "is_nan", "is_inf",
    "is_finite", "log_sigmoid", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "logical_and", "logical_or", "logical_not", "logical_xor", "where",
    "where_v2", "cast", "saturate_cast", "to_float", "to_double", "to_int32", "to_int64",
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_any",
    "reduce_all", "reduce_logsumexp", "count_nonzero", "argmax", "argmin", "cumsum", "add_n",
    "matmul", "tensordot",
]
