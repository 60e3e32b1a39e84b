"""Special functions: error functions, gamma-family functions, incomplete gamma/beta, zeta,
and the Bessel and other functions of `tf.math.special`.

Kernels call SciPy's special functions (`scipy.special` on NumPy arrays, an optional
dependency imported on first use; `cupyx.scipy.special` on CuPy arrays; a function CuPy lacks
runs on the host). Op types, dtypes and gradients are TF1's (`math_grad.py`): the gradient of
`Igamma`/`Igammac` with respect to `a` is TF1's `IgammaGradA` op, `Betainc` is differentiable
in `x` only, `Zeta` in `q` only and `Polygamma` in `x` only, as in TF1.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np

from ..backends.base import import_scipy
from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, gen_tensor, name_scope
from ..framework.registry import OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ._helpers import FLOATS, broadcast_spec, check_dtype
from .array_ops import binary_grads, ones_like, sum_to_shape_of
from .math_ops import (add, cos, equal, exp, log, log1p, multiply, negative, realdiv,
                       reciprocal, reduce_sum, select, sign, sin, square, subtract)
from .op_families import unary_op

_F32_64 = frozenset({dtypes.float32, dtypes.float64})


# --- kernels ----------------------------------------------------------------------------------
def _scipy_fn(be, name: str, sub: str = "special") -> Callable:
    """SciPy's function `name` for the backend's arrays; on a backend whose SciPy lacks it
    (an older cupyx), the host's SciPy with a round trip through host memory."""
    f = getattr(be.scipy(sub), name, None)
    if f is not None:
        return f
    host = getattr(import_scipy(sub), name)

    def on_host(*args):
        out = host(*(be.to_host(a) for a in args))
        return tuple(be.from_host(np.asarray(o)) for o in out) if isinstance(out, tuple) \
            else be.from_host(np.asarray(out))
    return on_host


def _same_dtype(f: Callable, index: Optional[int] = None) -> Callable:
    """`f` returning its first input's dtype (SciPy has no float16 loops: it computes in
    float32, and TF1 returns float16); `index` picks one output of a multi-output ufunc."""
    def call(x, *rest):
        out = f(x, *rest)
        if index is not None:
            out = out[index]
        return out if out.dtype == x.dtype else out.astype(x.dtype)
    return call


def _special_kernel(name: str, index: Optional[int] = None) -> Callable:
    return lambda be, op: _same_dtype(_scipy_fn(be, name), index)


def _g(f: Callable) -> Callable:
    """A gradient row `f(x, y, grad) -> dx` (y: the op's output) as an op gradient; the
    gradient waits for `grad`, as TF1's do (`control_dependencies([grad])`)."""
    def grad_fn(op, grad):
        with op.graph.control_dependencies([grad]):
            return [f(op.inputs[0], op.outputs[0], grad)]
    return grad_fn


def _c(x: Tensor, value: float) -> Tensor:
    return convert_to_tensor(value, dtype=x.dtype)


def _where_zero(x: Tensor, at_zero: float, elsewhere: Callable[[Tensor], Tensor]) -> Tensor:
    """`at_zero` where x == 0, else `elsewhere(safe_x)` with 0 replaced by 1 (no NaN)."""
    zero = equal(x, _c(x, 0))
    safe_x = select(zero, ones_like(x), x)
    return select(zero, multiply(ones_like(x), _c(x, at_zero)), elsewhere(safe_x))


def _row(type_name: str, builder: Optional[str], scipy_name: str, grad: Callable, doc: str,
         index: Optional[int] = None):
    return unary_op(type_name, builder, kernel=_special_kernel(scipy_name, index),
                    allowed=FLOATS, grad=grad, doc=doc)


# --- error functions --------------------------------------------------------------------------
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

erf = _row("Erf", "erf", "erf",
           _g(lambda x, y, g: multiply(g, multiply(_c(x, _TWO_OVER_SQRT_PI), exp(negative(
               square(x)))))),
           'Elementwise Gauss error function (`tf.math.erf`, `tf.erf`, op "Erf").')
