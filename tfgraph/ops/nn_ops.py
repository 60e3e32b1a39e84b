"""Neural-network ops: activations (Relu ... Tanh), softmax, bias_add, L2Loss, top-k, and the
`tf.nn` helpers composed from them (dropout, moments, batch_normalization, l2_normalize).

Every activation has its TF1 gradient op (`ReluGrad`, `SigmoidGrad`, ...) registered as an
ordinary op with its own gradient, so second derivatives work.  Kernels are numerically stable
(no overflow for large |x|) and keep the input dtype (float32 stays float32).
"""
from __future__ import annotations

import numbers
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, graph_of, make_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape, as_shape
from ..kernels import parallel, scalar_blocks
from ..kernels import select as kernel_select
from . import array_ops, math_ops
from .op_families import activation_op

# SELU constants (Klambauer et al. 2017), as in TF1's kernel.
_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717


def _same_dtype(a: Tensor, b: Tensor, op_type: str) -> None:
    if a.dtype != b.dtype:
        raise TypeError(f"Input 'features' of '{op_type}' has type {b.dtype.name} that does not "
                        f"match type {a.dtype.name} of argument 'gradients'.")


def _merged(a: Tensor, b: Tensor) -> TensorShape:
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError(f"Shapes must be equal, but are {a.shape} and {b.shape}")
    return a.shape.merge_with(b.shape)


def _float_types_only(x: Tensor, op_type: str) -> None:
    if not x.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'features' of '{op_type}' has DataType "
                        f"{x.dtype.name} not in list of allowed values: float16, float32, float64")


class _Unary(OpDef):
    """An elementwise op of one input with the input's dtype and shape."""

    floating_only = True

    def infer(self, x, **attrs):
        if self.floating_only:
            _float_types_only(x, self.type_name)
        return spec(x.dtype, x.shape)


class _Binary(OpDef):
    """A gradient op of two same-shaped inputs (e.g. `ReluGrad(gradients, features)`)."""

    def infer(self, a, b, **attrs):
        _same_dtype(a, b, self.type_name)
        return spec(a.dtype, _merged(a, b))


def _zeros(x: Tensor) -> Tensor:
    return array_ops.zeros_like(x)


def _where_negative(y: Tensor, v: Tensor) -> Tensor:
    """`v` where `y < 0`, else 0 (second derivatives of EluGrad/SeluGrad)."""
    return math_ops.where(math_ops.less(y, _scalar(0, y)), v, _zeros(y))


# --- activations and their gradient ops: one row each (op_families.activation_op) ---------------
_GRAD_ARGS = ("gradients", "features")


# ReLU
def _relu_kernel(be, op):
    xp, zero = be.xp, op.inputs[0].dtype.np_dtype.type(0)
    # (scalar_blocks: NumPy's maximum with a scalar operand has no SIMD loop)
    return lambda x: scalar_blocks.with_scalar(xp.maximum, x, zero)


def _relu_inplace(be, op):
    xp, zero = be.xp, op.inputs[0].dtype.np_dtype.type(0)
    # row blocks on tfgraph's threads in convolutional plans (kernels/parallel.py)
    return lambda x: parallel.rows(
        be, lambda xs: scalar_blocks.with_scalar(xp.maximum, xs, zero, out=xs), x)


def _relu_grad_kernel(be, op):
    xp, zero = be.xp, op.inputs[1].dtype.np_dtype.type(0)
    # multiply by a bool array: one pass, float32 result, no float temporaries
    return lambda g, f: xp.multiply(g, f > zero)


def _relu_grad_inplace(be, op):
    xp, zero = be.xp, op.inputs[1].dtype.np_dtype.type(0)

    def relu_grad_into_g(g, f):
        if g.shape != f.shape:  # broadcasting: one call
            return xp.multiply(g, f > zero, out=g)
        return parallel.rows(be, lambda gs, fs: xp.multiply(gs, fs > zero, out=gs), g, f)
    return relu_grad_into_g


relu = activation_op(
    "Relu", "relu", base=_Unary, floating_only=False, fresh_outputs=True,
    kernel=_relu_kernel, inplace_kernel=_relu_inplace,
    grad=lambda op, grad: [relu_grad(grad, op.outputs[0])],
    doc='Rectified linear unit `max(features, 0)` (`tf.nn.relu`, op type "Relu").')
relu_grad = activation_op(
    "ReluGrad", "relu_grad", base=_Binary, params=_GRAD_ARGS, fresh_outputs=True,
    kernel=_relu_grad_kernel, inplace_kernel=_relu_grad_inplace,
    grad=lambda op, grad: [relu_grad(grad, op.inputs[1]), _zeros(op.inputs[1])],
    doc="`gradients * (features > 0)`; `features` may be the Relu's input or output.")


# ReLU6
def _relu6_kernel(be, op):
    xp, t = be.xp, op.inputs[0].dtype.np_dtype.type
    zero, six = t(0), t(6)

    def relu6_kernel(x):
        y = scalar_blocks.with_scalar(xp.maximum, x, zero)
        return scalar_blocks.with_scalar(xp.minimum, y, six, out=y if y.ndim else None)
    return relu6_kernel


def _relu6_grad_kernel(be, op):
    xp, t = be.xp, op.inputs[1].dtype.np_dtype.type
    zero, six = t(0), t(6)
    return lambda g, f: xp.multiply(g, (f > zero) & (f < six))


relu6 = activation_op(
    "Relu6", "relu6", base=_Unary, floating_only=False, scoped=True, kernel=_relu6_kernel,
    grad=lambda op, grad: [relu6_grad(grad, op.outputs[0])],
    doc="`min(max(features, 0), 6)` (`tf.nn.relu6`).")
relu6_grad = activation_op(
    "Relu6Grad", "relu6_grad", base=_Binary, params=_GRAD_ARGS, kernel=_relu6_grad_kernel,
    grad=lambda op, grad: [relu6_grad(grad, op.inputs[1]), _zeros(op.inputs[1])],
    doc="`gradients * (0 < features < 6)`.")


