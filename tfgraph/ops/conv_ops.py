"""2-D convolutions: `Conv2D`, `Conv2DBackpropInput`, `Conv2DBackpropFilter`,
`DepthwiseConv2dNative` (+ backprops), and the `tf.nn` builders (conv2d, conv2d_transpose, ...).

Kernels work in NHWC (NCHW values are transposed views).  Conv2D and Conv2DBackpropFilter use
im2col: one strided view of all windows of the (padded) input, copied a cache-sized chunk of
images at a time into a reusable work matrix, each chunk multiplied while still in cache.
Conv2DBackpropInput is mostly the same kind of convolution of the padded gradient with the
flipped filter (`_full_convolution`); otherwise (strides, dilations, one input channel, many
more output channels) it computes every kernel offset's contribution in one matrix product
(`dy @ W.T`, offsets side by side) and adds each offset's columns into a strided slice of the
input gradient (col2im without np.add.at; each slice maps windows one-to-one onto input
pixels).  In convolutional plans the three kernels split the batch over tfgraph's threads
(`kernels/parallel.py`: each part copies and multiplies its own images; the filter gradient
sums the products of 8 fixed batch slices, whatever the thread count).  Work buffers (im2col
chunks, zero-bordered padded inputs) come from a small pool and are reused across runs:
allocating a fresh buffer costs as much as filling it (page faults).

Geometry follows TF1: VALID gives `ceil((in - dk + 1) / s)` outputs, SAME gives `ceil(in / s)`
with the padding split `total // 2` before and the rest after; explicit paddings come as a list
of 4 `[before, after]` pairs (`padding=[[0, 0], [1, 1], [2, 2], [0, 0]]`).
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, graph_of, name_scope
from ..framework.graph import Tensor
from ..framework.registry import OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ..kernels.parallel import parallel_for, parallel_slices, part_dot, sum_slices
from ..kernels.workspace import WORKSPACE
from . import array_ops

# --- work buffers: tfgraph.kernels.workspace --------------------------------------------------


# --- attributes and geometry -------------------------------------------------------------------
def get_sequence(value: Any, n: int, channel_index: int, name: str) -> List[int]:
    """TF1's `_get_sequence`: an int or a list of 1, `n` or `n + 2` ints -> `n + 2` ints.

    Raises:
      ValueError: For a list of another length.
    """
    if value is None:
        value = [1]
    elif isinstance(value, (int, np.integer)):
        value = [int(value)]
    value = [int(v) for v in value]
    if len(value) == n + 2:
        return value
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError(f"{name} should be of length 1, {n} or {n + 2} but was {len(value)}")
    return [1, 1] + value if channel_index == 1 else [1] + value + [1]


def convert_padding(padding: Any) -> Tuple[str, List[int]]:
    """TF1's `convert_padding`: "SAME"/"VALID", or a list of 4 [before, after] pairs ->
    ("EXPLICIT", flat list of 8 ints).

    Raises:
      ValueError: For any other value.
    """
    if isinstance(padding, bytes):
        padding = padding.decode()
    if padding == "EXPLICIT":
        raise ValueError('"EXPLICIT" is not a valid value for the padding parameter. To use '
                         'explicit padding, the padding parameter must be a list.')
    if isinstance(padding, (list, tuple)):
        explicit: List[int] = []
        for i, pair in enumerate(padding):
            if not isinstance(pair, (list, tuple)):
                raise ValueError(f"When padding is a list, each element of padding must be a "
                                 f"list/tuple of size 2. Element with index {i} of padding is "
                                 f"not a list/tuple")
            if len(pair) != 2:
                raise ValueError(f"When padding is a list, each element of padding must be a "
                                 f"list/tuple of size 2. Element with index {i} of padding has "
                                 f"size {len(pair)}")
            explicit.extend(int(p) for p in pair)
        if len(padding) != 4:
            raise ValueError(f"When padding is a list, it must be of size 4. Got padding of size: "
                             f"{len(padding)}")
        return "EXPLICIT", explicit
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"Value for attr 'padding' of {padding!r} is not in the list of allowed "
                         f"values: \"SAME\", \"VALID\", \"EXPLICIT\"")
    return padding, []


def check_data_format(data_format: Optional[str]) -> str:
    if data_format is None:
        return "NHWC"
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"Value for attr 'data_format' of {data_format!r} is not in the list of "
                         f"allowed values: \"NHWC\", \"NCHW\"")
    return data_format


def to_nhwc(dims: Sequence[Any], data_format: str) -> List[Any]:
    """Reorders a 4-vector given in `data_format` to N, H, W, C."""
    d = list(dims)
    return [d[0], d[2], d[3], d[1]] if data_format == "NCHW" else d


def from_nhwc(dims: Sequence[Any], data_format: str) -> List[Any]:
    d = list(dims)
    return [d[0], d[3], d[1], d[2]] if data_format == "NCHW" else d


def spatial_output(size: Optional[int], k: Optional[int], stride: int, dilation: int,
                   padding: str, pads: Tuple[int, int] = (0, 0)
                   ) -> Tuple[Optional[int], int, int]:
    """Output size and (before, after) padding of one spatial axis, as TF1 computes them.

    Raises:
      ValueError: If the (dilated) window is larger than the (padded) input.
    """
    if size is None or k is None:
        return None, 0, 0
    dk = (k - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + dk - size, 0)
        return out, total // 2, total - total // 2
    if padding == "EXPLICIT":
        before, after = pads
        padded = size + before + after
    else:
        before = after = 0
        padded = size
    if padded < dk:
        raise ValueError(f"Negative dimension size caused by subtracting {dk} from {padded}")
    return (padded - dk) // stride + 1, before, after


class Geometry(NamedTuple):
    """Everything a 2-D window kernel needs to know about one call (NHWC terms)."""

    n: int
    h: int
    w: int
    c: int
    kh: int
    kw: int
    sh: int
    sw: int
    dh: int
    dw: int
    oh: int
    ow: int
    pt: int
    pb: int
    pl: int
    pr: int

    @property
    def padded(self) -> bool:
        return bool(self.pt or self.pb or self.pl or self.pr)

    def window_view(self, be, xpad: Any) -> Any:
        """The (N, OH, OW, KH, KW, C) strided view of all windows of the padded input."""
        sn, sh, sw, sc = xpad.strides
        return be.as_strided(xpad, (self.n, self.oh, self.ow, self.kh, self.kw, self.c),
                             (sn, sh * self.sh, sw * self.sw, sh * self.dh, sw * self.dw, sc))

    def offset_slice(self, i: int, j: int) -> Tuple[slice, slice, slice, slice]:
        """Index of the padded-input pixels that kernel offset (i, j) touches, one per output."""
        r0, c0 = i * self.dh, j * self.dw
        return (slice(None), slice(r0, r0 + self.sh * (self.oh - 1) + 1, self.sh),
                slice(c0, c0 + self.sw * (self.ow - 1) + 1, self.sw), slice(None))


def make_geometry(in_nhwc: Sequence[int], kh: int, kw: int, attrs: Dict[str, Any],
                  strides_key: str = "strides") -> Geometry:
    """The geometry of a call with NHWC input dims `in_nhwc` and a `kh` x `kw` window."""
    fmt = attrs.get("data_format", "NHWC")
    n, h, w, c = (int(d) for d in in_nhwc)
    s = to_nhwc(attrs[strides_key], fmt)
    d = to_nhwc(attrs.get("dilations") or [1, 1, 1, 1], fmt)
    padding = attrs["padding"]
    ex = attrs.get("explicit_paddings") or [0] * 8
    if padding == "EXPLICIT":
        pairs = [(ex[0], ex[1]), (ex[2], ex[3]), (ex[4], ex[5]), (ex[6], ex[7])]
        pairs = to_nhwc(pairs, fmt)
    else:
        pairs = [(0, 0)] * 4
    oh, pt, pb = spatial_output(h, kh, s[1], d[1], padding, pairs[1])
    ow, pl, pr = spatial_output(w, kw, s[2], d[2], padding, pairs[2])
    return Geometry(n, h, w, c, kh, kw, s[1], s[2], d[1], d[2], oh, ow, pt, pb, pl, pr)


def validate_window_attrs(attrs: Dict[str, Any], what: str = "strides") -> None:
    """Checks strides/dilations/explicit paddings as TF1's shape functions do.

    Raises:
      ValueError: For a wrong length, a stride or dilation in the batch/channel axes, or
        nonzero explicit batch/channel padding.
    """
    fmt = attrs.get("data_format", "NHWC")
    for key in ("strides", "dilations", "ksize"):
        v = attrs.get(key)
        if v is None:
            continue
        if len(v) != 4:
            raise ValueError(f"{key} must have 4 elements, got {list(v)}")
        vv = to_nhwc(v, fmt)
        if any(int(x) < 1 for x in v):
            raise ValueError(f"{key} must be positive, got {list(v)}")
        if vv[0] != 1 or vv[3] != 1:
            if key == "ksize":
                raise ValueError("Pooling is not yet supported on the batch dimension.")
            noun = "strides" if key == "strides" else "dilations"
            raise ValueError(f"Current implementation does not yet support {noun} in the batch "
                             f"and depth dimensions.")
    if attrs.get("padding") == "EXPLICIT":
        ex = attrs.get("explicit_paddings") or []
        if len(ex) != 8:
            raise ValueError(f"explicit_paddings must have 8 elements, got {len(ex)}")
        pairs = to_nhwc([(ex[0], ex[1]), (ex[2], ex[3]), (ex[4], ex[5]), (ex[6], ex[7])], fmt)
        if any(p < 0 for pair in pairs for p in pair):
            raise ValueError(f"All explicit paddings must be non-negative, got {ex}")
        if pairs[0] != (0, 0) or pairs[3] != (0, 0):
            raise ValueError("Nonzero explicit padding in the batch or depth dimensions is not "
                             "supported")


def _static_dims(t: Tensor) -> Optional[List[Optional[int]]]:
    """The value of a 1-D shape tensor as far as known at build time (Const or Shape op)."""
    v = array_ops._static_int_vector(t)
    if v is not None:
        return v
    return None


def _nhwc(x: Any, fmt: str) -> Any:
    return x.transpose(0, 2, 3, 1) if fmt == "NCHW" else x


def _to_format(xp, y: Any, fmt: str) -> Any:
    return xp.ascontiguousarray(y.transpose(0, 3, 1, 2)) if fmt == "NCHW" else y


@contextlib.contextmanager
def padded_input(be, x: Any, g: Geometry, fill: float = 0.0,
                 copy: bool = True) -> Iterator[Any]:
    """`x` (NHWC) with its spatial padding, from the pool (the border kept between uses);
    with `copy=False` the interior is left for the caller to fill (`fill_padded`), e.g. a
    batch part at a time."""
    if not g.padded:
        yield x
        return
    shape = (g.n, g.h + g.pt + g.pb, g.w + g.pl + g.pr, g.c)
    # the border, written when the pooled buffer was made, stays as it was: one tag per fill
    with WORKSPACE.borrow(be, f"pad{g.pt},{g.pb},{g.pl},{g.pr} fill {fill!r}", shape, x.dtype,
                          fill=fill) as buf:
        if copy:
            fill_padded(buf, x, g, 0, g.n)
        yield buf


def fill_padded(buf: Any, x: Any, g: Geometry, start: int, stop: int) -> None:
    """Copies images start..stop of `x` into the interior of the padded buffer `buf`."""
    buf[start:stop, g.pt:g.pt + g.h, g.pl:g.pl + g.w, :] = x[start:stop]


def _is_view_im2col(g: Geometry) -> bool:
    return g.kh == 1 and g.kw == 1 and g.sh == 1 and g.sw == 1 and not g.padded


def _im2col_transposed(g: Geometry) -> bool:
    """Whether the window matrix is stored transposed, (KH*KW*C, N*OH*OW) row-major.

    With few input channels a window row has only KW*C contiguous input pixels, so the
    (N*OH*OW, KH*KW*C) copy runs in tiny pieces (LeNet's 5x5x1 windows: 2.6 ms); the
    transposed copy moves whole output rows per kernel offset (0.65 ms).  The GEMMs take
    either layout (BLAS transposes for free)."""
    return g.c < 4


# The window matrix is built and multiplied a chunk of images at a time, small enough to stay
# in the core's L2 cache between the copy and the product (the CNN's 3x3x32 windows, half
# the batch on one thread: copy + product 9.6 -> 7.8 ms).  The filter gradient builds its
# own chunks again: as fast as reusing a whole 42 MB matrix kept by the forward op (CNN
# step, runs alternated: 40.4 vs 40.2 ms), which needed that memory and a per-run slot;
# without either, the CNN step takes 11% longer.
_IM2COL_CHUNK_BYTES = 512 * 1024


def _im2col_chunk(g: Geometry, itemsize: int) -> int:
    """Images per chunk of the window matrix (at least one)."""
    per_image = g.oh * g.ow * g.kh * g.kw * g.c * itemsize
    return max(1, min(g.n, _IM2COL_CHUNK_BYTES // max(per_image, 1)))


def _im2col_parts(be, x: Any, g: Geometry,
                  work: Callable[[Any, int, int, int], None], work_bytes: int) -> None:
    """Calls `work(cols, start, stop, part)` with the (rows, KH*KW*C) window matrix `cols` of
    images start..stop of `x`, chunk by chunk (`_im2col_chunk`), the batch split into 8 fixed
    slices over tfgraph's threads (`parallel_slices`); `part` is the first image of the
    slice, so that sums per slice come out alike on any thread count.  1x1 stride-1
    unpadded windows use rows of `x` itself."""
    xp, pixels = be.xp, g.oh * g.ow
    if _is_view_im2col(g):
        x2 = x.reshape(g.n * pixels, g.c)
        parallel_slices(be, g.n, lambda s, e: work(x2[s * pixels:e * pixels], s, e, s),
                        x.nbytes + work_bytes)
        return
    nb = _im2col_chunk(g, x.dtype.itemsize)
    k = g.kh * g.kw * g.c
    transposed = _im2col_transposed(g)
    with padded_input(be, x, g, copy=False) as xpad:  # each part pads its own images
        win = g.window_view(be, xpad)
        src = win.transpose(3, 4, 5, 0, 1, 2) if transposed else win

        def part(s: int, e: int) -> None:
            if xpad is not x:
                fill_padded(xpad, x, g, s, e)
            shape = (k, nb * pixels) if transposed else (nb * pixels, k)
            with WORKSPACE.borrow(be, "im2col", shape, x.dtype) as buf:
                for cs in range(s, e, nb):
                    ce = min(e, cs + nb)
                    rows = (ce - cs) * pixels
                    if transposed:
                        xp.copyto(buf[:, :rows].reshape(g.kh, g.kw, g.c, ce - cs, g.oh, g.ow),
                                  src[:, :, :, cs:ce])
                        cols = buf[:, :rows].T
                    else:
                        cols = buf[:rows]
                        xp.copyto(cols.reshape(ce - cs, g.oh, g.ow, g.kh, g.kw, g.c), src[cs:ce])
                    work(cols, cs, ce, s)
        parallel_slices(be, g.n, part, x.nbytes * g.kh * g.kw + work_bytes)


def conv_matmul(be, x: Any, w2: Any, g: Geometry) -> Any:
    """The (N*OH*OW, F) product of the window matrix of `x` (NHWC, geometry `g`) with the
    (KH*KW*C, F) filter matrix `w2`, the batch split over tfgraph's threads."""
    xp = be.xp
    pixels = g.oh * g.ow
    y = xp.empty((g.n * pixels, w2.shape[1]), dtype=xp.result_type(x.dtype, w2.dtype))

    def gemm(cols, s, e, part):
        xp.matmul(cols, w2, out=y[s * pixels:e * pixels])
    _im2col_parts(be, x, g, gemm, y.nbytes)
    return y


def _host_ints(be, v: Any) -> List[int]:
    return [int(d) for d in np.asarray(be.to_host(v)).reshape(-1)]


# --- Conv2D ---------------------------------------------------------------------------------------
class _ConvBase(OpDef):
    """Shared attribute handling of the convolution ops."""

    @staticmethod
    def _check_dtypes(a: Tensor, b: Tensor, op_type: str, an: str, bn: str) -> None:
        if a.dtype != b.dtype:
            raise TypeError(f"Input '{bn}' of '{op_type}' has type {b.dtype.name} that does not "
                            f"match type {a.dtype.name} of argument '{an}'.")
        if not a.dtype.is_floating:
            raise TypeError(f"Value passed to parameter '{an}' has DataType {a.dtype.name} not in "
                            f"list of allowed values: float16, float32, float64")

    @staticmethod
    def _out_shape(in_dims: Sequence[Optional[int]], filt: Sequence[Optional[int]],
                   attrs: Dict[str, Any], what: str) -> List[Optional[int]]:
        """Static NHWC->format output shape of a forward convolution."""
        fmt = attrs.get("data_format", "NHWC")
        n, h, w, c = to_nhwc(in_dims, fmt)
        kh, kw, fc, f = filt
        if c is not None and fc is not None and c != fc:
            raise ValueError(f"Depth of input ({c}) must equal the input depth of filter ({fc})")
        s = to_nhwc(attrs["strides"], fmt)
        d = to_nhwc(attrs.get("dilations") or [1, 1, 1, 1], fmt)
        ex = attrs.get("explicit_paddings") or [0] * 8
        pairs = to_nhwc([(ex[0], ex[1]), (ex[2], ex[3]), (ex[4], ex[5]), (ex[6], ex[7])], fmt)
        oh = spatial_output(h, kh, s[1], d[1], attrs["padding"], pairs[1])[0]
        ow = spatial_output(w, kw, s[2], d[2], attrs["padding"], pairs[2])[0]
        return from_nhwc([n, oh, ow, f], fmt)


@register_op("Conv2D")
class Conv2D(_ConvBase):
    """2-D cross-correlation of an NHWC/NCHW input with a [kh, kw, in, out] filter."""

    batch_parallel = True  # kernels/parallel.py splits the batch
    fresh_outputs = True  # new arrays: BiasAdd/ReluGrad after them work in place

    def infer(self, input, filter, **attrs):
        self._check_dtypes(input, filter, "Conv2D", "input", "filter")
        validate_window_attrs(attrs)
        ins = input.shape.with_rank(4).as_list()
        fs = filter.shape.with_rank(4).as_list()
        return spec(input.dtype, self._out_shape(ins, fs, attrs, "Conv2D"))

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")
        cache: Dict[tuple, Geometry] = {}

        def conv2d_kernel(x, w):
            xn = _nhwc(x, fmt)
            key = (xn.shape, w.shape)
            g = cache.get(key)
            if g is None:
                g = cache[key] = make_geometry(xn.shape, w.shape[0], w.shape[1], attrs)
            y = conv_matmul(be, xn, w.reshape(-1, w.shape[3]), g)
            return _to_format(xp, y.reshape(g.n, g.oh, g.ow, w.shape[3]), fmt)
        return conv2d_kernel

    def gradient(self, op, grad):
        x, w = op.inputs
        attrs = _grad_attrs(op)
        return [conv2d_backprop_input(array_ops.shape(x), w, grad, **attrs),
                conv2d_backprop_filter(x, array_ops.shape(w), grad, **attrs)]


def _grad_attrs(op) -> Dict[str, Any]:
    a = op.attrs
    return {"strides": a["strides"], "padding": a["padding"],
            "explicit_paddings": a.get("explicit_paddings") or [],
            "data_format": a.get("data_format", "NHWC"),
            "dilations": a.get("dilations") or [1, 1, 1, 1],
            "use_cudnn_on_gpu": a.get("use_cudnn_on_gpu", True)}


@register_op("Conv2DBackpropInput")
class Conv2DBackpropInput(_ConvBase):
    """The gradient of Conv2D w.r.t. its input (inputs: input_sizes, filter, out_backprop);
    also the "transposed convolution"."""

    batch_parallel = True  # kernels/parallel.py splits the batch
    fresh_outputs = True  # new arrays: BiasAdd/ReluGrad after them work in place

    def infer(self, input_sizes, filter, out_backprop, **attrs):
        self._check_dtypes(filter, out_backprop, "Conv2DBackpropInput", "filter", "out_backprop")
        validate_window_attrs(attrs)
        fs = filter.shape.with_rank(4).as_list()
        out_backprop.shape.with_rank(4)
        sizes = _static_dims(input_sizes)
        if sizes is None:
            sizes = [None] * 4
        if len(sizes) != 4:
            raise ValueError(f"input_sizes must have 4 elements, got {sizes}")
        expect = self._out_shape(sizes, fs, attrs, "Conv2DBackpropInput")
        got = out_backprop.shape.as_list()
        for e, a in zip(expect, got):
            if e is not None and a is not None and e != a:
                raise ValueError(f"Conv2DBackpropInput: out_backprop has shape {got}, the "
                                 f"convolution of input_sizes {sizes} gives {expect}")
        fmt = attrs.get("data_format", "NHWC")
        c_axis = 1 if fmt == "NCHW" else 3
        out = list(sizes)
        if out[c_axis] is None:
            out[c_axis] = fs[2]
        return spec(filter.dtype, out)

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")
        static = _static_dims(op.inputs[0])
        static = static if static is not None and None not in static else None

        def conv2d_backprop_input_kernel(input_sizes, w, dy):
            sizes = static if static is not None else _host_ints(be, input_sizes)
            n, h, wd, c = to_nhwc(sizes, fmt)
            g = make_geometry((n, h, wd, c), w.shape[0], w.shape[1], attrs)
            dy = _nhwc(dy, fmt)
            f = w.shape[3]
            if tuple(dy.shape) != (g.n, g.oh, g.ow, f):
                raise ValueError(f"Conv2DBackpropInput: out_backprop has shape "
                                 f"{tuple(dy.shape)}, expected {(g.n, g.oh, g.ow, f)}")
            full = _full_convolution(g, f)
            if full is None:
                return _to_format(xp, col2im_conv(be, dy, w, g), fmt)
            # the padded gradient convolved with the flipped, transposed filter
            wt = xp.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2)).reshape(-1, g.c)
            dx = conv_matmul(be, dy, wt, full).reshape(g.n, g.h, g.w, g.c)
            return _to_format(xp, dx, fmt)
        return conv2d_backprop_input_kernel

    def gradient(self, op, grad):
        _, w, dy = op.inputs
        attrs = _grad_attrs(op)
        return [None,
                conv2d_backprop_filter(grad, array_ops.shape(w), dy, **attrs),
                conv2d(grad, w, **_builder_attrs(attrs))]