erfc = _row("Erfc", "erfc", "erfc",
            _g(lambda x, y, g: multiply(g, multiply(_c(x, -_TWO_OVER_SQRT_PI), exp(negative(
                square(x)))))),
            'Elementwise complementary error function `1 - erf(x)` (`tf.math.erfc`, op '
            '"Erfc").')
erfinv = _row("Erfinv", "erfinv", "erfinv",
              _g(lambda x, y, g: multiply(g, multiply(_c(x, math.sqrt(math.pi) / 2),
                                                      exp(square(y))))),
              'Elementwise inverse of `erf` on (-1, 1) (`tf.math.erfinv`, op "Erfinv").')
ndtri = _row("Ndtri", "ndtri", "ndtri",
             _g(lambda x, y, g: multiply(g, multiply(_c(x, math.sqrt(2 * math.pi)),
                                                     exp(multiply(square(y), _c(x, 0.5)))))),
             'Elementwise inverse of the standard normal CDF (`tf.math.ndtri`, op "Ndtri").')


def erfcinv(x: Any, name: Optional[str] = None) -> Tensor:
    """Elementwise inverse of `erfc` on (0, 2) (`tf.math.erfcinv`).

    TF1 computes it as `-ndtri(x / 2) / sqrt(2)` (ops "Ndtri", "Mul", "Neg").
    """
    with name_scope(name, "erfcinv", [x]):
        x = convert_to_tensor(x, name="x")
        return multiply(negative(ndtri(multiply(_c(x, 0.5), x))), _c(x, math.sqrt(0.5)))


# --- gamma family -----------------------------------------------------------------------------
lgamma = _row("Lgamma", "lgamma", "gammaln",
              _g(lambda x, y, g: multiply(g, digamma(x))),
              'Elementwise `log|Gamma(x)|` (`tf.math.lgamma`, `tf.lgamma`, op "Lgamma").')
digamma = _row("Digamma", "digamma", "psi",
               _g(lambda x, y, g: multiply(g, polygamma(_c(x, 1), x))),
               'Elementwise digamma, the derivative of `lgamma` (`tf.math.digamma`, op '
               '"Digamma").')


class _Binary(OpDef):
    """A broadcasting special function of two float32/float64 inputs (`Igamma`, `Zeta`...)."""

    fresh_outputs = True
    params = ("x", "y")

    def infer(self, x, y):
        check_dtype(x, _F32_64, self.params[0])
        return broadcast_spec(x, y)


@register_op("Igamma")
class Igamma(_Binary):
    """The regularized lower incomplete gamma function P(a, x)."""

    params = ("a", "x")

    def kernel(self, be, op, ctx):
        return _scipy_fn(be, "gammainc")

    def gradient(self, op, grad):
        return _igamma_grads(op, grad, 1.0)


@register_op("Igammac")
class Igammac(_Binary):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""

    params = ("a", "x")

    def kernel(self, be, op, ctx):
        return _scipy_fn(be, "gammaincc")

    def gradient(self, op, grad):
        return _igamma_grads(op, grad, -1.0)


@register_op("IgammaGradA")
class IgammaGradA(_Binary):
    """d P(a, x) / d a (TF1's op; TF1 registers no gradient for it)."""

    params = ("a", "x")

    def kernel(self, be, op, ctx):
        gammainc = _scipy_fn(be, "gammainc")
        xp = be.xp

        def igamma_grad_a(a, x):
            # Richardson-extrapolated central differences in float64 (SciPy has no
            # derivative of P in a): error O(h^4) + rounding ~1e-12, far below float32.
            a64, x64 = a.astype(xp.float64), x.astype(xp.float64)
            h = xp.minimum(a64 * 0.25, 1e-3 * xp.maximum(a64, 1.0))
            d1 = (gammainc(a64 + h, x64) - gammainc(a64 - h, x64)) / (2 * h)
            d2 = (gammainc(a64 + 2 * h, x64) - gammainc(a64 - 2 * h, x64)) / (4 * h)
            out = (4 * d1 - d2) / 3
            out = xp.where(x64 == 0, 0.0, out)
            return out.astype(a.dtype)
        return igamma_grad_a