# Leaky ReLU (an `alpha` attribute: irregular builders, below)
class _LeakyRelu(_Unary):
    def infer(self, x, *, alpha=0.2):
        return super().infer(x)


def _leaky_relu_kernel(be, op):
    xp = be.xp
    t = op.inputs[0].dtype.np_dtype.type
    alpha, zero = t(op.attrs.get("alpha", 0.2)), t(0)
    if 0 < alpha <= 1:
        # max(x, alpha*x) is TF1's select for these alphas, NaN, infinities and -0.0 included
        # (two SIMD passes: 0.6 ms on 2M floats, against 9.8 ms for np.where; alpha 0 would
        # turn +inf into NaN)
        return lambda x: xp.maximum(x, x * alpha)
    if alpha > 1:
        return lambda x: xp.minimum(x, x * alpha)
    return lambda x: kernel_select.select(xp, x > zero, x, x * alpha)


def _leaky_relu_grad_kernel(be, op):
    xp = be.xp
    t = op.inputs[1].dtype.np_dtype.type
    alpha, zero = t(op.attrs.get("alpha", 0.2)), t(0)
    return lambda g, f: kernel_select.select(xp, f > zero, g, g * alpha)


def _leaky_relu_grad_grad(op, grad):
    x = op.inputs[1]
    return [leaky_relu_grad(grad, x, op.attrs.get("alpha", 0.2)), _zeros(x)]


activation_op("LeakyRelu", None, base=_LeakyRelu, kernel=_leaky_relu_kernel,
              grad=lambda op, grad: [leaky_relu_grad(grad, op.inputs[0],
                                                     op.attrs.get("alpha", 0.2))],
              doc="x if x > 0 else alpha * x.")
activation_op("LeakyReluGrad", None, base=_Binary, kernel=_leaky_relu_grad_kernel,
              grad=_leaky_relu_grad_grad,
              doc="`gradients` where features > 0, else `alpha * gradients`.")


def leaky_relu(features: Any, alpha: float = 0.2, name: Optional[str] = None) -> Tensor:
    """`features` where positive, else `alpha * features` (`tf.nn.leaky_relu`).

    Args:
      features: A float tensor (integer tensors are cast to float32, as in TF1).
      alpha: Slope for x < 0.
      name: Op name (default "LeakyRelu").
    """
    with name_scope(name, "LeakyRelu", [features]) as name:
        features = convert_to_tensor(features, name="features")
        if features.dtype.is_integer:
            features = math_ops.cast(features, dtypes.float32)
        if isinstance(alpha, Tensor):
            raise TypeError("leaky_relu: alpha must be a Python number in tfgraph")
        return make_tensor("LeakyRelu", [features], {"alpha": float(alpha)}, name=name)


def leaky_relu_grad(gradients: Tensor, features: Tensor, alpha: float = 0.2,
                    name: Optional[str] = None) -> Tensor:
    return make_tensor("LeakyReluGrad", [gradients, features], {"alpha": float(alpha)},
                       name=name or "LeakyReluGrad")


# ELU, SELU (gradients from the outputs)
def _elu_kernel(be, op):
    xp, zero = be.xp, op.inputs[0].dtype.np_dtype.type(0)
    # expm1 of min(x, 0): the branch not taken never overflows
    return lambda x: kernel_select.select(
        xp, x > zero, x, xp.expm1(scalar_blocks.with_scalar(xp.minimum, x, zero)))


def _elu_grad_kernel(be, op):
    xp, t = be.xp, op.inputs[1].dtype.np_dtype.type
    zero, one = t(0), t(1)
    return lambda g, y: kernel_select.select(xp, y < zero, g * (y + one), g)


def _output_based_grad_grad(grad_builder):
    """Gradient of EluGrad/SeluGrad(gradients, outputs): the same gradient op for the first
    input, `grad * gradients` where the output is negative for the second."""
    def grad_fn(op, grad):
        g, y = op.inputs
        return [grad_builder(grad, y), _where_negative(y, math_ops.multiply(grad, g))]
    return grad_fn


elu = activation_op("Elu", "elu", base=_Unary, kernel=_elu_kernel,
                    grad=lambda op, grad: [elu_grad(grad, op.outputs[0])],
                    doc="Exponential linear unit (`tf.nn.elu`).")
elu_grad = activation_op(
    "EluGrad", "elu_grad", base=_Binary, params=("gradients", "outputs"),
    kernel=_elu_grad_kernel, grad=_output_based_grad_grad(lambda g, y: elu_grad(g, y)),
    doc="`gradients * (outputs + 1)` where outputs < 0, else `gradients` (inputs: gradients, "
        "outputs of Elu).")


def _selu_kernel(be, op):
    xp, t = be.xp, op.inputs[0].dtype.np_dtype.type
    zero, scale, sa = t(0), t(_SELU_SCALE), t(_SELU_SCALE * _SELU_ALPHA)
    return lambda x: kernel_select.select(
        xp, x > zero, x * scale, xp.expm1(scalar_blocks.with_scalar(xp.minimum, x, zero)) * sa)


def _selu_grad_kernel(be, op):
    xp, t = be.xp, op.inputs[1].dtype.np_dtype.type
    zero, scale, sa = t(0), t(_SELU_SCALE), t(_SELU_SCALE * _SELU_ALPHA)
    return lambda g, y: kernel_select.select(xp, y < zero, g * (y + sa), g * scale)


selu = activation_op("Selu", "selu", base=_Unary, kernel=_selu_kernel,
                     grad=lambda op, grad: [selu_grad(grad, op.outputs[0])],
                     doc="Scaled exponential linear unit (`tf.nn.selu`).")
selu_grad = activation_op(
    "SeluGrad", "selu_grad", base=_Binary, params=("gradients", "outputs"),
    kernel=_selu_grad_kernel, grad=_output_based_grad_grad(lambda g, y: selu_grad(g, y)),
    doc="The SELU gradient from its outputs (inputs: gradients, outputs of Selu).")


