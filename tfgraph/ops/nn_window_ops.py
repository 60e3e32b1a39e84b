"""More 2-D window ops of `tf.nn`: local response normalization (`LRN`, `LRNGrad`),
`MaxPoolWithArgmax` (+ `MaxPoolGradWithArgmax`, `MaxPoolGradGradWithArgmax`), grayscale
morphology (`Dilation2D`, `Dilation2DBackpropInput`, `Dilation2DBackpropFilter`; erosion2d by
duality), fractional pooling (`FractionalMaxPool`, `FractionalAvgPool` and their gradients),
and `batch_norm_with_global_normalization`.

Window geometry (SAME/VALID, strides, rates) is conv_ops' `make_geometry`; the kernels loop over
the kernel offsets, each a strided slice of the padded input (pool_ops' approach).  Ties go to
the FIRST maximum in row-major window order (TF's CPU kernels compare with `>`).

Fractional pooling draws its pooling sequences on the host with TF's two algorithms (random:
a shuffled list of `k` / `k + 1` steps; pseudo-random: `ceil(alpha * (i + u)) - ceil(alpha * u)`)
from NumPy's generator, so the regions are not TF's Philox draws; `deterministic=True` with
seeds gives the same regions in every run and session.
"""
from __future__ import annotations

import collections
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, graph_of, name_scope
from ..framework.graph import Tensor
from ..framework.registry import OpDef, register_op, spec
from ..kernels import parallel
from . import array_ops, math_ops
from .conv_ops import Geometry, make_geometry, padded_input, spatial_output
from .nn_ops import batch_normalization


def _floating(t: Tensor, op_type: str, allowed=("float16", "float32")) -> None:
    if t.dtype.name not in allowed:
        raise TypeError(f"Value passed to parameter 'input' has DataType {t.dtype.name} not in "
                        f"list of allowed values: {', '.join(allowed)} (op {op_type})")


def _lowest(dtype) -> Any:
    dtype = np.dtype(dtype)
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


# --- LRN -------------------------------------------------------------------------------------------
_bands: Dict[Any, Any] = {}


def _window_sum(be, v: Any, r: int) -> Any:
    """`sum(v[..., d - r : d + r + 1])` along the last axis (clipped at the ends), as TF's CPU
    kernel computes it: the product with a (depth, depth) band matrix of ones (64 channels,
    128x12x12 pixels: 5.3 ms as 2r shifted adds over rows of 64, 0.9 ms as one GEMM); as in
    TF, an infinite input can make sums of its pixel NaN (inf * 0 inside the product)."""
    xp = be.xp
    depth = v.shape[-1]
    key = (be.name, depth, r, v.dtype.str)
    band = _bands.get(key)
    if band is None:
        d = np.arange(depth)
        band = _bands[key] = xp.asarray((np.abs(d[:, None] - d[None, :]) <= r).astype(v.dtype))
    return parallel.matmul(be, v.reshape(-1, depth), band).reshape(v.shape)


def _pow_neg(xp, norm: Any, beta: float) -> Any:
    """`norm ** -beta`, with TF's cases for beta 1 and 0.5 (a reciprocal, a reciprocal
    square root)."""
    if beta == 1.0:
        return xp.reciprocal(norm)
    if beta == 0.5:
        return xp.reciprocal(xp.sqrt(norm))
    return xp.power(norm, norm.dtype.type(-beta))


def _lrn_attrs(attrs: Dict[str, Any]):
    return (int(attrs.get("depth_radius", 5)), float(attrs.get("bias", 1.0)),
            float(attrs.get("alpha", 1.0)), float(attrs.get("beta", 0.5)))


@register_op("LRN")
class LRN(OpDef):
    """Local response normalization across the last axis:
    `x / (bias + alpha * sum(x[d-r:d+r+1] ** 2)) ** beta`."""

    fresh_outputs = True

    def infer(self, input, **attrs):
        _floating(input, "LRN")
        return spec(input.dtype, input.shape.with_rank(4))

    def compute(self, be, x, **attrs):
        r, bias, alpha, beta = _lrn_attrs(attrs)
        xp = be.xp
        norm = _window_sum(be, x * x, r)
        norm *= x.dtype.type(alpha)
        norm += x.dtype.type(bias)
        return x * _pow_neg(xp, norm, beta)

    def gradient(self, op, grad):
        return [lrn_grad(grad, op.inputs[0], op.outputs[0], **_lrn_kw(op))]


def _lrn_kw(op) -> Dict[str, Any]:
    r, bias, alpha, beta = _lrn_attrs(op.attrs)
    return {"depth_radius": r, "bias": bias, "alpha": alpha, "beta": beta}


