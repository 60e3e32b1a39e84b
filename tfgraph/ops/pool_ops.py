"""2-D pooling: `MaxPool`, `AvgPool`, their gradients (`MaxPoolGrad`, `AvgPoolGrad`,
`MaxPoolGradGrad`) and the `tf.nn` builders (max_pool, max_pool2d, avg_pool, avg_pool2d).

Kernels work in NHWC (NCHW values are transposed views).  Non-overlapping unpadded windows are
reduced through a reshape; otherwise the kernels loop over the kh*kw window offsets, each a
strided slice of the (padded) input holding one pixel per output.  The max-pool gradient goes to
the FIRST maximum of each window in row-major order, as TF1's CPU kernel does.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Sequence

import numpy as np

from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.registry import OpDef, register_op, spec
from ..kernels.parallel import parallel_for
from . import array_ops
from .conv_ops import (Geometry, _host_ints, _nhwc, _rows_of, _static_dims, _to_format,
                       check_data_format, from_nhwc, get_sequence, make_geometry, padded_input,
                       spatial_output, to_nhwc, validate_window_attrs)


def _geometry(shape_nhwc, attrs: Dict[str, Any]) -> Geometry:
    k = to_nhwc(attrs["ksize"], attrs.get("data_format", "NHWC"))
    return make_geometry(shape_nhwc, k[1], k[2], attrs)


def _tiles(g: Geometry) -> bool:
    """Non-overlapping, unpadded windows (ksize == stride): reducible through a reshape."""
    return not g.padded and g.kh == g.sh and g.kw == g.sw


def _exact_tiles(g: Geometry) -> bool:
    """Windows that tile the input exactly (every pixel in exactly one window)."""
    return _tiles(g) and g.h == g.oh * g.kh and g.w == g.ow * g.kw


def _blocks(x: Any, g: Geometry) -> Any:
    """(N, OH, KH, OW, KW, C) view of the windows of a tiled input."""
    if not _exact_tiles(g):
        x = x[:, :g.oh * g.kh, :g.ow * g.kw, :]
    return x.reshape(g.n, g.oh, g.kh, g.ow, g.kw, g.c)


def _lowest(dtype: np.dtype) -> Any:
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


class _PoolBase(OpDef):
    """Shape rule shared by the pooling ops (input NHWC/NCHW, ksize/strides lists of 4)."""

    @staticmethod
    def _out_shape(in_dims, attrs) -> List[Optional[int]]:
        validate_window_attrs(attrs)
        fmt = attrs.get("data_format", "NHWC")
        n, h, w, c = to_nhwc(in_dims, fmt)
        k = to_nhwc(attrs["ksize"], fmt)
        s = to_nhwc(attrs["strides"], fmt)
        if attrs["padding"] not in ("SAME", "VALID"):
            raise ValueError(f"Value for attr 'padding' of {attrs['padding']!r} is not in the list "
                             f"of allowed values: \"SAME\", \"VALID\"")
        oh = spatial_output(h, k[1], s[1], 1, attrs["padding"])[0]
        ow = spatial_output(w, k[2], s[2], 1, attrs["padding"])[0]
        return from_nhwc([n, oh, ow, c], fmt)


# --- max pooling ----------------------------------------------------------------------------------
@register_op("MaxPool")
class MaxPool(_PoolBase):
    """The maximum of each window."""

    batch_parallel = True  # kernels/parallel.py splits the batch
    fresh_outputs = True

    def infer(self, input, **attrs):
        return spec(input.dtype, self._out_shape(input.shape.with_rank(4).as_list(), attrs))

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")
        low = _lowest(op.inputs[0].dtype.np_dtype)

        def max_pool_kernel(x):
            x = _nhwc(x, fmt)
            g = _geometry(x.shape, attrs)
            # one elementwise maximum per window offset (strided views): faster than a
            # reduction over the window axes of a reshaped view, and also right for
            # overlapping and padded windows
            y = xp.empty((g.n, g.oh, g.ow, g.c), x.dtype)
            with padded_input(be, x, g, fill=low) as xpad:
                def part(s: int, e: int) -> None:
                    xs, ys = xpad[s:e], y[s:e]
                    if g.kh * g.kw == 1:
                        xp.copyto(ys, xs[g.offset_slice(0, 0)])
                        return
                    xp.maximum(xs[g.offset_slice(0, 0)], xs[g.offset_slice(*divmod(1, g.kw))],
                               out=ys)
                    for k in range(2, g.kh * g.kw):
                        xp.maximum(ys, xs[g.offset_slice(*divmod(k, g.kw))], out=ys)
                parallel_for(be, g.n, part, x.nbytes + y.nbytes)
            return _to_format(xp, y, fmt)
        return max_pool_kernel

    def gradient(self, op, grad):
        return [max_pool_grad(op.inputs[0], op.outputs[0], grad, **_pool_attrs(op))]


def _offset_views(v: Any, g: Geometry) -> List[Any]:
    """Each window offset's view of the padded input `v`, in row-major window order."""
    return [v[g.offset_slice(*divmod(k, g.kw))] for k in range(g.kh * g.kw)]