# Softplus, softsign
def _softplus_kernel(be, op):
    xp, dt = be.xp, op.inputs[0].dtype.np_dtype
    # TF1's kernel: x above -threshold, exp(x) below threshold, else log1p(exp(x)), with
    # threshold = log(epsilon) + 2 (NumPy's logaddexp took 42 ms for 2M floats, this 6 ms)
    threshold = dt.type(np.log(np.finfo(dt).eps) + 2)  # (Softplus takes floats only)

    def softplus_kernel(x):
        with np.errstate(over="ignore"):
            e = xp.exp(x)
        y = kernel_select.select(xp, x < threshold, e, xp.log1p(e))
        return kernel_select.select(xp, x > -threshold, x, y)
    return softplus_kernel


def _softplus_grad_kernel(be, op):
    sig = _sigmoid_kernel(be, op.inputs[1].dtype)
    return lambda g, x: g * sig(x)


def _softplus_grad_grad(op, grad):
    dy, x = op.inputs
    with op.graph.control_dependencies([grad]):
        ddy = softplus_grad(grad, x)
        # d/dx (dy * sigmoid(x)) = dy * s * (1 - s): SigmoidGrad, stable for any x
        d2x = sigmoid_grad(sigmoid(x), math_ops.multiply(grad, dy))
    return [ddy, d2x]


softplus = activation_op("Softplus", "softplus", base=_Unary, kernel=_softplus_kernel,
                         grad=lambda op, grad: [softplus_grad(grad, op.inputs[0])],
                         doc="`log(exp(features) + 1)` (`tf.nn.softplus`).")
softplus_grad = activation_op("SoftplusGrad", "softplus_grad", base=_Binary, params=_GRAD_ARGS,
                              kernel=_softplus_grad_kernel, grad=_softplus_grad_grad,
                              doc="`gradients * sigmoid(features)`.")


def _softsign_kernel(be, op):
    xp, one = be.xp, op.inputs[0].dtype.np_dtype.type(1)
    return lambda x: x / (xp.abs(x) + one)


def _softsign_grad_kernel(be, op):
    xp, one = be.xp, op.inputs[1].dtype.np_dtype.type(1)

    def softsign_grad_kernel(g, x):
        d = xp.abs(x) + one
        d *= d
        return g / d
    return softsign_grad_kernel


def _softsign_grad_grad(op, grad):
    g, x = op.inputs
    # d/dx [g / (1 + |x|)^2] = -2 g sign(x) / (1 + |x|)^3
    one = _scalar(1, x)
    d = math_ops.add(math_ops.abs(x), one)
    d3 = math_ops.multiply(math_ops.multiply(d, d), d)
    two = _scalar(-2, x)
    d2x = math_ops.realdiv(math_ops.multiply(math_ops.multiply(grad, g),
                                             math_ops.multiply(two, math_ops.sign(x))), d3)
    return [softsign_grad(grad, x), d2x]


softsign = activation_op("Softsign", "softsign", base=_Unary, kernel=_softsign_kernel,
                         grad=lambda op, grad: [softsign_grad(grad, op.inputs[0])],
                         doc="`features / (abs(features) + 1)` (`tf.nn.softsign`).")
softsign_grad = activation_op("SoftsignGrad", "softsign_grad", base=_Binary, params=_GRAD_ARGS,
                              kernel=_softsign_grad_kernel, grad=_softsign_grad_grad,
                              doc="`gradients / (1 + |features|)**2`.")


# Sigmoid, tanh (gradient ops take the output y and the incoming gradient dy)
def _sigmoid_kernel(be, dtype):
    """1 / (1 + exp(-x)) in four passes over one output buffer.  exp(-x) overflows to inf for
    very negative x, and 1 / (1 + inf) is the correct limit 0 (the overflow is silent in
    kernels), so no branch on the sign is needed; for positive x, exp(-x) lies in (0, 1]."""
    xp = be.xp
    one = dtype.np_dtype.type(1)

    def sigmoid_kernel(x, out=None):
        z = xp.negative(x, out=out)
        xp.exp(z, out=z)
        z += one
        return xp.reciprocal(z, out=z)
    return sigmoid_kernel


def _sigmoid_inplace(be, op):
    sig = _sigmoid_kernel(be, op.inputs[0].dtype)
    return lambda x: sig(x, out=x)


def _sigmoid_grad_kernel(be, op):
    one = op.inputs[0].dtype.np_dtype.type(1)

    def sigmoid_grad_kernel(y, dy):
        t = one - y
        t *= y
        t *= dy
        return t
    return sigmoid_grad_kernel


def _sigmoid_grad_grad(op, grad):
    with op.graph.control_dependencies([grad]):
        y, dy = op.inputs
        gb = math_ops.multiply(grad, dy)
        two = _scalar(2, y)
        return [math_ops.subtract(gb, math_ops.multiply(math_ops.multiply(two, gb), y)),
                sigmoid_grad(y, grad)]


sigmoid = activation_op(
    "Sigmoid", "sigmoid", base=_Unary, params=("x",), scoped=True, fresh_outputs=True,
    kernel=lambda be, op: _sigmoid_kernel(be, op.inputs[0].dtype),
    inplace_kernel=_sigmoid_inplace, grad=lambda op, grad: [sigmoid_grad(op.outputs[0], grad)],
    doc="The logistic function `1 / (1 + exp(-x))` (`tf.sigmoid`, `tf.nn.sigmoid`).")
sigmoid_grad = activation_op("SigmoidGrad", "sigmoid_grad", base=_Binary, params=("y", "dy"),
                             kernel=_sigmoid_grad_kernel, grad=_sigmoid_grad_grad,
                             doc="`dy * y * (1 - y)` (inputs: y = sigmoid(x), dy).")


