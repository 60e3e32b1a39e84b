"""Segment reductions: `tf.math.segment_{sum,mean,max,min,prod}` (sorted 1-D ids, one output
row per id up to the largest) and `tf.math.unsorted_segment_{max,min,prod,mean,sqrt_n}`
(ids of any rank, `num_segments` rows, negative ids dropped). `unsorted_segment_sum` is in
`array_ops` (it is the gradient of gather).

As in TF1: an empty sorted segment gives 0; an empty unsorted segment gives the identity of
the reduction (the lowest value for max, the highest for min, 1 for prod, 0 for sum).
Gradients are TF1's (`math_grad.py`): max/min split the gradient evenly among ties, prod
handles zeros exactly.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.ops import convert_to_tensor, name_scope
from ..framework.registry import OpDef, register_op, spec
from ._helpers import REAL, check_dtype
from ._helpers import host_array as _to_numpy
from ..framework.ops import gen_tensor as _gen
from .array_ops import (_INDEX_TYPES, _static_int, concat, expand_dims, fill, gather,
                        ones_like, rank, reshape, shape, unsorted_segment_sum, zeros_like)
from .math_ops import (cast, equal, greater, greater_equal, logical_and, maximum, multiply,
                       realdiv, rsqrt, select)

_NUMERIC_REAL = REAL


def _identity_value(kind: str, dtype: np.dtype):
    if kind == "sum":
        return 0
    if kind == "prod":
        return 1
    info = np.finfo(dtype) if np.issubdtype(dtype, np.floating) else np.iinfo(dtype)
    return info.min if kind == "max" else info.max


def _scatter(xp, kind: str, k: int, ids, data, empty_value):
    """Reduces rows of `data` (ids flattened to 1-D) into `k` segments; rows with id < 0 go
    to a dropped extra row."""
    rest = data.shape[ids.ndim:]
    flat_ids = ids.reshape(-1)
    flat = data.reshape((flat_ids.shape[0],) + rest)
    ident = _identity_value(kind, data.dtype)
    out = xp.full((k + 1,) + rest, ident, dtype=data.dtype)
    ids_ = xp.where(flat_ids < 0, flat_ids.dtype.type(k), flat_ids)
    ufunc = {"sum": xp.add, "prod": xp.multiply, "max": xp.maximum, "min": xp.minimum}[kind]
    ufunc.at(out, ids_, flat)
    out = out[:k]
    if empty_value is not None and kind in ("max", "min"):
        counts = xp.zeros((k + 1,), dtype=np.int64)
        xp.add.at(counts, ids_, 1)
        empty = (counts[:k] == 0).reshape((k,) + (1,) * len(rest))
        out = xp.where(empty, xp.zeros((), data.dtype), out)
    return out


class _SortedSegment(OpDef):
    """`out[i] = reduce(data[j] for segment_ids[j] == i)`, ids sorted, 1-D."""

    kind = "sum"

    def infer(self, data, segment_ids):
        check_dtype(data, _NUMERIC_REAL if self.kind in ("max", "min") else
                    _NUMERIC_REAL | {dtypes.complex64, dtypes.complex128}, "data")
        if segment_ids.dtype not in _INDEX_TYPES:
            raise TypeError(f"{self.type_name}: segment_ids must be int32 or int64, got "
                            f"{segment_ids.dtype.name}")
        if segment_ids.shape.ndims not in (None, 1):
            raise ValueError(f"{self.type_name}: segment_ids should be a vector, got shape "
                             f"{segment_ids.shape}")
        ds = data.shape
        if ds.ndims is None:
            return spec(data.dtype, None)
        if ds.ndims == 0:
            raise ValueError(f"{self.type_name}: data must be at least rank 1")
        if not ds[:1].is_compatible_with(segment_ids.shape):
            raise ValueError(f"{self.type_name}: segment_ids should be the same size as "
                             f"dimension 0 of data, got {segment_ids.shape} and {ds}")
        return spec(data.dtype, [None] + ds.as_list()[1:])

    def compute(self, be, data, segment_ids):
        xp = be.xp
        ids = _to_numpy(be, segment_ids)
        if ids.shape[0] != data.shape[0]:
            raise ValueError(f"segment_ids should be the same size as dimension 0 of data: "
                             f"{ids.shape[0]} vs {data.shape[0]}")
        if ids.size and (np.any(np.diff(ids) < 0) or ids[0] < 0):
            raise ValueError("segment ids are not increasing")
        k = int(ids[-1]) + 1 if ids.size else 0
        if self.kind == "mean":
            s = _scatter(xp, "sum", k, segment_ids, data, None)
            c = xp.zeros((k,), dtype=data.dtype)
            xp.add.at(c, segment_ids, data.dtype.type(1))
            c = xp.maximum(c, data.dtype.type(1)).reshape((k,) + (1,) * (data.ndim - 1))
            return s / c
        return _scatter(xp, self.kind, k, segment_ids, data, 0)


class _UnsortedSegment(OpDef):
    """`out[i] = reduce(data[j...] for segment_ids[j...] == i)`, `num_segments` rows."""

    kind = "max"
    host_inputs = (2,)

    def infer(self, data, segment_ids, num_segments):
        check_dtype(data, _NUMERIC_REAL if self.kind in ("max", "min") else
                    _NUMERIC_REAL | {dtypes.complex64, dtypes.complex128}, "data")
        if segment_ids.dtype not in _INDEX_TYPES:
            raise TypeError(f"{self.type_name}: segment_ids must be int32 or int64, got "
                            f"{segment_ids.dtype.name}")
        k = _static_int(num_segments)
        ds, ss = data.shape, segment_ids.shape
        if ds.ndims is None or ss.ndims is None:
            return spec(data.dtype, None)
        if not ds[:ss.ndims].is_compatible_with(ss):
            raise ValueError(f"{self.type_name}: data.shape {ds} must start with "
                             f"segment_ids.shape {ss}")
        return spec(data.dtype, [k] + ds.as_list()[ss.ndims:])

    def compute(self, be, data, segment_ids, num_segments):
        xp = be.xp
        k = int(_to_numpy(be, num_segments))
        if segment_ids.size and bool(xp.any(segment_ids >= k)):
            bad = int(_to_numpy(be, segment_ids).max())
            raise ValueError(f"segment_ids {bad} is out of range [0, {k})")
        return _scatter(xp, self.kind, k, segment_ids, data, None)


def _drop_negatives_mask(ids, like):
    """A 0/1 factor (dtype of `like`, broadcastable to it) that zeroes rows of negative ids."""
    keep = cast(greater_equal(ids, 0), like.dtype)
    extra = (like.shape.ndims or 0) - (ids.shape.ndims or 0)
    if extra > 0:
        keep = reshape(keep, concat([shape(ids), fill([extra], 1)], 0))
    return keep


def _gather_clipped(params, ids):
    return gather(params, maximum(ids, zeros_like(ids)))


def _min_or_max_grad(op, grad, sorted_: bool):
    data, ids = op.inputs[0], op.inputs[1]
    out = op.outputs[0]
    gathered_out = gather(out, ids) if sorted_ else _gather_clipped(out, ids)
    is_selected = equal(data, gathered_out)
    if not sorted_:
        is_selected = logical_and(is_selected, greater(_drop_negatives_mask(ids, data), 0))
    sel = cast(is_selected, grad.dtype)
    if sorted_:
        num_selected = _segment("SegmentSum", sel, ids, None)
        gathered = gather(realdiv(grad, num_selected), ids)
    else:
        num_selected = unsorted_segment_sum(sel, ids, op.inputs[2])
        gathered = _gather_clipped(realdiv(grad, maximum(num_selected, ones_like(num_selected))),
                                   ids)
    return select(is_selected, gathered, zeros_like(data))


def _prod_grad(op, grad, sorted_: bool):
    """TF1's product gradient: prod / x where x != 0; the product of the other elements where
    x is the segment's only zero; 0 where the segment has two or more zeros."""
    data, ids = op.inputs[0], op.inputs[1]
    is_zero = equal(data, zeros_like(data))
    num = op.inputs[2] if not sorted_ else None
    zero_f = cast(is_zero, data.dtype)
    seg_sum = ((lambda v: _segment("SegmentSum", v, ids, None)) if sorted_ else
               (lambda v: unsorted_segment_sum(v, ids, num)))
    seg_prod = ((lambda v: _segment("SegmentProd", v, ids, None)) if sorted_ else
                (lambda v: _unsorted("UnsortedSegmentProd", v, ids, num, None)))
    gat = (lambda v: gather(v, ids)) if sorted_ else (lambda v: _gather_clipped(v, ids))
    num_zeros = seg_sum(zero_f)
    non_zero_data = select(is_zero, ones_like(data), data)
    non_zero_prod = seg_prod(non_zero_data)
    # Segments with 2+ zeros: every partial derivative is 0.
    non_zero_prod = select(greater(num_zeros, ones_like(num_zeros)), zeros_like(non_zero_prod),
                           non_zero_prod)
    prod = op.outputs[0]
    partial = select(is_zero, gat(non_zero_prod), realdiv(gat(prod), non_zero_data))
    g = multiply(gat(grad), partial)
    if not sorted_:
        g = multiply(g, _drop_negatives_mask(ids, data))
    return g


