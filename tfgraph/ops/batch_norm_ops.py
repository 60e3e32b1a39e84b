"""Fused batch normalization: `FusedBatchNorm`, `FusedBatchNormV2`, `FusedBatchNormV3`, their
gradient ops, and `tf.nn.fused_batch_norm`.

TensorFlow's `tf.layers.batch_normalization(fused=True)` and `tf.nn.fused_batch_norm` emit
these ops, so graphs TensorFlow wrote (frozen models, meta graphs) need them. Semantics, as
TF's CPU kernels:

* `is_training=True`: normalize with the batch's mean and biased variance over N, H, W;
  output 1 is the batch mean and output 2 the *unbiased* batch variance (times n/(n-1)),
  each blended with the `mean`/`variance` inputs when `exponential_avg_factor` < 1;
  reserve spaces 1 and 2 keep the batch mean and biased variance for the gradient.
* `is_training=False`: normalize with the given `mean` and `variance`; outputs 1 and 2
  pass them through.

`x` may be float16/32/64 (float64 goes beyond TF, for gradient checks); the per-channel
parameters are float32 (or float64 with float64 `x`). Only 4-D NHWC/NCHW inputs.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from ..framework import dtypes
from ..framework.constant import constant
from ..framework.ops import convert_to_tensor, name_scope
from ..framework.graph import get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ..kernels.parallel import parallel_slices, part_dot, rows as parallel_rows, sum_slices


def _channel_axis(data_format: str) -> int:
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format must be NHWC or NCHW, got {data_format!r}")
    return 3 if data_format == "NHWC" else 1


def _check_param_dtypes(op: str, x, params) -> None:
    if x.dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
        raise TypeError(f"{op} needs float16, float32 or float64 input, got {x.dtype.name}")
    for p in params:
        if p.dtype not in (dtypes.float32, dtypes.float64):
            raise TypeError(f"{op}: parameter {p.name} must be float32, got {p.dtype.name}")


def _reduce_axes(data_format: str):
    return (0, 1, 2) if data_format == "NHWC" else (0, 2, 3)


def _bshape(data_format: str):
    return (1, 1, 1, -1) if data_format == "NHWC" else (1, -1, 1, 1)


# --- NHWC kernels: the input as a (N*H, W*C) matrix ----------------------------------------------
# Every per-channel sum is a product with a vector of ones (BLAS: 0.08 ms for 64x28x28x32
# floats against 0.8 ms for NumPy's sum over the other axes), folded from W*C to C columns;
# every elementwise pass runs over rows of W*C floats against the per-channel factors tiled
# W times (a broadcast over rows of only C floats is 1.5x slower).  The rows are worked
# through in fixed slices (`parallel_slices`, spread over tfgraph's threads in convolutional
# plans) whose partial sums are added in slice order, so the results do not depend on the
# thread count.

def _fast_nhwc(fmt: str, x: Any, u_dt: Any) -> bool:
    """Whether the kernels below apply: NHWC, x in the parameters' dtype and at least one
    pixel (an empty batch keeps the general path's NaN statistics)."""
    return fmt == "NHWC" and x.dtype == u_dt and x.size > 0


def _wide(x: Any) -> Any:
    """The (N*H, W*C) view of a contiguous NHWC array."""
    n, h, w, c = x.shape
    return x.reshape(n * h, w * c)


def _channel_sums(be, rows: int, c: int, per_slice: Callable[[Any, int, int], Any],
                  nbytes: int, dtype: Any) -> Any:
    """Per-channel [C] sums of the [W*C] vectors `per_slice(ones, s, e)` over fixed row slices
    [s, e) (`ones` a vector of e - s ones), added in slice order."""
    xp = be.xp
    ones = xp.ones(rows, dtype=dtype)  # sliced: other backends take the range in one call
    parts: Dict[int, Any] = {}

    def body(s: int, e: int) -> None:
        parts[s] = per_slice(ones[:e - s], s, e)
    parallel_slices(be, rows, body, nbytes)
    return _fold(parts, c)


def _fold(parts: Dict[int, Any], c: int) -> Any:
    """The [C] per-channel sum of [W*C] slice sums keyed by slice start, added in slice order
    (the same bits on any thread count)."""
    return sum_slices(parts).reshape(-1, c).sum(axis=0)


def _train_forward_nhwc(be, x: Any, scale: Any, offset: Any, eps: Any) -> Tuple[Any, Any, Any]:
    """(y, batch mean, biased batch variance) of an NHWC input: the mean, then the centered
    input (which becomes y) and its squares' sums, then y scaled and shifted in place."""
    xp = be.xp
    x2, (n, h, w, c) = _wide(x), x.shape
    rows, count = x2.shape[0], x.dtype.type(n * h * w)
    mean = _channel_sums(be, rows, c, lambda ones, s, e: part_dot(xp, ones, x2[s:e]), x2.nbytes,
                         x.dtype) / count
    mean_w = xp.tile(mean, w)
    y = xp.empty_like(x2)

    def centered_squares(ones, s, e):
        ys = xp.subtract(x2[s:e], mean_w, out=y[s:e])
        return part_dot(xp, ones, xp.multiply(ys, ys))
    var = _channel_sums(be, rows, c, centered_squares, 3 * x2.nbytes, x.dtype) / count
    factor_w = xp.tile(scale / xp.sqrt(var + eps), w)
    offset_w = xp.tile(offset, w)

    def scale_shift(ys):
        ys *= factor_w
        ys += offset_w
    parallel_rows(be, scale_shift, y)
    return y.reshape(x.shape), mean, var


def _train_backward_nhwc(be, dy: Any, x: Any, scale: Any, mean: Any, var: Any,
                         eps: Any) -> Tuple[Any, Any, Any]:
    """(dx, d_scale, d_offset) of the training-mode normalization of an NHWC input:
    dx = a*dy + b*(x - mean) + c per channel, with d_offset = sum(dy) and
    d_scale = sum(dy * (x - mean)) / sqrt(var + eps)."""
    xp = be.xp
    x2, dy2, (n, h, w, c) = _wide(x), _wide(dy), x.shape
    rows, count = x2.shape[0], x.dtype.type(n * h * w)
    inv = 1 / xp.sqrt(var + eps)
    mean_w = xp.tile(mean, w)
    dx = xp.empty_like(x2)  # holds x - mean until the last pass
    parts: Dict[int, Any] = {}

    def centered_products(ones, s, e):
        xc = xp.subtract(x2[s:e], mean_w, out=dx[s:e])
        parts[s] = part_dot(xp, ones, dy2[s:e])  # (d_offset's slices, summed below)
        return part_dot(xp, ones, xp.multiply(dy2[s:e], xc))
    d_scale = _channel_sums(be, rows, c, centered_products, 4 * x2.nbytes, x.dtype) * inv
    d_offset = _fold(parts, c)
    a = scale * inv
    a_w = xp.tile(a, w)
    b_w = xp.tile(-a * inv * d_scale / count, w)
    c_w = xp.tile(-a * d_offset / count, w)

    def combine(dxs, dys):
        dxs *= b_w
        dxs += c_w
        dxs += dys * a_w
    parallel_rows(be, combine, dx, dy2)
    return dx.reshape(x.shape), d_scale, d_offset


class _FusedBatchNormBase(OpDef):
    n_reserve = 2  # V3 adds a third reserve space
    batch_parallel = True  # the NHWC kernels split their rows (kernels/parallel.py)
    fresh_outputs = True  # new arrays, none shared between outputs: a Relu after works in place

    def infer(self, x, scale, offset, mean, variance, *, epsilon=1e-4,
              exponential_avg_factor=1.0, data_format="NHWC", is_training=True):
        _check_param_dtypes(self.type_name, x, (scale, offset, mean, variance))
        c_axis = _channel_axis(data_format)
        shape = x.shape.with_rank(4)
        c = shape[c_axis]
        for p in (scale, offset):
            p_shape = p.shape.with_rank(1)
            if c is not None and p_shape[0] is not None and p_shape[0] != c:
                raise ValueError(f"{p.name} must have {c} elements (the channels), got "
                                 f"{p_shape[0]}")
        if not is_training:
            for p in (mean, variance):
                p_shape = p.shape.with_rank(1)
                if c is not None and p_shape[0] is not None and p_shape[0] != c:
                    raise ValueError(f"{p.name} must have {c} elements (the channels), got "
                                     f"{p_shape[0]}")
        u = scale.dtype
        vec = TensorShape([c])
        out = [spec(x.dtype, shape), spec(u, vec), spec(u, vec), spec(u, vec), spec(u, vec)]
        if self.n_reserve == 3:
            out.append(spec(u, [0]))
        return out

    def kernel(self, be, op, ctx):
        xp = be.xp
        a = op.attrs
        eps = float(a.get("epsilon", 1e-4))
        factor = float(a.get("exponential_avg_factor", 1.0))
        fmt = a.get("data_format", "NHWC")
        training = bool(a.get("is_training", True))
        axes, bshape = _reduce_axes(fmt), _bshape(fmt)
        u_dt = op.inputs[1].dtype.np_dtype
        x_dt = op.inputs[0].dtype.np_dtype
        extra = self.n_reserve == 3

        def running(mean, variance, m, v, n):
            """Outputs 1 and 2: the batch mean and unbiased variance (n elements a channel),
            blended with the running `mean`/`variance` when exponential_avg_factor < 1."""
            unbiased = v * u_dt.type(n / max(n - 1, 1))
            if factor == 1.0:
                return m, unbiased
            f = u_dt.type(factor)
            return (1 - f) * mean + f * m, (1 - f) * variance + f * unbiased

        def fused_batch_norm(x, scale, offset, mean, variance):
            if _fast_nhwc(fmt, x, u_dt):
                return fast(x, scale, offset, mean, variance)
            xc = x.astype(u_dt) if x.dtype != u_dt else x
            if training:
                n = int(xc.size // scale.shape[0])  # elements per channel
                m = xc.mean(axis=axes)
                centered = xc - m.reshape(bshape)
                v = (centered * centered).mean(axis=axes)
                inv = 1.0 / xp.sqrt(v + u_dt.type(eps))
                y = centered * (inv * scale).reshape(bshape) + offset.reshape(bshape)
                out_mean, out_var = running(mean, variance, m, v, n)
                outs = [y.astype(x_dt, copy=False), out_mean.astype(u_dt, copy=False),
                        out_var.astype(u_dt, copy=False), m.copy(), v]
            else:
                inv = 1.0 / xp.sqrt(variance + u_dt.type(eps))
                y = (xc - mean.reshape(bshape)) * (inv * scale).reshape(bshape) + \
                    offset.reshape(bshape)
                outs = [y.astype(x_dt, copy=False), mean.copy(), variance.copy(), mean.copy(),
                        variance.copy()]
            if extra:
                outs.append(xp.zeros((0,), dtype=u_dt))
            return tuple(outs)

        def fast(x, scale, offset, mean, variance):
            if training:
                n = x.size // x.shape[3]
                y, m, v = _train_forward_nhwc(be, x, scale, offset, u_dt.type(eps))
                out_mean, out_var = running(mean, variance, m, v, n)
                outs = [y, out_mean, out_var, m.copy(), v]
            else:
                w = x.shape[2]
                a = scale / xp.sqrt(variance + u_dt.type(eps))
                y = xp.multiply(_wide(x), xp.tile(a, w))
                shift = xp.tile(offset - mean * a, w)
                parallel_rows(be, lambda ys: xp.add(ys, shift, out=ys), y)
                outs = [y.reshape(x.shape), mean.copy(), variance.copy(), mean.copy(),
                        variance.copy()]
            if extra:
                outs.append(xp.zeros((0,), dtype=u_dt))
            return tuple(outs)
        return fused_batch_norm

    def gradient(self, op, dy, *unused):
        a = op.attrs
        grad_type = "FusedBatchNormGradV3" if self.n_reserve == 3 else "FusedBatchNormGradV2"
        reserves = list(op.outputs[3:])
        if self.n_reserve != 3:
            reserves = reserves + [op.outputs[3]]  # (the V2 grad has no third reserve input)
        g = get_default_graph().create_op(
            grad_type, [dy, op.inputs[0], op.inputs[1]] + reserves,
            {"epsilon": a.get("epsilon", 1e-4), "data_format": a.get("data_format", "NHWC"),
             "is_training": a.get("is_training", True)})
        return [g.outputs[0], g.outputs[1], g.outputs[2], None, None]


@register_op("FusedBatchNorm")
class FusedBatchNorm(_FusedBatchNormBase):
    """Batch normalization in one op (float32 only in TF; see the module docstring)."""


@register_op("FusedBatchNormV2")
class FusedBatchNormV2(_FusedBatchNormBase):
    """`FusedBatchNorm` with separate parameter dtype `U`."""


@register_op("FusedBatchNormV3")
class FusedBatchNormV3(_FusedBatchNormBase):
    """`FusedBatchNormV2` with a third (unused on CPU) reserve-space output."""

    n_reserve = 3


class _FusedBatchNormGradBase(OpDef):
    batch_parallel = True  # the NHWC kernels split their rows (kernels/parallel.py)
    fresh_outputs = True  # new arrays, none shared between outputs: a Relu after works in place

    def infer(self, y_backprop, x, scale, reserve_1, reserve_2, reserve_3=None, *,
              epsilon=1e-4, data_format="NHWC", is_training=True):
        _channel_axis(data_format)
        if y_backprop.dtype != x.dtype:
            raise TypeError(f"y_backprop is {y_backprop.dtype.name} but x is {x.dtype.name}")
        shape = x.shape.with_rank(4).merge_with(y_backprop.shape)
        vec = scale.shape.with_rank(1)
        u = scale.dtype
        return [spec(x.dtype, shape), spec(u, vec), spec(u, vec), spec(u, [0]), spec(u, [0])]

    def kernel(self, be, op, ctx):
        xp = be.xp
        a = op.attrs
        eps = float(a.get("epsilon", 1e-4))
        fmt = a.get("data_format", "NHWC")
        training = bool(a.get("is_training", True))
        axes, bshape = _reduce_axes(fmt), _bshape(fmt)
        u_dt = op.inputs[2].dtype.np_dtype
        x_dt = op.inputs[1].dtype.np_dtype

        def fused_batch_norm_grad(dy, x, scale, mean, var, *unused):
            if _fast_nhwc(fmt, x, u_dt) and dy.dtype == u_dt:
                return fast(dy, x, scale, mean, var)
            dyc = dy.astype(u_dt) if dy.dtype != u_dt else dy
            xc = x.astype(u_dt) if x.dtype != u_dt else x
            inv = 1.0 / xp.sqrt(var + u_dt.type(eps))
            xhat = (xc - mean.reshape(bshape)) * inv.reshape(bshape)
            d_offset = dyc.sum(axis=axes)
            d_scale = (dyc * xhat).sum(axis=axes)
            if training:
                n = u_dt.type(xc.size // scale.shape[0])
                dx = (scale * inv / n).reshape(bshape) * (
                    n * dyc - d_offset.reshape(bshape) - xhat * d_scale.reshape(bshape))
            else:
                dx = dyc * (scale * inv).reshape(bshape)
            empty = xp.zeros((0,), dtype=u_dt)
            return (dx.astype(x_dt, copy=False), d_scale.astype(u_dt, copy=False),
                    d_offset.astype(u_dt, copy=False), empty, empty.copy())

        def fast(dy, x, scale, mean, var):
            e = u_dt.type(eps)
            if training:
                dx, d_scale, d_offset = _train_backward_nhwc(be, dy, x, scale, mean, var, e)
            else:
                x2, dy2, (c, w) = _wide(x), _wide(dy), (x.shape[3], x.shape[2])
                inv = 1 / xp.sqrt(var + e)
                mean_w = xp.tile(mean, w)
                d_offset = _channel_sums(be, x2.shape[0], c, lambda ones, s, t: part_dot(
                    xp, ones, dy2[s:t]), dy2.nbytes, u_dt)
                d_scale = _channel_sums(be, x2.shape[0], c, lambda ones, s, t: part_dot(
                    xp, ones, dy2[s:t] * (x2[s:t] - mean_w)), 3 * x2.nbytes, u_dt) * inv
                dx = xp.multiply(dy2, xp.tile(scale * inv, w)).reshape(x.shape)
            empty = xp.zeros((0,), dtype=u_dt)
            return dx, d_scale, d_offset, empty, empty.copy()
        return fused_batch_norm_grad


@register_op("FusedBatchNormGrad")
class FusedBatchNormGrad(_FusedBatchNormGradBase):
    """Gradients of `FusedBatchNorm` (x, scale, offset) from its reserve spaces."""


@register_op("FusedBatchNormGradV2")
class FusedBatchNormGradV2(_FusedBatchNormGradBase):
    """Gradients of `FusedBatchNormV2`."""


@register_op("FusedBatchNormGradV3")
class FusedBatchNormGradV3(_FusedBatchNormGradBase):
    """Gradients of `FusedBatchNormV3` (inputs add the third reserve space)."""


for _t in ("FusedBatchNormGrad", "FusedBatchNormGradV2", "FusedBatchNormGradV3"):
    NotDifferentiable(_t)


def fused_batch_norm(x: Any, scale: Any, offset: Any, mean: Optional[Any] = None,
                     variance: Optional[Any] = None, epsilon: float = 0.001,
                     data_format: str = "NHWC", is_training: bool = True,
                     name: Optional[str] = None, exponential_avg_factor: float = 1.0) -> List:
    """Batch normalization in one op (`tf.nn.fused_batch_norm`): `(y, mean, variance)`.

    Args:
      x: A 4-D tensor (NHWC or NCHW).
      scale, offset: Per-channel gamma and beta (1-D, float32).
      mean, variance: The population statistics (required when `is_training` is False;
        with `is_training` and `exponential_avg_factor` < 1, the running values to blend).
      epsilon: Added to the variance.
      data_format: "NHWC" or "NCHW".
      is_training: Normalize with the batch's statistics.
      name: Op name.
      exponential_avg_factor: Weight of the batch statistics in the returned running ones.

    Returns:
      `[y, batch_mean, batch_variance]` (training: the batch's mean and unbiased variance).

    Raises:
      ValueError: For a missing mean/variance in inference, or wrong shapes.
    """
    if (not is_training or exponential_avg_factor != 1.0) and (mean is None or variance is None):
        raise ValueError("Both `mean` and `variance` must be a 1D tensor when `is_training` is "
                         "False or `exponential_avg_factor` != 1.0. Received: `mean` "
                         f"{mean!r} and `variance` {variance!r}")
    x = convert_to_tensor(x, name="input")
    scale = convert_to_tensor(scale, name="scale")
    offset = convert_to_tensor(offset, name="offset")
    # TF1 makes the empty statistics only when they are missing, outside the op's scope
    mean = constant([], dtype=scale.dtype) if mean is None else \
        convert_to_tensor(mean, dtype=scale.dtype)
    variance = constant([], dtype=scale.dtype) if variance is None else \
        convert_to_tensor(variance, dtype=scale.dtype)
    with name_scope(name, "FusedBatchNormV3", [x, scale, offset]) as scope:
        op = get_default_graph().create_op(
            "FusedBatchNormV3", [x, scale, offset, mean, variance],
            {"epsilon": float(epsilon), "exponential_avg_factor": float(exponential_avg_factor),
             "data_format": data_format, "is_training": bool(is_training)}, name=scope)
        return op.outputs[:3]


__all__: List[str] = []
