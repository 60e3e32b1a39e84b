"""Rearrangements between space, depth and batch, and patch extraction: `tf.space_to_depth` /
`tf.depth_to_space` (also in `tf.nn`), `tf.space_to_batch_nd` / `tf.batch_to_space_nd`
(`tf.manip`), TF1's `tf.space_to_batch` / `tf.batch_to_space` (2-D forms built on the ND ops,
as TF1 builds them), `tf.required_space_to_batch_paddings`, `tf.extract_image_patches`
(`tf.image`) and `tf.extract_volume_patches`.

Each op is a reshape/transpose (or strided window copy) of its input; gradients are TF1's:
the inverse op, and for patches a segment sum over an extracted index image."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, gen_tensor, name_scope
from ..framework.registry import OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ..framework.tensor_util import constant_value
from . import array_ops, math_ops
from ._helpers import host_array
from .array_ops import _INDEX_TYPES


def _const(t: Tensor) -> Optional[np.ndarray]:
    v = constant_value(t)
    return None if v is None else np.asarray(v).astype(np.int64)


# --- space_to_depth / depth_to_space -------------------------------------------------------------
def _check_block(op_type: str, block_size: int, data_format: str) -> None:
    if block_size < 2:
        raise ValueError(f"Value for attr 'block_size' of {block_size} must be at least minimum "
                         f"2 ({op_type})")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"{op_type}: data_format must be NHWC or NCHW, got {data_format!r}")


def _hwc(data_format: str):
    return (1, 2, 3) if data_format == "NHWC" else (2, 3, 1)


@register_op("SpaceToDepth")
class SpaceToDepth(OpDef):
    """Moves `block_size x block_size` spatial blocks into the channel dimension."""

    def infer(self, x, *, block_size, data_format="NHWC"):
        _check_block("SpaceToDepth", block_size, data_format)
        s = x.shape.with_rank(4)
        dims = s.as_list()
        h, w, c = _hwc(data_format)
        for i in (h, w):
            if dims[i] is not None:
                if dims[i] % block_size:
                    raise ValueError(f"Dimension size must be evenly divisible by {block_size} "
                                     f"but is {dims[i]} for 'SpaceToDepth' (input shape {s})")
                dims[i] //= block_size
        if dims[c] is not None:
            dims[c] *= block_size * block_size
        return spec(x.dtype, dims)

    def compute(self, be, x, *, block_size, data_format="NHWC"):
        bs = block_size
        if data_format == "NHWC":
            b, hh, ww, c = x.shape
            _divisible(hh, ww, bs)
            y = x.reshape(b, hh // bs, bs, ww // bs, bs, c).transpose(0, 1, 3, 2, 4, 5)
            return y.reshape(b, hh // bs, ww // bs, c * bs * bs)
        b, c, hh, ww = x.shape
        _divisible(hh, ww, bs)
        y = x.reshape(b, c, hh // bs, bs, ww // bs, bs).transpose(0, 3, 5, 1, 2, 4)
        return y.reshape(b, c * bs * bs, hh // bs, ww // bs)

    def gradient(self, op, grad):
        return [depth_to_space(grad, op.get_attr("block_size"),
                               data_format=op.get_attr("data_format"))]


def _divisible(h: int, w: int, bs: int) -> None:
    if h % bs or w % bs:
        raise ValueError(f"Image height {h} and width {w} should be divisible by block_size: "
                         f"{bs}")


@register_op("DepthToSpace")
class DepthToSpace(OpDef):
    """Moves channel blocks into `block_size x block_size` spatial blocks."""

    def infer(self, x, *, block_size, data_format="NHWC"):
        _check_block("DepthToSpace", block_size, data_format)
        s = x.shape.with_rank(4)
        dims = s.as_list()
        h, w, c = _hwc(data_format)
        if dims[c] is not None:
            if dims[c] % (block_size * block_size):
                raise ValueError(f"Dimension size must be evenly divisible by "
                                 f"{block_size * block_size} but is {dims[c]} for "
                                 f"'DepthToSpace' (input shape {s})")
            dims[c] //= block_size * block_size
        for i in (h, w):
            if dims[i] is not None:
                dims[i] *= block_size
        return spec(x.dtype, dims)

    def compute(self, be, x, *, block_size, data_format="NHWC"):
        bs = block_size
        c = x.shape[3] if data_format == "NHWC" else x.shape[1]
        if c % (bs * bs):
            raise ValueError(f"Input depth dimension {c} should be divisible by: {bs * bs}")
        if data_format == "NHWC":
            b, hh, ww, c = x.shape
            y = x.reshape(b, hh, ww, bs, bs, c // (bs * bs)).transpose(0, 1, 3, 2, 4, 5)
            return y.reshape(b, hh * bs, ww * bs, c // (bs * bs))
        b, c, hh, ww = x.shape
        y = x.reshape(b, bs, bs, c // (bs * bs), hh, ww).transpose(0, 3, 4, 1, 5, 2)
        return y.reshape(b, c // (bs * bs), hh * bs, ww * bs)

    def gradient(self, op, grad):
        return [space_to_depth(grad, op.get_attr("block_size"),
                               data_format=op.get_attr("data_format"))]


def space_to_depth(input: Any, block_size: int, name: Optional[str] = None,  # noqa: A002
                   data_format: str = "NHWC") -> Tensor:
    """Rearranges `block_size x block_size` blocks of space into depth (`tf.space_to_depth`,
    `tf.nn.space_to_depth`; op "SpaceToDepth"): NHWC `[B, H, W, C]` becomes
    `[B, H/bs, W/bs, C*bs*bs]`, the block offsets (row, column) outermost in the channels.

    Raises:
      ValueError: If `block_size < 2` or H, W are not divisible by it.
    """
    return gen_tensor("SpaceToDepth", name, [("input", input, None, None)],
                      {"block_size": int(block_size), "data_format": data_format})


def depth_to_space(input: Any, block_size: int, name: Optional[str] = None,  # noqa: A002
                   data_format: str = "NHWC") -> Tensor:
    """Rearranges depth into `block_size x block_size` blocks of space (`tf.depth_to_space`,
    `tf.nn.depth_to_space`; op "DepthToSpace"), the inverse of `space_to_depth`.

    Raises:
      ValueError: If `block_size < 2` or the depth is not divisible by `block_size**2`.
    """
    return gen_tensor("DepthToSpace", name, [("input", input, None, None)],
                      {"block_size": int(block_size), "data_format": data_format})


# --- space_to_batch_nd / batch_to_space_nd -----------------------------------------------------
def _check_block_args(op_type: str, x: Tensor, block: Tensor, pads: Tensor, what: str):
    for t, arg in ((block, "block_shape"), (pads, what)):
        if t.dtype not in _INDEX_TYPES:
            raise TypeError(f"{op_type}: {arg} must be int32 or int64, got {t.dtype.name}")
    block.shape.with_rank(1)
    pads.shape.with_rank(2)
    m = block.shape.as_list()[0]
    pm = pads.shape.as_list()
    if m is not None and pm[0] is not None and pm[0] != m:
        raise ValueError(f"{op_type}: {what} must have shape [{m}, 2], got {pads.shape}")
    if pm[1] is not None and pm[1] != 2:
        raise ValueError(f"{op_type}: {what} must have shape [M, 2], got {pads.shape}")
    b, p = _const(block), _const(pads)
    if b is not None and bool(np.any(b < 1)):
        raise ValueError(f"{op_type}: block_shape must be positive, got {b.tolist()}")
    if p is not None and bool(np.any(p < 0)):
        raise ValueError(f"{op_type}: {what} must be non-negative, got {p.tolist()}")
    n = x.shape.ndims
    if n is not None and m is not None and n < m + 1:
        raise ValueError(f"{op_type}: input rank should be > block rank ({m}), got {n}")
    return b, p


@register_op("SpaceToBatchND")
class SpaceToBatchND(OpDef):
    """Zero-pads the M spatial dimensions, then moves `block_shape` blocks into the batch."""

    host_inputs = (1, 2)

    def infer(self, x, block_shape, paddings):
        b, p = _check_block_args("SpaceToBatchND", x, block_shape, paddings, "paddings")
        if x.shape.ndims is None or b is None:
            return spec(x.dtype, None)
        dims = x.shape.as_list()
        out = list(dims)
        out[0] = None if dims[0] is None else dims[0] * int(np.prod(b))
        for i, bi in enumerate(b.tolist()):
            d = dims[1 + i]
            if d is None or p is None:
                out[1 + i] = None
                continue
            full = d + int(p[i, 0]) + int(p[i, 1])
            if full % bi:
                raise ValueError(f"padded shape must be divisible by block_shape: dimension "
                                 f"{1 + i} is {full} after padding, block {bi} "
                                 f"(SpaceToBatchND, input shape {x.shape})")
            out[1 + i] = full // bi
        return spec(x.dtype, out)

    def compute(self, be, x, block_shape, paddings):
        xp = be.xp
        b = [int(v) for v in host_array(be, block_shape).reshape(-1)]
        p = host_array(be, paddings).reshape(-1, 2).astype(np.int64)
        m = len(b)
        pads = [(0, 0)] + [(int(p[i, 0]), int(p[i, 1])) for i in range(m)] + \
            [(0, 0)] * (x.ndim - 1 - m)
        y = xp.pad(x, pads) if any(a or c for a, c in pads) else x
        sp = y.shape[1:1 + m]
        for i, (d, bi) in enumerate(zip(sp, b)):
            if d % bi:
                raise ValueError(f"padded_shape[{i}]={d} is not divisible by "
                                 f"block_shape[{i}]={bi}")
        rest = tuple(y.shape[1 + m:])
        shape = [y.shape[0]]
        for d, bi in zip(sp, b):
            shape += [d // bi, bi]
        y = y.reshape(tuple(shape) + rest)
        # [B, d1, b1, ..., dM, bM, rest] -> [b1, ..., bM, B, d1, ..., dM, rest]
        perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + \
            list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
        y = y.transpose(perm)
        return y.reshape((x.shape[0] * int(np.prod(b)),)
                         + tuple(d // bi for d, bi in zip(sp, b)) + rest)

    def gradient(self, op, grad):
        return [batch_to_space_nd(grad, op.inputs[1], op.inputs[2]), None, None]


@register_op("BatchToSpaceND")
class BatchToSpaceND(OpDef):
    """Moves batch blocks back into the M spatial dimensions, then crops them."""

    host_inputs = (1, 2)

    def infer(self, x, block_shape, crops):
        b, c = _check_block_args("BatchToSpaceND", x, block_shape, crops, "crops")
        if x.shape.ndims is None or b is None:
            return spec(x.dtype, None)
        dims = x.shape.as_list()
        out = list(dims)
        prod = int(np.prod(b))
        if dims[0] is not None:
            if dims[0] % prod:
                raise ValueError(f"Input batch dimension ({dims[0]}) is not divisible by the "
                                 f"product of block sizes ({prod}) (BatchToSpaceND)")
            out[0] = dims[0] // prod
        for i, bi in enumerate(b.tolist()):
            d = dims[1 + i]
            if d is None or c is None:
                out[1 + i] = None
                continue
            size = d * bi - int(c[i, 0]) - int(c[i, 1])
            if size < 0:
                raise ValueError(f"crops must not exceed the block-expanded dimension {1 + i} "
                                 f"({d * bi}) (BatchToSpaceND)")
            out[1 + i] = size
        return spec(x.dtype, out)

    def compute(self, be, x, block_shape, crops):
        b = [int(v) for v in host_array(be, block_shape).reshape(-1)]
        c = host_array(be, crops).reshape(-1, 2).astype(np.int64)
        m = len(b)
        prod = int(np.prod(b))
        if x.shape[0] % prod:
            raise ValueError(f"Input batch dimension ({x.shape[0]}) is not divisible by the "
                             f"product of block sizes ({prod})")
        nb = x.shape[0] // prod
        sp = tuple(x.shape[1:1 + m])
        rest = tuple(x.shape[1 + m:])
        y = x.reshape(tuple(b) + (nb,) + sp + rest)
        # [b1, ..., bM, B, d1, ..., dM, rest] -> [B, d1, b1, ..., dM, bM, rest]
        perm = [m]
        for i in range(m):
            perm += [m + 1 + i, i]
        perm += list(range(2 * m + 1, 2 * m + 1 + len(rest)))
        y = y.transpose(perm).reshape((nb,) + tuple(d * bi for d, bi in zip(sp, b)) + rest)
        index = [slice(None)]
        for i in range(m):
            full = y.shape[1 + i]
            lo, hi = int(c[i, 0]), full - int(c[i, 1])
            if hi < lo:
                raise ValueError(f"crops {c[i].tolist()} exceed dimension {1 + i} ({full})")
            index.append(slice(lo, hi))
        return y[tuple(index)]

    def gradient(self, op, grad):
        return [space_to_batch_nd(grad, op.inputs[1], op.inputs[2]), None, None]


def space_to_batch_nd(input: Any, block_shape: Any, paddings: Any,  # noqa: A002
                      name: Optional[str] = None) -> Tensor:
    """Zero-pads the spatial dimensions `1..M` of `input` by `paddings` and moves
    `block_shape` blocks into the batch (`tf.space_to_batch_nd`, `tf.manip`; op
    "SpaceToBatchND"): `[B, d1, ..., dM, rest]` -> `[B*prod(block), d1'/b1, ..., rest]`.

    Raises:
      ValueError: If a padded dimension is not divisible by its block size.
    """
    return gen_tensor("SpaceToBatchND", name,
                      [("input", input, None, None),
                       ("block_shape", block_shape, _INDEX_TYPES, dtypes.int32),
                       ("paddings", paddings, _INDEX_TYPES, dtypes.int32)])


def batch_to_space_nd(input: Any, block_shape: Any, crops: Any,  # noqa: A002
                      name: Optional[str] = None) -> Tensor:
    """The inverse of `space_to_batch_nd`: moves batch blocks into the spatial dimensions and
    crops them (`tf.batch_to_space_nd`, `tf.manip`; op "BatchToSpaceND").

    Raises:
      ValueError: If the batch is not divisible by `prod(block_shape)`.
    """
    return gen_tensor("BatchToSpaceND", name,
                      [("input", input, None, None),
                       ("block_shape", block_shape, _INDEX_TYPES, dtypes.int32),
                       ("crops", crops, _INDEX_TYPES, dtypes.int32)])


def _with_rank4(t: Tensor) -> Tensor:
    t.set_shape(t.shape.merge_with(TensorShape([None] * 4)))
    return t


def _block_size(block_size: Any, block_shape: Any) -> int:
    if block_size is not None and block_shape is not None and block_size != block_shape:
        raise ValueError("Cannot specify both 'block_shape' and 'block_size'")
    v = block_size if block_size is not None else block_shape
    if v is None:
        raise TypeError("missing required argument 'block_size'")
    return int(v)


def space_to_batch(input: Any, paddings: Any, block_size: Optional[int] = None,  # noqa: A002
                   name: Optional[str] = None, block_shape: Optional[int] = None) -> Tensor:
    """TF1's 2-D `tf.space_to_batch` (`tf.nn.space_to_batch`): `space_to_batch_nd` of a 4-D
    `input` with block `[block_size, block_size]` (op "SpaceToBatchND")."""
    bs = _block_size(block_size, block_shape)
    return _with_rank4(space_to_batch_nd(input, np.array([bs, bs], np.int64), paddings, name))


def batch_to_space(input: Any, crops: Any, block_size: Optional[int] = None,  # noqa: A002
                   name: Optional[str] = None, block_shape: Optional[int] = None) -> Tensor:
    """TF1's 2-D `tf.batch_to_space`: `batch_to_space_nd` of a 4-D `input` with block
    `[block_size, block_size]` (op "BatchToSpaceND")."""
    bs = _block_size(block_size, block_shape)
    return _with_rank4(batch_to_space_nd(input, np.array([bs, bs], np.int64), crops, name))


def required_space_to_batch_paddings(input_shape: Any, block_shape: Any,
                                     base_paddings: Any = None, name: Optional[str] = None):
    """The paddings (and crops) that make `input_shape + base_paddings` divisible by
    `block_shape` (`tf.required_space_to_batch_paddings`): padding is added at the end only.

    Returns:
      `(paddings, crops)`: int32 tensors of shape `[M, 2]`.

    Raises:
      ValueError: If `block_shape` is not a fully known vector, or shapes do not match.
    """
    with name_scope(name, "required_space_to_batch_paddings", [input_shape, block_shape]):
        input_shape = convert_to_tensor(input_shape, dtype=dtypes.int32, name="input_shape")
        block_shape = convert_to_tensor(block_shape, dtype=dtypes.int32, name="block_shape")
        if not block_shape.shape.is_fully_defined() or block_shape.shape.ndims != 1:
            raise ValueError(f"block_shape must be a vector of known length, got shape "
                             f"{block_shape.shape} ({block_shape.name})")
        m = block_shape.shape.as_list()[0]
        if m == 0:
            return array_ops.zeros([0, 2], dtypes.int32), array_ops.zeros([0, 2], dtypes.int32)
        if not input_shape.shape.is_compatible_with(TensorShape([m])):
            raise ValueError(f"input_shape must have shape [{m}], got {input_shape.shape}")
        if base_paddings is not None:
            base_paddings = convert_to_tensor(base_paddings, dtype=dtypes.int32,
                                              name="base_paddings")
            if not base_paddings.shape.is_compatible_with(TensorShape([m, 2])):
                raise ValueError(f"base_paddings must have shape [{m}, 2], got "
                                 f"{base_paddings.shape}")
        else:
            base_paddings = array_ops.zeros([m, 2], dtypes.int32)
        cb, ci, cp = (constant_value(block_shape), constant_value(input_shape),
                      constant_value(base_paddings))
        if cb is not None and ci is not None and cp is not None:
            block, shape, base = (np.asarray(cb, np.int32), np.asarray(ci, np.int32),
                                  np.asarray(cp, np.int32))
            pad_start, orig_end = base[:, 0], base[:, 1]
            full = shape + pad_start + orig_end
            extra = (block - full % block) % block
            pad_end = orig_end + extra
        else:
            pad_start, orig_end = base_paddings[:, 0], base_paddings[:, 1]
            full = math_ops.add(math_ops.add(input_shape, pad_start), orig_end)
            extra = math_ops.floormod(math_ops.subtract(
                block_shape, math_ops.floormod(full, block_shape)), block_shape)
            pad_end = math_ops.add(orig_end, extra)
        paddings = array_ops.stack([[pad_start[i], pad_end[i]] for i in range(m)],
                                   name="paddings")
        crops = array_ops.stack([[0, extra[i]] for i in range(m)], name="crops")
        return paddings, crops


# --- patches ----------------------------------------------------------------------------------
def _window(size: int, k: int, s: int, r: int, padding: str):
    """(output size, padding before) of one dimension, TF1's GetWindowedOutputSize."""
    eff = k + (k - 1) * (r - 1)
    if padding == "VALID":
        return max(0, -(-(size - eff + 1) // s)), 0
    out = -(-size // s)
    total = max((out - 1) * s + eff - size, 0)
    return out, total // 2


def _check_list(op_type: str, name: str, v: Sequence[int], n: int) -> List[int]:
    v = [int(i) for i in v]
    if len(v) != n or v[0] != 1 or v[-1] != 1:
        raise ValueError(f"{op_type}: {name} must be a list of {n} ints [1, ..., 1], "
                         f"got {v}")
    if any(i < 1 for i in v):
        raise ValueError(f"{op_type}: {name} must be positive, got {v}")
    return v


def _extract(xp, x, ks, ss, rs, padding):
    """Patches of the spatial dims 1..n of `x` ([B, *spatial, C]) -> [B, *out, prod(ks)*C]."""
    n = len(ks)
    outs, befores = zip(*(_window(x.shape[1 + i], ks[i], ss[i], rs[i], padding)
                          for i in range(n)))
    pads = [(0, 0)]
    for i in range(n):
        eff = ks[i] + (ks[i] - 1) * (rs[i] - 1)
        need = (outs[i] - 1) * ss[i] + eff if outs[i] else 0
        after = max(need - x.shape[1 + i] - befores[i], 0)
        pads.append((befores[i], after))
    pads.append((0, 0))
    y = xp.pad(x, pads) if any(a or b for a, b in pads) else x
    pieces = []
    for offs in np.ndindex(*ks):
        index = [slice(None)]
        for i, o in enumerate(offs):
            start = o * rs[i]
            index.append(slice(start, start + (outs[i] - 1) * ss[i] + 1 if outs[i] else start,
                               ss[i]))
        index.append(slice(None))
        pieces.append(y[tuple(index)])
    b, c = x.shape[0], x.shape[-1]
    if not pieces or any(o == 0 for o in outs):
        return xp.zeros((b,) + tuple(outs) + (int(np.prod(ks)) * c,), dtype=x.dtype)
    return xp.stack(pieces, axis=-2).reshape((b,) + tuple(outs) + (len(pieces) * c,))


class _Patches(OpDef):
    n = 2

    def _lists(self, attrs):
        ks = _check_list(self.type_name, "ksizes", attrs["ksizes"], self.n + 2)
        ss = _check_list(self.type_name, "strides", attrs["strides"], self.n + 2)
        rs = _check_list(self.type_name, "rates", attrs.get("rates", [1] * (self.n + 2)),
                         self.n + 2)
        if attrs["padding"] not in ("VALID", "SAME"):
            raise ValueError(f"{self.type_name}: padding must be VALID or SAME, got "
                             f"{attrs['padding']!r}")
        return ks[1:-1], ss[1:-1], rs[1:-1]

    def infer(self, x, **attrs):
        ks, ss, rs = self._lists(attrs)
        dims = x.shape.with_rank(self.n + 2).as_list()
        out = [dims[0]]
        for i in range(self.n):
            d = dims[1 + i]
            out.append(None if d is None else _window(d, ks[i], ss[i], rs[i],
                                                      attrs["padding"])[0])
        out.append(None if dims[-1] is None else dims[-1] * int(np.prod(ks)))
        return spec(x.dtype, out)

    def compute(self, be, x, **attrs):
        ks, ss, rs = self._lists(attrs)
        return _extract(be.xp, x, ks, ss, rs, attrs["padding"])

    def gradient(self, op, grad):
        # TF1's: extract the patches of an index image (1-based, 0 = padding), then sum the
        # gradient of each patch entry into the input position it came from.
        x = op.inputs[0]
        n = self.n
        xs = array_ops.shape(x)
        spatial = xs[1:1 + n]
        num = math_ops.reduce_prod(spatial)
        idx = array_ops.reshape(array_ops.range(1, math_ops.add(num, 1)),
                                array_ops.concat([[1], spatial, [1]], 0))
        attrs = {k: op.get_attr(k) for k in ("ksizes", "strides", "padding")}
        if n == 2:
            attrs["rates"] = op.get_attr("rates")
        patched = x.graph.create_op(op.type, [idx], attrs).outputs[0]
        gs = array_ops.shape(grad)
        out_sp = gs[1:1 + n]
        kprod = int(np.prod(attrs["ksizes"]))
        batch, ch = xs[0], xs[-1]
        g = array_ops.reshape(grad, array_ops.concat([[batch], out_sp, [kprod, ch]], 0))
        perm = list(range(1, n + 2)) + [0, n + 2]                      # [*out, k, B, C]
        g = array_ops.reshape(array_ops.transpose(g, perm),
                              array_ops.stack([-1, math_ops.multiply(batch, ch)]))
        ids = math_ops.subtract(array_ops.reshape(patched, [-1]), 1)   # padding -> -1: dropped
        summed = array_ops.unsorted_segment_sum(g, ids, num)
        summed = array_ops.reshape(summed, array_ops.concat([spatial, [batch, ch]], 0))
        back = [n] + list(range(n)) + [n + 1]
        return [array_ops.transpose(summed, back)]


@register_op("ExtractImagePatches")
class ExtractImagePatches(_Patches):
    """Image patches `[B, H, W, C]` -> `[B, out_rows, out_cols, ksize_rows*ksize_cols*C]`."""

    n = 2


@register_op("ExtractVolumePatches")
class ExtractVolumePatches(_Patches):
    """Volume patches `[B, P, H, W, C]` -> `[B, out_p, out_h, out_w, kp*kh*kw*C]`."""

    n = 3


def extract_image_patches(images: Any, ksizes: Any = None, strides: Any = None,
                          rates: Any = None, padding: Optional[str] = None,
                          name: Optional[str] = None, sizes: Any = None) -> Tensor:
    """Extracts `ksizes` patches from `images`, flattened into the depth
    (`tf.extract_image_patches`, `tf.image.extract_image_patches`; op
    "ExtractImagePatches").

    Args:
      images: 4-D `[batch, rows, cols, depth]`.
      ksizes: `[1, ksize_rows, ksize_cols, 1]` (TF1's newer name: `sizes`).
      strides: `[1, stride_rows, stride_cols, 1]`.
      rates: `[1, rate_rows, rate_cols, 1]`: the dilation of the patches.
      padding: "VALID" or "SAME" (zero padding).
      name: Op name (default "ExtractImagePatches").

    Returns:
      `[batch, out_rows, out_cols, ksize_rows * ksize_cols * depth]`, each patch ordered by
      row, column, then depth.
    """
    if ksizes is not None and sizes is not None and list(ksizes) != list(sizes):
        raise ValueError("Cannot specify both 'ksizes' and 'sizes'")
    ksizes = ksizes if ksizes is not None else sizes
    return gen_tensor("ExtractImagePatches", name, [("images", images, None, None)],
                      {"ksizes": [int(v) for v in ksizes], "strides": [int(v) for v in strides],
                       "rates": [int(v) for v in rates], "padding": padding})


def extract_volume_patches(input: Any, ksizes: Any, strides: Any, padding: str,  # noqa: A002
                           name: Optional[str] = None) -> Tensor:
    """Extracts `ksizes` patches from a 5-D `input` `[batch, planes, rows, cols, depth]`,
    flattened into the depth (`tf.extract_volume_patches`, op "ExtractVolumePatches")."""
    return gen_tensor("ExtractVolumePatches", name, [("input", input, None, None)],
                      {"ksizes": [int(v) for v in ksizes], "strides": [int(v) for v in strides],
                       "padding": padding})


__all__ = ["batch_to_space", "batch_to_space_nd", "depth_to_space", "extract_image_patches",
           "extract_volume_patches", "required_space_to_batch_paddings", "space_to_batch",
           "space_to_batch_nd", "space_to_depth"]