def _igamma_grads(op, grad, sign_: float):
    a, x = op.inputs
    with op.graph.control_dependencies([grad]):
        da = igamma_grad_a(a, x)
        # d P / d x = exp(-x + (a - 1) log x - lgamma(a))
        dx = exp(subtract(subtract(multiply(subtract(a, _c(a, 1)), log(x)), x), lgamma(a)))
        if sign_ < 0:
            da, dx = negative(da), negative(dx)
    return binary_grads(op, multiply(grad, da), multiply(grad, dx))


def igamma_grad_a(a: Any, x: Any, name: Optional[str] = None) -> Tensor:
    """The derivative of `igamma(a, x)` with respect to `a` (TF1's op "IgammaGradA")."""
    return gen_tensor("IgammaGradA", name, [("a", a, None, None), ("x", x, None, None)])


def igamma(a: Any, x: Any, name: Optional[str] = None) -> Tensor:
    """The regularized lower incomplete gamma function `P(a, x)` (`tf.math.igamma`, op
    "Igamma"): `1 / Gamma(a) * integral_0^x t^(a-1) exp(-t) dt`.

    Args:
      a: A float32 or float64 tensor (a > 0).
      x: A tensor of the same dtype (x >= 0); the shapes broadcast.
      name: Op name (default "Igamma").
    """
    return _pair("Igamma", ("a", "x"), a, x, name)


def igammac(a: Any, x: Any, name: Optional[str] = None) -> Tensor:
    """The regularized upper incomplete gamma function `Q(a, x) = 1 - P(a, x)`
    (`tf.math.igammac`, op "Igammac"). See `igamma`."""
    return _pair("Igammac", ("a", "x"), a, x, name)


def _pair(type_name: str, params, p: Any, q: Any, name: Optional[str]) -> Tensor:
    """Adds a two-input op the way TF1's generated wrappers do: Python values take the dtype
    of a tensor partner, else of the first input (a Python float is float32)."""
    hint = _dtype_hint(p, q)
    return gen_tensor(type_name, name, [(params[0], p, None, hint), (params[1], q, None, hint)])


def _dtype_hint(*values: Any) -> dtypes.DType:
    for v in values:
        if isinstance(v, Tensor):
            return v.dtype
    first = values[0]
    if isinstance(first, (np.ndarray, np.generic)) and first.dtype.kind == "f":
        return dtypes.as_dtype(first.dtype)
    return dtypes.float32


# --- zeta, polygamma --------------------------------------------------------------------------
@register_op("Zeta")
class Zeta(_Binary):
    """The Hurwitz zeta function `sum_n (n + q)^-x`."""

    params = ("x", "q")

    def kernel(self, be, op, ctx):
        zeta_ = _scipy_fn(be, "zeta")
        return lambda x, q: zeta_(x, q)

    def gradient(self, op, grad):
        x, q = op.inputs
        with op.graph.control_dependencies([grad]):
            dq = negative(multiply(x, zeta(add(x, _c(x, 1)), q)))
        return binary_grads(op, None, multiply(grad, dq))  # TF1: none for x


@register_op("Polygamma")
class Polygamma(_Binary):
    """The polygamma function: the `a`-th derivative of digamma (`a` a non-negative
    integer value; NaN otherwise, as TF1)."""

    params = ("a", "x")

    def kernel(self, be, op, ctx):
        zeta_ = _scipy_fn(be, "zeta")
        psi = _scipy_fn(be, "psi")
        gammaln = _scipy_fn(be, "gammaln")
        xp = be.xp

        def polygamma_(a, x):
            # psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1; digamma for n = 0.
            n = xp.floor(a)
            sgn = xp.where(xp.fmod(n, 2) == 0, -1.0, 1.0)
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                out = sgn * xp.exp(gammaln(n + 1)) * zeta_(n + 1, x)
            out = xp.where(n == 0, psi(x), out)
            return xp.where((n == a) & (a >= 0), out, np.nan).astype(x.dtype)
        return polygamma_

    def gradient(self, op, grad):
        a, x = op.inputs
        with op.graph.control_dependencies([grad]):
            dx = polygamma(add(a, _c(a, 1)), x)
        return binary_grads(op, None, multiply(grad, dx))  # TF1: none for a


