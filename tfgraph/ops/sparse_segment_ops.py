"""Sparse segment reductions: `tf.sparse.segment_{sum,mean,sqrt_n}` (TF1's
`tf.sparse_segment_*`): `output[s] = reduce(data[indices[k]] for k with segment_ids[k] == s)`,
with the ops SparseSegmentSum/Mean/SqrtN (and their `WithNumSegments` forms when
`num_segments` is given) and TF1's gradients (SparseSegmentMeanGrad, SparseSegmentSqrtNGrad).

`indices` and `segment_ids` are read in host memory (checked there: ids sorted, indices in
range); `data` stays on the op's device, where the rows are gathered and added with
`xp.add.at`. An empty segment gives 0.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.ops import gen_tensor as _gen
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ._helpers import host_array as _host
from .array_ops import _INDEX_TYPES, gather, shape, unsorted_segment_sum

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def _ids(be, x, what: str) -> np.ndarray:
    a = np.asarray(_host(be, x)).astype(np.int64)
    if a.ndim != 1:
        raise ValueError(f"{what} must be a vector, got shape {list(a.shape)}")
    return a


class _SparseSegment(OpDef):
    """Reduces rows `data[indices]` into segments `segment_ids` (sorted)."""

    host_inputs = (1, 2)
    kind = "sum"
    with_num = False

    def infer(self, data, indices, segment_ids, num_segments=None):
        if self.kind != "sum" and data.dtype not in _FLOATS:
            raise TypeError(f"{self.type_name}: data must be float, got {data.dtype.name}")
        if data.shape.ndims == 0:
            raise ValueError(f"{self.type_name}: data must be at least a vector")
        rows = None
        if num_segments is not None and num_segments.op.type == "Const":
            rows = int(np.reshape(num_segments.op.attrs["value"], [-1])[0])
        rest = data.shape.as_list()[1:] if data.shape.ndims is not None else None
        return spec(data.dtype, None if rest is None else [rows] + rest)

    def compute(self, be, data, indices, segment_ids, num_segments=None):
        xp = be.xp
        idx = _ids(be, indices, f"{self.type_name}: indices")
        seg = _ids(be, segment_ids, f"{self.type_name}: segment_ids")
        if idx.shape != seg.shape:
            raise ValueError(f"{self.type_name}: indices ({idx.size}) and segment_ids "
                             f"({seg.size}) must have one length")
        n = data.shape[0]
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            bad = idx[(idx < 0) | (idx >= n)][0]
            raise ValueError(f"{self.type_name}: index {bad} is out of range [0, {n})")
        if seg.size and (np.any(np.diff(seg) < 0) or seg[0] < 0):
            raise ValueError(f"{self.type_name}: segment ids are not increasing")
        if num_segments is not None:
            k = int(np.asarray(_host(be, num_segments)).reshape(-1)[0])
            if seg.size and seg[-1] >= k:
                raise ValueError(f"{self.type_name}: segment id {seg[-1]} is out of range "
                                 f"[0, {k})")
        else:
            k = int(seg[-1]) + 1 if seg.size else 0
        out = xp.zeros((k,) + tuple(data.shape[1:]), dtype=data.dtype)
        if idx.size:
            xp.add.at(out, xp.asarray(seg), data[xp.asarray(idx)])
        if self.kind != "sum":
            counts = np.bincount(seg, minlength=k).astype(np.float64)
            scale = 1.0 / np.maximum(counts, 1.0)
            if self.kind == "sqrt_n":
                scale = np.sqrt(scale)
            out = out * xp.asarray(scale.astype(data.dtype)).reshape(
                (k,) + (1,) * (data.ndim - 1))
        return out

    def gradient(self, op, grad):
        data, indices, segment_ids = op.inputs[:3]
        dim0 = shape(data)[0]
        extra = [None] * (len(op.inputs) - 1)
        if self.kind == "sum":
            return [unsorted_segment_sum(gather(grad, segment_ids), indices, dim0)] + extra
        grad_type = "SparseSegmentMeanGrad" if self.kind == "mean" else "SparseSegmentSqrtNGrad"
        g = _gen(grad_type, None, [("grad", grad, None, None),
                                   ("indices", indices, _INDEX_TYPES, None),
                                   ("segment_ids", segment_ids, _INDEX_TYPES, None),
                                   ("output_dim0", dim0, (dtypes.int32,), None)])
        return [g] + extra


class _SparseSegmentGrad(OpDef):
    """The gradient of SparseSegmentMean/SqrtN w.r.t. data: rows `grad[segment_ids[k]]`
    scaled by 1/count (1/sqrt(count)) and added at `indices[k]` of `output_dim0` rows."""

    host_inputs = (1, 2, 3)
    sqrt = False

    def infer(self, grad, indices, segment_ids, output_dim0):
        rows = None
        if output_dim0.op.type == "Const":
            rows = int(np.reshape(output_dim0.op.attrs["value"], [-1])[0])
        rest = grad.shape.as_list()[1:] if grad.shape.ndims is not None else None
        return spec(grad.dtype, None if rest is None else [rows] + rest)

    def compute(self, be, grad, indices, segment_ids, output_dim0):
        xp = be.xp
        idx = _ids(be, indices, f"{self.type_name}: indices")
        seg = _ids(be, segment_ids, f"{self.type_name}: segment_ids")
        n = int(np.asarray(_host(be, output_dim0)).reshape(-1)[0])
        k = grad.shape[0]
        counts = np.bincount(seg, minlength=k).astype(np.float64)
        scale = 1.0 / np.maximum(counts, 1.0)
        if self.sqrt:
            scale = np.sqrt(scale)
        out = xp.zeros((n,) + tuple(grad.shape[1:]), dtype=grad.dtype)
        if idx.size:
            rows = grad[xp.asarray(seg)] * xp.asarray(scale[seg].astype(grad.dtype)).reshape(
                (idx.size,) + (1,) * (grad.ndim - 1))
            xp.add.at(out, xp.asarray(idx), rows)
        return out


for _kind, _base in (("Sum", "sum"), ("Mean", "mean"), ("SqrtN", "sqrt_n")):
    for _with in (False, True):
        _name = f"SparseSegment{_kind}" + ("WithNumSegments" if _with else "")
        register_op(_name)(type(_name, (_SparseSegment,), {
            "kind": _base, "with_num": _with, "host_inputs": (1, 2, 3) if _with else (1, 2),
            "__doc__": f"Sparse segment {_base} ({'num_segments rows' if _with else 'rows up to the last id'})."}))

register_op("SparseSegmentMeanGrad")(type("SparseSegmentMeanGrad", (_SparseSegmentGrad,), {
    "sqrt": False, "__doc__": "Gradient of SparseSegmentMean w.r.t. data."}))
register_op("SparseSegmentSqrtNGrad")(type("SparseSegmentSqrtNGrad", (_SparseSegmentGrad,), {
    "sqrt": True, "__doc__": "Gradient of SparseSegmentSqrtN w.r.t. data."}))
NotDifferentiable("SparseSegmentMeanGrad")
NotDifferentiable("SparseSegmentSqrtNGrad")


def _build(kind: str, data, indices, segment_ids, name, num_segments):
    ins = [("data", data, None, None), ("indices", indices, _INDEX_TYPES, dtypes.int32),
           ("segment_ids", segment_ids, _INDEX_TYPES, dtypes.int32)]
    op_type = f"SparseSegment{kind}"
    if num_segments is not None:
        op_type += "WithNumSegments"
        ins.append(("num_segments", num_segments, _INDEX_TYPES, dtypes.int32))
    return _gen(op_type, name, ins)


_DOC = """Computes the {what} of rows `data[indices]` along sorted segments
    (`tf.sparse.segment_{kind}`, TF1's `tf.sparse_segment_{kind}`; op SparseSegment{op}).

    Args:
      data: A tensor{float}.
      indices: int32/int64 [K]: the rows of `data` to use.
      segment_ids: int32/int64 [K], sorted: the output row of each selected row.
      name: Op name.
      num_segments: The number of output rows (op SparseSegment{op}WithNumSegments); by
        default `segment_ids[-1] + 1`.

    Returns:
      A tensor `[segments] + data.shape[1:]`; an empty segment gives 0.
    """


def sparse_segment_sum(data: Any, indices: Any, segment_ids: Any, name: Optional[str] = None,
                       num_segments: Any = None):
    return _build("Sum", data, indices, segment_ids, name, num_segments)


def sparse_segment_mean(data: Any, indices: Any, segment_ids: Any, name: Optional[str] = None,
                        num_segments: Any = None):
    return _build("Mean", data, indices, segment_ids, name, num_segments)


def sparse_segment_sqrt_n(data: Any, indices: Any, segment_ids: Any,
                          name: Optional[str] = None, num_segments: Any = None):
    return _build("SqrtN", data, indices, segment_ids, name, num_segments)


sparse_segment_sum.__doc__ = _DOC.format(what="sum", kind="sum", op="Sum", float="")
sparse_segment_mean.__doc__ = _DOC.format(what="mean", kind="mean", op="Mean",
                                          float=" (float)")
sparse_segment_sqrt_n.__doc__ = _DOC.format(what="sum divided by sqrt(count)", kind="sqrt_n",
                                            op="SqrtN", float=" (float)")

__all__ = ["sparse_segment_sum", "sparse_segment_mean", "sparse_segment_sqrt_n"]