def _full_convolution(g: Geometry, f: int) -> Optional[Geometry]:
    """The geometry of the input gradient as a convolution of the gradient `dy` (F channels),
    padded by KH-1-top etc., with the flipped filter (stride and dilation 1, paddings below
    the window size), when that is the faster form.

    Both forms do the same multiply-adds: this one as a GEMM with K = KH*KW*F and N = C
    (its window matrix built a cache-sized chunk at a time, as Conv2D's), col2im as one with
    K = F and N = KH*KW*C whose columns are then added into strided slices of the
    gradient.  The scatter loses to the window copy unless the GEMM here gets too narrow: a
    single input channel, or over six times as many output channels (the op alone, 2 threads:
    3x3 32 -> 64 channels 11.9 -> 11.1 ms, LeNet's 5x5 6 -> 16 2.5 -> 2.2, 16 -> 16 SAME
    8.8 -> 3.3, 3 -> 16 3.2 -> 1.9; kept: 1 -> 32 0.9 vs 2.1, 8 -> 64 1.9 vs 2.5.  Whole
    steps, runs alternated: LeNet 11.7 -> 10.7 and 10.7 -> 10.1 ms, the CNN 41.6 -> 41.0)."""
    if (g.sh, g.sw, g.dh, g.dw) != (1, 1, 1, 1) or g.c < 2 or f > 6 * g.c or \
            g.kh * g.kw == 1 or not (g.n and g.oh and g.ow and g.c and f) or \
            max(g.pt, g.pb) >= g.kh or max(g.pl, g.pr) >= g.kw:
        return None
    return Geometry(g.n, g.oh, g.ow, f, g.kh, g.kw, 1, 1, 1, 1, g.h, g.w, g.kh - 1 - g.pt,
                    g.kh - 1 - g.pb, g.kw - 1 - g.pl, g.kw - 1 - g.pr)