def zeta(x: Any, q: Any, name: Optional[str] = None) -> Tensor:
    """The Hurwitz zeta function `sum_{n>=0} (q + n)^-x` (`tf.math.zeta`, op "Zeta").

    Args:
      x: A float32 or float64 tensor (x > 1 for a finite value).
      q: A tensor of the same dtype (q > 0); the shapes broadcast.
      name: Op name (default "Zeta").
    """
    return _pair("Zeta", ("x", "q"), x, q, name)


def polygamma(a: Any, x: Any, name: Optional[str] = None) -> Tensor:
    """The polygamma function `psi^(a)(x)` (`tf.math.polygamma`, op "Polygamma").

    Args:
      a: A float32 or float64 tensor of non-negative integer values (NaN elsewhere).
      x: A tensor of the same dtype; the shapes broadcast.
      name: Op name (default "Polygamma").
    """
    return _pair("Polygamma", ("a", "x"), a, x, name)


# --- incomplete beta --------------------------------------------------------------------------
@register_op("Betainc")
class Betainc(OpDef):
    """The regularized incomplete beta function I_x(a, b)."""

    fresh_outputs = True

    def infer(self, a, b, x):
        check_dtype(a, _F32_64, "a")
        for t, p in ((b, "b"), (x, "x")):
            if t.dtype != a.dtype:
                raise TypeError(f"Input '{p}' has type {t.dtype.name} that does not match type "
                                f"{a.dtype.name} of argument 'a'.")
        # TF1: each of a, b, x is a scalar or has the one shape of the others.
        out = TensorShape([])
        for t, p in ((a, "a"), (b, "b"), (x, "x")):
            if t.shape.ndims == 0:
                continue
            if out.ndims == 0 and out is not None:
                out = t.shape
            elif not out.is_compatible_with(t.shape):
                raise ValueError(f"Shapes of a, b and x are inconsistent: {out} vs. {t.shape} "
                                 f"(input '{p}'); each must be a scalar or have the same shape")
            else:
                out = out.merge_with(t.shape)
        if any(t.shape.ndims is None for t in (a, b, x)):
            out = TensorShape(None)
        return spec(a.dtype, out)

    def kernel(self, be, op, ctx):
        betainc_ = _scipy_fn(be, "betainc")
        xp = be.xp

        def betainc(a, b, x):
            shapes = {t.shape for t in (a, b, x) if t.ndim}
            if len(shapes) > 1:
                raise ValueError(f"Shapes of a, b and x are inconsistent: {sorted(shapes)}")
            return xp.asarray(betainc_(a, b, x), dtype=a.dtype)
        return betainc

    def gradient(self, op, grad):
        a, b, x = op.inputs
        with op.graph.control_dependencies([grad]):
            # d I_x(a, b) / dx = x^(a-1) (1-x)^(b-1) / B(a, b); TF1 has none for a and b.
            log_beta = subtract(add(lgamma(a), lgamma(b)), lgamma(add(a, b)))
            dx = exp(subtract(add(multiply(subtract(b, _c(b, 1)), log1p(negative(x))),
                                  multiply(subtract(a, _c(a, 1)), log(x))), log_beta))
        return [None, None, sum_to_shape_of(multiply(grad, dx), x)]


def betainc(a: Any, b: Any, x: Any, name: Optional[str] = None) -> Tensor:
    """The regularized incomplete beta function `I_x(a, b)` (`tf.math.betainc`, op
    "Betainc").

    Args:
      a, b: float32 or float64 tensors (positive).
      x: A tensor of the same dtype in [0, 1]. Each of a, b, x is a scalar or has the shape
        of the others.
      name: Op name (default "Betainc").

    Returns:
      A tensor of the non-scalar inputs' shape.
    """
    hint = _dtype_hint(a, b, x)
    return gen_tensor("Betainc", name, [("a", a, None, hint), ("b", b, None, hint),
                                        ("x", x, None, hint)])