def _tanh_grad_kernel(be, op):
    xp, one = be.xp, op.inputs[0].dtype.np_dtype.type(1)

    def tanh_grad_kernel(y, dy):
        t = y * y
        xp.subtract(one, t, out=t)
        t *= dy
        return t
    return tanh_grad_kernel


def _tanh_grad_grad(op, grad):
    with op.graph.control_dependencies([grad]):
        y, dy = op.inputs
        m2 = _scalar(-2, y)
        return [math_ops.multiply(math_ops.multiply(math_ops.multiply(grad, m2), dy), y),
                tanh_grad(y, grad)]


tanh = activation_op("Tanh", "tanh", base=_Unary, params=("x",), scoped=True,
                     kernel=lambda be, op: be.xp.tanh,
                     grad=lambda op, grad: [tanh_grad(op.outputs[0], grad)],
                     doc="Hyperbolic tangent (`tf.tanh`, `tf.nn.tanh`).")
tanh_grad = activation_op("TanhGrad", "tanh_grad", base=_Binary, params=("y", "dy"),
                          kernel=_tanh_grad_kernel, grad=_tanh_grad_grad,
                          doc="`dy * (1 - y * y)` (inputs: y = tanh(x), dy).")


def _scalar(v: float, like: Tensor) -> Tensor:
    return convert_to_tensor(v, dtype=like.dtype)


# --- softmax ----------------------------------------------------------------------------------
def _check_logits_rank(x: Tensor, what: str = "logits") -> None:
    if x.shape.ndims is not None and x.shape.ndims < 1:
        raise ValueError(f"{what} must have >= 1 dimension, got shape {x.shape}")


@register_op("Softmax")
class Softmax(OpDef):
    """softmax over the last axis: exp(x - max) / sum(exp(x - max))."""

    def infer(self, logits):
        _float_types_only(logits, "Softmax")
        _check_logits_rank(logits)
        return spec(logits.dtype, logits.shape)

    def kernel(self, be, op, ctx):
        xp = be.xp

        def softmax_kernel(x):
            e = x - x.max(axis=-1, keepdims=True)
            xp.exp(e, out=e)
            e /= e.sum(axis=-1, keepdims=True)
            return e
        return softmax_kernel

    def gradient(self, op, grad):
        y = op.outputs[0]
        s = math_ops.reduce_sum(math_ops.multiply(grad, y), -1, keepdims=True)
        return [math_ops.multiply(math_ops.subtract(grad, s), y)]


@register_op("LogSoftmax")
class LogSoftmax(OpDef):
    """log(softmax(x)) over the last axis: x - max - log(sum(exp(x - max)))."""

    def infer(self, logits):
        _float_types_only(logits, "LogSoftmax")
        _check_logits_rank(logits)
        return spec(logits.dtype, logits.shape)

    def kernel(self, be, op, ctx):
        xp = be.xp

        def log_softmax_kernel(x):
            z = x - x.max(axis=-1, keepdims=True)
            e = xp.exp(z)
            z -= xp.log(e.sum(axis=-1, keepdims=True))
            return z
        return log_softmax_kernel

    def gradient(self, op, grad):
        softmax_ = math_ops.exp(op.outputs[0])
        return [math_ops.subtract(grad, math_ops.multiply(
            math_ops.reduce_sum(grad, -1, keepdims=True), softmax_))]


# --- bias_add -------------------------------------------------------------------------------------
def _channel_axis(data_format: str, rank: int) -> int:
    return 1 if data_format.startswith("NC") else rank - 1


def _check_data_format(data_format: Optional[str]) -> str:
    if data_format is None:
        return "NHWC"
    if data_format not in ("NHWC", "NCHW", "N..C", "NC.."):
        raise ValueError(f"Unknown data format: {data_format!r} (expected 'NHWC' or 'NCHW')")
    return data_format


@register_op("BiasAdd")
class BiasAdd(OpDef):
    """`value + bias` with `bias` (1-D) added along the channel axis."""

    def infer(self, value, bias, *, data_format="NHWC"):
        if value.dtype != bias.dtype:
            raise TypeError(f"Input 'bias' of 'BiasAdd' has type {bias.dtype.name} that does not "
                            f"match type {value.dtype.name} of argument 'value'.")
        bias.shape.with_rank(1)
        if value.shape.ndims is not None:
            if value.shape.ndims < 2:
                raise ValueError(f"Shape must be at least rank 2 but is rank {value.shape.ndims}")
            c = value.shape.as_list()[_channel_axis(data_format, value.shape.ndims)]
            b = bias.shape.as_list()[0]
            if c is not None and b is not None and c != b:
                raise ValueError(f"Dimensions must be equal, but are {c} and {b}")
        return spec(value.dtype, value.shape)

    fresh_outputs = True

    @staticmethod
    def _wide(xp, v: Any, b: Any) -> Tuple[Any, Any]:
        """`v` (channels last, contiguous) as rows of W*C values and `b` tiled to match: NumPy's
        broadcast add runs one inner loop per row, and rows of only C floats are slow (LeNet's
        6 channels: 0.54 -> 0.10 ms; the CNN's 64: 0.43 -> 0.35 ms)."""
        if v.ndim < 3 or v.size == 0 or not v.flags.c_contiguous:
            return v, b
        return v.reshape(-1, v.shape[-2] * v.shape[-1]), xp.tile(b, v.shape[-2])

    def inplace_kernel(self, be, op, ctx):
        if op.attrs.get("data_format", "NHWC").startswith("NC"):
            return None
        xp = be.xp

        def bias_add_in_place(v, b):
            vw, bw = self._wide(xp, v, b)
            parallel.rows(be, lambda vs: xp.add(vs, bw, out=vs), vw)
            return v
        return bias_add_in_place

    def kernel(self, be, op, ctx):
        xp = be.xp
        fmt = op.attrs.get("data_format", "NHWC")
        if not fmt.startswith("NC"):
            def bias_add(v, b):
                vw, bw = self._wide(xp, v, b)
                return xp.add(vw, bw).reshape(v.shape)  # adds along the last axis
            return bias_add

        def bias_add_nchw(v, b):
            return v + b.reshape((b.shape[0],) + (1,) * (v.ndim - 2))
        return bias_add_nchw

    def gradient(self, op, grad):
        return [grad, bias_add_grad(grad, op.attrs.get("data_format", "NHWC"))]