def _first_max_masks(xp, views: Sequence[Any], y: Any) -> Iterator[Any]:
    """Yields per window offset (`views`: each offset's view of the input, shaped like the
    window maxima `y`, in row-major window order) the mask of the windows whose FIRST
    maximum sits at this offset.  The masks share buffers: use each before the next."""
    taken = eq = first = None
    last = len(views) - 1
    for k, view in enumerate(views):
        eq = xp.equal(view, y, out=eq)
        if taken is None:
            taken, eq = eq, None
            yield taken
            continue
        first = xp.greater(eq, taken, out=first)  # a maximum here and none earlier
        if k != last:
            xp.logical_or(taken, eq, out=taken)
        yield first


def _max_pool_grad_2x2(xp, x: Any, y: Any, dy: Any, out: Any) -> None:
    """MaxPoolGrad of 2x2 windows with stride 2 tiling `x` exactly (NHWC), written into
    `out` (x's shape; a batch slice when the batch is split over threads), with the same
    first-maximum rule as `_first_max_masks` but with every pass over whole image rows.

    The per-offset slices of the general path run NumPy's inner loops over C elements only
    (LeNet's 6 channels: 5 ms of a 25 ms step); here the window maxima and gradients are
    repeated along the width (each window's two columns side by side), each window row
    of `x` is compared in one contiguous pass, and the "an earlier pixel of the window
    was already a maximum" test uses copies shifted by C elements within an image row
    (a window's two columns are C elements apart).
    """
    n, oh, ow, c = y.shape
    w = 2 * ow
    rows, row = n * oh, w * c
    if not n:
        return
    yw = xp.repeat(y, 2, axis=2)                      # (N, OH, W, C)
    dyw = xp.repeat(dy, 2, axis=2)
    odd = xp.repeat(xp.arange(w) % 2 == 1, c)        # elements of odd columns, one row
    even = xp.logical_not(odd)
    shifted = xp.empty((rows, row), dtype=bool)

    def partner(e: Any, right: bool) -> Any:
        """Each element's window partner in the same row: the column to its left (for odd
        columns, right=True) or to its right (even columns); False elsewhere."""
        if right:
            shifted[:, :c] = False
            shifted[:, c:] = e[:, :-c]
            xp.logical_and(shifted, odd, out=shifted)
        else:
            shifted[:, -c:] = False
            shifted[:, :-c] = e[:, c:]
            xp.logical_and(shifted, even, out=shifted)
        return shifted

    dyw = dyw.reshape(n, oh, row)
    dx = out.reshape(n, oh, 2, row)                   # (N, H, W, C) as window rows
    taken = None
    for r in (0, 1):
        e = (x[:, r::2] == yw).reshape(rows, row)   # pixels equal to their window's max
        earlier = partner(e, True)                    # the window's left pixel in this row
        if taken is None:
            first = xp.greater(e, earlier)            # e and not earlier
            taken = xp.logical_or(e, earlier)
            taken |= partner(e, False)                # a maximum anywhere in window row 0
        else:
            earlier |= taken
            first = xp.greater(e, earlier)
        xp.multiply(dyw, first.reshape(n, oh, row), out=dx[:, :, r, :])