@register_op("LRNGrad")
class LRNGrad(OpDef):
    """Gradient of LRN (inputs: input_grads, input_image, output_image)."""

    fresh_outputs = True

    def infer(self, input_grads, input_image, output_image, **attrs):
        _floating(input_grads, "LRNGrad")
        s = input_grads.shape.with_rank(4).merge_with(input_image.shape.with_rank(4))
        return spec(input_grads.dtype, s.merge_with(output_image.shape.with_rank(4)))

    def compute(self, be, dy, x, y, **attrs):
        r, bias, alpha, beta = _lrn_attrs(attrs)
        xp = be.xp
        t = x.dtype.type
        norm = _window_sum(be, x * x, r) * t(alpha) + t(bias)
        # d out[j] / d x[k] = [j == k] N_j^-beta - 2 alpha beta x_k x_j N_j^(-beta-1)
        s = _window_sum(be, dy * y / norm, r)
        return dy * _pow_neg(xp, norm, beta) - t(2.0 * alpha * beta) * x * s


def lrn_grad(input_grads: Tensor, input_image: Tensor, output_image: Tensor,
             depth_radius: int = 5, bias: float = 1.0, alpha: float = 1.0, beta: float = 0.5,
             name: Optional[str] = None) -> Tensor:
    return input_grads.graph.create_op(
        "LRNGrad", [input_grads, input_image, output_image],
        {"depth_radius": int(depth_radius), "bias": float(bias), "alpha": float(alpha),
         "beta": float(beta)}, name=name or "LRNGrad").outputs[0]


def local_response_normalization(input: Any, depth_radius: int = 5,  # noqa: A002
                                 bias: float = 1.0, alpha: float = 1.0, beta: float = 0.5,
                                 name: Optional[str] = None) -> Tensor:
    """Local response normalization (`tf.nn.lrn`, `tf.nn.local_response_normalization`).

    Each value is divided by `(bias + alpha * sqr_sum) ** beta`, `sqr_sum` the sum of squares
    over the `2 * depth_radius + 1` nearest channels (last axis).

    Args:
      input: A 4-D float16/float32 tensor.
      depth_radius: Half-width of the normalization window (default 5).
      bias, alpha, beta: Floats (defaults 1, 1, 0.5).
      name: Op name (default "LRN").

    Raises:
      TypeError: For a dtype other than float16/float32 (as TF1).
      ValueError: For an input that is not 4-D.
    """
    graph = graph_of([input])
    with graph.as_default():
        input = convert_to_tensor(input, name="input")
        return graph.create_op("LRN", [input],
                               {"depth_radius": int(depth_radius), "bias": float(bias),
                                "alpha": float(alpha), "beta": float(beta)},
                               name=name or "LRN").outputs[0]


lrn = local_response_normalization


# --- MaxPoolWithArgmax ---------------------------------------------------------------------------
def _check_window4(attrs: Dict[str, Any], op_type: str, keys=("ksize", "strides")) -> None:
    for key in keys:
        v = attrs.get(key)
        if v is None:
            continue
        if len(v) != 4:
            raise ValueError(f"{op_type} requires the {key} attribute to contain 4 values, got "
                             f"{list(v)}")
        if any(int(x) < 1 for x in v):
            raise ValueError(f"{op_type}: {key} must be positive, got {list(v)}")
        if v[0] != 1 or v[3] != 1:
            raise ValueError(f"{op_type}: Pooling/strides/rates are not yet supported on the "
                             f"batch or depth dimension, got {key}={list(v)}")
    if attrs.get("padding") not in ("SAME", "VALID"):
        raise ValueError(f"Value for attr 'padding' of {attrs.get('padding')!r} is not in the "
                         f"list of allowed values: \"SAME\", \"VALID\" (op {op_type})")


def _pool_geometry(shape, attrs) -> Geometry:
    k = attrs["ksize"]
    return make_geometry(shape, k[1], k[2], {"strides": attrs["strides"],
                                             "padding": attrs["padding"]})


def _pool_out_shape(dims, attrs) -> List[Optional[int]]:
    n, h, w, c = dims
    k, s = attrs["ksize"], attrs["strides"]
    return [n, spatial_output(h, k[1], s[1], 1, attrs["padding"])[0],
            spatial_output(w, k[2], s[2], 1, attrs["padding"])[0], c]


def _first_max(be, x: Any, g: Geometry, extra=None):
    """(max, index of the winning offset) over each window, first maximum in row-major order;
    `extra(i, j)` is added to the window values (Dilation2D's filter)."""
    xp = be.xp
    with padded_input(be, x, g, fill=_lowest(x.dtype)) as xpad:
        best = arg = None
        for k in range(g.kh * g.kw):
            i, j = divmod(k, g.kw)
            v = xpad[g.offset_slice(i, j)]
            if extra is not None:
                v = v + extra(i, j)
            if best is None:
                best = v.copy()
                arg = xp.zeros(best.shape, dtype=np.int32)
                continue
            better = v > best
            best = xp.where(better, v, best)
            arg = xp.where(better, np.int32(k), arg)
    return best, arg