@register_op("BiasAddGrad")
class BiasAddGrad(OpDef):
    """Sums `out_backprop` over all axes but the channel axis."""

    def infer(self, out_backprop, *, data_format="NHWC"):
        s = out_backprop.shape
        if s.ndims is None:
            return spec(out_backprop.dtype, [None])
        if s.ndims < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {s.ndims}")
        return spec(out_backprop.dtype, [s.as_list()[_channel_axis(data_format, s.ndims)]])

    def kernel(self, be, op, ctx):
        xp = be.xp
        fmt = op.attrs.get("data_format", "NHWC")
        if not fmt.startswith("NC"):
            ones_cache = {}

            def bias_add_grad_last(g):
                g2 = g.reshape(-1, g.shape[-1])
                if g2.shape[0] < 4096 or g.dtype.kind != "f":
                    return g2.sum(axis=0)
                # a matrix-vector product with ones: a BLAS column sum, ~4x faster than
                # NumPy's strided reduction for the (batch*H*W, C) gradients of convolutions
                ones = ones_cache.get((g2.shape[0], g.dtype))
                if ones is None:
                    ones = ones_cache[(g2.shape[0], g.dtype)] = xp.ones(g2.shape[0], g.dtype)
                return xp.matmul(ones, g2)
            return bias_add_grad_last

        def bias_add_grad_nchw(g):
            return g.sum(axis=tuple(i for i in range(g.ndim) if i != 1))
        return bias_add_grad_nchw

    def gradient(self, op, grad):
        g = op.inputs[0]
        fmt = op.attrs.get("data_format", "NHWC")
        rank = g.shape.ndims
        if rank is None:
            raise ValueError("BiasAddGrad's gradient needs the rank of out_backprop")
        if fmt.startswith("NC"):
            shape = [1, -1] + [1] * (rank - 2)
        else:
            shape = [1] * (rank - 1) + [-1]
        target = g.shape.as_list() if g.shape.is_fully_defined() else array_ops.shape(g)
        return [array_ops.broadcast_to(array_ops.reshape(grad, shape), target)]


# --- L2Loss ---------------------------------------------------------------------------------------
@register_op("L2Loss")
class L2Loss(OpDef):
    """sum(t ** 2) / 2, a scalar."""

    def infer(self, t):
        _float_types_only(t, "L2Loss")
        return spec(t.dtype, [])

    def kernel(self, be, op, ctx):
        xp, half = be.xp, op.inputs[0].dtype.np_dtype.type(0.5)

        def l2_loss_kernel(t):
            f = t.reshape(-1)
            return xp.asarray(xp.dot(f, f) * half)
        return l2_loss_kernel

    def gradient(self, op, grad):
        return [math_ops.multiply(op.inputs[0], grad)]


# --- top-k ---------------------------------------------------------------------------------------
def _const_int(t: Tensor) -> Optional[int]:
    v = array_ops.constant_value(t)
    return None if v is None else int(np.asarray(v).reshape(()))


@register_op("InTopKV2")
class InTopKV2(OpDef):
    """Whether `targets[i]` is among the `k` largest `predictions[i]` (ties count as in)."""

    def infer(self, predictions, targets, k):
        predictions.shape.with_rank(2)
        targets.shape.with_rank(1)
        if not targets.dtype.is_integer:
            raise TypeError(f"targets must be int32 or int64, got {targets.dtype.name}")
        b0, b1 = predictions.shape.as_list()[0], targets.shape.as_list()[0]
        if b0 is not None and b1 is not None and b0 != b1:
            raise ValueError(f"Dimensions must be equal, but are {b0} and {b1}")
        return spec(dtypes.bool, [b0 if b0 is not None else b1])

    def kernel(self, be, op, ctx):
        xp = be.xp

        def in_top_k_kernel(p, t, k):
            n, c = p.shape
            valid = (t >= 0) & (t < c)
            tc = xp.where(valid, t, 0)
            target = p[xp.arange(n), tc]
            more = (p > target[:, None]).sum(axis=1)
            finite = xp.isfinite(p).all(axis=1)
            return valid & finite & (more < k)
        return in_top_k_kernel


NotDifferentiable("InTopKV2")


def _smallest_first(xp, key: Any, k: int) -> Optional[Any]:
    """The indices of the k smallest keys of each row, smallest first and ties in index order
    (a stable argsort's first k), without sorting whole rows: the k-th smallest key by
    `partition`, the keys below it plus the first of those equal to it, then a sort of
    just those (512x1024 rows, k=5: 27 -> 5.5 ms).  None when a row's k-th key is NaN (the
    full sort orders those)."""
    kth = xp.partition(key, k - 1, axis=-1)[..., k - 1:k]
    if key.dtype.kind == "f" and bool(xp.isnan(kth).any()):
        return None
    less = key < kth
    equal = key == kth
    need = k - less.sum(axis=-1, keepdims=True)
    chosen = less | (equal & (xp.cumsum(equal, axis=-1) <= need))
    # exactly k chosen per row; a stable sort of the booleans lists them in index order
    idx = xp.argsort(~chosen, axis=-1, kind="stable")[..., :k]
    order = xp.argsort(xp.take_along_axis(key, idx, axis=-1), axis=-1, kind="stable")
    return xp.take_along_axis(idx, order, axis=-1)