# col2im_conv works through the batch in chunks whose gradient slices stay in the cores'
# caches while the kh*kw products are added into them, but of at least this many output
# pixels, below which the GEMM loses efficiency.
_COL2IM_CHUNK_BYTES = 512 * 1024
_COL2IM_MIN_ROWS = 2048


def col2im_conv(be, dy: Any, w: Any, g: Geometry) -> Any:
    """The input gradient (NHWC) of a convolution from `dy` (N, OH, OW, F) and the filter.

    The batch is split over tfgraph's threads (`parallel_for`); each part works through its
    images in chunks: one GEMM gives every kernel offset's contribution side by side,
    (rows, F) @ (F, KH*KW*C), and each offset's C columns are added into its strided slice
    of the padded gradient."""
    xp = be.xp
    f = w.shape[3]
    hp, wp = g.h + g.pt + g.pb, g.w + g.pl + g.pr
    dx = xp.zeros((g.n, hp, wp, g.c), dtype=dy.dtype)
    kk = g.kh * g.kw
    # (F, KH*KW*C): row f holds filter f's weights, offset-major like the columns of z
    w_all = w.reshape(kk * g.c, f).T
    pixels = g.oh * g.ow
    if not (g.n and pixels and g.c):
        return dx[:, g.pt:g.pt + g.h, g.pl:g.pl + g.w, :].copy() if g.padded else dx
    per_image = (pixels * kk + hp * wp) * g.c * dy.dtype.itemsize
    nb = min(g.n, max(-(-_COL2IM_MIN_ROWS // pixels), _COL2IM_CHUNK_BYTES // per_image, 1))

    # With few channels an offset's columns are short runs (C floats, LeNet's 6): regrouped
    # offset-major per output row first, each add runs over OW*C contiguous floats (LeNet
    # conv2, a 21-image chunk: 0.99 -> 0.61 ms; the CNN's 32 channels: no difference).
    regroup = g.c < 16 and g.sw == 1 and g.dw == 1

    def images(start: int, stop: int) -> None:
        with WORKSPACE.borrow(be, "col2im", (nb * pixels, kk * g.c), dy.dtype) as z, \
                (WORKSPACE.borrow(be, "col2im_rows", (nb, g.oh, kk, g.ow, g.c), dy.dtype)
                 if regroup else contextlib.nullcontext()) as zr:
            for s in range(start, stop, nb):
                e = min(stop, s + nb)
                zc = z[:(e - s) * pixels]
                xp.matmul(dy[s:e].reshape(-1, f), w_all, out=zc)
                z5 = zc.reshape(e - s, g.oh, g.ow, kk, g.c)
                if regroup:
                    xp.copyto(zr[:e - s], z5.transpose(0, 1, 3, 2, 4))
                dxc = dx[s:e]
                for k in range(kk):
                    dst = dxc[g.offset_slice(*divmod(k, g.kw))]
                    xp.add(dst, zr[:e - s, :, k] if regroup else z5[:, :, :, k], out=dst)
    parallel_for(be, g.n, images, dx.nbytes + dy.nbytes * (1 + kk * g.c // max(f, 1)))
    if g.padded:
        dx = xp.ascontiguousarray(dx[:, g.pt:g.pt + g.h, g.pl:g.pl + g.w, :])
    return dx


@register_op("Conv2DBackpropFilter")
class Conv2DBackpropFilter(_ConvBase):
    """The gradient of Conv2D w.r.t. its filter (inputs: input, filter_sizes, out_backprop)."""

    batch_parallel = True  # kernels/parallel.py splits the batch
    fresh_outputs = True  # new arrays: BiasAdd/ReluGrad after them work in place

    def infer(self, input, filter_sizes, out_backprop, **attrs):
        self._check_dtypes(input, out_backprop, "Conv2DBackpropFilter", "input", "out_backprop")
        validate_window_attrs(attrs)
        input.shape.with_rank(4)
        out_backprop.shape.with_rank(4)
        sizes = _static_dims(filter_sizes)
        if sizes is None:
            sizes = [None] * 4
        if len(sizes) != 4:
            raise ValueError(f"filter_sizes must have 4 elements, got {sizes}")
        return spec(input.dtype, sizes)

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")
        static = _static_dims(op.inputs[1])
        static = static if static is not None and None not in static else None

        def conv2d_backprop_filter_kernel(x, filter_sizes, dy):
            kh, kw, c, f = static if static is not None else _host_ints(be, filter_sizes)
            xn = _nhwc(x, fmt)
            dy = _nhwc(dy, fmt)
            g = make_geometry(xn.shape, kh, kw, attrs)
            if tuple(dy.shape) != (g.n, g.oh, g.ow, f):
                raise ValueError(f"Conv2DBackpropFilter: out_backprop has shape "
                                 f"{tuple(dy.shape)}, expected {(g.n, g.oh, g.ow, f)}")
            dy2 = dy.reshape(-1, f)
            pixels = g.oh * g.ow
            partial: Dict[int, Any] = {}  # per fixed slice of the batch, summed in order

            def gemm(cols, s, e, part):
                p = part_dot(xp, cols.T, dy2[s * pixels:e * pixels])
                if part in partial:
                    xp.add(partial[part], p, out=partial[part])
                else:
                    partial[part] = p
            _im2col_parts(be, xn, g, gemm, dy2.nbytes)
            if not partial:  # an empty batch or image
                return xp.zeros((kh, kw, c, f), dtype=xp.result_type(xn.dtype, dy.dtype))
            return sum_slices(partial).reshape(kh, kw, c, f)
        return conv2d_backprop_filter_kernel

    def gradient(self, op, grad):
        x, _, dy = op.inputs
        attrs = _grad_attrs(op)
        return [conv2d_backprop_input(array_ops.shape(x), grad, dy, **attrs),
                None,
                conv2d(x, grad, **_builder_attrs(attrs))]


def _builder_attrs(attrs: Dict[str, Any]) -> Dict[str, Any]:
    """Gradient attrs -> keyword arguments of `conv2d`."""
    padding = attrs["padding"]
    if padding == "EXPLICIT":
        ex = attrs["explicit_paddings"]
        padding = [[ex[0], ex[1]], [ex[2], ex[3]], [ex[4], ex[5]], [ex[6], ex[7]]]
    return {"strides": attrs["strides"], "padding": padding, "data_format": attrs["data_format"],
            "dilations": attrs["dilations"]}


# --- depthwise convolutions; with channel multiplier 1 (MobileNet's) ----------------------------
# Each kernel offset is one multiply-add of a strided (N, OH, OW, C) view of the padded input
# by a per-channel vector.  With unit column stride and dilation a view's (OW, C) block is
# contiguous in each image row, so it is taken as rows of OW*C values against the vector
# tiled OW times (a broadcast over rows of only C values is several times slower), and the
# batch is split over tfgraph's threads: 64x32x32x32, 3x3 SAME: 24 -> 3 ms.

def _rows_of(v: Any) -> Optional[Any]:
    """The (N, A, B*C) view of an (N, A, B, C) view whose (B, C) blocks are contiguous, else
    None."""
    n, a, b, c = v.shape
    if v.strides[3] != v.itemsize or v.strides[2] != c * v.itemsize:
        return None
    return v.reshape(n, a, b * c)  # a view: the merged axes are contiguous


def _flat_rows(g: Geometry) -> Optional[Tuple[int, int]]:
    """With stride 1, an image's padded rows flattened end to end make every kernel offset's
    window one contiguous run: output pixel (r, c) of offset (i, j) reads flat element
    (r + i*dh) * Wp*C + (c + j*dw) * C.  Returns (Wp*C, L), L = the run length covering all
    output pixels (the columns past OW in each row are wrap-around, never kept), or None."""
    if g.sh != 1 or g.sw != 1:
        return None
    row = (g.w + g.pl + g.pr) * g.c
    return row, (g.oh - 1) * row + g.ow * g.c


def _offset_start(g: Geometry, row: int, i: int, j: int) -> int:
    return i * g.dh * row + j * g.dw * g.c


def _depthwise_flat(be, g: Geometry, xpad: Any, wv: Any, start: int, stop: int) -> Any:
    """The depthwise output of images start..stop as (N, OH, OW, C), by `_flat_rows` runs:
    each kernel offset is one multiply-add over contiguous runs of the flattened padded
    images (64x32x32x32, 3x3: 0.5 ms an offset on one thread, against 1.3 ms on (OH, OW*C)
    strided views)."""
    xp = be.xp
    row, run = _flat_rows(g)
    n = stop - start
    xf = xpad[start:stop].reshape(n, -1)
    acc = xp.empty((n, g.oh * row), dtype=xpad.dtype)
    tmp = xp.empty((n, run), dtype=xpad.dtype)
    for k in range(g.kh * g.kw):
        i, j = divmod(k, g.kw)
        a = _offset_start(g, row, i, j)
        w_run = xp.tile(wv[i, j], -(-run // g.c))[:run]
        if k == 0:
            xp.multiply(xf[:, a:a + run], w_run, out=acc[:, :run])
        else:
            xp.multiply(xf[:, a:a + run], w_run, out=tmp)
            acc[:, :run] += tmp
    return acc.reshape(n, g.oh, row // g.c, g.c)[:, :, :g.ow, :]


def _dy_runs(be, g: Geometry, dy: Any, start: int, stop: int) -> Any:
    """dy of images start..stop laid out like `_flat_rows`' output runs: (N, OH*Wp*C), the
    wrap-around columns zero."""
    xp = be.xp
    n, wp = stop - start, g.w + g.pl + g.pr
    ext = xp.zeros((n, g.oh, wp, g.c), dtype=dy.dtype)
    ext[:, :, :g.ow, :] = dy[start:stop]
    return ext.reshape(n, -1)


def _depthwise_input_flat(be, g: Geometry, dy: Any, wv: Any, dxpad: Any, start: int,
                          stop: int) -> None:
    """Adds each kernel offset's dy * wv[i, j] into the padded input gradient of images
    start..stop, as contiguous `_flat_rows` runs."""
    xp = be.xp
    row, run = _flat_rows(g)
    n = stop - start
    dyf = _dy_runs(be, g, dy, start, stop)[:, :run]
    dxf = dxpad[start:stop].reshape(n, -1)
    tmp = xp.empty((n, run), dtype=dy.dtype)
    for k in range(g.kh * g.kw):
        i, j = divmod(k, g.kw)
        a = _offset_start(g, row, i, j)
        xp.multiply(dyf, xp.tile(wv[i, j], -(-run // g.c))[:run], out=tmp)
        dxf[:, a:a + run] += tmp


def _depthwise_filter_flat(be, g: Geometry, xpad: Any, dy: Any, start: int, stop: int) -> Any:
    """(KH, KW, C) sums over images start..stop of each offset's input run times dy, as
    contiguous `_flat_rows` runs."""
    xp = be.xp
    row, run = _flat_rows(g)
    n = stop - start
    dyf = _dy_runs(be, g, dy, start, stop)
    xf = xpad[start:stop].reshape(n, -1)
    ones = xp.ones(n, dtype=dy.dtype)
    out = xp.empty((g.kh, g.kw, g.c), dtype=dy.dtype)
    tmp = xp.empty((n, run), dtype=dy.dtype)
    col = xp.zeros(g.oh * row, dtype=dy.dtype)  # per-position sums, then folded to C
    for k in range(g.kh * g.kw):
        i, j = divmod(k, g.kw)
        a = _offset_start(g, row, i, j)
        xp.multiply(xf[:, a:a + run], dyf[:, :run], out=tmp)
        xp.matmul(ones, tmp, out=col[:run])
        out[i, j] = col.reshape(-1, g.c).sum(axis=0)
    return out


def _offset_multiply_adds(be, g: Geometry, wv: Any, fixed: Any, views: Callable[[int, int], Any],
                          into_views: bool) -> None:
    """For each kernel offset (i, j): `fixed * wv[i, j]` added into the offset's view
    (`into_views`: the input gradient) or the offset's view times `wv[i, j]` summed into
    `fixed` (the forward output, overwritten by the first offset), as rows of OW*C values
    where the views' (OW, C) blocks are contiguous, else with the channel vector broadcast."""
    xp = be.xp
    fixed_rows = _rows_of(fixed)
    tmp = None
    for k in range(g.kh * g.kw):
        i, j = divmod(k, g.kw)
        view = views(i, j)
        view_rows = _rows_of(view) if fixed_rows is not None else None
        if view_rows is not None:
            f, v, w_k = fixed_rows, view_rows, xp.tile(wv[i, j], g.ow)
        else:
            f, v, w_k = fixed, view, wv[i, j]
        src, dst = (f, v) if into_views else (v, f)
        if k == 0 and not into_views:
            xp.multiply(src, w_k, out=dst)
            continue
        if tmp is None or tmp.shape != src.shape:
            tmp = xp.empty_like(dst)
        xp.multiply(src, w_k, out=tmp)
        dst += tmp


def _depthwise_terms(be, g: Geometry, xpad: Any, wv: Any, out: Any, start: int,
                     stop: int) -> None:
    """out[start:stop] = sum over kernel offsets of the offset's view of `xpad` times the
    filter's per-channel vector `wv[i, j]` (out: (N, OH, OW, C))."""
    if _flat_rows(g) is not None:
        be.xp.copyto(out[start:stop], _depthwise_flat(be, g, xpad, wv, start, stop))
        return
    part = xpad[start:stop]
    _offset_multiply_adds(be, g, wv, out[start:stop],
                          lambda i, j: part[g.offset_slice(i, j)], into_views=False)


def _depthwise_input_terms(be, g: Geometry, dy: Any, wv: Any, dxpad: Any, start: int,
                           stop: int) -> None:
    """Adds each kernel offset's dy * wv[i, j] into the offset's view of the padded input
    gradient, images start..stop."""
    if _flat_rows(g) is not None:
        _depthwise_input_flat(be, g, dy, wv, dxpad, start, stop)
        return
    part = dxpad[start:stop]
    _offset_multiply_adds(be, g, wv, dy[start:stop],
                          lambda i, j: part[g.offset_slice(i, j)], into_views=True)


def _depthwise_filter_terms(be, g: Geometry, xpad: Any, dy: Any, start: int,
                            stop: int) -> Any:
    """(KH, KW, C) sums over images start..stop of each offset's input view times dy."""
    xp = be.xp
    if _flat_rows(g) is not None:
        return _depthwise_filter_flat(be, g, xpad, dy, start, stop)
    d = dy[start:stop]
    d_rows = _rows_of(d)
    out = xp.empty((g.kh, g.kw, g.c), dtype=dy.dtype)
    tmp = None
    for k in range(g.kh * g.kw):
        i, j = divmod(k, g.kw)
        src = xpad[start:stop][g.offset_slice(i, j)]
        src_rows = _rows_of(src) if d_rows is not None else None
        a, b = (src_rows, d_rows) if src_rows is not None else (src, d)
        if tmp is None or tmp.shape != b.shape:
            tmp = xp.empty_like(b)
        xp.multiply(a, b, out=tmp)
        flat = tmp.reshape(-1, tmp.shape[-1])
        # a product with ones sums the rows (BLAS), then the OW copies of each channel fold
        out[i, j] = part_dot(xp, xp.ones(flat.shape[0], dtype=flat.dtype), flat).reshape(
            -1, g.c).sum(axis=0)
    return out


@register_op("DepthwiseConv2dNative")
class DepthwiseConv2dNative(_ConvBase):
    """Per-channel 2-D convolution with a [kh, kw, in, multiplier] filter -> in*multiplier
    channels."""

    batch_parallel = True  # channel multiplier 1: the batch split (kernels/parallel.py)

    def infer(self, input, filter, **attrs):
        self._check_dtypes(input, filter, "DepthwiseConv2dNative", "input", "filter")
        validate_window_attrs(attrs)
        fmt = attrs.get("data_format", "NHWC")
        ins = input.shape.with_rank(4).as_list()
        kh, kw, fc, m = filter.shape.with_rank(4).as_list()
        out = self._out_shape(ins, [kh, kw, fc, None], attrs, "DepthwiseConv2dNative")
        c = to_nhwc(ins, fmt)[3]
        c = c if c is not None else fc
        ch = None if c is None or m is None else c * m
        o = to_nhwc(out, fmt)
        return spec(input.dtype, from_nhwc([o[0], o[1], o[2], ch], fmt))

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")

        def depthwise_kernel(x, w):
            x = _nhwc(x, fmt)
            kh, kw, c, m = w.shape
            g = make_geometry(x.shape, kh, kw, attrs)
            if m == 1 and g.n and g.oh and g.ow:
                out = xp.empty((g.n, g.oh, g.ow, c), dtype=xp.result_type(x.dtype, w.dtype))
                wv = w[:, :, :, 0]
                with padded_input(be, x, g) as xpad:
                    parallel_for(be, g.n, lambda s, e: _depthwise_terms(be, g, xpad, wv, out,
                                                                        s, e),
                                 3 * out.nbytes * kh * kw)
                return _to_format(xp, out, fmt)
            out = xp.zeros((g.n, g.oh, g.ow, c, m), dtype=x.dtype)
            with padded_input(be, x, g) as xpad:
                for k in range(kh * kw):
                    i, j = divmod(k, kw)
                    out += xpad[g.offset_slice(i, j)][..., None] * w[i, j]
            return _to_format(xp, out.reshape(g.n, g.oh, g.ow, c * m), fmt)
        return depthwise_kernel

    def gradient(self, op, grad):
        x, w = op.inputs
        attrs = _grad_attrs(op)
        return [depthwise_conv2d_native_backprop_input(array_ops.shape(x), w, grad, **attrs),
                depthwise_conv2d_native_backprop_filter(x, array_ops.shape(w), grad, **attrs)]


@register_op("DepthwiseConv2dNativeBackpropInput")
class DepthwiseConv2dNativeBackpropInput(_ConvBase):
    """Gradient of DepthwiseConv2dNative w.r.t. its input."""

    batch_parallel = True  # channel multiplier 1: the batch split (kernels/parallel.py)

    def infer(self, input_sizes, filter, out_backprop, **attrs):
        self._check_dtypes(filter, out_backprop, "DepthwiseConv2dNativeBackpropInput", "filter",
                           "out_backprop")
        validate_window_attrs(attrs)
        sizes = _static_dims(input_sizes) or [None] * 4
        return spec(filter.dtype, sizes)

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")

        def depthwise_backprop_input_kernel(input_sizes, w, dy):
            n, h, wd, c = to_nhwc(_host_ints(be, input_sizes), fmt)
            kh, kw, _, m = w.shape
            g = make_geometry((n, h, wd, c), kh, kw, attrs)
            dx = xp.zeros((g.n, g.h + g.pt + g.pb, g.w + g.pl + g.pr, c), dtype=dy.dtype)
            if m == 1 and g.n and g.oh and g.ow:
                dyn = xp.ascontiguousarray(_nhwc(dy, fmt))
                wv = w[:, :, :, 0]
                parallel_for(be, g.n, lambda s, e: _depthwise_input_terms(
                    be, g, dyn, wv, dx, s, e), 3 * dyn.nbytes * kh * kw)
                if g.padded:
                    dx = xp.ascontiguousarray(dx[:, g.pt:g.pt + g.h, g.pl:g.pl + g.w, :])
                return _to_format(xp, dx, fmt)
            dy5 = _nhwc(dy, fmt).reshape(g.n, g.oh, g.ow, c, m)
            for k in range(kh * kw):
                i, j = divmod(k, kw)
                dst = dx[g.offset_slice(i, j)]
                dst += (dy5 * w[i, j]).sum(axis=-1)
            if g.padded:
                dx = xp.ascontiguousarray(dx[:, g.pt:g.pt + g.h, g.pl:g.pl + g.w, :])
            return _to_format(xp, dx, fmt)
        return depthwise_backprop_input_kernel

    def gradient(self, op, grad):
        _, w, dy = op.inputs
        attrs = _grad_attrs(op)
        return [None,
                depthwise_conv2d_native_backprop_filter(grad, array_ops.shape(w), dy, **attrs),
                _depthwise_op(grad, w, attrs)]


@register_op("DepthwiseConv2dNativeBackpropFilter")
class DepthwiseConv2dNativeBackpropFilter(_ConvBase):
    """Gradient of DepthwiseConv2dNative w.r.t. its filter."""

    batch_parallel = True  # channel multiplier 1: the batch split (kernels/parallel.py)

    def infer(self, input, filter_sizes, out_backprop, **attrs):
        self._check_dtypes(input, out_backprop, "DepthwiseConv2dNativeBackpropFilter", "input",
                           "out_backprop")
        validate_window_attrs(attrs)
        sizes = _static_dims(filter_sizes) or [None] * 4
        return spec(input.dtype, sizes)

    def kernel(self, be, op, ctx):
        xp, attrs = be.xp, op.attrs
        fmt = attrs.get("data_format", "NHWC")

        def depthwise_backprop_filter_kernel(x, filter_sizes, dy):
            kh, kw, c, m = _host_ints(be, filter_sizes)
            x = _nhwc(x, fmt)
            g = make_geometry(x.shape, kh, kw, attrs)
            if m == 1 and g.n and g.oh and g.ow:
                dyn = xp.ascontiguousarray(_nhwc(dy, fmt))
                partial: Dict[int, Any] = {}  # per fixed batch slice, summed in order
                with padded_input(be, x, g) as xpad:
                    def part(s: int, e: int) -> None:
                        partial[s] = _depthwise_filter_terms(be, g, xpad, dyn, s, e)
                    parallel_slices(be, g.n, part, 3 * dyn.nbytes * kh * kw)
                return sum_slices(partial).reshape(kh, kw, c, 1).astype(x.dtype, copy=False)
            dy5 = _nhwc(dy, fmt).reshape(g.n, g.oh, g.ow, c, m)
            dw = xp.empty((kh, kw, c, m), dtype=x.dtype)
            with padded_input(be, x, g) as xpad:
                for k in range(kh * kw):
                    i, j = divmod(k, kw)
                    dw[i, j] = (xpad[g.offset_slice(i, j)][..., None] * dy5).sum(axis=(0, 1, 2))
            return dw
        return depthwise_backprop_filter_kernel

    def gradient(self, op, grad):
        x, _, dy = op.inputs
        attrs = _grad_attrs(op)
        return [depthwise_conv2d_native_backprop_input(array_ops.shape(x), grad, dy, **attrs),
                None,
                _depthwise_op(x, grad, attrs)]


def _depthwise_op(x: Tensor, w: Tensor, attrs: Dict[str, Any]) -> Tensor:
    return x.graph.create_op("DepthwiseConv2dNative", [x, w], dict(attrs),
                             name="DepthwiseConv2dNative").outputs[0]


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop, **attrs) -> Tensor:
    return filter.graph.create_op("DepthwiseConv2dNativeBackpropInput",
                                  [input_sizes, filter, out_backprop], dict(attrs),
                                  name="DepthwiseConv2dNativeBackpropInput").outputs[0]


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop, **attrs) -> Tensor:
    return input.graph.create_op("DepthwiseConv2dNativeBackpropFilter",
                                 [input, filter_sizes, out_backprop], dict(attrs),
                                 name="DepthwiseConv2dNativeBackpropFilter").outputs[0]


# --- builders ------------------------------------------------------------------------------------
def _conv_attrs(strides, padding, data_format, dilations, use_cudnn_on_gpu=True,
                explicit_paddings=None) -> Dict[str, Any]:
    data_format = check_data_format(data_format)
    channel_index = 1 if data_format == "NCHW" else 3
    if strides is None:
        raise ValueError("strides must be given")
    if padding is None:
        raise ValueError("padding must be given")
    if isinstance(padding, str) and padding == "EXPLICIT" and explicit_paddings:
        explicit = [int(p) for p in explicit_paddings]
    else:
        padding, explicit = convert_padding(padding)
    return {"strides": get_sequence(strides, 2, channel_index, "strides"),
            "padding": padding, "explicit_paddings": explicit, "data_format": data_format,
            "dilations": get_sequence(dilations, 2, channel_index, "dilations"),
            "use_cudnn_on_gpu": bool(use_cudnn_on_gpu)}


def conv2d(input: Any, filter: Any = None, strides: Any = None, padding: Any = None,
           use_cudnn_on_gpu: bool = True, data_format: str = "NHWC",
           dilations: Any = (1, 1, 1, 1), name: Optional[str] = None,
           filters: Any = None, explicit_paddings: Any = None) -> Tensor:
    """2-D convolution (cross-correlation) of `input` with `filter` (`tf.nn.conv2d`).

    Args:
      input: A 4-D float tensor, [batch, height, width, channels] (NHWC) or NCHW.
      filter: A 4-D tensor [filter_height, filter_width, in_channels, out_channels].
      strides: An int or a list of 1, 2 or 4 ints (the batch and channel strides must be 1).
      padding: "SAME", "VALID", or a list of 4 [before, after] pairs (batch and channel pairs
        must be [0, 0]).
      use_cudnn_on_gpu: Accepted for compatibility.
      data_format: "NHWC" (default) or "NCHW".
      dilations: An int or a list of 1, 2 or 4 ints: the spacing of the filter taps.
      name: Op name (default "Conv2D").
      filters: Alias of `filter`.

    Returns:
      A tensor of `input`'s dtype.

    Raises:
      ValueError: For bad strides/padding/dilations, mismatched channels, or a filter larger
        than the (padded) input.
    """
    if filter is None:
        filter = filters
    elif filters is not None:
        raise ValueError("Cannot specify both 'filters' and 'filter'.")
    attrs = _conv_attrs(strides, padding, data_format, dilations, use_cudnn_on_gpu,
                        explicit_paddings)
    graph = graph_of([input, filter])
    with graph.as_default():
        input = convert_to_tensor(input, name="input")
        filter = convert_to_tensor(filter, dtype=input.dtype, name="filter")
        return graph.create_op("Conv2D", [input, filter], attrs, name=name or "Conv2D").outputs[0]


def _sizes_tensor(v: Any, name: str) -> Tensor:
    if isinstance(v, Tensor):
        return v
    if isinstance(v, TensorShape):
        v = v.as_list()
    return convert_to_tensor(v, dtype=dtypes.int32, name=name)


def conv2d_backprop_input(input_sizes: Any, filter: Any = None, out_backprop: Any = None,
                          strides: Any = None, padding: Any = None, use_cudnn_on_gpu: bool = True,
                          data_format: str = "NHWC", dilations: Any = (1, 1, 1, 1),
                          name: Optional[str] = None, filters: Any = None,
                          explicit_paddings: Any = None) -> Tensor:
    """The gradient of `conv2d` w.r.t. its input (`tf.nn.conv2d_backprop_input`).

    Args:
      input_sizes: 1-D int32 tensor (or list) of the input's shape.
      filter: The convolution filter [kh, kw, in_channels, out_channels].
      out_backprop: The gradient w.r.t. the convolution's output.
      strides, padding, use_cudnn_on_gpu, data_format, dilations: As for `conv2d`.
      name: Op name (default "Conv2DBackpropInput").
      filters: Alias of `filter`.
    """
    if filter is None:
        filter = filters
    attrs = _conv_attrs(strides, padding, data_format, dilations, use_cudnn_on_gpu,
                        explicit_paddings)
    graph = graph_of([input_sizes, filter, out_backprop])
    with graph.as_default():
        sizes = _sizes_tensor(input_sizes, "input_sizes")
        filter = convert_to_tensor(filter, name="filter")
        out_backprop = convert_to_tensor(out_backprop, dtype=filter.dtype, name="out_backprop")
        return graph.create_op("Conv2DBackpropInput", [sizes, filter, out_backprop], attrs,
                               name=name or "Conv2DBackpropInput").outputs[0]


def conv2d_backprop_filter(input: Any, filter_sizes: Any, out_backprop: Any, strides: Any = None,
                           padding: Any = None, use_cudnn_on_gpu: bool = True,
                           data_format: str = "NHWC", dilations: Any = (1, 1, 1, 1),
                           name: Optional[str] = None, explicit_paddings: Any = None) -> Tensor:
    """The gradient of `conv2d` w.r.t. its filter (`tf.nn.conv2d_backprop_filter`).

    Args:
      input: The convolution's input.
      filter_sizes: 1-D int32 tensor (or list) of the filter's shape.
      out_backprop: The gradient w.r.t. the convolution's output.
      strides, padding, use_cudnn_on_gpu, data_format, dilations: As for `conv2d`.
      name: Op name (default "Conv2DBackpropFilter").
    """
    attrs = _conv_attrs(strides, padding, data_format, dilations, use_cudnn_on_gpu,
                        explicit_paddings)
    graph = graph_of([input, filter_sizes, out_backprop])
    with graph.as_default():
        input = convert_to_tensor(input, name="input")
        sizes = _sizes_tensor(filter_sizes, "filter_sizes")
        out_backprop = convert_to_tensor(out_backprop, dtype=input.dtype, name="out_backprop")
        return graph.create_op("Conv2DBackpropFilter", [input, sizes, out_backprop], attrs,
                               name=name or "Conv2DBackpropFilter").outputs[0]


def transpose_output_sizes(value: Tensor, filter: Tensor, output_shape: Any, rank: int,
                           axis: int, check_output: bool = True) -> Tensor:
    """`output_shape` of a transposed convolution as a 1-D int tensor, after TF1's checks:
    `value`'s channels (at `axis`) must match the filter's input channels (its last axis of
    `rank`) and, with `check_output`, `output_shape` must have `rank` elements whose channels
    match the filter's output channels (its second-to-last axis)."""
    fs = filter.shape.as_list() if filter.shape.ndims is not None else [None] * rank
    vs = value.shape.as_list() if value.shape.ndims is not None else [None] * rank
    if fs[-1] is not None and vs[axis] is not None and fs[-1] != vs[axis]:
        raise ValueError(f"input channels does not match filter's input channels, "
                         f"{vs[axis]} != {fs[-1]}")
    out = _sizes_tensor(output_shape, "output_shape")
    if not check_output:
        return out
    if out.shape.ndims is not None and out.shape.as_list() not in ([rank], [None]):
        raise ValueError(f"output_shape must have shape ({rank},), got {out.shape}")
    known = _static_dims(out)
    if known is not None and known[axis] is not None and fs[-2] is not None \
            and known[axis] != fs[-2]:
        raise ValueError(f"output_shape does not match filter's output channels, "
                         f"{known[axis]} != {fs[-2]}")
    return out


def conv2d_transpose(value: Any = None, filter: Any = None, output_shape: Any = None,
                     strides: Any = None, padding: str = "SAME", data_format: str = "NHWC",
                     name: Optional[str] = None, input: Any = None, filters: Any = None,
                     dilations: Any = None) -> Tensor:
    """The transpose of `conv2d` ("deconvolution") (`tf.nn.conv2d_transpose`).

    Args:
      value: A 4-D tensor [batch, height, width, in_channels] (NHWC).
      filter: A 4-D tensor [height, width, output_channels, in_channels].
      output_shape: 1-D tensor or list: the shape of the result.
      strides, padding, data_format, dilations: As for `conv2d`.
      name: Name (default "conv2d_transpose").
      input, filters: Aliases of `value` and `filter`.

    Raises:
      ValueError: If the channels of `value`, `filter` and `output_shape` do not agree.
    """
    value = input if value is None else value
    filter = filters if filter is None else filter
    with name_scope(name, "conv2d_transpose", [value, filter, output_shape]) as name:
        value = convert_to_tensor(value, name="value")
        filter = convert_to_tensor(filter, dtype=value.dtype, name="filter")
        fmt = check_data_format(data_format)
        out = transpose_output_sizes(value, filter, output_shape, 4, 1 if fmt == "NCHW" else 3)
        return conv2d_backprop_input(out, filter, value, strides=strides, padding=padding,
                                     data_format=fmt,
                                     dilations=dilations if dilations is not None else 1,
                                     name=name)


def depthwise_conv2d_native(input: Any, filter: Any, strides: Any, padding: Any,
                            data_format: str = "NHWC", dilations: Any = (1, 1, 1, 1),
                            name: Optional[str] = None) -> Tensor:
    """Depthwise 2-D convolution (`tf.nn.depthwise_conv2d_native`)."""
    attrs = _conv_attrs(strides, padding, data_format, dilations)
    attrs.pop("use_cudnn_on_gpu")
    graph = graph_of([input, filter])
    with graph.as_default():
        input = convert_to_tensor(input, name="input")
        filter = convert_to_tensor(filter, dtype=input.dtype, name="filter")
        return graph.create_op("DepthwiseConv2dNative", [input, filter], attrs,
                               name=name or "DepthwiseConv2dNative").outputs[0]


def depthwise_conv2d(input: Any, filter: Any, strides: Any, padding: Any, rate: Any = None,
                     name: Optional[str] = None, data_format: Optional[str] = None,
                     dilations: Any = None) -> Tensor:
    """Depthwise 2-D convolution: each input channel convolved with its own
    `channel_multiplier` filters (`tf.nn.depthwise_conv2d`).

    Args:
      input: 4-D input.
      filter: [filter_height, filter_width, in_channels, channel_multiplier].
      strides: List of 4 ints.
      padding: "SAME" or "VALID".
      rate: Optional dilation rate (list of 2 ints).
      name: Name scope (default "depthwise").
      data_format: "NHWC" (default) or "NCHW".
      dilations: Alias of `rate`.
    """
    if rate is None:
        rate = dilations
    with name_scope(name, "depthwise", [input, filter]) as name:
        return depthwise_conv2d_native(input, filter, strides, padding,
                                       data_format=data_format or "NHWC",
                                       dilations=rate if rate is not None else 1, name=name)


def atrous_conv2d(value: Any, filters: Any, rate: int, padding: str,
                  name: Optional[str] = None) -> Tensor:
    """Dilated ("atrous") convolution with stride 1 (`tf.nn.atrous_conv2d`).

    Raises:
      ValueError: If `rate` is smaller than 1.
    """
    if int(rate) < 1:
        raise ValueError(f"rate {rate} cannot be less than one")
    return conv2d(value, filters, strides=1, padding=padding, dilations=int(rate),
                  name=name or "Conv2D")


def separable_conv2d(input: Any, depthwise_filter: Any, pointwise_filter: Any, strides: Any,
                     padding: Any, rate: Any = None, name: Optional[str] = None,
                     data_format: Optional[str] = None, dilations: Any = None) -> Tensor:
    """A depthwise convolution followed by a 1x1 convolution mixing the channels
    (`tf.nn.separable_conv2d`).

    Args:
      input: 4-D input.
      depthwise_filter: [kh, kw, in_channels, channel_multiplier].
      pointwise_filter: [1, 1, in_channels * channel_multiplier, out_channels].
      strides: List of 4 ints (applied by the depthwise step).
      padding: "SAME" or "VALID".
      rate, dilations: Optional dilation of the depthwise step.
      name: Name scope (default "separable_conv2d").
      data_format: "NHWC" (default) or "NCHW".

    Raises:
      ValueError: If the pointwise filter is not 1x1.
    """
    if rate is None:
        rate = dilations
    with name_scope(name, "separable_conv2d", [input, depthwise_filter, pointwise_filter]) as name:
        pointwise_filter = convert_to_tensor(pointwise_filter, name="pointwise_filter")
        ps = pointwise_filter.shape
        if ps.ndims is not None and ps.as_list()[:2] not in ([1, 1], [None, None]):
            raise ValueError(f"pointwise_filter must be [1, 1, in, out], got {ps}")
        depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, rate=rate,
                                     name="depthwise", data_format=data_format)
        return conv2d(depthwise, pointwise_filter, [1, 1, 1, 1], "VALID",
                      data_format=data_format or "NHWC", name=name)


__all__: List[str] = []
