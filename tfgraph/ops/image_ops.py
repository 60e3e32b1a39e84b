"""`tf.image`: image codecs (Pillow), resizing with TF1's coordinate conventions and their
gradients, crops/pads/flips, color adjustments, random augmentations, dtype conversion.

Resizing: every method is separable, so each axis gets a small table of source indices and
weights (`_axis_taps`, on the host, from the shapes); the kernel gathers and weights rows
then columns with `be.xp`. TF1's conventions: `align_corners` maps the corner pixels onto
each other (scale `(in-1)/(out-1)`), otherwise scale `in/out` with the legacy top-left
sampling (`in = out * scale`) or, with `half_pixel_centers`, `(out + 0.5) * scale - 0.5`.
Bicubic uses Keys' kernel with a = -0.75 and TF's 1024-entry weight table in legacy mode,
a = -0.5 with exact weights (out-of-range taps dropped and renormalized) with half-pixel
centers. Gradients apply the transposed per-axis weight matrices.

Codecs need Pillow (`pip install tfgraph[images]`), imported when a codec op first runs.
"""
from __future__ import annotations

import io
from typing import Any, Optional, Tuple

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from . import array_ops, math_ops, random_ops


# --- codecs ------------------------------------------------------------------------------------
def _pil():
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("tf.image codecs need Pillow: pip install tfgraph[images]") from e
    return Image


def _scalar_bytes(x) -> bytes:
    v = np.asarray(x).reshape(())[()]
    return v if isinstance(v, bytes) else bytes(v)


def _decode(op: Operation, data: bytes, channels: int, dtype: dtypes.DType, formats,
            animations: bool) -> np.ndarray:
    Image = _pil()
    try:
        im = Image.open(io.BytesIO(data))
        if formats and im.format not in formats:
            raise ValueError(f"expected {'/'.join(formats)} data, got {im.format}")
        frames = []
        n = getattr(im, "n_frames", 1) if animations else 1
        for i in range(n):
            im.seek(i)
            frames.append(_frame_array(im, channels))
    except errors.OpError:
        raise
    except Exception as e:  # noqa: BLE001 - Pillow's many exception types
        raise errors.InvalidArgumentError(
            None, op, f"Invalid image data: {e} (op '{op.name}' of type {op.type})") from None
    arr = np.stack(frames) if (animations and im.format == "GIF") else frames[0]
    if dtype is dtypes.uint8:
        if arr.dtype == np.uint16:
            arr = (arr.astype(np.uint32) * 255 // 65535).astype(np.uint8)
        return arr.astype(np.uint8, copy=False)
    if dtype is dtypes.uint16:
        return arr.astype(np.uint16) * 257 if arr.dtype == np.uint8 else arr.astype(np.uint16)
    scale = 65535.0 if arr.dtype == np.uint16 else 255.0
    return (arr.astype(np.float32) / np.float32(scale)).astype(dtype.np_dtype)


def _frame_array(im, channels: int) -> np.ndarray:
    mode = im.mode
    if mode in ("I;16", "I;16B", "I"):
        a = np.asarray(im).astype(np.uint16)[..., None]
        if channels in (3, 4):
            a = np.repeat(a, 3, axis=-1)
            if channels == 4:
                a = np.concatenate([a, np.full(a.shape[:2] + (1,), 65535, np.uint16)], -1)
        return a
    target = {1: "L", 3: "RGB", 4: "RGBA"}.get(channels)
    if target is None:  # channels=0: keep the file's own
        target = {"L": "L", "LA": "LA", "RGB": "RGB", "RGBA": "RGBA", "P": "RGBA" if
                  "transparency" in im.info else "RGB", "1": "L", "CMYK": "RGB"}.get(mode, "RGB")
    elif channels == 1 and mode == "LA":
        target = "L"
    a = np.asarray(im.convert(target))
    return a[..., None] if a.ndim == 2 else a


class _DecodeBase(OpDef):
    host_only = True
    formats: Tuple[str, ...] = ()

    def infer(self, contents, *, channels=0, dtype=dtypes.uint8, expand_animations=False):
        if contents.dtype is not dtypes.string or contents.shape.ndims not in (None, 0):
            raise ValueError(f"contents must be a string scalar, got {contents.dtype.name} "
                             f"{contents.shape}")
        if channels not in (0, 1, 3, 4):
            raise ValueError(f"channels must be 0, 1, 3 or 4, got {channels}")
        if expand_animations:
            return spec(dtype, None)
        return spec(dtype, [None, None, channels or None])

    def kernel(self, be, op, ctx):
        a = op.attrs
        ch, dt, anim, fmts = a.get("channels", 0), a.get("dtype", dtypes.uint8), \
            a.get("expand_animations", False), self.formats
        return lambda contents: _decode(op, _scalar_bytes(contents), ch, dt, fmts, anim)


@register_op("DecodePng")
class DecodePng(_DecodeBase):
    """A PNG as a uint8/uint16 [height, width, channels] tensor."""

    formats = ("PNG",)


@register_op("DecodeJpeg")
class DecodeJpeg(_DecodeBase):
    """A JPEG as a uint8 [height, width, channels] tensor."""

    formats = ("JPEG", "MPO")


@register_op("DecodeImage")
class DecodeImage(_DecodeBase):
    """PNG, JPEG, GIF or BMP (GIF: [frames, h, w, 3] when expand_animations)."""


@register_op("EncodePng")
class EncodePng(OpDef):
    """A uint8/uint16 [h, w, 1|3|4] image as PNG bytes."""

    host_only = True

    def infer(self, image, *, compression=-1):
        if image.shape.ndims not in (None, 3):
            raise ValueError(f"image must be 3-dimensional, got shape {image.shape}")
        if image.dtype not in (dtypes.uint8, dtypes.uint16):
            raise TypeError(f"encode_png needs uint8 or uint16, got {image.dtype.name}")
        return spec(dtypes.string, [])

    def kernel(self, be, op, ctx):
        level = op.attrs.get("compression", -1)

        def encode(image):
            img = np.asarray(be.to_host(image))
            Image = _pil()
            c = img.shape[-1]
            if img.dtype == np.uint16:
                if c != 1:
                    raise errors.InvalidArgumentError(None, op, f"uint16 PNG encoding supports 1 "
                                                                f"channel only here (op '{op.name}')")
                im = Image.fromarray(img[..., 0].astype(np.uint16), "I;16")
            else:
                mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}.get(c)
                if mode is None:
                    raise errors.InvalidArgumentError(None, op, f"image must have 1-4 channels, "
                                                                f"got {c} (op '{op.name}')")
                im = Image.fromarray(img[..., 0] if c == 1 else img, mode)
            buf = io.BytesIO()
            im.save(buf, "PNG", compress_level=6 if level < 0 else int(level))
            out = np.empty((), object)
            out[()] = buf.getvalue()
            return out
        return encode