def _max_pool_grad_2x2_offsets(xp, x: Any, y: Any, dy: Any, out: Any) -> None:
    """`_max_pool_grad_2x2` for 32 or more channels: each window offset's (N, OH, OW, C)
    strided view compared once, the first-maximum masks chained from offset to offset, and
    the gradient written straight into the offset's view of `out` (inner runs of C floats:
    64x28x28x32 2.7 -> 2.25 ms, 64x24x24x64 5.3 -> 4.2 ms; with 16 channels or fewer the
    whole-row form is as fast or faster)."""
    n, oh, ow, c = y.shape
    x6 = x.reshape(n, oh, 2, ow, 2, c)
    d6 = out.reshape(n, oh, 2, ow, 2, c)
    offsets = ((0, 0), (0, 1), (1, 0), (1, 1))
    masks = _first_max_masks(xp, [x6[:, :, i, :, j] for i, j in offsets], y)
    for (i, j), first in zip(offsets, masks):
        xp.multiply(dy, first, out=d6[:, :, i, :, j])


def _overlapping_grad_part(xp, g: Geometry, xpad: Any, y: Any, dy: Any, dx: Any) -> None:
    """Adds the max-pool gradient of overlapping windows (first maximum in row-major window
    order, as `_first_max_masks`) into the padded input gradient `dx` (zeros, its images'
    part), working per stride phase: the input rows r = pr (mod SH) and columns c = pc
    (mod SW) as one contiguous array.  Window offset (i, j) reads and writes phase
    (i % SH, j % SW) at rows i // SH + oh and columns j // SW + ow, a window whose (OW, C)
    blocks are contiguous, so every comparison and add runs over rows of OW*C values instead
    of C; the input is split into phases first and the gradient's phases copied into `dx`
    last (3x3/2 windows on 64x32x32x32, one thread: 15.5 -> 7-8 ms)."""
    n = dy.shape[0]
    shape = (n, g.oh, g.ow * g.c)
    y_rows = xp.ascontiguousarray(y).reshape(shape)
    dy_rows = xp.ascontiguousarray(dy).reshape(shape)
    hp, wp = dx.shape[1], dx.shape[2]
    x_phases, dx_phases = {}, {}
    for pr in range(min(g.sh, g.kh)):
        for pc in range(min(g.sw, g.kw)):
            x_phases[pr, pc] = xp.ascontiguousarray(xpad[:, pr::g.sh, pc::g.sw, :])
            dx_phases[pr, pc] = xp.zeros((n, len(range(pr, hp, g.sh)),
                                          len(range(pc, wp, g.sw)), g.c), dtype=dx.dtype)

    def windows(phases) -> List[Any]:
        """Each window offset's (N, OH, OW*C) rows in its phase, row-major window order."""
        out = []
        for k in range(g.kh * g.kw):
            i, j = divmod(k, g.kw)
            a, b = i // g.sh, j // g.sw
            out.append(_rows_of(phases[i % g.sh, j % g.sw][:, a:a + g.oh, b:b + g.ow, :]))
        return out
    contribution = xp.empty_like(dy_rows)
    for dst, first in zip(windows(dx_phases), _first_max_masks(xp, windows(x_phases), y_rows)):
        xp.multiply(dy_rows, first, out=contribution)
        dst += contribution
    for (pr, pc), phase in dx_phases.items():
        xp.copyto(dx[:, pr::g.sh, pc::g.sw, :], phase)