def _flat_index(be, arg: Any, g: Geometry, include_batch: bool) -> Any:
    """TF's flattened argmax of each window's winner: `((b * H + y) * W + x) * C + c`, with the
    batch term only when `include_batch`."""
    xp = be.xp
    i, j = arg // g.kw, arg % g.kw
    oy = be.from_host(np.arange(g.oh, dtype=np.int64).reshape(1, -1, 1, 1))
    ox = be.from_host(np.arange(g.ow, dtype=np.int64).reshape(1, 1, -1, 1))
    rows = oy * g.sh + i.astype(np.int64) * g.dh - g.pt
    cols = ox * g.sw + j.astype(np.int64) * g.dw - g.pl
    ch = be.from_host(np.arange(g.c, dtype=np.int64).reshape(1, 1, 1, -1))
    idx = (rows * g.w + cols) * g.c + ch
    if include_batch:
        b = be.from_host(np.arange(g.n, dtype=np.int64).reshape(-1, 1, 1, 1))
        idx = idx + b * (g.h * g.w * g.c)
    return xp.ascontiguousarray(idx)


def _batch_offsets(be, shape, per_batch: int) -> Any:
    return be.from_host((np.arange(shape[0], dtype=np.int64) * per_batch).reshape(
        (-1,) + (1,) * (len(shape) - 1)))


@register_op("MaxPoolWithArgmax")
class MaxPoolWithArgmax(OpDef):
    """Max pooling (NHWC) that also returns the flattened index of each window's maximum."""

    def infer(self, input, **attrs):
        _check_window4(attrs, "MaxPoolWithArgmax")
        dims = input.shape.with_rank(4).as_list()
        out = _pool_out_shape(dims, attrs)
        return [spec(input.dtype, out), spec(attrs.get("Targmax", dtypes.int64), out)]

    def compute(self, be, x, **attrs):
        g = _pool_geometry(x.shape, attrs)
        best, arg = _first_max(be, x, g)
        idx = _flat_index(be, arg, g, bool(attrs.get("include_batch_in_index", False)))
        return best, idx.astype(dtypes.as_dtype(attrs.get("Targmax", dtypes.int64)).np_dtype)

    def gradient(self, op, grad, *_):
        return [max_pool_grad_with_argmax(op.inputs[0], grad, op.outputs[1], op.attrs)]


@register_op("MaxPoolGradWithArgmax")
class MaxPoolGradWithArgmax(OpDef):
    """Gradient of MaxPoolWithArgmax (inputs: input, grad, argmax): each gradient value added
    at its argmax position."""

    fresh_outputs = True

    def infer(self, input, grad, argmax, **attrs):
        _check_window4(attrs, "MaxPoolGradWithArgmax")
        return spec(grad.dtype, input.shape.with_rank(4))

    def compute(self, be, x, dy, argmax, **attrs):
        xp = be.xp
        flat = xp.zeros(x.size, dtype=dy.dtype)
        idx = argmax.astype(np.int64)
        if not attrs.get("include_batch_in_index", False):
            idx = idx + _batch_offsets(be, idx.shape, int(np.prod(x.shape[1:])))
        be.scatter_add(flat, idx.reshape(-1), dy.reshape(-1))
        return flat.reshape(x.shape)

    def gradient(self, op, grad):
        x, _, argmax = op.inputs
        return [array_ops.zeros_like(x),
                _argmax_op("MaxPoolGradGradWithArgmax", x, grad, argmax, op.attrs), None]


@register_op("MaxPoolGradGradWithArgmax")
class MaxPoolGradGradWithArgmax(OpDef):
    """Gradient of MaxPoolGradWithArgmax w.r.t. its `grad`: the values at the argmax
    positions (inputs: input, grad [input's shape], argmax)."""

    fresh_outputs = True

    def infer(self, input, grad, argmax, **attrs):
        _check_window4(attrs, "MaxPoolGradGradWithArgmax")
        return spec(grad.dtype, argmax.shape)

    def compute(self, be, x, g, argmax, **attrs):
        idx = argmax.astype(np.int64)
        if not attrs.get("include_batch_in_index", False):
            idx = idx + _batch_offsets(be, idx.shape, int(np.prod(x.shape[1:])))
        return be.xp.take(g.reshape(-1), idx)

    def gradient(self, op, grad):
        x, _, argmax = op.inputs
        return [array_ops.zeros_like(x),
                _argmax_op("MaxPoolGradWithArgmax", x, grad, argmax, op.attrs), None]


def _argmax_op(op_type: str, x: Tensor, g: Tensor, argmax: Tensor, attrs) -> Tensor:
    a = {k: attrs[k] for k in ("ksize", "strides", "padding")}
    a["include_batch_in_index"] = bool(attrs.get("include_batch_in_index", False))
    return x.graph.create_op(op_type, [x, g, argmax], a, name=op_type).outputs[0]


def max_pool_grad_with_argmax(x: Tensor, grad: Tensor, argmax: Tensor, attrs) -> Tensor:
    return _argmax_op("MaxPoolGradWithArgmax", x, grad, argmax, attrs)