@register_op("EncodeJpeg")
class EncodeJpeg(OpDef):
    """A uint8 [h, w, 1|3] image as JPEG bytes."""

    host_only = True

    def infer(self, image, *, quality=95):
        if image.dtype is not dtypes.uint8:
            raise TypeError(f"encode_jpeg needs uint8, got {image.dtype.name}")
        if image.shape.ndims not in (None, 3):
            raise ValueError(f"image must be 3-dimensional, got shape {image.shape}")
        return spec(dtypes.string, [])

    def kernel(self, be, op, ctx):
        quality = int(op.attrs.get("quality", 95))

        def encode(image):
            img = np.asarray(be.to_host(image))
            c = img.shape[-1]
            if c not in (1, 3):
                raise errors.InvalidArgumentError(None, op, f"image must have 1 or 3 channels, "
                                                            f"got {c} (op '{op.name}')")
            im = _pil().fromarray(img[..., 0] if c == 1 else img, "L" if c == 1 else "RGB")
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=quality)
            out = np.empty((), object)
            out[()] = buf.getvalue()
            return out
        return encode


for _t in ("DecodePng", "DecodeJpeg", "DecodeImage", "EncodePng", "EncodeJpeg"):
    NotDifferentiable(_t)


def _decode_op(op_type: str, contents: Any, name: Optional[str], default: str, **attrs) -> Tensor:
    with name_scope(name, default, [contents]) as scope:
        c = convert_to_tensor(contents, dtype=dtypes.string, name="contents")
        return get_default_graph().create_op(op_type, [c], attrs, name=scope[:-1]).outputs[0]


def decode_png(contents: Any, channels: int = 0, dtype: Any = dtypes.uint8,
               name: Optional[str] = None) -> Tensor:
    """Decodes a PNG into a [height, width, channels] uint8 (or uint16) tensor."""
    return _decode_op("DecodePng", contents, name, "DecodePng", channels=int(channels),
                      dtype=dtypes.as_dtype(dtype))


def decode_jpeg(contents: Any, channels: int = 0, ratio: int = 1, fancy_upscaling: bool = True,
                try_recover_truncated: bool = False, acceptable_fraction: float = 1,
                dct_method: str = "", name: Optional[str] = None) -> Tensor:
    """Decodes a JPEG into a [height, width, channels] uint8 tensor (Pillow's libjpeg)."""
    return _decode_op("DecodeJpeg", contents, name, "DecodeJpeg", channels=int(channels))


def decode_image(contents: Any, channels: Optional[int] = None, dtype: Any = dtypes.uint8,
                 name: Optional[str] = None, expand_animations: bool = True) -> Tensor:
    """Decodes PNG, JPEG, GIF or BMP (`tf.image.decode_image`); the shape is unknown
    statically when `expand_animations` (a GIF gives [frames, h, w, 3])."""
    return _decode_op("DecodeImage", contents, name, "decode_image", channels=int(channels or 0),
                      dtype=dtypes.as_dtype(dtype), expand_animations=bool(expand_animations))


def encode_png(image: Any, compression: int = -1, name: Optional[str] = None) -> Tensor:
    """Encodes a [h, w, c] uint8/uint16 image as PNG (a string scalar)."""
    with name_scope(name, "EncodePng", [image]) as scope:
        x = convert_to_tensor(image, name="image")
        return get_default_graph().create_op("EncodePng", [x], {"compression": int(compression)},
                                             name=scope[:-1]).outputs[0]


def encode_jpeg(image: Any, format: str = "", quality: int = 95, progressive: bool = False,  # noqa: A002
                optimize_size: bool = False, chroma_downsampling: bool = True,
                density_unit: str = "in", x_density: int = 300, y_density: int = 300,
                xmp_metadata: str = "", name: Optional[str] = None) -> Tensor:
    """Encodes a [h, w, 1|3] uint8 image as JPEG (a string scalar)."""
    with name_scope(name, "EncodeJpeg", [image]) as scope:
        x = convert_to_tensor(image, name="image")
        return get_default_graph().create_op("EncodeJpeg", [x], {"quality": int(quality)},
                                             name=scope[:-1]).outputs[0]


# --- resizing ----------------------------------------------------------------------------------
_TABLE = 1024


def _bicubic_table(a: float) -> np.ndarray:
    x = np.arange(_TABLE + 1, dtype=np.float64) / _TABLE
    t = np.empty((_TABLE + 1, 2))
    t[:, 0] = ((a + 2) * x - (a + 3)) * x * x + 1
    x1 = x + 1
    t[:, 1] = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a
    return t.astype(np.float32)


_LEGACY_TABLE = _bicubic_table(-0.75)
_KEYS_TABLE = _bicubic_table(-0.5)