@register_op("MaxPoolGrad")
class MaxPoolGrad(_PoolBase):
    """Routes each output gradient to its window's first maximum (inputs: orig_input,
    orig_output, grad)."""

    batch_parallel = True  # kernels/parallel.py splits the batch
    fresh_outputs = True

    def infer(self, orig_input, orig_output, grad, **attrs):
        if grad.dtype != orig_input.dtype:
            raise TypeError(f"MaxPoolGrad: grad has dtype {grad.dtype.name}, orig_input "
                            f"{orig_input.dtype.name}")
        self._out_shape(orig_input.shape.with_rank(4).as_list(), attrs)
        return spec(orig_input.dtype, orig_input.shape)

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")
        low = _lowest(op.inputs[0].dtype.np_dtype)

        def max_pool_grad_kernel(x, y, dy):
            x, y, dy = _nhwc(x, fmt), _nhwc(y, fmt), _nhwc(dy, fmt)
            g = _geometry(x.shape, attrs)
            if g.kh == g.kw == 2 and _exact_tiles(g):
                dx = xp.empty(x.shape, dy.dtype)
                form = _max_pool_grad_2x2_offsets if g.c >= 32 else _max_pool_grad_2x2
                parallel_for(be, g.n, lambda s, e: form(
                    xp, x[s:e], y[s:e], dy[s:e], dx[s:e]), 4 * x.nbytes)
                return _to_format(xp, dx, fmt)
            shape = (g.n, g.h + g.pt + g.pb, g.w + g.pl + g.pr, g.c)
            disjoint = g.kh <= g.sh and g.kw <= g.sw
            dx = xp.empty(shape, dy.dtype) if _exact_tiles(g) else xp.zeros(shape, dy.dtype)
            with padded_input(be, x, g, fill=low) as xpad:
                def part(s: int, e: int) -> None:
                    dxs, dys = dx[s:e], dy[s:e]
                    if not disjoint:
                        _overlapping_grad_part(xp, g, xpad[s:e], y[s:e], dys, dxs)
                        return
                    masks = _first_max_masks(xp, _offset_views(xpad[s:e], g), y[s:e])
                    for dst, m in zip(_offset_views(dxs, g), masks):
                        xp.multiply(dys, m, out=dst)
                parallel_for(be, g.n, part, 4 * dx.nbytes)
            if g.padded:
                dx = xp.ascontiguousarray(dx[:, g.pt:g.pt + g.h, g.pl:g.pl + g.w, :])
            return _to_format(xp, dx, fmt)
        return max_pool_grad_kernel

    def gradient(self, op, grad):
        x, y, _ = op.inputs
        return [array_ops.zeros_like(x), array_ops.zeros_like(y),
                max_pool_grad_grad(x, y, grad, **_pool_attrs(op))]


@register_op("MaxPoolGradGrad")
class MaxPoolGradGrad(_PoolBase):
    """Picks, per window, the input-shaped `grad` at the window's first maximum (inputs:
    orig_input, orig_output, grad); the gradient of MaxPoolGrad."""

    def infer(self, orig_input, orig_output, grad, **attrs):
        self._out_shape(orig_input.shape.with_rank(4).as_list(), attrs)
        return spec(orig_input.dtype, orig_output.shape)

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")
        low = _lowest(op.inputs[0].dtype.np_dtype)

        def max_pool_grad_grad_kernel(x, y, gx):
            x, y, gx = _nhwc(x, fmt), _nhwc(y, fmt), _nhwc(gx, fmt)
            g = _geometry(x.shape, attrs)
            out = xp.zeros(y.shape, gx.dtype)
            with padded_input(be, x, g, fill=low) as xpad, padded_input(be, gx, g) as gpad:
                for src, m in zip(_offset_views(gpad, g),
                                  _first_max_masks(xp, _offset_views(xpad, g), y)):
                    out += src * m
            return _to_format(xp, out, fmt)
        return max_pool_grad_grad_kernel

    def gradient(self, op, grad):
        x, y, _ = op.inputs
        return [array_ops.zeros_like(x), array_ops.zeros_like(y),
                max_pool_grad(x, y, grad, **_pool_attrs(op))]


# --- average pooling ----------------------------------------------------------------------------
def _counts(be, g: Geometry, dtype: np.dtype) -> Any:
    """Number of real (unpadded) pixels in each window, shaped (1, OH, OW, 1); TF1 averages
    over those only."""
    def axis_counts(out, k, s, pad, size):
        start = np.arange(out) * s - pad
        return np.minimum(start + k, size) - np.maximum(start, 0)
    ch = axis_counts(g.oh, g.kh, g.sh, g.pt, g.h)
    cw = axis_counts(g.ow, g.kw, g.sw, g.pl, g.w)
    return be.asarray(np.outer(ch, cw).reshape(1, g.oh, g.ow, 1), dtype=dtype)