@register_op("TopKV2")
class TopKV2(OpDef):
    """The `k` largest entries of the last axis (values, int32 indices); ties: lower index
    first."""

    def infer(self, input, k, *, sorted=True):
        s = input.shape
        kv = _const_int(k)
        if s.ndims is not None and s.ndims < 1:
            raise ValueError("input must have at least 1 dimension")
        if s.ndims is None:
            return [spec(input.dtype, None), spec(dtypes.int32, None)]
        dims = s.as_list()
        if kv is not None and dims[-1] is not None and kv > dims[-1]:
            raise ValueError(f"input must have at least k={kv} columns, got {dims[-1]}")
        if kv is not None and kv < 0:
            raise ValueError(f"Need k >= 0, got {kv}")
        out = dims[:-1] + [kv]
        return [spec(input.dtype, out), spec(dtypes.int32, out)]

    def kernel(self, be, op, ctx):
        xp = be.xp
        # negating an unsigned value wraps around: widen those to int64 first
        signed = op.inputs[0].dtype.np_dtype.kind != "u"

        def top_k_kernel(x, k):
            k = int(k)
            if x.shape[-1] < k:
                raise ValueError(f"input must have at least k={k} columns, got {x.shape[-1]}")
            key = -x if signed else -(x.astype(xp.int64))
            idx = _smallest_first(xp, key, k) if 0 < 8 * k <= x.shape[-1] else None
            if idx is None:
                idx = xp.argsort(key, axis=-1, kind="stable")[..., :k]
            vals = xp.take_along_axis(x, idx, axis=-1)
            return vals, idx.astype(xp.int32)
        return top_k_kernel

    def gradient(self, op, grad_values, grad_indices):
        x = op.inputs[0]
        idx = op.outputs[1]
        depth = x.shape.as_list()[-1] if x.shape.ndims is not None else None
        if depth is None:
            depth = array_ops.shape(x)[-1]
        onehot = array_ops.one_hot(idx, depth, dtype=x.dtype)          # [..., k, n]
        g = array_ops.expand_dims(grad_values, -1)                      # [..., k, 1]
        return [math_ops.reduce_sum(math_ops.multiply(onehot, g), axis=-2), None]


# --- composite activations ----------------------------------------------------------------------
def crelu(features: Any, name: Optional[str] = None, axis: int = -1) -> Tensor:
    """`relu(concat([features, -features], axis))` (`tf.nn.crelu`)."""
    with name_scope(name, "CRelu", [features]) as name:
        features = convert_to_tensor(features, name="features")
        c = array_ops.concat([features, math_ops.negative(features)], axis, name=name)
        return relu(c)


def zero_fraction(value: Any, name: Optional[str] = None) -> Tensor:
    """The fraction of zeros in `value`, a float32 scalar (`tf.nn.zero_fraction`)."""
    with name_scope(name, "zero_fraction", [value]):
        value = convert_to_tensor(value, name="value")
        zero = convert_to_tensor(0, dtype=value.dtype)
        return math_ops.reduce_mean(math_ops.cast(math_ops.equal(value, zero), dtypes.float32))


def swish(features: Any, name: Optional[str] = None) -> Tensor:
    """`features * sigmoid(features)` (`tf.nn.swish`)."""
    with name_scope(name, "swish", [features]) as name:
        features = convert_to_tensor(features, name="features")
        return math_ops.multiply(features, sigmoid(features), name=name)


# --- builders: softmax --------------------------------------------------------------------------
def _softmax(op_type: str, logits: Any, axis: Optional[int], name: Optional[str]) -> Tensor:
    if axis is None:
        axis = -1
    logits = convert_to_tensor(logits)
    rank = logits.shape.ndims
    if axis == -1 or (rank is not None and axis == rank - 1):
        return make_tensor(op_type, [logits], name=name or op_type)
    if rank is None:
        raise ValueError(f"{op_type} along axis {axis} needs a tensor of known rank")
    if not -rank <= axis < rank:
        raise ValueError(f"Dimension ({axis}) must be in the range [{-rank}, {rank}), where "
                         f"{rank} is the number of dimensions in the input.")
    axis %= rank
    # TF1 swaps `axis` with the last axis, applies the op, and swaps back.
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    t = array_ops.transpose(logits, perm)
    out = make_tensor(op_type, [t], name=op_type)
    return array_ops.transpose(out, perm, name=name)


def softmax(logits: Any, axis: Optional[int] = None, name: Optional[str] = None,
            dim: Optional[int] = None) -> Tensor:
    """Softmax activations along `axis` (default the last) (`tf.nn.softmax`).

    Computed as `exp(x - max(x)) / sum(exp(x - max(x)))`: finite for any finite logits.

    Args:
      logits: A non-empty float tensor.
      axis: The axis to normalize (default -1).
      name: Op name (default "Softmax").
      dim: Deprecated alias of `axis`.

    Raises:
      ValueError: If `axis` is out of range.
    """
    return _softmax("Softmax", logits, axis if axis is not None else dim, name)


def log_softmax(logits: Any, axis: Optional[int] = None, name: Optional[str] = None,
                dim: Optional[int] = None) -> Tensor:
    """`logits - log(sum(exp(logits), axis))`, stably (`tf.nn.log_softmax`)."""
    return _softmax("LogSoftmax", logits, axis if axis is not None else dim, name)


# --- builders: bias, losses, normalization --------------------------------------------------------
def bias_add(value: Any, bias: Any, data_format: Optional[str] = None,
             name: Optional[str] = None) -> Tensor:
    """Adds the 1-D `bias` along the channel axis of `value` (`tf.nn.bias_add`).

    Args:
      value: A tensor of rank >= 2.
      bias: A 1-D tensor of the size of `value`'s channel axis, same dtype.
      data_format: "NHWC" (channel last, default) or "NCHW" (channel axis 1).
      name: Op name (default "BiasAdd").

    Raises:
      ValueError: If the sizes differ or `value` has rank < 2.
    """
    data_format = _check_data_format(data_format)
    with name_scope(name, "BiasAdd", [value, bias]) as name:
        value = convert_to_tensor(value, name="input")
        bias = convert_to_tensor(bias, dtype=value.dtype, name="bias")
        return value.graph.create_op("BiasAdd", [value, bias], {"data_format": data_format},
                                     name=name).outputs[0]