def _axis_taps(n_in: int, n_out: int, method: str, align: bool, half: bool):
    """(indices [n_out, T] int64, weights [n_out, T] float32) of one axis' resampling."""
    scale = (n_in - 1) / (n_out - 1) if (align and n_out > 1) else n_in / n_out
    o = np.arange(n_out, dtype=np.float64)
    if method == "nearest":
        src = (o + 0.5) * scale if half else o * scale
        src = np.floor(src + 0.5) if align else np.floor(src)  # roundf for align_corners
        idx = np.clip(src, 0, n_in - 1).astype(np.int64)[:, None]
        return idx, np.ones((n_out, 1), np.float32)
    if method == "bilinear":
        src = (o + 0.5) * scale - 0.5 if half else o * scale
        f = np.floor(src)
        lo = np.maximum(f, 0).astype(np.int64)
        hi = np.minimum(np.ceil(src), n_in - 1).astype(np.int64)
        lerp = (src - f).astype(np.float32)
        return np.stack([lo, hi], 1), np.stack([1 - lerp, lerp], 1).astype(np.float32)
    if method == "bicubic":
        src = (o + 0.5) * scale - 0.5 if half else o * scale
        f = np.floor(src)
        delta = src - f
        idx = f[:, None].astype(np.int64) + np.arange(-1, 3)[None, :]
        # TF's weight tables (delta quantized to 1/1024): a=-0.75 with indices clamped
        # (legacy), a=-0.5 with taps outside the image dropped and renormalized (half-pixel).
        off = np.rint(delta * _TABLE).astype(np.int64)
        t = _KEYS_TABLE if half else _LEGACY_TABLE
        w = np.stack([t[off, 1], t[off, 0], t[_TABLE - off, 0], t[_TABLE - off, 1]], 1)
        if half:
            w = np.where((idx >= 0) & (idx < n_in), w, np.float32(0))
            w = w / w.sum(1, keepdims=True, dtype=np.float32)
        return np.clip(idx, 0, n_in - 1), w.astype(np.float32)
    if method == "area":
        start = o * scale
        end = (o + 1) * scale
        taps = int(np.ceil(scale)) + 2
        idx = np.floor(start)[:, None].astype(np.int64) + np.arange(taps)[None, :]
        lo = np.maximum(idx, start[:, None])
        hi = np.minimum(idx + 1, end[:, None])
        w = np.clip(hi - lo, 0, None) / scale
        return np.clip(idx, 0, n_in - 1), w.astype(np.float32)
    raise ValueError(f"unknown resize method {method}")


def _axis_matrix(n_in, n_out, method, align, half) -> np.ndarray:
    idx, w = _axis_taps(n_in, n_out, method, align, half)
    m = np.zeros((n_out, n_in), np.float32)
    np.add.at(m, (np.repeat(np.arange(n_out), idx.shape[1]), idx.reshape(-1)), w.reshape(-1))
    return m


def _device_matrix(be, cache: dict, n_in: int, n_out: int, method: str, align: bool,
                   half: bool, dt: Any = np.float32) -> Any:
    """The axis' (n_out, n_in) interpolation matrix as `dt` on the device, made once per
    size."""
    key = ("matrix", n_in, n_out, np.dtype(dt).str)
    m = cache.get(key)
    if m is None:
        m = cache[key] = be.from_host(_axis_matrix(n_in, n_out, method, align, half)
                                      .astype(dt, copy=False))
    return m


def _device_taps(be, cache: dict, n_in: int, n_out: int, method: str, align: bool, half: bool,
                 axis: int, rank: int, dt):
    """The axis' taps as device arrays (indices, weights shaped to broadcast on `axis`),
    uploaded once per input/output size."""
    key = (n_in, n_out, axis)
    taps = cache.get(key)
    if taps is None:
        idx, w = _axis_taps(n_in, n_out, method, align, half)
        shape = [1] * rank
        shape[axis] = -1
        taps = [(be.from_host(np.ascontiguousarray(idx[:, k])),
                 be.from_host(np.ascontiguousarray(w[:, k]).reshape(shape).astype(dt)))
                for k in range(idx.shape[1]) if w[:, k].any()]
        cache[key] = taps
    return taps


def _resample(xp, x, axis: int, taps, weighted: bool):
    if not weighted:
        return xp.take(x, taps[0][0], axis=axis)
    out = None
    for idx, w in taps:
        part = xp.take(x, idx, axis=axis) * w
        out = part if out is None else out + part
    return out


def _resize_kernel(be, method: str, op: Operation):
    xp = be.xp
    align = op.attrs.get("align_corners", False)
    half = op.attrs.get("half_pixel_centers", False)
    weighted = method != "nearest"
    out_dt = op.outputs[0].dtype.np_dtype
    name = op.name
    cache: dict = {}

    def resize(images, size):
        oh, ow = (int(v) for v in np.asarray(size).reshape(-1))
        if oh <= 0 or ow <= 0:
            raise errors.InvalidArgumentError(None, op, f"output dimensions must be positive, "
                                                        f"got [{oh}, {ow}] (op '{name}')")
        _, h, w, _ = images.shape
        if h == 0 or w == 0:
            raise errors.InvalidArgumentError(None, op, f"input image must be non-empty, got "
                                                        f"{tuple(images.shape)} (op '{name}')")
        x = images.astype(out_dt, copy=False) if weighted else images
        if weighted and out_dt == np.float32 and x.size and \
                bool(xp.isfinite(x.max())) and bool(xp.isfinite(x.min())):
            # each axis as one batched product with its (out, in) interpolation matrix
            # (64x32x32x32 to 64x64: 21 -> 8 ms, the same values); an infinite or NaN pixel
            # would spread through the zeros of the matrix (0 * inf), so those take the taps
            n, c = x.shape[0], x.shape[3]
            my = _device_matrix(be, cache, h, oh, method, align, half)
            mx = _device_matrix(be, cache, w, ow, method, align, half)
            t = xp.matmul(my, x.reshape(n, h, w * c))
            return xp.matmul(mx, t.reshape(n * oh, w, c)).reshape(n, oh, ow, c)
        ty = _device_taps(be, cache, h, oh, method, align, half, 1, 4, out_dt)
        tx = _device_taps(be, cache, w, ow, method, align, half, 2, 4, out_dt)
        y = _resample(xp, _resample(xp, x, 1, ty, weighted), 2, tx, weighted)
        return y.astype(out_dt, copy=False)
    return resize