@register_op("AvgPool")
class AvgPool(_PoolBase):
    """The mean of each window (padding excluded from the count)."""

    batch_parallel = True  # kernels/parallel.py splits the batch
    fresh_outputs = True

    def infer(self, input, **attrs):
        if not input.dtype.is_floating:
            raise TypeError(f"Value passed to parameter 'value' has DataType {input.dtype.name} "
                            f"not in list of allowed values: float16, float32, float64")
        return spec(input.dtype, self._out_shape(input.shape.with_rank(4).as_list(), attrs))

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")
        counts: Dict[tuple, Any] = {}

        def avg_pool_kernel(x):
            x = _nhwc(x, fmt)
            g = _geometry(x.shape, attrs)
            y = xp.empty((g.n, g.oh, g.ow, g.c), x.dtype)
            if _tiles(g):
                blocks = _blocks(x, g)
                parallel_for(be, g.n, lambda s, e: blocks[s:e].mean(
                    axis=(2, 4), dtype=x.dtype, out=y[s:e]), x.nbytes + y.nbytes)
                return _to_format(xp, y, fmt)
            with padded_input(be, x, g) as xpad:
                def part(s: int, e: int) -> None:
                    xs, ys = xpad[s:e], y[s:e]
                    xp.copyto(ys, xs[g.offset_slice(0, 0)])
                    for k in range(1, g.kh * g.kw):
                        ys += xs[g.offset_slice(*divmod(k, g.kw))]
                parallel_for(be, g.n, part, x.nbytes + y.nbytes)
            if g.padded:
                key = g[1:]
                c = counts.get(key)
                if c is None:
                    c = counts[key] = _counts(be, g, x.dtype)
                y /= c
            else:
                y *= x.dtype.type(1.0 / (g.kh * g.kw))
            return _to_format(xp, y, fmt)
        return avg_pool_kernel

    def gradient(self, op, grad):
        return [avg_pool_grad(array_ops.shape(op.inputs[0]), grad, **_pool_attrs(op))]


@register_op("AvgPoolGrad")
class AvgPoolGrad(_PoolBase):
    """Spreads each output gradient evenly over its window (inputs: orig_input_shape, grad)."""

    batch_parallel = True  # kernels/parallel.py splits the batch
    fresh_outputs = True

    def infer(self, orig_input_shape, grad, **attrs):
        sizes = _static_dims(orig_input_shape) or [None] * 4
        if len(sizes) != 4:
            raise ValueError(f"orig_input_shape must have 4 elements, got {sizes}")
        return spec(grad.dtype, sizes)

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")
        static = _static_dims(op.inputs[0])
        static = static if static is not None and None not in static else None
        counts: Dict[tuple, Any] = {}

        def avg_pool_grad_kernel(orig_input_shape, dy):
            sizes = static if static is not None else _host_ints(be, orig_input_shape)
            g = _geometry(to_nhwc(sizes, fmt), attrs)
            dy = _nhwc(dy, fmt)
            if g.padded:
                key = g[1:]
                c = counts.get(key)
                if c is None:
                    c = counts[key] = _counts(be, g, dy.dtype)
                scaled = dy / c
            else:
                scaled = dy * dy.dtype.type(1.0 / (g.kh * g.kw))
            shape = (g.n, g.h + g.pt + g.pb, g.w + g.pl + g.pr, g.c)
            if _exact_tiles(g):
                dx = xp.empty(shape, dy.dtype)
                d6 = dx.reshape(g.n, g.oh, g.kh, g.ow, g.kw, g.c)
                parallel_for(be, g.n, lambda s, e: xp.copyto(
                    d6[s:e], scaled[s:e, :, None, :, None, :]), 2 * dx.nbytes)
                return _to_format(xp, dx, fmt)
            dx = xp.zeros(shape, dy.dtype)

            def part(s: int, e: int) -> None:
                dxs, ss = dx[s:e], scaled[s:e]
                for k in range(g.kh * g.kw):
                    dst = dxs[g.offset_slice(*divmod(k, g.kw))]
                    dst += ss
            parallel_for(be, g.n, part, 2 * dx.nbytes)
            if g.padded:
                dx = xp.ascontiguousarray(dx[:, g.pt:g.pt + g.h, g.pl:g.pl + g.w, :])
            return _to_format(xp, dx, fmt)
        return avg_pool_grad_kernel

    def gradient(self, op, grad):
        return [None, avg_pool(grad, **_pool_attrs(op))]


# --- builders ------------------------------------------------------------------------------------
def _pool_attrs(op) -> Dict[str, Any]:
    a = op.attrs
    return {"ksize": a["ksize"], "strides": a["strides"], "padding": a["padding"],
            "data_format": a.get("data_format", "NHWC")}