MaxPoolWithArgmaxResult = collections.namedtuple("MaxPoolWithArgmax", ["output", "argmax"])


def max_pool_with_argmax(input: Any, ksize: Any, strides: Any, padding: str,  # noqa: A002
                         data_format: str = "NHWC", Targmax: Any = None,  # noqa: N803
                         name: Optional[str] = None, output_dtype: Any = None,
                         include_batch_in_index: bool = False):
    """Max pooling that also returns the flattened input index of each maximum
    (`tf.nn.max_pool_with_argmax`).

    The index of `input[b, y, x, c]` is `(y * width + x) * channels + c`, plus
    `b * height * width * channels` when `include_batch_in_index`.  Ties go to the first
    maximum in row-major window order.

    Args:
      input: A 4-D NHWC tensor.
      ksize, strides: Lists of 4 ints (1 in the batch and channel axes).
      padding: "SAME" or "VALID".
      data_format: Only "NHWC".
      Targmax, output_dtype: The index dtype, tf.int64 (default) or tf.int32.
      name: Op name (default "MaxPoolWithArgmax").
      include_batch_in_index: Whether the index counts the batch too.

    Returns:
      A `(output, argmax)` namedtuple.

    Raises:
      ValueError: For another data_format or bad ksize/strides/padding.
    """
    if data_format != "NHWC":
        raise ValueError("Data formats other than 'NHWC' are not yet supported")
    targmax = Targmax if Targmax is not None else output_dtype
    targmax = dtypes.as_dtype(targmax if targmax is not None else dtypes.int64)
    if targmax not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value for attr 'Targmax' of {targmax.name} is not in the list of "
                        f"allowed values: int32, int64")

    def seq(v):
        v = [int(v)] if isinstance(v, (int, np.integer)) else [int(a) for a in v]
        return [1] + v * 2 + [1] if len(v) == 1 else [1] + v + [1] if len(v) == 2 else v
    attrs = {"ksize": seq(ksize), "strides": seq(strides), "padding": padding,
             "Targmax": targmax, "include_batch_in_index": bool(include_batch_in_index)}
    graph = graph_of([input])
    with graph.as_default():
        input = convert_to_tensor(input, name="input")
        op = graph.create_op("MaxPoolWithArgmax", [input], attrs,
                             name=name or "MaxPoolWithArgmax")
        return MaxPoolWithArgmaxResult(op.outputs[0], op.outputs[1])


# --- Dilation2D ------------------------------------------------------------------------------------
def _dilation_geometry(shape, filter_shape, attrs) -> Geometry:
    return make_geometry(shape, filter_shape[0], filter_shape[1],
                         {"strides": attrs["strides"], "dilations": attrs["rates"],
                          "padding": attrs["padding"]})


def _dilation_shape(input: Tensor, filter: Tensor, attrs, op_type: str):  # noqa: A002
    _check_window4(attrs, op_type, keys=("strides", "rates"))
    n, h, w, c = input.shape.with_rank(4).as_list()
    fh, fw, fc = filter.shape.with_rank(3).as_list()
    if c is not None and fc is not None and c != fc:
        raise ValueError(f"{op_type}: Dimensions must be equal, but are {c} and {fc} (input "
                         f"depth and filter depth)")
    s, r = attrs["strides"], attrs["rates"]
    return [n, spatial_output(h, fh, s[1], r[1], attrs["padding"])[0],
            spatial_output(w, fw, s[2], r[2], attrs["padding"])[0], c if c is not None else fc]


def _dilation_argmax(be, x, w, g):
    return _first_max(be, x, g, extra=lambda i, j: w[i, j])


@register_op("Dilation2D")
class Dilation2D(OpDef):
    """Grayscale dilation: `max over (dy, dx) of input[y*s + dy*r, x*s + dx*r, c] +
    filter[dy, dx, c]` (NHWC input, [fh, fw, C] filter)."""

    fresh_outputs = True

    def infer(self, input, filter, **attrs):
        if input.dtype != filter.dtype:
            raise TypeError(f"Input 'filter' of 'Dilation2D' has type {filter.dtype.name} that "
                            f"does not match type {input.dtype.name} of argument 'input'.")
        return spec(input.dtype, _dilation_shape(input, filter, attrs, "Dilation2D"))

    def compute(self, be, x, w, **attrs):
        g = _dilation_geometry(x.shape, w.shape, attrs)
        return _dilation_argmax(be, x, w, g)[0]

    def gradient(self, op, grad):
        x, w = op.inputs
        a = {k: op.attrs[k] for k in ("strides", "rates", "padding")}
        return [x.graph.create_op("Dilation2DBackpropInput", [x, w, grad], dict(a),
                                  name="Dilation2DBackpropInput").outputs[0],
                x.graph.create_op("Dilation2DBackpropFilter", [x, w, grad], dict(a),
                                  name="Dilation2DBackpropFilter").outputs[0]]