def bias_add_grad(out_backprop: Tensor, data_format: str = "NHWC",
                  name: Optional[str] = None) -> Tensor:
    return make_tensor("BiasAddGrad", [out_backprop], {"data_format": data_format},
                       name=name or "BiasAddGrad")


def xw_plus_b(x: Any, weights: Any, biases: Any, name: Optional[str] = None) -> Tensor:
    """`matmul(x, weights) + biases` (`tf.nn.xw_plus_b`)."""
    with name_scope(name, "xw_plus_b", [x, weights, biases]) as name:
        x = convert_to_tensor(x, name="x")
        weights = convert_to_tensor(weights, name="weights")
        biases = convert_to_tensor(biases, name="biases")
        mm = math_ops.matmul(x, weights)
        return bias_add(mm, biases, name=name)


def relu_layer(x: Any, weights: Any, biases: Any, name: Optional[str] = None) -> Tensor:
    """`relu(matmul(x, weights) + biases)` (`tf.nn.relu_layer`)."""
    with name_scope(name, "relu_layer", [x, weights, biases]) as name:
        x = convert_to_tensor(x, name="x")
        weights = convert_to_tensor(weights, name="weights")
        biases = convert_to_tensor(biases, name="biases")
        xw_plus_b_ = bias_add(math_ops.matmul(x, weights), biases)
        return relu(xw_plus_b_, name=name)


def l2_loss(t: Any, name: Optional[str] = None) -> Tensor:
    """`sum(t ** 2) / 2` (`tf.nn.l2_loss`), a scalar of `t`'s dtype."""
    return make_tensor("L2Loss", [t], name=name or "L2Loss")


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: Optional[str] = None,
                 dim: Any = None) -> Tensor:
    """`x / sqrt(max(sum(x**2, axis), epsilon))` (`tf.nn.l2_normalize`)."""
    if axis is None:
        axis = dim
    with name_scope(name, "l2_normalize", [x]) as name:
        x = convert_to_tensor(x, name="x")
        square_sum = math_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
        x_inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, _scalar(epsilon, x)))
        return math_ops.multiply(x, x_inv_norm, name=name)


def moments(x: Any, axes: Sequence[int], shift: Any = None, name: Optional[str] = None,
            keep_dims: Optional[bool] = None, keepdims: Optional[bool] = None
            ) -> Tuple[Tensor, Tensor]:
    """Mean and variance of `x` over `axes` (`tf.nn.moments`).

    Args:
      x: A tensor.
      axes: The axes to reduce.
      shift: Unused (kept for TF1 compatibility).
      name: Name scope (default "moments").
      keep_dims / keepdims: Keep the reduced axes with size 1.

    Returns:
      `(mean, variance)`; float16 inputs are computed in float32, as in TF1.
    """
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "moments", [x, axes]):
        x = convert_to_tensor(x)
        y = math_ops.cast(x, dtypes.float32) if x.dtype == dtypes.float16 else x
        mean = math_ops.reduce_mean(y, axes, keepdims=True, name="mean")
        variance = math_ops.reduce_mean(
            math_ops.squared_difference(y, array_ops.stop_gradient(mean)), axes,
            keepdims=True, name="variance")
        if not keep:
            mean = array_ops.squeeze(mean, axes)
            variance = array_ops.squeeze(variance, axes)
        if x.dtype == dtypes.float16:
            return math_ops.cast(mean, dtypes.float16), math_ops.cast(variance, dtypes.float16)
        return mean, variance


def batch_normalization(x: Any, mean: Any, variance: Any, offset: Any, scale: Any,
                        variance_epsilon: float, name: Optional[str] = None) -> Tensor:
    """`scale * (x - mean) / sqrt(variance + epsilon) + offset` (`tf.nn.batch_normalization`).

    Args:
      x: Input tensor.
      mean, variance: Broadcastable statistics.
      offset, scale: Optional (None) broadcastable beta and gamma.
      variance_epsilon: Small float added to the variance.
      name: Name scope (default "batchnorm").
    """
    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x)
        # TF1's operators in TF1's order, so the ops get its names: add, Rsqrt, mul (scale),
        # mul_1 (x), mul_2 (mean), sub, add_1
        inv = math_ops.rsqrt(convert_to_tensor(variance) + variance_epsilon)
        if scale is not None:
            inv *= scale
        return x * math_ops.cast(inv, x.dtype) + math_ops.cast(
            offset - mean * inv if offset is not None else -mean * inv, x.dtype)


def _noise_shape(x: Tensor, noise_shape: Any) -> Any:
    if noise_shape is None:
        return x.shape.as_list() if x.shape.is_fully_defined() else array_ops.shape(x)
    if isinstance(noise_shape, Tensor):
        return noise_shape
    try:
        ns = as_shape(noise_shape)
    except (TypeError, ValueError):
        return noise_shape
    if x.shape.ndims is not None and ns.ndims == x.shape.ndims:
        dims = [xd if nd is None else nd for nd, xd in zip(ns.as_list(), x.shape.as_list())]
        if all(d is not None for d in dims):
            return dims
        # Fill unknown sizes from the run-time shape of x.
        xs = array_ops.shape(x)
        return array_ops.stack([d if d is not None else xs[i] for i, d in enumerate(dims)])
    return noise_shape