def _resize_grad_kernel(be, method: str, op: Operation):
    xp = be.xp
    align = op.attrs.get("align_corners", False)
    half = op.attrs.get("half_pixel_centers", False)
    out_dt = op.outputs[0].dtype.np_dtype
    cache: dict = {}

    def grad(g, original):
        shape = original if method == "nearest" else original.shape
        if method == "nearest":
            h, w = (int(v) for v in np.asarray(shape).reshape(-1))
        else:
            h, w = shape[1], shape[2]
        _, oh, ow, _ = g.shape
        my = _device_matrix(be, cache, h, oh, method, align, half, out_dt)
        mx = _device_matrix(be, cache, w, ow, method, align, half, out_dt)
        g = g.astype(out_dt, copy=False)
        t = xp.tensordot(my, g, axes=([0], [1]))          # [h, b, ow, c]
        t = xp.tensordot(mx, t, axes=([0], [2]))          # [w, h, b, c]
        return xp.ascontiguousarray(xp.transpose(t, (2, 1, 0, 3)))
    return grad


def _resize_infer(images, size, out_dtype):
    if images.shape.ndims not in (None, 4):
        raise ValueError(f"'images' must be 4-dimensional, got shape {images.shape}")
    from .array_ops import constant_value
    s = constant_value(size)
    hw = [int(v) for v in s] if s is not None else [None, None]
    if images.shape.ndims is None:
        return spec(out_dtype, [None] + hw + [None])
    d = images.shape.as_list()
    return spec(out_dtype, [d[0]] + hw + [d[3]])


_RESIZE_TYPES = (dtypes.uint8, dtypes.int8, dtypes.uint16, dtypes.int16, dtypes.int32,
                 dtypes.int64, dtypes.float16, dtypes.float32, dtypes.float64)


class _ResizeBase(OpDef):
    method = ""
    host_inputs = (1,)
    float_out = True

    def infer(self, images, size, *, align_corners=False, half_pixel_centers=False):
        if images.dtype not in _RESIZE_TYPES:
            raise TypeError(f"resize does not support images of type {images.dtype.name}")
        if align_corners and half_pixel_centers:
            raise ValueError("If half_pixel_centers is True, align_corners must be False.")
        out = dtypes.float32 if self.float_out else images.dtype
        if self.float_out and images.dtype is dtypes.float64 and self.method == "nearest":
            out = images.dtype
        return _resize_infer(images, size, out)

    def kernel(self, be, op, ctx):
        return _resize_kernel(be, self.method, op)


@register_op("ResizeBilinear")
class ResizeBilinear(_ResizeBase):
    method = "bilinear"

    def gradient(self, op, grad):
        g = get_default_graph().create_op(
            "ResizeBilinearGrad", [grad, op.inputs[0]],
            {"align_corners": op.attrs.get("align_corners", False),
             "half_pixel_centers": op.attrs.get("half_pixel_centers", False)},
            name="ResizeBilinearGrad").outputs[0]
        return [g, None]


@register_op("ResizeNearestNeighbor")
class ResizeNearestNeighbor(_ResizeBase):
    method = "nearest"
    float_out = False

    def gradient(self, op, grad):
        size = array_ops.strided_slice(array_ops.shape(op.inputs[0]), [1], [3])
        g = get_default_graph().create_op(
            "ResizeNearestNeighborGrad", [grad, size],
            {"align_corners": op.attrs.get("align_corners", False),
             "half_pixel_centers": op.attrs.get("half_pixel_centers", False)},
            name="ResizeNearestNeighborGrad").outputs[0]
        return [g, None]


@register_op("ResizeBicubic")
class ResizeBicubic(_ResizeBase):
    method = "bicubic"

    def gradient(self, op, grad):
        g = get_default_graph().create_op(
            "ResizeBicubicGrad", [grad, op.inputs[0]],
            {"align_corners": op.attrs.get("align_corners", False),
             "half_pixel_centers": op.attrs.get("half_pixel_centers", False)},
            name="ResizeBicubicGrad").outputs[0]
        return [g, None]


@register_op("ResizeArea")
class ResizeArea(_ResizeBase):
    method = "area"

    def infer(self, images, size, *, align_corners=False, half_pixel_centers=False):
        return super().infer(images, size, align_corners=align_corners)


class _ResizeGradBase(OpDef):
    method = ""

    def infer(self, grads, original, *, align_corners=False, half_pixel_centers=False):
        if self.method == "nearest":
            from .array_ops import constant_value
            s = constant_value(original)
            hw = [int(v) for v in s] if s is not None else [None, None]
            d = grads.shape.as_list() if grads.shape.ndims == 4 else [None] * 4
            return spec(grads.dtype, [d[0]] + hw + [d[3]])
        return spec(original.dtype if original.dtype.is_floating else dtypes.float32,
                    original.shape)

    def kernel(self, be, op, ctx):
        return _resize_grad_kernel(be, self.method, op)


@register_op("ResizeBilinearGrad")
class ResizeBilinearGrad(_ResizeGradBase):
    method = "bilinear"


@register_op("ResizeBicubicGrad")
class ResizeBicubicGrad(_ResizeGradBase):
    method = "bicubic"


@register_op("ResizeNearestNeighborGrad")
class ResizeNearestNeighborGrad(_ResizeGradBase):
    method = "nearest"
    host_inputs = (1,)