@register_op("Dilation2DBackpropInput")
class Dilation2DBackpropInput(OpDef):
    """Gradient of Dilation2D w.r.t. its input: each output's gradient goes to the input that
    won its window."""

    fresh_outputs = True

    def infer(self, input, filter, out_backprop, **attrs):
        _dilation_shape(input, filter, attrs, "Dilation2DBackpropInput")
        return spec(input.dtype, input.shape)

    def compute(self, be, x, w, dy, **attrs):
        xp = be.xp
        g = _dilation_geometry(x.shape, w.shape, attrs)
        _, arg = _dilation_argmax(be, x, w, g)
        dx = xp.zeros((g.n, g.h + g.pt + g.pb, g.w + g.pl + g.pr, g.c), dtype=dy.dtype)
        for k in range(g.kh * g.kw):
            dst = dx[g.offset_slice(*divmod(k, g.kw))]
            xp.add(dst, xp.where(arg == k, dy, 0).astype(dy.dtype, copy=False), out=dst)
        return xp.ascontiguousarray(dx[:, g.pt:g.pt + g.h, g.pl:g.pl + g.w, :])


@register_op("Dilation2DBackpropFilter")
class Dilation2DBackpropFilter(OpDef):
    """Gradient of Dilation2D w.r.t. its filter: the sum of the output gradients whose window
    each filter tap won."""

    fresh_outputs = True

    def infer(self, input, filter, out_backprop, **attrs):
        _dilation_shape(input, filter, attrs, "Dilation2DBackpropFilter")
        return spec(filter.dtype, filter.shape)

    def compute(self, be, x, w, dy, **attrs):
        xp = be.xp
        g = _dilation_geometry(x.shape, w.shape, attrs)
        _, arg = _dilation_argmax(be, x, w, g)
        dw = xp.zeros(w.shape, dtype=dy.dtype)
        for k in range(g.kh * g.kw):
            dw[divmod(k, g.kw)] = xp.where(arg == k, dy, 0).sum(axis=(0, 1, 2))
        return dw


def _seq4(v: Any, name: str) -> List[int]:
    if isinstance(v, (int, np.integer)):
        v = [int(v)]
    v = [int(a) for a in v]
    if len(v) == 1:
        v = v * 2
    if len(v) == 2:
        v = [1] + v + [1]
    if len(v) != 4:
        raise ValueError(f"{name} should be of length 1, 2 or 4 but was {len(v)}")
    return v


def dilation2d(input: Any, filter: Any = None, strides: Any = None,  # noqa: A002
               rates: Any = None, padding: Any = None, name: Optional[str] = None,
               filters: Any = None, dilations: Any = None) -> Tensor:
    """Grayscale morphological dilation (`tf.nn.dilation2d`, op `Dilation2D`).

    Args:
      input: A 4-D NHWC tensor.
      filter: A 3-D tensor [filter_height, filter_width, depth].
      strides: List of 4 ints (1 in the batch and channel axes).
      rates: List of 4 ints: the input stride of the filter taps (atrous dilation).
      padding: "SAME" or "VALID".
      name: Op name (default "Dilation2D").
      filters, dilations: Aliases of `filter` and `rates`.

    Raises:
      ValueError: For bad strides/rates/padding or mismatched depths.
    """
    filter = filters if filter is None else filter
    rates = dilations if rates is None else rates
    attrs = {"strides": _seq4(strides, "strides"), "rates": _seq4(rates, "rates"),
             "padding": padding}
    graph = graph_of([input, filter])
    with graph.as_default():
        input = convert_to_tensor(input, name="input")
        filter = convert_to_tensor(filter, dtype=input.dtype, name="filter")
        return graph.create_op("Dilation2D", [input, filter], attrs,
                               name=name or "Dilation2D").outputs[0]


def erosion2d(value: Any, kernel: Any, strides: Any, rates: Any, padding: Any,
              name: Optional[str] = None) -> Tensor:
    """Grayscale morphological erosion (`tf.nn.erosion2d`): `-dilation2d(-value,
    reverse(kernel, [0, 1]))`, as TF1 builds it.

    Args:
      value: A 4-D NHWC tensor.
      kernel: A 3-D tensor [kernel_height, kernel_width, depth].
      strides, rates: Lists of 4 ints.
      padding: "SAME" or "VALID".
      name: Name scope (default "erosion2d").
    """
    with name_scope(name, "erosion2d", [value, kernel]) as scope:
        value = convert_to_tensor(value, name="value")
        kernel = convert_to_tensor(kernel, dtype=value.dtype, name="kernel")
        return math_ops.negative(dilation2d(math_ops.negative(value),
                                            array_ops.reverse_v2(kernel, [0, 1]), strides, rates,
                                            padding, name=scope))


