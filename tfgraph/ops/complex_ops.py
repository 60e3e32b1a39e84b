"""Complex numbers: `tf.complex`, `tf.real`, `tf.imag`, `tf.conj`, `tf.angle` and the
complex absolute value (op "ComplexAbs", which `tf.abs` builds for complex inputs).

Op types, dtypes (float32 <-> complex64, float64 <-> complex128) and gradients are TF1's
(`math_grad.py`). TF1's convention for the gradient of a real loss L with respect to a complex
z = x + iy is dL/dx + i dL/dy: `Complex` splits an upstream gradient into its real and
imaginary parts, `Real` turns g into `complex(g, 0)`, `Imag` into `complex(0, g)`.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, graph_of, name_scope
from ..framework.registry import OpDef, register_op, spec
from ._helpers import COMPLEX, FLOATS, NUMERIC, broadcast_spec, check_dtype
from .array_ops import binary_grads, ones_like, zeros_like
from .math_ops import div_no_nan, less, multiply, negative, reciprocal, select

_COMPLEX_OF = {dtypes.float32: dtypes.complex64, dtypes.float64: dtypes.complex128}


@register_op("Complex")
class Complex(OpDef):
    """`real + 1j * imag` (broadcasting), complex64 from float32, complex128 from float64."""

    fresh_outputs = True

    def infer(self, real, imag, *, Tout=None):  # noqa: N803  (TF1's attribute name)
        out = broadcast_spec(real, imag)
        if real.dtype not in _COMPLEX_OF:
            raise TypeError(f"real and imag have incorrect types: {real.dtype.name} "
                            f"{imag.dtype.name}")
        return spec(_COMPLEX_OF[real.dtype], out.shape)

    def kernel(self, be, op, ctx):
        c = op.outputs[0].dtype.as_numpy_dtype

        def complex_(real, imag):
            return real.astype(c) + imag.astype(c) * 1j
        return complex_

    def gradient(self, op, grad):
        return binary_grads(op, real(grad), imag(grad))


class _ComplexToReal(OpDef):
    """A complex -> real elementwise op (its output has the input's real dtype)."""

    fresh_outputs = True
    xp_name = ""

    def infer(self, input, *, Tout=None):  # noqa: A002,N803
        check_dtype(input, COMPLEX, "input")
        return spec(input.dtype.real_dtype, input.shape)

    def kernel(self, be, op, ctx):
        xp = be.xp
        f = getattr(xp, self.xp_name)
        # .real/.imag are strided views of the input: copy them, so the output owns its buffer.
        return lambda x: xp.ascontiguousarray(f(x))


@register_op("Real")
class Real(_ComplexToReal):
    """The real part of a complex tensor."""

    xp_name = "real"

    def gradient(self, op, grad):
        return [complex(grad, zeros_like(grad))]


@register_op("Imag")
class Imag(_ComplexToReal):
    """The imaginary part of a complex tensor."""

    xp_name = "imag"

    def gradient(self, op, grad):
        return [complex(zeros_like(grad), grad)]


@register_op("Angle")
class Angle(_ComplexToReal):
    """The argument of a complex tensor, in (-pi, pi]."""

    xp_name = "angle"

    def gradient(self, op, grad):
        # TF1: -grad / (imag(x) + i real(x)).
        x = op.inputs[0]
        with op.graph.control_dependencies([grad]):
            z = reciprocal(complex(imag(x), real(x)))
            return [negative(multiply(complex(grad, zeros_like(grad)), z))]


@register_op("ComplexAbs")
class ComplexAbs(_ComplexToReal):
    """|x| of a complex tensor (real output)."""

    xp_name = "abs"

    def gradient(self, op, grad):
        # TF1: complex(grad, 0) * x / complex(|x|, 0), 0 where |x| is 0.
        y = op.outputs[0]
        return [div_no_nan(multiply(complex(grad, zeros_like(grad)), op.inputs[0]),
                           complex(y, zeros_like(y)))]


@register_op("Conj")
class Conj(OpDef):
    """The complex conjugate."""

    fresh_outputs = True

    def infer(self, input):  # noqa: A002
        check_dtype(input, COMPLEX, "input")
        return spec(input.dtype, input.shape)

    def kernel(self, be, op, ctx):
        return be.xp.conj

    def gradient(self, op, grad):
        return [conj(grad)]


def complex(real: Any, imag: Any, name: Optional[str] = None) -> Tensor:  # noqa: A001
    """Builds `real + 1j * imag` (`tf.complex`, op "Complex").

    Args:
      real: A float32 or float64 tensor.
      imag: A tensor of the same dtype; the shapes broadcast.
      name: Op name (default "Complex").

    Returns:
      A complex64 (from float32) or complex128 (from float64) tensor.

    Raises:
      TypeError: If the dtypes are not both float32 or both float64.
    """
    graph = graph_of([real, imag])
    with graph.as_default():
        real = convert_to_tensor(real, name="real")
        imag = convert_to_tensor(imag, name="imag")
        with name_scope(name, "Complex", [real, imag]) as scope:
            if real.dtype != imag.dtype or real.dtype not in _COMPLEX_OF:
                raise TypeError(f"real and imag have incorrect types: {real.dtype.name} "
                                f"{imag.dtype.name}")
            return graph.create_op("Complex", [real, imag],
                                   {"Tout": _COMPLEX_OF[real.dtype]}, name=scope).outputs[0]


def _to_real(op_type: str, input: Any, name: Optional[str], default: str,  # noqa: A002
             otherwise) -> Tensor:
    graph = graph_of([input])
    with graph.as_default(), name_scope(name, default, [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.dtype.is_complex:
            return graph.create_op(op_type, [x], {"Tout": x.dtype.real_dtype},
                                   name=scope).outputs[0]
        if x.dtype not in NUMERIC:
            raise TypeError(f"{default}: input must be a numeric tensor, but got tensor "
                            f"'{x.name}' with dtype {x.dtype.name}")
        return otherwise(x)


def real(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The real part of `input` (`tf.real`, `tf.math.real`, op "Real").

    A real input is returned as is, as in TF1.

    Raises:
      TypeError: If `input` is not numeric.
    """
    return _to_real("Real", input, name, "Real", lambda x: x)


def imag(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The imaginary part of `input` (`tf.imag`, `tf.math.imag`, op "Imag"); zeros for a
    real input, as in TF1.

    Raises:
      TypeError: If `input` is not numeric.
    """
    return _to_real("Imag", input, name, "Imag", zeros_like)


def angle(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The argument of `input` in (-pi, pi] (`tf.angle`, `tf.math.angle`, op "Angle"); for a
    real input, pi where it is negative and 0 elsewhere, as in TF1.

    Raises:
      TypeError: If `input` is not numeric.
    """
    def real_angle(x):
        return select(less(x, convert_to_tensor(0, dtype=x.dtype)),
                      multiply(ones_like(x), convert_to_tensor(math.pi, dtype=x.dtype)),
                      zeros_like(x))
    return _to_real("Angle", input, name, "Angle", real_angle)


def complex_abs(x: Any, name: Optional[str] = None) -> Tensor:
    """|x| of a complex tensor, a float tensor of its real dtype (op "ComplexAbs"; `tf.abs`
    builds it for complex inputs)."""
    graph = graph_of([x])
    with graph.as_default(), name_scope(name, "ComplexAbs", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return graph.create_op("ComplexAbs", [x], {"Tout": x.dtype.real_dtype},
                               name=scope).outputs[0]


def conj(x: Any, name: Optional[str] = None) -> Tensor:
    """The complex conjugate of `x` (`tf.conj`, `tf.math.conj`, op "Conj"); a real input is
    returned as is, as in TF1.

    Raises:
      TypeError: If `x` is not numeric.
    """
    graph = graph_of([x])
    with graph.as_default(), name_scope(name, "Conj", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.is_complex:
            return graph.create_op("Conj", [x], name=scope).outputs[0]
        if x.dtype in FLOATS or x.dtype.is_integer:
            return x
        raise TypeError(f"Expected numeric or variant tensor, got dtype {x.dtype!r} "
                        f"(tensor '{x.name}')")


__all__ = ["angle", "complex", "conj", "imag", "real"]