for _t in ("ResizeArea", "ResizeBilinearGrad", "ResizeBicubicGrad", "ResizeNearestNeighborGrad"):
    NotDifferentiable(_t)


class ResizeMethod:
    """`tf.image.ResizeMethod` (TF1's integer values)."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


_METHOD_OPS = {ResizeMethod.BILINEAR: "ResizeBilinear", ResizeMethod.NEAREST_NEIGHBOR:
               "ResizeNearestNeighbor", ResizeMethod.BICUBIC: "ResizeBicubic",
               ResizeMethod.AREA: "ResizeArea", "bilinear": "ResizeBilinear",
               "nearest": "ResizeNearestNeighbor", "bicubic": "ResizeBicubic", "area": "ResizeArea"}


def _resize_op(op_type: str, images: Any, size: Any, align_corners: bool, half_pixel_centers: bool,
               name: Optional[str]) -> Tensor:
    with name_scope(name, op_type, [images, size]) as scope:
        x = convert_to_tensor(images, name="images")
        s = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        attrs = {"align_corners": bool(align_corners)}
        if op_type != "ResizeArea":
            attrs["half_pixel_centers"] = bool(half_pixel_centers)
        return get_default_graph().create_op(op_type, [x, s], attrs, name=scope[:-1]).outputs[0]


def resize_bilinear(images: Any, size: Any, align_corners: bool = False, name: Optional[str] = None,
                    half_pixel_centers: bool = False) -> Tensor:
    """Bilinear resize of [batch, h, w, c] images to `size` = [new_h, new_w] (float32)."""
    return _resize_op("ResizeBilinear", images, size, align_corners, half_pixel_centers, name)


def resize_nearest_neighbor(images: Any, size: Any, align_corners: bool = False,
                            name: Optional[str] = None, half_pixel_centers: bool = False) -> Tensor:
    """Nearest-neighbor resize (keeps the dtype)."""
    return _resize_op("ResizeNearestNeighbor", images, size, align_corners, half_pixel_centers, name)


def resize_bicubic(images: Any, size: Any, align_corners: bool = False, name: Optional[str] = None,
                   half_pixel_centers: bool = False) -> Tensor:
    """Bicubic resize (float32)."""
    return _resize_op("ResizeBicubic", images, size, align_corners, half_pixel_centers, name)


def resize_area(images: Any, size: Any, align_corners: bool = False, name: Optional[str] = None) -> Tensor:
    """Area-averaging resize (float32)."""
    return _resize_op("ResizeArea", images, size, align_corners, False, name)


def resize_images(images: Any, size: Any, method: Any = ResizeMethod.BILINEAR,
                  align_corners: bool = False, preserve_aspect_ratio: bool = False,
                  name: Optional[str] = None) -> Tensor:
    """`tf.image.resize_images` (TF1): a 3-D image or 4-D batch to `size` with `method`.

    Bilinear/bicubic/area give float32, nearest keeps the dtype; an image already of the
    requested static size is returned unchanged, as TF1.
    """
    with name_scope(name, "resize", [images, size]):
        x = convert_to_tensor(images, name="images")
        if x.shape.ndims not in (3, 4):
            raise ValueError(f"'images' must have either 3 or 4 dimensions, got {x.shape}")
        squeeze = x.shape.ndims == 3
        if squeeze:
            x = array_ops.expand_dims(x, 0)
        from .array_ops import constant_value
        sv = constant_value(convert_to_tensor(size, dtype=dtypes.int32)) if not isinstance(size, Tensor) \
            else constant_value(size)
        if preserve_aspect_ratio and sv is not None and x.shape[1:3].is_fully_defined():
            h, w = x.shape.as_list()[1:3]
            scale = min(sv[0] / h, sv[1] / w)
            size = [int(h * scale), int(w * scale)]
            sv = np.array(size)
        if sv is not None and x.shape.as_list()[1:3] == [int(v) for v in sv]:
            out = x
        else:
            op_type = _METHOD_OPS.get(method)
            if op_type is None:
                raise ValueError(f"Resize method is not implemented: {method!r}")
            out = _resize_op(op_type, x, size, align_corners, False, None)
        return array_ops.squeeze(out, [0]) if squeeze else out


resize = resize_images


# --- geometry ----------------------------------------------------------------------------------
def _image_rank(image: Tensor) -> int:
    n = image.shape.ndims
    if n not in (3, 4):
        raise ValueError(f"'image' (shape {image.shape}) must have either 3 or 4 dimensions.")
    return n


def flip_left_right(image: Any) -> Tensor:
    """Mirrors the width axis."""
    with name_scope(None, "flip_left_right", [image]):
        x = convert_to_tensor(image, name="image")
        return array_ops.reverse_v2(x, [_image_rank(x) - 2])


def flip_up_down(image: Any) -> Tensor:
    """Mirrors the height axis."""
    with name_scope(None, "flip_up_down", [image]):
        x = convert_to_tensor(image, name="image")
        return array_ops.reverse_v2(x, [_image_rank(x) - 3])


def transpose_image(image: Any) -> Tensor:
    """Swaps height and width."""
    with name_scope(None, "transpose", [image]):
        x = convert_to_tensor(image, name="image")
        perm = [1, 0, 2] if _image_rank(x) == 3 else [0, 2, 1, 3]
        return array_ops.transpose(x, perm)


transpose = transpose_image


def rot90(image: Any, k: int = 1, name: Optional[str] = None) -> Tensor:
    """Rotates by 90 degrees counter-clockwise, `k` times (`k` a Python int)."""
    with name_scope(name, "rot90", [image]):
        x = convert_to_tensor(image, name="image")
        _image_rank(x)
        k = int(k) % 4
        if k == 0:
            return array_ops.identity(x)
        if k == 1:
            return flip_up_down(transpose_image(x))
        if k == 2:
            return flip_up_down(flip_left_right(x))
        return transpose_image(flip_up_down(x))


def _random_flip(image: Any, seed: Optional[int], flip, name: str) -> Tensor:
    with name_scope(None, name, [image]):
        x = convert_to_tensor(image, name="image")
        if _image_rank(x) == 3:
            u = random_ops.random_uniform([], 0, 1.0, seed=seed)
            cond = math_ops.less(u, 0.5)
        else:  # one decision per image of the batch
            n = array_ops.shape(x)[0:1]
            u = random_ops.random_uniform(n, 0, 1.0, seed=seed)
            cond = array_ops.reshape(math_ops.less(u, 0.5), [-1, 1, 1, 1])
        return array_ops.where_v2(cond, flip(x), x)


def random_flip_left_right(image: Any, seed: Optional[int] = None) -> Tensor:
    """Mirrors the width axis with probability 1/2 (per image of a batch)."""
    return _random_flip(image, seed, flip_left_right, "random_flip_left_right")


def random_flip_up_down(image: Any, seed: Optional[int] = None) -> Tensor:
    """Mirrors the height axis with probability 1/2 (per image of a batch)."""
    return _random_flip(image, seed, flip_up_down, "random_flip_up_down")


def _static_hw(x: Tensor) -> Tuple[Optional[int], Optional[int]]:
    d = x.shape.as_list()
    return (d[-3], d[-2])


def crop_to_bounding_box(image: Any, offset_height: int, offset_width: int, target_height: int,
                         target_width: int) -> Tensor:
    """The window [offset_h : offset_h + target_h, offset_w : offset_w + target_w].

    Raises:
      ValueError: If the (static) window does not fit inside the image.
    """
    with name_scope(None, "crop_to_bounding_box", [image]):
        x = convert_to_tensor(image, name="image")
        n = _image_rank(x)
        h, w = _static_hw(x)
        for v, what in ((offset_height, "offset_height"), (offset_width, "offset_width")):
            if isinstance(v, int) and v < 0:
                raise ValueError(f"{what} must be >= 0.")
        for v, what in ((target_height, "target_height"), (target_width, "target_width")):
            if isinstance(v, int) and v <= 0:
                raise ValueError(f"{what} must be > 0.")
        if h is not None and isinstance(target_height, int) and isinstance(offset_height, int) \
                and offset_height + target_height > h:
            raise ValueError("height must be >= target + offset.")
        if w is not None and isinstance(target_width, int) and isinstance(offset_width, int) \
                and offset_width + target_width > w:
            raise ValueError("width must be >= target + offset.")
        begin = [offset_height, offset_width, 0]
        size = [target_height, target_width, -1]
        if n == 4:
            begin, size = [0] + begin, [-1] + size
        return array_ops.slice(x, array_ops.stack(begin), array_ops.stack(size))


def pad_to_bounding_box(image: Any, offset_height: int, offset_width: int, target_height: int,
                        target_width: int) -> Tensor:
    """Pads with zeros to [target_h, target_w], the image at (offset_h, offset_w).

    Raises:
      ValueError: If the (static) image does not fit.
    """
    with name_scope(None, "pad_to_bounding_box", [image]):
        x = convert_to_tensor(image, name="image")
        n = _image_rank(x)
        h, w = _static_hw(x)
        if h is None or w is None:
            hw = array_ops.shape(x)[n - 3:n - 1]
            h_t, w_t = hw[0], hw[1]
        else:
            h_t, w_t = h, w
        after_h = target_height - offset_height - h_t
        after_w = target_width - offset_width - w_t
        if isinstance(after_h, int) and after_h < 0:
            raise ValueError("height must be <= target - offset")
        if isinstance(after_w, int) and after_w < 0:
            raise ValueError("width must be <= target - offset")
        pads = [[offset_height, after_h], [offset_width, after_w], [0, 0]]
        if n == 4:
            pads = [[0, 0]] + pads
        out = array_ops.pad(x, array_ops.stack([array_ops.stack(p) for p in pads])
                            if not all(isinstance(v, int) for p in pads for v in p) else pads)
        return out


def resize_image_with_crop_or_pad(image: Any, target_height: int, target_width: int) -> Tensor:
    """Centrally crops and/or zero-pads to [target_h, target_w] (static image size)."""
    with name_scope(None, "resize_image_with_crop_or_pad", [image]):
        x = convert_to_tensor(image, name="image")
        h, w = _static_hw(x)
        if h is None or w is None:
            raise ValueError("resize_image_with_crop_or_pad needs a static image height and width")
        off_crop_w = max((w - target_width) // 2, 0)
        off_pad_w = max((target_width - w) // 2, 0)
        off_crop_h = max((h - target_height) // 2, 0)
        off_pad_h = max((target_height - h) // 2, 0)
        cropped = crop_to_bounding_box(x, off_crop_h, off_crop_w, min(target_height, h),
                                       min(target_width, w))
        return pad_to_bounding_box(cropped, off_pad_h, off_pad_w, target_height, target_width)


resize_with_crop_or_pad = resize_image_with_crop_or_pad


def central_crop(image: Any, central_fraction: float) -> Tensor:
    """The central `central_fraction` of the image (static size), as TF1 rounds it."""
    if central_fraction <= 0.0 or central_fraction > 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    with name_scope(None, "central_crop", [image]):
        x = convert_to_tensor(image, name="image")
        if central_fraction == 1.0:
            return x
        h, w = _static_hw(x)
        if h is None or w is None:
            raise ValueError("central_crop needs a static image height and width")
        start_h = int((h - h * central_fraction) / 2)
        start_w = int((w - w * central_fraction) / 2)
        return crop_to_bounding_box(x, start_h, start_w, h - start_h * 2, w - start_w * 2)


def random_crop(value: Any, size: Any, seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """A random window of shape `size` (`tf.random_crop`, `tf.image.random_crop`)."""
    with name_scope(name, "random_crop", [value, size]):
        x = convert_to_tensor(value, name="value")
        size_t = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        shape = array_ops.shape(x)
        limit = shape - size_t + 1
        from .array_ops import constant_value
        sv = constant_value(size_t)
        xs = x.shape.as_list() if x.shape.ndims is not None else None
        if sv is not None and xs is not None:
            for i, (a, b) in enumerate(zip(xs, sv)):
                if a is not None and b > a:
                    raise ValueError(f"Need value.shape >= size, got {x.shape} and {list(sv)}")
        u = random_ops.random_uniform(array_ops.shape(size_t), 0, 1.0, seed=seed)
        offset = math_ops.cast(math_ops.floor(u * math_ops.cast(limit, dtypes.float32)), dtypes.int32)
        out = array_ops.slice(x, offset, size_t)
        if sv is not None:
            out.set_shape([int(v) for v in sv])
        return out


# --- dtype and color ---------------------------------------------------------------------------
def convert_image_dtype(image: Any, dtype: Any, saturate: bool = False, name: Optional[str] = None) -> Tensor:
    """Converts between image dtypes, rescaling: ints span [0, MAX], floats [0, 1]."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "convert_image", [image]):
        x = convert_to_tensor(image, name="image")
        src = x.dtype
        if src == dtype:
            return array_ops.identity(x)
        if src.is_integer and dtype.is_integer:
            smax, dmax = np.iinfo(src.np_dtype).max, np.iinfo(dtype.np_dtype).max
            if smax > dmax:
                scale = (smax + 1) // (dmax + 1)
                return math_ops.cast(math_ops.floordiv(x, math_ops.cast(scale, src)), dtype)
            scale = (dmax + 1) // (smax + 1)
            return math_ops.multiply(math_ops.cast(x, dtype), math_ops.cast(scale, dtype))
        if src.is_floating and dtype.is_floating:
            return math_ops.cast(x, dtype)
        if src.is_integer:  # int -> float
            f = math_ops.cast(x, dtype)
            return math_ops.multiply(f, math_ops.cast(1.0 / np.iinfo(src.np_dtype).max, dtype))
        # float -> int: scale by MAX + 0.5 and truncate
        scale = math_ops.cast(np.iinfo(dtype.np_dtype).max + 0.5, src)
        scaled = math_ops.multiply(x, scale)
        if saturate:
            info = np.iinfo(dtype.np_dtype)
            scaled = math_ops.minimum(math_ops.maximum(scaled, math_ops.cast(info.min, src)),
                                      math_ops.cast(info.max, src))
        return math_ops.cast(scaled, dtype)