# --- fractional pooling -------------------------------------------------------------------------
def _sequence(rng: np.random.Generator, n_in: int, n_out: int, pseudo_random: bool) -> np.ndarray:
    """TF's GeneratePoolingSequence: n_out + 1 increasing boundaries from 0 to n_in."""
    if pseudo_random:
        alpha = n_in / n_out
        k = n_in // n_out
        u_max = min((k + 2) / alpha - 1, (n_in + 1 - k) / alpha - (n_out - 1))
        u = rng.random() * u_max
        seq = [0] + [int(np.ceil(alpha * (i + u)) - np.ceil(alpha * u)) for i in range(1, n_out)]
        return np.asarray(seq + [n_in], dtype=np.int64)
    k, extra = divmod(n_in, n_out)
    diff = np.full(n_out, k, dtype=np.int64)
    diff[:extra] += 1
    rng.shuffle(diff)
    return np.concatenate([[0], np.cumsum(diff)]).astype(np.int64)


def _fractional_shape(input: Tensor, attrs, op_type: str):  # noqa: A002
    ratio = [float(r) for r in attrs["pooling_ratio"]]
    if len(ratio) != 4:
        raise ValueError(f"{op_type}: pooling_ratio field must specify 4 dimensions")
    if ratio[0] != 1.0 or ratio[3] != 1.0:
        raise ValueError(f"{op_type} is not yet supported on the batch nor channel dimension "
                         f"(pooling_ratio {ratio})")
    if min(ratio) < 1.0:
        raise ValueError(f"{op_type}: pooling_ratio cannot be smaller than 1, got {ratio}")
    if attrs.get("seed", 0) or attrs.get("seed2", 0):
        if not attrs.get("deterministic", False):
            raise ValueError(f"{op_type}: Both seed and seed2 should be 0 if deterministic is "
                             f"false.")
    dims = input.shape.with_rank(4).as_list()
    out = [d if d is None else int(np.floor(d / r)) for d, r in zip(dims, ratio)]
    return dims, out


def _regions(rows: np.ndarray, n: int, overlapping: bool):
    """(index matrix [n_out, K], valid mask [n_out, K]) of the input positions of each pooling
    region; invalid slots repeat the region's last position."""
    starts = rows[:-1]
    ends = np.minimum(rows[1:] if overlapping else rows[1:] - 1, n - 1)
    width = int((ends - starts).max()) + 1 if len(starts) else 1
    idx = starts[:, None] + np.arange(width)[None, :]
    valid = idx <= ends[:, None]
    return np.minimum(idx, ends[:, None]), valid


def _gather_regions(be, x: Any, rows, cols, overlapping: bool):
    """The (N, OH, OW, KH*KW, C) values of each pooling region and the matching flat input
    positions (y * W + x) and valid mask (KH*KW,) per output."""
    xp = be.xp
    ri, rv = _regions(rows, x.shape[1], overlapping)
    ci, cv = _regions(cols, x.shape[2], overlapping)
    oh, kh = ri.shape
    ow, kw = ci.shape
    v = xp.take(x, be.from_host(ri.reshape(-1)), axis=1)
    v = xp.take(v, be.from_host(ci.reshape(-1)), axis=2)
    v = v.reshape(x.shape[0], oh, kh, ow, kw, x.shape[3]).transpose(0, 1, 3, 2, 4, 5)
    v = v.reshape(x.shape[0], oh, ow, kh * kw, x.shape[3])
    pos = (ri[:, None, :, None] * x.shape[2] + ci[None, :, None, :]).reshape(oh, ow, kh * kw)
    valid = (rv[:, None, :, None] & cv[None, :, None, :]).reshape(oh, ow, kh * kw)
    return v, pos, valid


class _FractionalBase(OpDef):
    stateful = True  # draws new pooling regions every run unless deterministic

    def infer(self, value, **attrs):
        dims, out = _fractional_shape(value, attrs, self.type_name)
        return [spec(value.dtype, out), spec(dtypes.int64, [None if out[1] is None
                                                             else out[1] + 1]),
                spec(dtypes.int64, [None if out[2] is None else out[2] + 1])]

    def kernel(self, be, op, ctx):
        attrs = op.attrs
        ratio = [float(r) for r in attrs["pooling_ratio"]]
        pseudo = bool(attrs.get("pseudo_random", False))
        overlapping = bool(attrs.get("overlapping", False))
        seed, seed2 = int(attrs.get("seed", 0)), int(attrs.get("seed2", 0))
        deterministic = bool(attrs.get("deterministic", False))
        if deterministic and seed == 0 and seed2 == 0:
            seed, seed2 = (int(s) for s in np.random.SeedSequence().generate_state(2))
        state = ctx.resource(("fractional_pool", op), lambda: np.random.default_rng(
            None if not deterministic else [seed, seed2]))
        reduce = self.reduce

        def fractional_pool_kernel(x):
            rng = np.random.default_rng([seed, seed2]) if deterministic else state
            h, w = x.shape[1], x.shape[2]
            oh, ow = int(np.floor(h / ratio[1])), int(np.floor(w / ratio[2]))
            if oh < 1 or ow < 1:
                raise ValueError(f"{op.type}: output size must be positive, got "
                                 f"{[oh, ow]} for input {list(x.shape)} and pooling_ratio "
                                 f"{ratio}")
            rows = _sequence(rng, h, oh, pseudo)
            cols = _sequence(rng, w, ow, pseudo)
            v, _, valid = _gather_regions(be, x, rows, cols, overlapping)
            return (reduce(be, v, valid), be.from_host(rows), be.from_host(cols))
        return fractional_pool_kernel