def _make_attrs(ksize: Any, strides: Any, padding: Any,
                data_format: Optional[str]) -> Dict[str, Any]:
    data_format = check_data_format(data_format)
    channel_index = 1 if data_format == "NCHW" else 3
    ksize = get_sequence(ksize, 2, channel_index, "ksize")
    strides = get_sequence(strides, 2, channel_index, "strides")
    if any(v == 0 for v in ksize):
        raise ValueError("ksize cannot be zero.")
    if isinstance(padding, bytes):
        padding = padding.decode()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"Value for attr 'padding' of {padding!r} is not in the list of allowed "
                         f"values: \"SAME\", \"VALID\"")
    return {"ksize": ksize, "strides": strides, "padding": padding, "data_format": data_format}


def _pool(op_type: str, default_name: str, value: Any, ksize, strides, padding, data_format,
          name) -> Tensor:
    attrs = _make_attrs(ksize, strides, padding, data_format)
    with name_scope(name, default_name, [value]) as scope:
        value = convert_to_tensor(value, name="input")
        return value.graph.create_op(op_type, [value], attrs, name=scope).outputs[0]


def max_pool(value: Any = None, ksize: Any = None, strides: Any = None, padding: Any = None,
             data_format: str = "NHWC", name: Optional[str] = None, input: Any = None) -> Tensor:
    """Max pooling (`tf.nn.max_pool`).

    Args:
      value: A 4-D tensor (NHWC, or NCHW with `data_format="NCHW"`).
      ksize: Window size: an int or a list of 1, 2 or 4 ints.
      strides: Window stride: an int or a list of 1, 2 or 4 ints.
      padding: "SAME" or "VALID".
      data_format: "NHWC" (default) or "NCHW".
      name: Op name (default "MaxPool").
      input: Alias of `value`.

    Raises:
      ValueError: For bad ksize/strides/padding, pooling over batch/channels, or a window
        larger than a VALID input.
    """
    value = input if value is None else value
    return _pool("MaxPool", "MaxPool", value, ksize, strides, padding, data_format, name)


def max_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",
               name: Optional[str] = None) -> Tensor:
    """Max pooling (`tf.nn.max_pool2d`; op named "MaxPool2d" by default)."""
    return _pool("MaxPool", "MaxPool2d", input, ksize, strides, padding, data_format, name)


def avg_pool(value: Any = None, ksize: Any = None, strides: Any = None, padding: Any = None,
             data_format: str = "NHWC", name: Optional[str] = None, input: Any = None) -> Tensor:
    """Average pooling (`tf.nn.avg_pool`); SAME windows average over real pixels only.

    Args: as `max_pool` (default name "AvgPool").
    """
    value = input if value is None else value
    return _pool("AvgPool", "AvgPool", value, ksize, strides, padding, data_format, name)


def avg_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",
               name: Optional[str] = None) -> Tensor:
    """Average pooling (`tf.nn.avg_pool2d`; default name "AvgPool2D")."""
    return _pool("AvgPool", "AvgPool2D", input, ksize, strides, padding, data_format, name)


def max_pool_grad(orig_input: Tensor, orig_output: Tensor, grad: Tensor, ksize, strides, padding,
                  data_format: str = "NHWC", name: Optional[str] = None) -> Tensor:
    attrs = {"ksize": list(ksize), "strides": list(strides), "padding": padding,
             "data_format": data_format}
    return orig_input.graph.create_op("MaxPoolGrad", [orig_input, orig_output, grad], attrs,
                                      name=name or "MaxPoolGrad").outputs[0]


def max_pool_grad_grad(orig_input: Tensor, orig_output: Tensor, grad: Tensor, ksize, strides,
                       padding, data_format: str = "NHWC", name: Optional[str] = None) -> Tensor:
    attrs = {"ksize": list(ksize), "strides": list(strides), "padding": padding,
             "data_format": data_format}
    return orig_input.graph.create_op("MaxPoolGradGrad", [orig_input, orig_output, grad], attrs,
                                      name=name or "MaxPoolGradGrad").outputs[0]


def avg_pool_grad(orig_input_shape: Tensor, grad: Tensor, ksize, strides, padding,
                  data_format: str = "NHWC", name: Optional[str] = None) -> Tensor:
    attrs = {"ksize": list(ksize), "strides": list(strides), "padding": padding,
             "data_format": data_format}
    return grad.graph.create_op("AvgPoolGrad", [orig_input_shape, grad], attrs,
                                name=name or "AvgPoolGrad").outputs[0]


__all__: List[str] = []