def rgb_to_grayscale(images: Any, name: Optional[str] = None) -> Tensor:
    """Weighted sum of R, G, B (0.2989, 0.5870, 0.1140), keeping the dtype; last dim 1."""
    with name_scope(name, "rgb_to_grayscale", [images]):
        x = convert_to_tensor(images, name="images")
        f = convert_image_dtype(x, dtypes.float32)
        w = convert_to_tensor(np.array([0.2989, 0.5870, 0.1140], np.float32))
        g = math_ops.reduce_sum(math_ops.multiply(f, w), -1, keepdims=True)
        return convert_image_dtype(g, x.dtype)


def grayscale_to_rgb(images: Any, name: Optional[str] = None) -> Tensor:
    """Repeats the single channel three times."""
    with name_scope(name, "grayscale_to_rgb", [images]):
        x = convert_to_tensor(images, name="images")
        if x.shape.ndims is not None and x.shape.as_list()[-1] not in (None, 1):
            raise ValueError(f"Last dimension of a grayscale image should be size 1, got {x.shape}")
        reps = [1] * (x.shape.ndims - 1) + [3]
        return array_ops.tile(x, reps)


@register_op("RGBToHSV")
class RGBToHSV(OpDef):
    """RGB in [0, 1] to HSV (hue in [0, 1))."""

    def infer(self, images):
        if not images.dtype.is_floating:
            raise TypeError(f"rgb_to_hsv needs a float image, got {images.dtype.name}")
        return spec(images.dtype, images.shape)

    def compute(self, be, images):
        xp = be.xp
        r, g, b = images[..., 0], images[..., 1], images[..., 2]
        v = xp.maximum(xp.maximum(r, g), b)
        mn = xp.minimum(xp.minimum(r, g), b)
        rng = v - mn
        dt = images.dtype
        safe_v = xp.where(v > 0, v, xp.ones_like(v))
        s = xp.where(v > 0, rng / safe_v, xp.zeros_like(v))
        safe = xp.where(rng > 0, rng, xp.ones_like(rng))
        h = xp.where(v == r, (g - b) / safe, xp.where(v == g, (b - r) / safe + 2, (r - g) / safe + 4))
        h = xp.where(rng > 0, h / 6, xp.zeros_like(h))
        h = h - xp.floor(h)
        return xp.stack([h, s, v], axis=-1).astype(dt, copy=False)