@register_op("FractionalMaxPool")
class FractionalMaxPool(_FractionalBase):
    """Max pooling over pseudo-random regions of about `pooling_ratio` input rows/columns."""

    @staticmethod
    def reduce(be, v, valid):
        return v.max(axis=3)  # invalid slots repeat a valid position: max unchanged

    def gradient(self, op, grad, *_):
        x = op.inputs[0]
        return [x.graph.create_op("FractionalMaxPoolGrad",
                                  [x, op.outputs[0], grad, op.outputs[1], op.outputs[2]],
                                  {"overlapping": bool(op.attrs.get("overlapping", False))},
                                  name="FractionalMaxPoolGrad").outputs[0]]


@register_op("FractionalAvgPool")
class FractionalAvgPool(_FractionalBase):
    """Average pooling over pseudo-random regions of about `pooling_ratio` rows/columns."""

    @staticmethod
    def reduce(be, v, valid):
        m = be.from_host(valid.astype(v.dtype))[None, :, :, :, None]
        return (v * m).sum(axis=3) / m.sum(axis=3)

    def gradient(self, op, grad, *_):
        x = op.inputs[0]
        return [x.graph.create_op("FractionalAvgPoolGrad",
                                  [array_ops.shape(x, out_type=dtypes.int64), grad,
                                   op.outputs[1], op.outputs[2]],
                                  {"overlapping": bool(op.attrs.get("overlapping", False))},
                                  name="FractionalAvgPoolGrad").outputs[0]]


def _host_seq(v) -> np.ndarray:
    return np.asarray(v, dtype=np.int64).reshape(-1)


@register_op("FractionalMaxPoolGrad")
class FractionalMaxPoolGrad(OpDef):
    """Gradient of FractionalMaxPool (inputs: orig_input, orig_output, out_backprop,
    row_pooling_sequence, col_pooling_sequence): to the first maximum of each region."""

    fresh_outputs = True
    host_inputs = (3, 4)

    def infer(self, orig_input, orig_output, out_backprop, row_seq, col_seq, **attrs):
        return spec(out_backprop.dtype, orig_input.shape)

    def compute(self, be, x, y, dy, rows, cols, **attrs):
        xp = be.xp
        v, pos, valid = _gather_regions(be, x, _host_seq(rows), _host_seq(cols),
                                        bool(attrs.get("overlapping", False)))
        v = xp.where(be.from_host(valid)[None, :, :, :, None], v, _lowest(v.dtype))
        win = xp.argmax(v, axis=3)  # (N, OH, OW, C): first maximum
        p = xp.take(be.from_host(pos.reshape(-1, pos.shape[-1])),
                    (win + be.from_host(np.arange(pos.shape[0] * pos.shape[1]).reshape(
                        1, pos.shape[0], pos.shape[1], 1) * pos.shape[2])).reshape(-1))
        n, h, w, c = x.shape
        flat = xp.zeros(n * h * w * c, dtype=dy.dtype)
        idx = (p.reshape(win.shape) * c + be.from_host(np.arange(c).reshape(1, 1, 1, -1))
               + be.from_host((np.arange(n) * h * w * c).reshape(-1, 1, 1, 1)))
        be.scatter_add(flat, idx.reshape(-1), dy.reshape(-1))
        return flat.reshape(x.shape)