def lbeta(x: Any, name: Optional[str] = None) -> Tensor:
    """`log|Beta(x)|` over the last dimension (`tf.math.lbeta`, `tf.lbeta`):
    `sum(lgamma(x), -1) - lgamma(sum(x, -1))`, TF1's composition (ops "Lgamma", "Sum",
    "Sub"; an empty last dimension gives -inf, as TF1 does).

    Args:
      x: A float tensor of rank >= 1 (its last dimension holds the arguments).
      name: Name scope (default "lbeta").

    Returns:
      A tensor of shape `x.shape[:-1]`.
    """
    with name_scope(name, "lbeta", [x]):
        x = convert_to_tensor(x, name="x")
        log_prod_gamma_x = reduce_sum(lgamma(x), axis=[-1])
        sum_x = reduce_sum(x, axis=[-1])
        return subtract(log_prod_gamma_x, lgamma(sum_x))


# --- Bessel functions -------------------------------------------------------------------------
bessel_i0 = _row("BesselI0", "bessel_i0", "i0",
                 _g(lambda x, y, g: multiply(g, bessel_i1(x))),
                 'Modified Bessel function of order 0 (`tf.math.bessel_i0`, op "BesselI0").')
bessel_i0e = _row("BesselI0e", "bessel_i0e", "i0e",
                  _g(lambda x, y, g: multiply(g, subtract(bessel_i1e(x), multiply(sign(x), y)))),
                  'Exponentially scaled `exp(-|x|) * bessel_i0(x)` (`tf.math.bessel_i0e`, op '
                  '"BesselI0e").')
bessel_i1 = _row("BesselI1", "bessel_i1", "i1",
                 _g(lambda x, y, g: multiply(g, _where_zero(
                     x, 0.5, lambda sx: subtract(bessel_i0(x), realdiv(y, sx))))),
                 'Modified Bessel function of order 1 (`tf.math.bessel_i1`, op "BesselI1").')
bessel_i1e = _row("BesselI1e", "bessel_i1e", "i1e",
                  _g(lambda x, y, g: multiply(g, _where_zero(
                      x, 0.5, lambda sx: subtract(bessel_i0e(x), multiply(
                          y, add(sign(x), reciprocal(sx))))))),
                  'Exponentially scaled `exp(-|x|) * bessel_i1(x)` (`tf.math.bessel_i1e`, op '
                  '"BesselI1e").')
bessel_j0 = _row("BesselJ0", "bessel_j0", "j0",
                 _g(lambda x, y, g: multiply(g, negative(bessel_j1(x)))),
                 'Bessel function of the first kind of order 0 (`tf.math.special.bessel_j0`, '
                 'op "BesselJ0").')
bessel_j1 = _row("BesselJ1", "bessel_j1", "j1",
                 _g(lambda x, y, g: multiply(g, _where_zero(
                     x, 0.5, lambda sx: subtract(bessel_j0(x), realdiv(y, sx))))),
                 'Bessel function of the first kind of order 1 (`tf.math.special.bessel_j1`, '
                 'op "BesselJ1").')
bessel_y0 = _row("BesselY0", "bessel_y0", "y0",
                 _g(lambda x, y, g: multiply(g, negative(bessel_y1(x)))),
                 'Bessel function of the second kind of order 0 (`tf.math.special.bessel_y0`, '
                 'op "BesselY0").')
bessel_y1 = _row("BesselY1", "bessel_y1", "y1",
                 _g(lambda x, y, g: multiply(g, subtract(bessel_y0(x), realdiv(y, x)))),
                 'Bessel function of the second kind of order 1 (`tf.math.special.bessel_y1`, '
                 'op "BesselY1").')