@register_op("HSVToRGB")
class HSVToRGB(OpDef):
    """HSV to RGB."""

    def infer(self, images):
        if not images.dtype.is_floating:
            raise TypeError(f"hsv_to_rgb needs a float image, got {images.dtype.name}")
        return spec(images.dtype, images.shape)

    def compute(self, be, images):
        xp = be.xp
        h, s, v = images[..., 0], images[..., 1], images[..., 2]
        dh = (h - xp.floor(h)) * 6
        dt = images.dtype
        r = xp.clip(xp.abs(dh - 3) - 1, 0, 1)
        g = xp.clip(2 - xp.abs(dh - 2), 0, 1)
        b = xp.clip(2 - xp.abs(dh - 4), 0, 1)
        one = xp.ones_like(s)
        rgb = [((one - s) + s * c) * v for c in (r, g, b)]
        return xp.stack(rgb, axis=-1).astype(dt, copy=False)


NotDifferentiable("RGBToHSV")
NotDifferentiable("HSVToRGB")


def rgb_to_hsv(images: Any, name: Optional[str] = None) -> Tensor:
    with name_scope(name, "RGBToHSV", [images]) as scope:
        x = convert_to_tensor(images, name="images")
        return get_default_graph().create_op("RGBToHSV", [x], {}, name=scope[:-1]).outputs[0]