@register_op("SegmentSum")
class SegmentSum(_SortedSegment):
    kind = "sum"

    def gradient(self, op, grad):
        return [gather(grad, op.inputs[1]), None]


@register_op("SegmentMean")
class SegmentMean(_SortedSegment):
    kind = "mean"

    def gradient(self, op, grad):
        data, ids = op.inputs
        ones_shape = concat([shape(ids), fill(expand_dims(rank(data) - 1, 0), 1)], 0)
        counts = _segment("SegmentSum", fill(ones_shape, cast(1, grad.dtype)), ids, None)
        return [gather(realdiv(grad, counts), ids), None]


@register_op("SegmentMax")
class SegmentMax(_SortedSegment):
    kind = "max"

    def gradient(self, op, grad):
        return [_min_or_max_grad(op, grad, True), None]


@register_op("SegmentMin")
class SegmentMin(_SortedSegment):
    kind = "min"

    def gradient(self, op, grad):
        return [_min_or_max_grad(op, grad, True), None]


@register_op("SegmentProd")
class SegmentProd(_SortedSegment):
    kind = "prod"

    def gradient(self, op, grad):
        return [_prod_grad(op, grad, True), None]


@register_op("UnsortedSegmentMax")
class UnsortedSegmentMax(_UnsortedSegment):
    kind = "max"

    def gradient(self, op, grad):
        return [_min_or_max_grad(op, grad, False), None, None]


