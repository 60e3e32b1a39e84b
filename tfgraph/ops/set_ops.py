"""`tf.sets`: set operations along the last dimension of dense or sparse int/string tensors
(TF1's SetSize, DenseToDenseSetOperation, DenseToSparseSetOperation,
SparseToSparseSetOperation; none differentiable).

Each position of the leading dimensions holds a set: the values of its last-dimension row
(a dense row's every value, a sparse row's stored values), duplicates ignored. Results are
SparseTensors whose rows hold the sorted result sets, with last dimension the largest result
set's size, as in TF1. Kernels run on the host (TF1 has CPU kernels only) and work on one
sorted (group, value) table per operand with `np.unique`, not per-row Python sets.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes
from ..framework.ops import convert_to_tensor
from ..framework.ops import gen_op as _gen_op
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.sparse_tensor import SparseTensor
from ._helpers import host_array as _host

_VALID = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8, dtypes.uint16,
          dtypes.string)
_OPS = ("a-b", "b-a", "intersection", "union")


def _dense_table(x: np.ndarray):
    """A dense [..., n] array as (group shape, group ids [M], values [M])."""
    if x.ndim < 2:
        raise ValueError(f"a set tensor must have rank >= 2, got shape {list(x.shape)}")
    groups = x.shape[:-1]
    gid = np.repeat(np.arange(int(np.prod(groups)), dtype=np.int64), x.shape[-1])
    return tuple(int(g) for g in groups), gid, x.reshape(-1)


def _sparse_table(what: str, idx, vals, shape, validate: bool):
    idx = np.asarray(idx, np.int64).reshape(-1, np.size(shape))
    shape = np.asarray(shape, np.int64).reshape(-1)
    if shape.size < 2:
        raise ValueError(f"{what}: a set tensor must have rank >= 2, got shape {shape.tolist()}")
    if validate and idx.shape[0]:
        if np.any(idx < 0) or np.any(idx >= shape):
            raise ValueError(f"{what}: an index is out of bounds of shape {shape.tolist()}")
        lin = np.ravel_multi_index(tuple(idx.T), tuple(shape))
        if np.any(np.diff(lin) <= 0):
            raise ValueError(f"{what}: indices are out of order or repeated "
                             "(validate_indices=True; use tf.sparse.reorder)")
    groups = tuple(int(g) for g in shape[:-1])
    gid = np.ravel_multi_index(tuple(idx[:, :-1].T), groups) if idx.shape[0] else \
        np.zeros(0, np.int64)
    return groups, gid.astype(np.int64), np.asarray(vals)


def _unique_pairs(gid: np.ndarray, vals: np.ndarray):
    """Sorted unique (group, value) pairs."""
    if gid.size == 0:
        return gid, vals
    order = np.lexsort((vals, gid))
    g, v = gid[order], vals[order]
    keep = np.ones(g.size, bool)
    keep[1:] = (g[1:] != g[:-1]) | (v[1:] != v[:-1])
    return g[keep], v[keep]


def _in_other(g1, v1, g2, v2) -> np.ndarray:
    """For each unique pair of operand 1, whether operand 2 holds it."""
    if g2.size == 0 or g1.size == 0:
        return np.zeros(g1.size, bool)
    g = np.concatenate([g1, g2])
    v = np.concatenate([v1, v2])
    src = np.concatenate([np.zeros(g1.size, np.int8), np.ones(g2.size, np.int8)])
    order = np.lexsort((src, v, g))
    gs, vs, ss = g[order], v[order], src[order]
    nxt_same = np.zeros(g.size, bool)
    nxt_same[:-1] = (gs[1:] == gs[:-1]) & (vs[1:] == vs[:-1]) & (ss[1:] == 1)
    hit = np.zeros(g.size, bool)
    hit[order] = nxt_same
    return hit[:g1.size]


def _set_result(groups, g, v, dtype):
    """Sorted pairs -> (indices, values, shape) of the result SparseTensor."""
    order = np.lexsort((v, g))
    g, v = g[order], v[order]
    pos = np.zeros(g.size, np.int64)
    if g.size:
        starts = np.r_[True, g[1:] != g[:-1]]
        first = np.maximum.accumulate(np.where(starts, np.arange(g.size), 0))
        pos = np.arange(g.size) - first
    width = int(pos.max()) + 1 if g.size else 0
    lead = np.stack(np.unravel_index(g, groups), axis=1) if g.size else \
        np.zeros((0, len(groups)), np.int64)
    idx = np.concatenate([lead.astype(np.int64), pos[:, None]], axis=1)
    return idx, v.astype(dtype, copy=False), np.array(list(groups) + [width], np.int64)


def _set_op(what, op, t1, t2):
    (gr1, g1, v1), (gr2, g2, v2) = t1, t2
    if gr1 != gr2:
        raise ValueError(f"{what}: the operands' leading dimensions differ: {list(gr1)} vs "
                         f"{list(gr2)}")
    g1, v1 = _unique_pairs(g1, v1)
    g2, v2 = _unique_pairs(g2, v2)
    if op == "b-a":
        g1, v1, g2, v2 = g2, v2, g1, v1
    if op in ("a-b", "b-a"):
        keep = ~_in_other(g1, v1, g2, v2)
        g, v = g1[keep], v1[keep]
    elif op == "intersection":
        keep = _in_other(g1, v1, g2, v2)
        g, v = g1[keep], v1[keep]
    else:
        g, v = _unique_pairs(np.concatenate([g1, g2]), np.concatenate([v1, v2]))
    return _set_result(gr1, g, v, v1.dtype if v1.size or not v2.size else v2.dtype)


class _SetOperation(OpDef):
    host_only = True
    layout = "dd"   # which operands are dense (d) or sparse (s)

    def infer(self, *args, set_operation="union", validate_indices=True):
        if set_operation not in _OPS:
            raise ValueError(f"{self.type_name}: invalid set_operation {set_operation!r} "
                             f"(one of {', '.join(_OPS)})")
        first = args[0] if self.layout[0] == "d" else args[1]
        rank = first.shape.ndims if self.layout[0] == "d" else \
            (args[2].shape.as_list()[0] if args[2].shape.ndims == 1 else None)
        return [spec(dtypes.int64, [None, rank]), spec(first.dtype, [None]),
                spec(dtypes.int64, [rank])]

    def compute(self, be, *args, set_operation="union", validate_indices=True):
        a = [np.asarray(_host(be, x)) for x in args]
        what = self.type_name
        if self.layout[0] == "d":
            t1, rest = _dense_table(a[0]), a[1:]
        else:
            t1, rest = _sparse_table(what, a[0], a[1], a[2], validate_indices), a[3:]
        t2 = _dense_table(rest[0]) if self.layout[1] == "d" else \
            _sparse_table(what, rest[0], rest[1], rest[2], validate_indices)
        return _set_op(what, set_operation, t1, t2)


for _t, _l in (("DenseToDenseSetOperation", "dd"), ("DenseToSparseSetOperation", "ds"),
               ("SparseToSparseSetOperation", "ss")):
    register_op(_t)(type(_t, (_SetOperation,), {"layout": _l, "__doc__":
                                                f"Set operation ({_l[0]} x {_l[1]})."}))
    NotDifferentiable(_t)


@register_op("SetSize")
class SetSize(OpDef):
    """The number of unique values in each last-dimension row of a SparseTensor (int32)."""

    host_only = True

    def infer(self, set_indices, set_values, set_shape, *, validate_indices=True):
        return spec(dtypes.int32, None)

    def compute(self, be, set_indices, set_values, set_shape, *, validate_indices=True):
        groups, gid, vals = _sparse_table("SetSize", _host(be, set_indices),
                                          _host(be, set_values), _host(be, set_shape),
                                          validate_indices)
        g, _ = _unique_pairs(gid, vals)
        return np.bincount(g, minlength=int(np.prod(groups))).astype(np.int32).reshape(groups)


NotDifferentiable("SetSize")


def _convert(x: Any, name: str):
    if isinstance(x, SparseTensor) or all(hasattr(x, a) for a in
                                          ("indices", "values", "dense_shape")):
        return SparseTensor.from_value(x)
    return convert_to_tensor(x, name=name)


def _operands(a: Any, b: Any):
    a = _convert(a, "a")
    if a.dtype not in _VALID:
        raise TypeError(f"'a' has invalid dtype {a.dtype.name}: a set holds int8, int16, "
                        "int32, int64, uint8, uint16 or string values")
    b = _convert(b, "b")
    if b.dtype != a.dtype:
        raise TypeError(f"Types don't match, {a.dtype.name} vs {b.dtype.name}.")
    if isinstance(a, SparseTensor) and not isinstance(b, SparseTensor):
        return b, a, True
    return a, b, False


def _set_operation(a, b, set_operation: str, validate_indices: bool) -> SparseTensor:
    attrs = {"set_operation": set_operation, "validate_indices": bool(validate_indices)}
    if isinstance(a, SparseTensor):
        op = _gen_op("SparseToSparseSetOperation", None, [
            ("set1_indices", a.indices, None, None), ("set1_values", a.values, None, None),
            ("set1_shape", a.dense_shape, None, None), ("set2_indices", b.indices, None, None),
            ("set2_values", b.values, None, None), ("set2_shape", b.dense_shape, None, None)],
            attrs)
    elif isinstance(b, SparseTensor):
        op = _gen_op("DenseToSparseSetOperation", None, [
            ("set1", a, None, None), ("set2_indices", b.indices, None, None),
            ("set2_values", b.values, None, None), ("set2_shape", b.dense_shape, None, None)],
            attrs)
    else:
        op = _gen_op("DenseToDenseSetOperation", None, [("set1", a, None, None),
                                                        ("set2", b, None, None)], attrs)
    return SparseTensor(*op.outputs)


def set_size(a: Any, validate_indices: bool = True):
    """The number of unique values along the last dimension of SparseTensor `a`
    (`tf.sets.size` / `tf.sets.set_size`, op SetSize).

    Args:
      a: A SparseTensor with row-major indices.
      validate_indices: Check the indices' order and range.

    Returns:
      An int32 tensor of `a`'s shape without its last dimension.

    Raises:
      TypeError: If `a` is not a SparseTensor or its dtype cannot form sets.
    """
    a = _convert(a, "a")
    if not isinstance(a, SparseTensor):
        raise TypeError(f"Expected `SparseTensor`, got {a!r}.")
    if a.dtype not in _VALID:
        raise TypeError(f"Invalid dtype {a.dtype.name} for a set (int or string values)")
    return _gen_op("SetSize", None, [("set_indices", a.indices, None, None),
                                     ("set_values", a.values, None, None),
                                     ("set_shape", a.dense_shape, None, None)],
                   {"validate_indices": bool(validate_indices)})._outputs[0]


_DOC = """The set {what} of the last-dimension rows of `a` and `b`
    (`tf.sets.{v2}` / `tf.sets.set_{v2}`).

    Args:
      a: A dense Tensor or SparseTensor (row-major indices) of int or string values.
      b: The same kind of operand, of `a`'s dtype and leading dimensions.{extra}
      validate_indices: Check the sparse operands' index order and range.

    Returns:
      A SparseTensor of `a`'s rank: each row holds its result set, sorted.

    Raises:
      TypeError: If the dtypes differ or cannot form sets.
    """


def set_intersection(a: Any, b: Any, validate_indices: bool = True) -> SparseTensor:
    a, b, _ = _operands(a, b)
    return _set_operation(a, b, "intersection", validate_indices)


def set_union(a: Any, b: Any, validate_indices: bool = True) -> SparseTensor:
    a, b, _ = _operands(a, b)
    return _set_operation(a, b, "union", validate_indices)


def set_difference(a: Any, b: Any, aminusb: bool = True,
                   validate_indices: bool = True) -> SparseTensor:
    a, b, flipped = _operands(a, b)
    if flipped:
        aminusb = not aminusb
    return _set_operation(a, b, "a-b" if aminusb else "b-a", validate_indices)


set_intersection.__doc__ = _DOC.format(what="intersection", v2="intersection", extra="")
set_union.__doc__ = _DOC.format(what="union", v2="union", extra="")
set_difference.__doc__ = _DOC.format(
    what="difference", v2="difference",
    extra="\n      aminusb: `a - b` (True) or `b - a` (False).")

__all__: list = []   # tf.sets.* only (tfgraph/sets.py); nothing at the top level
