"""3-D convolution and pooling: `Conv3D`, `Conv3DBackpropInputV2`, `Conv3DBackpropFilterV2`,
`MaxPool3D`, `AvgPool3D`, `MaxPool3DGrad`, `MaxPool3DGradGrad`, `AvgPool3DGrad`, and the
`tf.nn` builders (conv3d, conv3d_transpose, conv3d_backprop_filter(_v2), max_pool3d,
avg_pool3d).

The kernels follow the 2-D ones of conv_ops.py/pool_ops.py with one more spatial axis: work in
NDHWC (NCDHW values are transposed, as TF's layout optimizer does on CPU), the forward
convolution and the filter gradient are ONE matrix product with an im2col matrix (a strided
window view of the zero-padded input copied into a pooled `WORKSPACE` buffer), the input
gradient is one product per kernel offset added into a strided slice (col2im), and pooling
loops over the kd*kh*kw window offsets.  Geometry (`spatial_output`, SAME padding split
`total // 2` before) is conv_ops'.  As TF's CPU kernel, the 3-D max-pool gradient goes to
EVERY input equal to its window's maximum (the 2-D one picks the first).
"""
from __future__ import annotations

import itertools
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from ..framework.constant import convert_to_tensor, graph_of, name_scope
from ..framework.graph import Tensor
from ..framework.registry import OpDef, register_op, spec
from ..kernels.workspace import WORKSPACE
from . import array_ops
from .conv_ops import (_ConvBase, _sizes_tensor, _static_dims, spatial_output,
                       transpose_output_sizes)

_FORMATS = ("NDHWC", "NCDHW")


# --- attributes and geometry -------------------------------------------------------------------
def _check_format(data_format: Optional[str]) -> str:
    if data_format is None:
        return "NDHWC"
    if isinstance(data_format, bytes):
        data_format = data_format.decode()
    if data_format not in _FORMATS:
        raise ValueError(f"Value for attr 'data_format' of {data_format!r} is not in the list of "
                         f"allowed values: \"NDHWC\", \"NCDHW\"")
    return data_format


def _to_last(dims: Sequence[Any], fmt: str) -> List[Any]:
    """A 5-vector in `fmt` order -> N, D, H, W, C."""
    d = list(dims)
    return [d[0], d[2], d[3], d[4], d[1]] if fmt == "NCDHW" else d


def _from_last(dims: Sequence[Any], fmt: str) -> List[Any]:
    d = list(dims)
    return [d[0], d[4], d[1], d[2], d[3]] if fmt == "NCDHW" else d


def _check_padding(padding: Any, op_type: str) -> str:
    if isinstance(padding, bytes):
        padding = padding.decode()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"Value for attr 'padding' of {padding!r} is not in the list of allowed "
                         f"values: \"SAME\", \"VALID\" (op {op_type})")
    return padding


def _validate(attrs: Dict[str, Any], op_type: str) -> None:
    """TF1's attribute checks of the 3-D window ops (length 5, 1 in the batch/channel axes).

    Raises:
      ValueError: For a wrong length, a non-positive entry, or a stride/dilation/window in the
        batch or channel axis.
    """
    fmt = attrs.get("data_format", "NDHWC")
    _check_format(fmt)
    _check_padding(attrs["padding"], op_type)
    for key in ("ksize", "strides", "dilations"):
        v = attrs.get(key)
        if v is None:
            continue
        if len(v) < 5:
            raise ValueError(f"Attr '{key}' of '{op_type}' Op passed list of length {len(v)} less "
                             f"than minimum 5.")
        if len(v) != 5:
            raise ValueError(f"{op_type} requires the {key} attribute to contain 5 values, "
                             f"got {list(v)}")
        if any(int(x) < 1 for x in v):
            raise ValueError(f"{op_type}: {key} must be positive, got {list(v)}")
        vv = _to_last(v, fmt)
        if vv[0] != 1 or vv[4] != 1:
            if key == "ksize":
                raise ValueError(f"{op_type}: Pooling is not yet supported on the batch or "
                                 f"depth dimension.")
            raise ValueError(f"{op_type}: Current implementation does not yet support {key} in "
                             f"the batch and depth dimensions.")