def hsv_to_rgb(images: Any, name: Optional[str] = None) -> Tensor:
    with name_scope(name, "HSVToRGB", [images]) as scope:
        x = convert_to_tensor(images, name="images")
        return get_default_graph().create_op("HSVToRGB", [x], {}, name=scope[:-1]).outputs[0]


def _in_float(image: Any, fn, name: str) -> Tensor:
    """Applies `fn` to the image as float32 (ints converted, converted back)."""
    with name_scope(None, name, [image]):
        x = convert_to_tensor(image, name="image")
        f = x if x.dtype.is_floating else convert_image_dtype(x, dtypes.float32)
        out = fn(f)
        return out if x.dtype.is_floating else convert_image_dtype(out, x.dtype, saturate=True)


def adjust_brightness(image: Any, delta: Any) -> Tensor:
    """Adds `delta` (in [0, 1] float units)."""
    return _in_float(image, lambda f: math_ops.add(f, math_ops.cast(delta, f.dtype)), "adjust_brightness")


def adjust_contrast(images: Any, contrast_factor: Any) -> Tensor:
    """`(x - mean) * factor + mean`, the mean per channel over height and width."""
    def fn(f):
        mean = math_ops.reduce_mean(f, [-3, -2], keepdims=True)
        return math_ops.add(math_ops.multiply(math_ops.subtract(f, mean),
                                              math_ops.cast(contrast_factor, f.dtype)), mean)
    return _in_float(images, fn, "adjust_contrast")


def adjust_saturation(image: Any, saturation_factor: Any, name: Optional[str] = None) -> Tensor:
    """Multiplies the HSV saturation by `saturation_factor` (clipped to [0, 1])."""
    def fn(f):
        hsv = rgb_to_hsv(f)
        h, s, v = array_ops.split(hsv, 3, axis=-1)
        s = math_ops.minimum(math_ops.maximum(
            math_ops.multiply(s, math_ops.cast(saturation_factor, f.dtype)), 0.0), 1.0)
        return hsv_to_rgb(array_ops.concat([h, s, v], -1))
    return _in_float(image, fn, name or "adjust_saturation")


def adjust_hue(image: Any, delta: float, name: Optional[str] = None) -> Tensor:
    """Rotates the hue by `delta` (in [-1, 1], a fraction of the color circle)."""
    def fn(f):
        hsv = rgb_to_hsv(f)
        h, s, v = array_ops.split(hsv, 3, axis=-1)
        h = math_ops.add(h, math_ops.cast(delta, f.dtype))
        h = math_ops.subtract(h, math_ops.floor(h))
        return hsv_to_rgb(array_ops.concat([h, s, v], -1))
    return _in_float(image, fn, name or "adjust_hue")


def random_brightness(image: Any, max_delta: float, seed: Optional[int] = None) -> Tensor:
    """`adjust_brightness` by a delta uniform in [-max_delta, max_delta)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = random_ops.random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_brightness(image, delta)


def random_contrast(image: Any, lower: float, upper: float, seed: Optional[int] = None) -> Tensor:
    """`adjust_contrast` by a factor uniform in [lower, upper)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    f = random_ops.random_uniform([], lower, upper, seed=seed)
    return adjust_contrast(image, f)


def random_saturation(image: Any, lower: float, upper: float, seed: Optional[int] = None) -> Tensor:
    """`adjust_saturation` by a factor uniform in [lower, upper)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    f = random_ops.random_uniform([], lower, upper, seed=seed)
    return adjust_saturation(image, f)


def random_hue(image: Any, max_delta: float, seed: Optional[int] = None) -> Tensor:
    """`adjust_hue` by a delta uniform in [-max_delta, max_delta], max_delta <= 0.5."""
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    d = random_ops.random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_hue(image, d)


def per_image_standardization(image: Any) -> Tensor:
    """`(x - mean) / max(stddev, 1/sqrt(N))` per image (float32)."""
    with name_scope(None, "per_image_standardization", [image]):
        x = convert_to_tensor(image, name="image")
        n = _image_rank(x)
        f = math_ops.cast(x, dtypes.float32)
        axes = [-3, -2, -1]
        num = math_ops.cast(math_ops.reduce_prod(array_ops.shape(f)[n - 3:]), dtypes.float32)
        mean = math_ops.reduce_mean(f, axes, keepdims=True)
        var = math_ops.reduce_mean(math_ops.square(math_ops.subtract(f, mean)), axes, keepdims=True)
        std = math_ops.maximum(math_ops.sqrt(var), math_ops.rsqrt(num))
        return math_ops.divide(math_ops.subtract(f, mean), std)


__all__ = ["decode_png", "decode_jpeg", "decode_image", "encode_png", "encode_jpeg",
           "ResizeMethod", "resize_images", "resize", "resize_bilinear", "resize_nearest_neighbor",
           "resize_bicubic", "resize_area", "flip_left_right", "flip_up_down", "transpose_image",
           "transpose", "rot90", "random_flip_left_right", "random_flip_up_down",
           "crop_to_bounding_box", "pad_to_bounding_box", "resize_image_with_crop_or_pad",
           "resize_with_crop_or_pad", "central_crop", "random_crop", "convert_image_dtype",
           "rgb_to_grayscale", "grayscale_to_rgb", "rgb_to_hsv", "hsv_to_rgb",
           "adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue",
           "random_brightness", "random_contrast", "random_saturation", "random_hue",
           "per_image_standardization"]