@register_op("FractionalAvgPoolGrad")
class FractionalAvgPoolGrad(OpDef):
    """Gradient of FractionalAvgPool (inputs: orig_input_tensor_shape, out_backprop,
    row_pooling_sequence, col_pooling_sequence): spread evenly over each region."""

    fresh_outputs = True
    host_inputs = (0, 2, 3)

    def infer(self, orig_input_tensor_shape, out_backprop, row_seq, col_seq, **attrs):
        from .conv_ops import _static_dims
        return spec(out_backprop.dtype, _static_dims(orig_input_tensor_shape) or [None] * 4)

    def compute(self, be, shape, dy, rows, cols, **attrs):
        xp = be.xp
        n, h, w, c = (int(d) for d in np.asarray(shape).reshape(-1))
        overlapping = bool(attrs.get("overlapping", False))
        ri, rv = _regions(_host_seq(rows), h, overlapping)
        ci, cv = _regions(_host_seq(cols), w, overlapping)
        oh, ow = ri.shape[0], ci.shape[0]
        pos = (ri[:, None, :, None] * w + ci[None, :, None, :]).reshape(oh, ow, -1)
        valid = (rv[:, None, :, None] & cv[None, :, None, :]).reshape(oh, ow, -1)
        count = valid.sum(axis=2)
        flat = xp.zeros(n * h * w * c, dtype=dy.dtype)
        share = dy / be.from_host(count.astype(dy.dtype))[None, :, :, None]
        sel = pos[valid]  # (M,) flat positions of the valid slots, output-major
        which = np.nonzero(valid)  # (oh index, ow index, slot)
        vals = share[:, which[0], which[1], :]  # (N, M, C)
        idx = (be.from_host(sel.reshape(1, -1, 1)) * c + be.from_host(np.arange(c).reshape(
            1, 1, -1)) + be.from_host((np.arange(n) * h * w * c).reshape(-1, 1, 1)))
        be.scatter_add(flat, idx.reshape(-1), vals.reshape(-1))
        return flat.reshape(n, h, w, c)


FractionalPoolResult = collections.namedtuple(
    "FractionalPool", ["output", "row_pooling_sequence", "col_pooling_sequence"])


def _fractional(op_type: str, value, pooling_ratio, pseudo_random, overlapping, deterministic,
                seed, seed2, name):
    ratio = [float(r) for r in pooling_ratio] if not isinstance(pooling_ratio, (int, float)) \
        else [1.0, float(pooling_ratio), float(pooling_ratio), 1.0]
    if len(ratio) == 2:
        ratio = [1.0] + ratio + [1.0]
    attrs = {"pooling_ratio": ratio, "pseudo_random": bool(pseudo_random),
             "overlapping": bool(overlapping), "deterministic": bool(deterministic),
             "seed": int(seed), "seed2": int(seed2)}
    graph = graph_of([value])
    with graph.as_default():
        value = convert_to_tensor(value, name="value")
        op = graph.create_op(op_type, [value], attrs, name=name or op_type)
        return FractionalPoolResult(*op.outputs)


def fractional_max_pool(value: Any, pooling_ratio: Sequence[float], pseudo_random: bool = False,
                        overlapping: bool = False, deterministic: bool = False, seed: int = 0,
                        seed2: int = 0, name: Optional[str] = None):
    """Fractional max pooling (`tf.nn.fractional_max_pool`, TF1 signature).

    Args:
      value: A 4-D NHWC tensor.
      pooling_ratio: 4 floats >= 1 ([1.0, rows, cols, 1.0]); output size floor(in / ratio).
      pseudo_random: Pseudo-random (True) or random (False) pooling sequences.
      overlapping: Whether neighbouring regions share their boundary row/column.
      deterministic: Use the same regions in every run.
      seed, seed2: Seeds of the sequences (nonzero only with deterministic=True, as TF1).
      name: Op name (default "FractionalMaxPool").

    Returns:
      `(output, row_pooling_sequence, col_pooling_sequence)`.

    Raises:
      ValueError: For a bad pooling_ratio or seeds without deterministic.
    """
    return _fractional("FractionalMaxPool", value, pooling_ratio, pseudo_random, overlapping,
                       deterministic, seed, seed2, name)


def fractional_avg_pool(value: Any, pooling_ratio: Sequence[float], pseudo_random: bool = False,
                        overlapping: bool = False, deterministic: bool = False, seed: int = 0,
                        seed2: int = 0, name: Optional[str] = None):
    """Fractional average pooling (`tf.nn.fractional_avg_pool`); arguments as
    `fractional_max_pool`."""
    return _fractional("FractionalAvgPool", value, pooling_ratio, pseudo_random, overlapping,
                       deterministic, seed, seed2, name)


# --- batch_norm_with_global_normalization ----------------------------------------------------------
def batch_norm_with_global_normalization(t: Any = None, m: Any = None, v: Any = None,
                                         beta: Any = None, gamma: Any = None,
                                         variance_epsilon: Any = None,
                                         scale_after_normalization: Any = None,
                                         name: Optional[str] = None, input: Any = None,  # noqa: A002
                                         mean: Any = None, variance: Any = None) -> Tensor:
    """Batch normalization with given (global) statistics
    (`tf.nn.batch_norm_with_global_normalization`): `batch_normalization(t, m, v, beta,
    gamma if scale_after_normalization else None, variance_epsilon)`, as TF1 builds it.

    Args:
      t / input: The input tensor (channels last).
      m / mean, v / variance: 1-D mean and variance of the last axis.
      beta: 1-D offset.
      gamma: 1-D scale, used only when `scale_after_normalization`.
      variance_epsilon: A small float.
      scale_after_normalization: Whether to multiply by `gamma`.
      name: Name scope (default "batchnorm").
    """
    t = input if t is None else t
    m = mean if m is None else m
    v = variance if v is None else v
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None,
                               variance_epsilon, name)


__all__: List[str] = []