class Geometry3(NamedTuple):
    """One call of a 3-D window kernel, in NDHWC terms."""

    n: int
    size: Tuple[int, int, int]       # input D, H, W
    c: int
    k: Tuple[int, int, int]          # window kd, kh, kw
    s: Tuple[int, int, int]          # strides
    d: Tuple[int, int, int]          # dilations
    out: Tuple[int, int, int]        # output D, H, W
    before: Tuple[int, int, int]     # padding before each spatial axis
    after: Tuple[int, int, int]

    @property
    def padded(self) -> bool:
        return any(self.before) or any(self.after)

    @property
    def padded_shape(self) -> Tuple[int, ...]:
        return (self.n,) + tuple(z + b + a for z, b, a in zip(self.size, self.before,
                                                              self.after)) + (self.c,)

    def interior(self) -> Tuple[slice, ...]:
        return (slice(None),) + tuple(slice(b, b + z) for b, z in zip(self.before, self.size)) \
            + (slice(None),)

    def offsets(self):
        """Every kernel offset (i, j, l), row-major."""
        return itertools.product(*(range(k) for k in self.k))

    def offset_slice(self, off: Sequence[int]) -> Tuple[slice, ...]:
        """The padded-input elements that kernel offset `off` touches, one per output."""
        sl = [slice(None)]
        for o, s, d, n in zip(off, self.s, self.d, self.out):
            start = o * d
            sl.append(slice(start, start + s * (n - 1) + 1, s))
        return tuple(sl) + (slice(None),)

    def window_view(self, be, xpad: Any) -> Any:
        """The (N, OD, OH, OW, KD, KH, KW, C) strided view of all windows of `xpad`."""
        st = xpad.strides
        shape = (self.n,) + self.out + self.k + (self.c,)
        strides = ((st[0],) + tuple(st[1 + i] * self.s[i] for i in range(3)) +
                   tuple(st[1 + i] * self.d[i] for i in range(3)) + (st[4],))
        return be.as_strided(xpad, shape, strides)


def _geometry(in_last: Sequence[int], k: Sequence[int], attrs: Dict[str, Any]) -> Geometry3:
    fmt = attrs.get("data_format", "NDHWC")
    n, dd, hh, ww, c = (int(v) for v in in_last)
    s = _to_last(attrs["strides"], fmt)[1:4]
    dl = _to_last(attrs.get("dilations") or [1] * 5, fmt)[1:4]
    out, before, after = [], [], []
    for z, kk, st, di in zip((dd, hh, ww), k, s, dl):
        o, b, a = spatial_output(z, int(kk), int(st), int(di), attrs["padding"])
        out.append(o)
        before.append(b)
        after.append(a)
    return Geometry3(n, (dd, hh, ww), c, tuple(int(v) for v in k), tuple(int(v) for v in s),
                     tuple(int(v) for v in dl), tuple(out), tuple(before), tuple(after))


def _out_shape(in_dims: Sequence[Optional[int]], k: Sequence[Optional[int]],
               attrs: Dict[str, Any], channels: Optional[int]) -> List[Optional[int]]:
    fmt = attrs.get("data_format", "NDHWC")
    n, dd, hh, ww, _ = _to_last(in_dims, fmt)
    s = _to_last(attrs["strides"], fmt)[1:4]
    dl = _to_last(attrs.get("dilations") or [1] * 5, fmt)[1:4]
    out = [spatial_output(z, kk, st, di, attrs["padding"])[0]
           for z, kk, st, di in zip((dd, hh, ww), k, s, dl)]
    return _from_last([n] + out + [channels], fmt)


def _last(x: Any, fmt: str) -> Any:
    return x.transpose(0, 2, 3, 4, 1) if fmt == "NCDHW" else x


def _back(xp, y: Any, fmt: str) -> Any:
    return xp.ascontiguousarray(y.transpose(0, 4, 1, 2, 3)) if fmt == "NCDHW" else y


def _padded(be, x: Any, g: Geometry3, fill: float = 0.0) -> Any:
    if not g.padded:
        return x
    buf = be.xp.full(g.padded_shape, fill, dtype=x.dtype)
    buf[g.interior()] = x
    return buf


def _im2col_gemm(be, x: Any, g: Geometry3, rhs: Any, transpose: bool) -> Any:
    """`cols @ rhs` (or `cols.T @ rhs` when `transpose`) with `cols` the
    (N*OD*OH*OW, KD*KH*KW*C) window matrix of NDHWC `x`, built in a pooled buffer."""
    xp = be.xp
    rows = g.n * int(np.prod(g.out))
    cols = int(np.prod(g.k)) * g.c
    with WORKSPACE.borrow(be, "im2col3d", (rows, cols), x.dtype) as buf:
        xp.copyto(buf.reshape((g.n,) + g.out + g.k + (g.c,)), g.window_view(be, _padded(be, x, g)))
        return xp.matmul(buf.T, rhs) if transpose else xp.matmul(buf, rhs)