def dropout(x: Any, keep_prob: Any = None, noise_shape: Any = None, seed: Optional[int] = None,
            name: Optional[str] = None, rate: Any = None) -> Tensor:
    """Randomly zeroes elements of `x` and scales the rest by `1 / (1 - rate)` (`tf.nn.dropout`).

    TF1 style `keep_prob` (deprecated there) or `rate = 1 - keep_prob`; either may be a
    scalar tensor (a placeholder fed 1.0 at test time).

    Args:
      x: A float tensor.
      keep_prob: Probability of keeping each element (deprecated alias of `1 - rate`).
      noise_shape: Shape of the random keep/drop mask, broadcast against `x` (e.g.
        `[batch, 1, 1, channels]` drops whole channels); None entries take x's size.
      seed: Op seed (see `tf.set_random_seed`).
      name: Name scope (default "dropout").
      rate: Probability of dropping each element.

    Returns:
      A tensor shaped like `x`.

    Raises:
      ValueError: If no rate is given, a number is outside [0, 1), or `x` is not floating.
    """
    try:
        keep = 1. - keep_prob if keep_prob is not None else None
    except TypeError:
        raise ValueError(f"keep_prob must be a floating point number or Tensor "
                         f"(got {keep_prob!r})") from None
    if rate is not None and keep is not None:
        raise ValueError("Cannot specify both 'rate' and 'keep_prob'.")
    if rate is None:
        rate = keep
    if rate is None:
        raise ValueError("You must provide a rate to dropout.")
    with name_scope(name, "dropout", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError(f"x has to be a floating point tensor since it's going to be scaled. "
                             f"Got a {x.dtype.name} tensor instead.")
        if isinstance(rate, numbers.Real):
            if not 0 <= rate < 1:
                raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1), "
                                 f"got {rate:g}")
            if rate == 0:
                return x
        else:
            rate = convert_to_tensor(rate, dtype=x.dtype, name="rate")
            rate.shape.assert_has_rank(0)
            c = array_ops.constant_value(rate)
            if c is not None and float(c) == 0:
                return x
        from . import random_ops
        shape = _noise_shape(x, noise_shape)
        random_tensor = random_ops.random_uniform(shape, seed=seed, dtype=x.dtype)
        if isinstance(rate, numbers.Real):
            scale = convert_to_tensor(1.0 / (1.0 - rate), dtype=x.dtype)
            rate_t = convert_to_tensor(rate, dtype=x.dtype)
        else:
            one = convert_to_tensor(1, dtype=x.dtype)
            scale = math_ops.realdiv(one, math_ops.subtract(one, rate))
            rate_t = rate
        keep_mask = math_ops.greater_equal(random_tensor, rate_t)
        ret = math_ops.multiply(math_ops.multiply(x, scale), math_ops.cast(keep_mask, x.dtype))
        ret.set_shape(x.shape)
        return ret


def embedding_lookup(params: Any, ids: Any, partition_strategy: str = "mod",
                     name: Optional[str] = None, validate_indices: bool = True,
                     max_norm: Optional[float] = None) -> Tensor:
    """Rows of `params` selected by `ids` (`tf.nn.embedding_lookup`), for one (unpartitioned)
    params tensor or variable.

    Args:
      params: A tensor or variable [vocabulary, ...], or a list holding exactly one.
      ids: int32/int64 tensor of any shape.
      partition_strategy, validate_indices: Accepted for compatibility.
      name: Name scope (default "embedding_lookup").
      max_norm: If given, rows with a larger L2 norm are scaled down to it.

    Returns:
      A tensor of shape `ids.shape + params.shape[1:]`.

    Raises:
      ValueError: If `params` is an empty list.
      NotImplementedError: For more than one params shard.
    """
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Need at least one param")
        if len(params) > 1:
            raise NotImplementedError("embedding_lookup over several params shards is not "
                                      "supported in tfgraph")
        params = params[0]
    with name_scope(name, "embedding_lookup", [params, ids]) as name:
        ret = array_ops.gather(params, ids, name=None if max_norm is not None else name)
        if max_norm is not None:
            axes = list(range(ids_rank(ids), ret.shape.ndims)) if ret.shape.ndims is not None \
                else None
            ret = clip_rows_by_norm(ret, max_norm, axes, name)
        return ret


def ids_rank(ids: Any) -> int:
    ids = convert_to_tensor(ids)
    if ids.shape.ndims is None:
        raise ValueError("embedding_lookup with max_norm needs ids of known rank")
    return ids.shape.ndims


def clip_rows_by_norm(t: Tensor, max_norm: float, axes: List[int], name: Optional[str]) -> Tensor:
    """`t * min(1, max_norm / ||t||)` with the norm taken over `axes`."""
    norm = math_ops.sqrt(math_ops.reduce_sum(math_ops.square(t), axes, keepdims=True))
    scale = math_ops.minimum(_scalar(1.0, t), math_ops.realdiv(
        _scalar(max_norm, t), math_ops.maximum(norm, _scalar(1e-30, t))))
    return math_ops.multiply(t, scale, name=name)


def in_top_k(predictions: Any, targets: Any, k: Any, name: Optional[str] = None) -> Tensor:
    """Whether each target is in the top `k` predictions of its row (`tf.nn.in_top_k`).

    Ties at the boundary count as in; a row with a non-finite prediction, or an
    out-of-range target, gives False.
    """
    with name_scope(name, "in_top_k"):
        predictions = convert_to_tensor(predictions)
        targets = convert_to_tensor(targets)
        k = convert_to_tensor(k, dtype=targets.dtype)
        return make_tensor("InTopKV2", [predictions, targets, k], name=name or "InTopKV2")


def top_k(input: Any, k: Any = 1, sorted: bool = True, name: Optional[str] = None):
    """The `k` largest entries of the last axis and their indices (`tf.nn.top_k`).

    Returns:
      `(values, indices)`; indices are int32; equal values keep their index order.
    """
    graph = graph_of([input, k])
    with graph.as_default():
        input = convert_to_tensor(input)
        k = convert_to_tensor(k, dtype=dtypes.int32)
        op = graph.create_op("TopKV2", [input, k], {"sorted": bool(sorted)}, name=name or "TopKV2")
    return _TopKResult(op.outputs[0], op.outputs[1])


class _TopKResult(tuple):
    """`(values, indices)` of `top_k`, also as attributes (TF1 returns a namedtuple)."""

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])


__all__ = ["sigmoid", "tanh"]