bessel_k0 = _row("BesselK0", "bessel_k0", "k0",
                 _g(lambda x, y, g: multiply(g, negative(bessel_k1(x)))),
                 'Modified Bessel function of the second kind of order 0 '
                 '(`tf.math.special.bessel_k0`, op "BesselK0").')
bessel_k0e = _row("BesselK0e", "bessel_k0e", "k0e",
                  _g(lambda x, y, g: multiply(g, subtract(y, bessel_k1e(x)))),
                  'Exponentially scaled `exp(x) * bessel_k0(x)` (`tf.math.special.bessel_k0e`, '
                  'op "BesselK0e").')
bessel_k1 = _row("BesselK1", "bessel_k1", "k1",
                 _g(lambda x, y, g: multiply(g, negative(add(bessel_k0(x), realdiv(y, x))))),
                 'Modified Bessel function of the second kind of order 1 '
                 '(`tf.math.special.bessel_k1`, op "BesselK1").')
bessel_k1e = _row("BesselK1e", "bessel_k1e", "k1e",
                  _g(lambda x, y, g: multiply(g, subtract(
                      multiply(y, subtract(_c(x, 1), reciprocal(x))), bessel_k0e(x)))),
                  'Exponentially scaled `exp(x) * bessel_k1(x)` (`tf.math.special.bessel_k1e`, '
                  'op "BesselK1e").')

# --- other functions of tf.math.special -------------------------------------------------------
dawsn = _row("Dawsn", "dawsn", "dawsn",
             _g(lambda x, y, g: multiply(g, subtract(_c(x, 1), multiply(_c(x, 2),
                                                                        multiply(x, y))))),
             "Dawson's integral `exp(-x^2) * integral_0^x exp(t^2) dt` "
             '(`tf.math.special.dawsn`, op "Dawsn").')
expint = unary_op("Expint", "expint", kernel=lambda be, op: _nan_below_zero(_scipy_fn(be, "expi"), be),
                  allowed=FLOATS, grad=
_g(lambda x, y, g: multiply(g, realdiv(exp(x), x))),
                  doc='The exponential integral `Ei(x)` (`tf.math.special.expint`, op "Expint"); '
                      'NaN for x < 0, as TF1.')
fresnel_cos = _row("FresnelCos", "fresnel_cos", "fresnel",
                   _g(lambda x, y, g: multiply(g, cos(multiply(_c(x, math.pi / 2), square(x))))),
                   'The Fresnel cosine integral `integral_0^x cos(pi t^2 / 2) dt` '
                   '(`tf.math.special.fresnel_cos`, op "FresnelCos").', index=1)
fresnel_sin = _row("FresnelSin", "fresnel_sin", "fresnel",
                   _g(lambda x, y, g: multiply(g, sin(multiply(_c(x, math.pi / 2), square(x))))),
                   'The Fresnel sine integral `integral_0^x sin(pi t^2 / 2) dt` '
                   '(`tf.math.special.fresnel_sin`, op "FresnelSin").', index=0)
spence = _row("Spence", "spence", "spence",
              _g(lambda x, y, g: multiply(g, _where_one(x))),
              "Spence's function (dilogarithm) `integral_1^x log(t) / (1 - t) dt` "
              '(`tf.math.special.spence`, op "Spence").')


def _nan_below_zero(f: Callable, be) -> Callable:
    xp = be.xp

    def expint_(x):
        out = f(x)
        return xp.where(x < 0, np.nan, out).astype(x.dtype)
    return expint_


def _where_one(x: Tensor) -> Tensor:
    """d spence / dx = log(x) / (1 - x), and -1 at x = 1 (its limit)."""
    one = equal(x, _c(x, 1))
    safe = select(one, multiply(ones_like(x), _c(x, 2)), x)
    return select(one, negative(ones_like(x)), realdiv(log(safe), subtract(_c(x, 1), safe)))


# Top-level TF1 names (`tf.erf`, ...); tf.math and tf.math.special pick the rest by name.
__all__ = ["betainc", "digamma", "erf", "erfc", "igamma", "igammac", "lbeta", "lgamma",
           "polygamma", "zeta"]