def _col2im(be, dy: Any, w: Any, g: Geometry3) -> Any:
    """Input gradient (NDHWC) from `dy` (N, OD, OH, OW, F) and the filter (KD, KH, KW, C, F):
    the products `dy @ W[offset].T` of several kernel offsets as ONE GEMM into a pooled
    buffer (per-offset GEMMs with few channels run at a fraction of BLAS speed: 27 products
    of 32768x16 @ 16x4 took 4-8x longer than one 32768x16 @ 16x108), each slice then added
    into the strided window of the padded gradient that its offset touches."""
    xp = be.xp
    f, c = w.shape[4], g.c
    dx = xp.zeros(g.padded_shape, dtype=dy.dtype)
    dy2 = dy.reshape(-1, f)
    rows = dy2.shape[0]
    offsets = list(g.offsets())
    wk = w.reshape(len(offsets), c, f)
    per = max(1, min(len(offsets), (1 << 23) // max(1, rows * c)))  # <= 32 MB of float32
    for start in range(0, len(offsets) if rows else 0, per):
        chunk = offsets[start:start + per]
        w2 = wk[start:start + len(chunk)].transpose(2, 0, 1).reshape(f, len(chunk) * c)
        with WORKSPACE.borrow(be, "col2im3d", (rows, len(chunk) * c), dy.dtype) as z:
            xp.matmul(dy2, w2, out=z)
            zs = z.reshape((g.n,) + g.out + (len(chunk), c))
            for i, off in enumerate(chunk):
                dst = dx[g.offset_slice(off)]
                xp.add(dst, zs[..., i, :], out=dst)
    if g.padded:
        dx = xp.ascontiguousarray(dx[g.interior()])
    return dx


def _grad_attrs(op) -> Dict[str, Any]:
    a = op.attrs
    return {"strides": list(a["strides"]), "padding": a["padding"],
            "data_format": a.get("data_format", "NDHWC"),
            "dilations": list(a.get("dilations") or [1] * 5)}


# --- Conv3D and its gradients ----------------------------------------------------------------------
def _check_depths(c: Optional[int], fc: Optional[int]) -> None:
    if c is not None and fc is not None and c != fc:
        if c % fc:
            raise ValueError(f"Depth of input ({c}) is not a multiple of input depth of filter "
                             f"({fc})")
        raise ValueError(f"Depth of input ({c}) must equal the input depth of filter ({fc}): "
                         f"grouped 3-D convolutions are not offered by tfgraph")


@register_op("Conv3D")
class Conv3D(_ConvBase):
    """3-D cross-correlation of an NDHWC/NCDHW input with a [kd, kh, kw, in, out] filter."""

    fresh_outputs = True

    def infer(self, input, filter, **attrs):
        self._check_dtypes(input, filter, "Conv3D", "input", "filter")
        _validate(attrs, "Conv3D")
        ins = input.shape.with_rank(5).as_list()
        fs = filter.shape.with_rank(5).as_list()
        _check_depths(_to_last(ins, attrs.get("data_format", "NDHWC"))[4], fs[3])
        return spec(input.dtype, _out_shape(ins, fs[:3], attrs, fs[4]))

    def compute(self, be, x, w, **attrs):
        fmt = attrs.get("data_format", "NDHWC")
        xl = _last(x, fmt)
        g = _geometry(xl.shape, w.shape[:3], attrs)
        f = w.shape[4]
        y = _im2col_gemm(be, xl, g, w.reshape(-1, f), transpose=False)
        return _back(be.xp, y.reshape((g.n,) + g.out + (f,)), fmt)

    def gradient(self, op, grad):
        x, w = op.inputs
        attrs = _grad_attrs(op)
        return [conv3d_backprop_input_v2(array_ops.shape(x), w, grad, **attrs),
                conv3d_backprop_filter_v2(x, array_ops.shape(w), grad, **attrs)]


def _check_out_backprop(expect: Sequence[Optional[int]], got: Sequence[Optional[int]],
                        op_type: str) -> None:
    for e, a in zip(expect, got):
        if e is not None and a is not None and e != a:
            raise ValueError(f"{op_type}: out_backprop has shape {list(got)}, the convolution "
                             f"gives {list(expect)}")


@register_op("Conv3DBackpropInputV2")
class Conv3DBackpropInputV2(_ConvBase):
    """Gradient of Conv3D w.r.t. its input (inputs: input_sizes, filter, out_backprop); also
    the transposed 3-D convolution."""

    fresh_outputs = True
    host_inputs = (0,)

    def infer(self, input_sizes, filter, out_backprop, **attrs):
        self._check_dtypes(filter, out_backprop, "Conv3DBackpropInputV2", "filter",
                           "out_backprop")
        _validate(attrs, "Conv3DBackpropInputV2")
        fs = filter.shape.with_rank(5).as_list()
        out_backprop.shape.with_rank(5)
        sizes = _static_dims(input_sizes) or [None] * 5
        if len(sizes) != 5:
            raise ValueError(f"Conv3DBackpropInputV2: input_sizes must have 5 elements, got "
                             f"{sizes}")
        fmt = attrs.get("data_format", "NDHWC")
        _check_depths(_to_last(sizes, fmt)[4], fs[3])
        _check_out_backprop(_out_shape(sizes, fs[:3], attrs, fs[4]),
                            out_backprop.shape.as_list(), "Conv3DBackpropInputV2")
        out = list(sizes)
        c_axis = 1 if fmt == "NCDHW" else 4
        if out[c_axis] is None:
            out[c_axis] = fs[3]
        return spec(filter.dtype, out)

    def compute(self, be, input_sizes, w, dy, **attrs):
        fmt = attrs.get("data_format", "NDHWC")
        sizes = _to_last([int(v) for v in np.asarray(input_sizes).reshape(-1)], fmt)
        g = _geometry(sizes, w.shape[:3], attrs)
        dyl = _last(dy, fmt)
        expect = (g.n,) + g.out + (w.shape[4],)
        if tuple(dyl.shape) != expect:
            raise ValueError(f"Conv3DBackpropInputV2: out_backprop has shape "
                             f"{tuple(dyl.shape)}, expected {expect}")
        return _back(be.xp, _col2im(be, dyl, w, g), fmt)

    def gradient(self, op, grad):
        _, w, dy = op.inputs
        attrs = _grad_attrs(op)
        return [None, conv3d_backprop_filter_v2(grad, array_ops.shape(w), dy, **attrs),
                _conv3d_op(grad, w, attrs)]


@register_op("Conv3DBackpropFilterV2")
class Conv3DBackpropFilterV2(_ConvBase):
    """Gradient of Conv3D w.r.t. its filter (inputs: input, filter_sizes, out_backprop)."""

    fresh_outputs = True
    host_inputs = (1,)

    def infer(self, input, filter_sizes, out_backprop, **attrs):
        self._check_dtypes(input, out_backprop, "Conv3DBackpropFilterV2", "input",
                           "out_backprop")
        _validate(attrs, "Conv3DBackpropFilterV2")
        input.shape.with_rank(5)
        out_backprop.shape.with_rank(5)
        sizes = _static_dims(filter_sizes) or [None] * 5
        if len(sizes) != 5:
            raise ValueError(f"Conv3DBackpropFilterV2: filter_sizes must have 5 elements, got "
                             f"{sizes}")
        return spec(input.dtype, sizes)

    def compute(self, be, x, filter_sizes, dy, **attrs):
        fmt = attrs.get("data_format", "NDHWC")
        kd, kh, kw, c, f = (int(v) for v in np.asarray(filter_sizes).reshape(-1))
        xl = _last(x, fmt)
        g = _geometry(xl.shape, (kd, kh, kw), attrs)
        if g.c != c:
            raise ValueError(f"Conv3DBackpropFilterV2: input depth {g.c} does not match "
                             f"filter_sizes {[kd, kh, kw, c, f]}")
        dyl = _last(dy, fmt)
        if tuple(dyl.shape) != (g.n,) + g.out + (f,):
            raise ValueError(f"Conv3DBackpropFilterV2: out_backprop has shape "
                             f"{tuple(dyl.shape)}, expected {(g.n,) + g.out + (f,)}")
        dw = _im2col_gemm(be, xl, g, dyl.reshape(-1, f), transpose=True)
        return dw.reshape(kd, kh, kw, c, f)

    def gradient(self, op, grad):
        x, _, dy = op.inputs
        attrs = _grad_attrs(op)
        return [conv3d_backprop_input_v2(array_ops.shape(x), grad, dy, **attrs), None,
                _conv3d_op(x, grad, attrs)]


def _conv3d_op(x: Tensor, w: Tensor, attrs: Dict[str, Any]) -> Tensor:
    return x.graph.create_op("Conv3D", [x, w], dict(attrs), name="Conv3D").outputs[0]


# --- pooling -------------------------------------------------------------------------------------
def _pool_geometry(shape_last: Sequence[int], attrs: Dict[str, Any]) -> Geometry3:
    k = _to_last(attrs["ksize"], attrs.get("data_format", "NDHWC"))[1:4]
    return _geometry(shape_last, k, attrs)


def _pool_shape(x: Tensor, attrs: Dict[str, Any], op_type: str) -> List[Optional[int]]:
    _validate(attrs, op_type)
    fmt = attrs.get("data_format", "NDHWC")
    dims = x.shape.with_rank(5).as_list()
    k = _to_last(attrs["ksize"], fmt)[1:4]
    return _out_shape(dims, k, attrs, _to_last(dims, fmt)[4])


def _pool_attrs(op) -> Dict[str, Any]:
    a = op.attrs
    return {"ksize": list(a["ksize"]), "strides": list(a["strides"]), "padding": a["padding"],
            "data_format": a.get("data_format", "NDHWC")}


def _max_pool3d(xp, xl: Any, g: Geometry3, be) -> Any:
    low = -np.inf if xl.dtype.kind == "f" else np.iinfo(xl.dtype).min
    xpad = _padded(be, xl, g, fill=low)
    y = None
    for off in g.offsets():
        v = xpad[g.offset_slice(off)]
        y = xp.array(v, copy=True) if y is None else xp.maximum(y, v, out=y)
    return y


@register_op("MaxPool3D")
class MaxPool3D(OpDef):
    """The maximum of each 3-D window."""

    fresh_outputs = True

    def infer(self, input, **attrs):
        if not input.dtype.is_floating:
            raise TypeError(f"Value passed to parameter 'input' has DataType {input.dtype.name} "
                            f"not in list of allowed values: float16, float32, float64")
        return spec(input.dtype, _pool_shape(input, attrs, "MaxPool3D"))

    def compute(self, be, x, **attrs):
        fmt = attrs.get("data_format", "NDHWC")
        xl = _last(x, fmt)
        g = _pool_geometry(xl.shape, attrs)
        return _back(be.xp, _max_pool3d(be.xp, xl, g, be), fmt)

    def gradient(self, op, grad):
        return [max_pool3d_grad(op.inputs[0], op.outputs[0], grad, **_pool_attrs(op))]


def _max_masks(be, xl: Any, yl: Any, g: Geometry3):
    """(padded-input slice, mask) per kernel offset: where the input equals its window's max."""
    xp = be.xp
    xpad = _padded(be, xl, g, fill=np.nan)  # NaN equals nothing: padding never wins
    for off in g.offsets():
        sl = g.offset_slice(off)
        yield off, sl, xp.equal(xpad[sl], yl)


@register_op("MaxPool3DGrad")
class MaxPool3DGrad(OpDef):
    """Gradient of MaxPool3D (inputs: orig_input, orig_output, grad): each window's gradient
    goes to every input equal to the window's maximum, as TF's CPU kernel does."""

    fresh_outputs = True

    def infer(self, orig_input, orig_output, grad, **attrs):
        _pool_shape(orig_input, attrs, "MaxPool3DGrad")
        return spec(grad.dtype, orig_input.shape)

    def compute(self, be, x, y, dy, **attrs):
        xp = be.xp
        fmt = attrs.get("data_format", "NDHWC")
        xl, yl, dyl = _last(x, fmt), _last(y, fmt), _last(dy, fmt)
        g = _pool_geometry(xl.shape, attrs)
        dx = xp.zeros(g.padded_shape, dtype=dy.dtype)
        for _, sl, mask in _max_masks(be, xl, yl, g):
            dst = dx[sl]
            xp.add(dst, xp.where(mask, dyl, 0).astype(dy.dtype, copy=False), out=dst)
        if g.padded:
            dx = dx[g.interior()]
        return _back(xp, xp.ascontiguousarray(dx), fmt)

    def gradient(self, op, grad):
        x, y, _ = op.inputs
        from . import math_ops
        return [math_ops.zeros_like(x), math_ops.zeros_like(y),
                max_pool3d_grad_grad(x, y, grad, **_pool_attrs(op))]


@register_op("MaxPool3DGradGrad")
class MaxPool3DGradGrad(OpDef):
    """Gradient of MaxPool3DGrad w.r.t. its `grad` input: for each window, the sum of the
    incoming gradient over the inputs equal to the window's maximum."""

    fresh_outputs = True

    def infer(self, orig_input, orig_output, grad, **attrs):
        _pool_shape(orig_input, attrs, "MaxPool3DGradGrad")
        return spec(grad.dtype, orig_output.shape)

    def compute(self, be, x, y, gx, **attrs):
        xp = be.xp
        fmt = attrs.get("data_format", "NDHWC")
        xl, yl, gxl = _last(x, fmt), _last(y, fmt), _last(gx, fmt)
        g = _pool_geometry(xl.shape, attrs)
        gpad = _padded(be, gxl, g)
        out = xp.zeros(yl.shape, dtype=gx.dtype)
        for _, sl, mask in _max_masks(be, xl, yl, g):
            out += xp.where(mask, gpad[sl], 0).astype(gx.dtype, copy=False)
        return _back(xp, out, fmt)

    def gradient(self, op, grad):
        x, y, _ = op.inputs
        from . import math_ops
        return [math_ops.zeros_like(x), math_ops.zeros_like(y),
                max_pool3d_grad(x, y, grad, **_pool_attrs(op))]


def _avg_counts(be, g: Geometry3, dtype) -> Any:
    """The number of real (unpadded) inputs in each output window, (1, OD, OH, OW, 1)."""
    total = None
    for axis in range(3):
        o = np.arange(g.out[axis]) * g.s[axis] - g.before[axis]
        cnt = np.minimum(o + g.k[axis], g.size[axis]) - np.maximum(o, 0)
        shape = [1, 1, 1, 1, 1]
        shape[1 + axis] = g.out[axis]
        cnt = cnt.reshape(shape)
        total = cnt if total is None else total * cnt
    return be.from_host(total.astype(dtype))


@register_op("AvgPool3D")
class AvgPool3D(OpDef):
    """The mean of each 3-D window (SAME padding is not counted)."""

    fresh_outputs = True

    def infer(self, input, **attrs):
        if not input.dtype.is_floating:
            raise TypeError(f"Value passed to parameter 'input' has DataType {input.dtype.name} "
                            f"not in list of allowed values: float16, float32, float64")
        return spec(input.dtype, _pool_shape(input, attrs, "AvgPool3D"))

    def compute(self, be, x, **attrs):
        xp = be.xp
        fmt = attrs.get("data_format", "NDHWC")
        xl = _last(x, fmt)
        g = _pool_geometry(xl.shape, attrs)
        xpad = _padded(be, xl, g)
        y = xp.zeros((g.n,) + g.out + (g.c,), dtype=x.dtype)
        for off in g.offsets():
            y += xpad[g.offset_slice(off)]
        y /= _avg_counts(be, g, x.dtype)
        return _back(xp, y, fmt)

    def gradient(self, op, grad):
        return [avg_pool3d_grad(array_ops.shape(op.inputs[0]), grad, **_pool_attrs(op))]


@register_op("AvgPool3DGrad")
class AvgPool3DGrad(OpDef):
    """Gradient of AvgPool3D (inputs: orig_input_shape, grad)."""

    fresh_outputs = True
    host_inputs = (0,)

    def infer(self, orig_input_shape, grad, **attrs):
        _validate(attrs, "AvgPool3DGrad")
        grad.shape.with_rank(5)
        return spec(grad.dtype, _static_dims(orig_input_shape) or [None] * 5)

    def compute(self, be, orig_input_shape, dy, **attrs):
        xp = be.xp
        fmt = attrs.get("data_format", "NDHWC")
        sizes = _to_last([int(v) for v in np.asarray(orig_input_shape).reshape(-1)], fmt)
        g = _pool_geometry(sizes, attrs)
        dyl = _last(dy, fmt) / _avg_counts(be, g, dy.dtype)
        dx = xp.zeros(g.padded_shape, dtype=dy.dtype)
        for off in g.offsets():
            dst = dx[g.offset_slice(off)]
            xp.add(dst, dyl, out=dst)
        if g.padded:
            dx = dx[g.interior()]
        return _back(xp, xp.ascontiguousarray(dx), fmt)

    def gradient(self, op, grad):
        return [None, op.graph.create_op("AvgPool3D", [grad], _pool_attrs(op),
                                         name="AvgPool3D").outputs[0]]


# --- builders --------------------------------------------------------------------------------
def _seq5(value: Any, fmt: str, name: str, default: Any = None) -> List[int]:
    """An int or a list of 1, 3 or 5 ints -> 5 ints in `fmt` order."""
    if value is None:
        value = default
    if isinstance(value, (int, np.integer)):
        value = [int(value)]
    value = [int(v) for v in value]
    if len(value) == 5:
        return value
    if len(value) == 1:
        value = value * 3
    if len(value) != 3:
        raise ValueError(f"{name} should be of length 1, 3 or 5 but was {len(value)}")
    return [1, 1] + value if fmt == "NCDHW" else [1] + value + [1]


def _attrs(strides: Any, padding: Any, data_format: Any, dilations: Any,
           op_type: str) -> Dict[str, Any]:
    fmt = _check_format(data_format)
    if strides is None:
        raise ValueError(f"{op_type}: strides must be given")
    if padding is None:
        raise ValueError(f"{op_type}: padding must be given")
    return {"strides": _seq5(strides, fmt, "strides"),
            "padding": _check_padding(padding, op_type), "data_format": fmt,
            "dilations": _seq5(dilations, fmt, "dilations", 1)}


def conv3d(input: Any, filter: Any = None, strides: Any = None, padding: Any = None,  # noqa: A002
           data_format: str = "NDHWC", dilations: Any = (1, 1, 1, 1, 1),
           name: Optional[str] = None, filters: Any = None) -> Tensor:
    """3-D convolution (cross-correlation) (`tf.nn.conv3d`).

    Args:
      input: A 5-D float tensor [batch, depth, height, width, channels] (NDHWC) or NCDHW.
      filter: A 5-D tensor [filter_depth, filter_height, filter_width, in_channels,
        out_channels].
      strides: A list of 5 ints (1 in the batch and channel axes).
      padding: "SAME" or "VALID".
      data_format: "NDHWC" (default) or "NCDHW".
      dilations: A list of 5 ints: the spacing of the filter taps.
      name: Op name (default "Conv3D").
      filters: Alias of `filter`.

    Returns:
      A tensor of `input`'s dtype.

    Raises:
      ValueError: For bad strides/padding/dilations, mismatched channels, or a filter larger
        than the input (VALID).
    """
    if filter is None:
        filter = filters
    elif filters is not None:
        raise ValueError("Cannot specify both 'filters' and 'filter'.")
    attrs = _attrs(strides, padding, data_format, dilations, "Conv3D")
    graph = graph_of([input, filter])
    with graph.as_default():
        input = convert_to_tensor(input, name="input")
        filter = convert_to_tensor(filter, dtype=input.dtype, name="filter")
        return graph.create_op("Conv3D", [input, filter], attrs, name=name or "Conv3D").outputs[0]


def conv3d_backprop_input_v2(input_sizes: Any, filter: Any, out_backprop: Any,  # noqa: A002
                             strides: Any = None, padding: Any = None,
                             data_format: str = "NDHWC", dilations: Any = (1, 1, 1, 1, 1),
                             name: Optional[str] = None) -> Tensor:
    """The gradient of `conv3d` w.r.t. its input (op `Conv3DBackpropInputV2`)."""
    attrs = _attrs(strides, padding, data_format, dilations, "Conv3DBackpropInputV2")
    graph = graph_of([input_sizes, filter, out_backprop])
    with graph.as_default():
        sizes = _sizes_tensor(input_sizes, "input_sizes")
        filter = convert_to_tensor(filter, name="filter")
        out_backprop = convert_to_tensor(out_backprop, dtype=filter.dtype, name="out_backprop")
        return graph.create_op("Conv3DBackpropInputV2", [sizes, filter, out_backprop], attrs,
                               name=name or "Conv3DBackpropInputV2").outputs[0]


def conv3d_backprop_filter_v2(input: Any, filter_sizes: Any, out_backprop: Any,  # noqa: A002
                              strides: Any, padding: Any,
                              data_format: str = "NDHWC", dilations: Any = (1, 1, 1, 1, 1),
                              name: Optional[str] = None) -> Tensor:
    """The gradient of `conv3d` w.r.t. its filter (`tf.nn.conv3d_backprop_filter_v2`, op
    `Conv3DBackpropFilterV2`).

    Args:
      input: The convolution's input (5-D).
      filter_sizes: 1-D int32 tensor (or list) of the filter's shape (5 values).
      out_backprop: The gradient w.r.t. the convolution's output.
      strides, padding, data_format, dilations: As for `conv3d`.
      name: Op name (default "Conv3DBackpropFilterV2").
    """
    attrs = _attrs(strides, padding, data_format, dilations, "Conv3DBackpropFilterV2")
    graph = graph_of([input, filter_sizes, out_backprop])
    with graph.as_default():
        input = convert_to_tensor(input, name="input")
        sizes = _sizes_tensor(filter_sizes, "filter_sizes")
        out_backprop = convert_to_tensor(out_backprop, dtype=input.dtype, name="out_backprop")
        return graph.create_op("Conv3DBackpropFilterV2", [input, sizes, out_backprop], attrs,
                               name=name or "Conv3DBackpropFilterV2").outputs[0]


conv3d_backprop_filter = conv3d_backprop_filter_v2  # TF1 exports both names for the V2 op


def conv3d_transpose(value: Any = None, filter: Any = None, output_shape: Any = None,
                     strides: Any = None, padding: str = "SAME", data_format: str = "NDHWC",
                     name: Optional[str] = None, input: Any = None,  # noqa: A002
                     filters: Any = None, dilations: Any = None) -> Tensor:
    """The transpose of `conv3d` (`tf.nn.conv3d_transpose`).

    Args:
      value: A 5-D tensor [batch, depth, height, width, in_channels] (NDHWC).
      filter: A 5-D tensor [depth, height, width, output_channels, in_channels].
      output_shape: 1-D tensor or list of 5 ints: the shape of the result.
      strides, padding, data_format, dilations: As for `conv3d`.
      name: Name (default "conv3d_transpose").
      input, filters: Aliases of `value` and `filter`.

    Raises:
      ValueError: If the channels of `value`, `filter` and `output_shape` do not agree.
    """
    value = input if value is None else value
    filter = filters if filter is None else filter
    with name_scope(name, "conv3d_transpose", [value, filter, output_shape]) as name:
        value = convert_to_tensor(value, name="value")
        filter = convert_to_tensor(filter, dtype=value.dtype, name="filter")
        fmt = _check_format(data_format)
        out = transpose_output_sizes(value, filter, output_shape, 5, 1 if fmt == "NCDHW" else 4)
        return conv3d_backprop_input_v2(out, filter, value, strides=strides, padding=padding,
                                        data_format=fmt,
                                        dilations=dilations if dilations is not None else 1,
                                        name=name)


def _pool_build(op_type: str, input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
                data_format: Any, name: Optional[str]) -> Tensor:
    fmt = _check_format(data_format)
    attrs = {"ksize": _seq5(ksize, fmt, "ksize"), "strides": _seq5(strides, fmt, "strides"),
             "padding": _check_padding(padding, op_type), "data_format": fmt}
    graph = graph_of([input])
    with graph.as_default():
        input = convert_to_tensor(input, name="input")
        return graph.create_op(op_type, [input], attrs, name=name or op_type).outputs[0]


def max_pool3d(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
               data_format: str = "NDHWC", name: Optional[str] = None) -> Tensor:
    """3-D max pooling (`tf.nn.max_pool3d`).

    Args:
      input: A 5-D float tensor, NDHWC (default) or NCDHW.
      ksize, strides: Lists of 5 ints (or 1 or 3) with 1 in the batch and channel axes.
      padding: "SAME" or "VALID".
      data_format: "NDHWC" or "NCDHW".
      name: Op name (default "MaxPool3D").
    """
    return _pool_build("MaxPool3D", input, ksize, strides, padding, data_format, name)


def avg_pool3d(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
               data_format: str = "NDHWC", name: Optional[str] = None) -> Tensor:
    """3-D average pooling (`tf.nn.avg_pool3d`); SAME padding is not counted in the mean."""
    return _pool_build("AvgPool3D", input, ksize, strides, padding, data_format, name)


def max_pool3d_grad(orig_input: Tensor, orig_output: Tensor, grad: Tensor, ksize, strides,
                    padding, data_format: str = "NDHWC", name: Optional[str] = None) -> Tensor:
    return orig_input.graph.create_op(
        "MaxPool3DGrad", [orig_input, orig_output, grad],
        {"ksize": list(ksize), "strides": list(strides), "padding": padding,
         "data_format": data_format}, name=name or "MaxPool3DGrad").outputs[0]


def max_pool3d_grad_grad(orig_input: Tensor, orig_output: Tensor, grad: Tensor, ksize, strides,
                         padding, data_format: str = "NDHWC",
                         name: Optional[str] = None) -> Tensor:
    return orig_input.graph.create_op(
        "MaxPool3DGradGrad", [orig_input, orig_output, grad],
        {"ksize": list(ksize), "strides": list(strides), "padding": padding,
         "data_format": data_format}, name=name or "MaxPool3DGradGrad").outputs[0]


def avg_pool3d_grad(orig_input_shape: Tensor, grad: Tensor, ksize, strides, padding,
                    data_format: str = "NDHWC", name: Optional[str] = None) -> Tensor:
    return grad.graph.create_op(
        "AvgPool3DGrad", [orig_input_shape, grad],
        {"ksize": list(ksize), "strides": list(strides), "padding": padding,
         "data_format": data_format}, name=name or "AvgPool3DGrad").outputs[0]


__all__: List[str] = []