@register_op("UnsortedSegmentMin")
class UnsortedSegmentMin(_UnsortedSegment):
    kind = "min"

    def gradient(self, op, grad):
        return [_min_or_max_grad(op, grad, False), None, None]


@register_op("UnsortedSegmentProd")
class UnsortedSegmentProd(_UnsortedSegment):
    kind = "prod"

    def gradient(self, op, grad):
        return [_prod_grad(op, grad, False), None, None]


def _segment(op_type: str, data: Any, segment_ids: Any, name: Optional[str]):
    return _gen(op_type, name, [("data", data, None, None),
                                ("segment_ids", segment_ids, _INDEX_TYPES, dtypes.int32)])


def _unsorted(op_type: str, data: Any, segment_ids: Any, num_segments: Any,
              name: Optional[str]):
    return _gen(op_type, name, [("data", data, None, None),
                                ("segment_ids", segment_ids, _INDEX_TYPES, dtypes.int32),
                                ("num_segments", num_segments, _INDEX_TYPES, dtypes.int32)])


_SORTED_DOC = """Computes the {what} along segments of `data` (`tf.math.segment_{kind}`).

    Args:
      data: A tensor.
      segment_ids: A sorted 1-D int32/int64 tensor, one id per row of `data`.
      name: Op name (default "{op}").

    Returns:
      A tensor with `max(segment_ids) + 1` rows; an empty segment gives 0.
    """

_UNSORTED_DOC = """Computes the {what} along segments of `data` (`tf.math.unsorted_segment_{kind}`).

    Args:
      data: A tensor whose leading dimensions match `segment_ids`' shape.
      segment_ids: int32/int64 ids of any order; negative ids are dropped.
      num_segments: The number of output rows.
      name: Op name (default "{op}").

    Returns:
      A tensor of shape `[num_segments] + data.shape[rank(segment_ids):]`; an empty segment
      gives {empty}.
    """


def segment_sum(data: Any, segment_ids: Any, name: Optional[str] = None):
    return _segment("SegmentSum", data, segment_ids, name)


def segment_mean(data: Any, segment_ids: Any, name: Optional[str] = None):
    return _segment("SegmentMean", data, segment_ids, name)


def segment_max(data: Any, segment_ids: Any, name: Optional[str] = None):
    return _segment("SegmentMax", data, segment_ids, name)


def segment_min(data: Any, segment_ids: Any, name: Optional[str] = None):
    return _segment("SegmentMin", data, segment_ids, name)


def segment_prod(data: Any, segment_ids: Any, name: Optional[str] = None):
    return _segment("SegmentProd", data, segment_ids, name)


def unsorted_segment_max(data: Any, segment_ids: Any, num_segments: Any,
                         name: Optional[str] = None):
    return _unsorted("UnsortedSegmentMax", data, segment_ids, num_segments, name)


def unsorted_segment_min(data: Any, segment_ids: Any, num_segments: Any,
                         name: Optional[str] = None):
    return _unsorted("UnsortedSegmentMin", data, segment_ids, num_segments, name)


def unsorted_segment_prod(data: Any, segment_ids: Any, num_segments: Any,
                          name: Optional[str] = None):
    return _unsorted("UnsortedSegmentProd", data, segment_ids, num_segments, name)


for _f, _what, _op in ((segment_sum, "sum", "SegmentSum"), (segment_mean, "mean", "SegmentMean"),
                       (segment_max, "maximum", "SegmentMax"),
                       (segment_min, "minimum", "SegmentMin"),
                       (segment_prod, "product", "SegmentProd")):
    _f.__doc__ = _SORTED_DOC.format(what=_what, kind=_f.__name__.split("_")[1], op=_op)
for _f, _what, _op, _empty in (
        (unsorted_segment_max, "maximum", "UnsortedSegmentMax", "the lowest value of the dtype"),
        (unsorted_segment_min, "minimum", "UnsortedSegmentMin", "the highest value of the dtype"),
        (unsorted_segment_prod, "product", "UnsortedSegmentProd", "1")):
    _f.__doc__ = _UNSORTED_DOC.format(what=_what, kind=_f.__name__.split("_")[2], op=_op,
                                      empty=_empty)


def _unsorted_counts(data, segment_ids, num_segments):
    """Per-segment row counts, shaped to broadcast against the segment sums (at least 1)."""
    ones = ones_like(cast(segment_ids, data.dtype))
    n = unsorted_segment_sum(ones, segment_ids, num_segments)
    extra = (data.shape.ndims or 0) - (segment_ids.shape.ndims or 0)
    n = maximum(n, ones_like(n))
    if extra > 0:
        n = reshape(n, concat([shape(n), fill([extra], 1)], 0))
    return n


def unsorted_segment_mean(data: Any, segment_ids: Any, num_segments: Any,
                          name: Optional[str] = None):
    """The mean along segments (`tf.math.unsorted_segment_mean`): the segment sum divided by
    the number of rows (an empty segment gives 0)."""
    with name_scope(name, "UnsortedSegmentMean", [data, segment_ids]):
        data = convert_to_tensor(data, name="data")
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        n = _unsorted_counts(data, segment_ids, num_segments)
        return realdiv(unsorted_segment_sum(data, segment_ids, num_segments), n)


def unsorted_segment_sqrt_n(data: Any, segment_ids: Any, num_segments: Any,
                            name: Optional[str] = None):
    """The segment sum divided by sqrt(number of rows) (`tf.math.unsorted_segment_sqrt_n`)."""
    with name_scope(name, "UnsortedSegmentSqrtN", [data, segment_ids]):
        data = convert_to_tensor(data, name="data")
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        n = _unsorted_counts(data, segment_ids, num_segments)
        return multiply(unsorted_segment_sum(data, segment_ids, num_segments), rsqrt(n))


__all__ = ["segment_max", "segment_mean", "segment_min", "segment_prod", "segment_sum",
           "unsorted_segment_max", "unsorted_segment_mean", "unsorted_segment_min",
           "unsorted_segment_prod", "unsorted_segment_sqrt_n"]
