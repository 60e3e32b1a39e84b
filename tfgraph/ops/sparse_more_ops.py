"""The rest of TF1's `tf.sparse` surface on `tf.SparseTensor`: add, concat, reshape, slice,
split, softmax, reduce_max(_sparse), reduce_sum_sparse, fill_empty_rows, maximum/minimum,
retain, reset_shape, transpose, expand_dims, eye, from_dense, to_indicator, merge, the
sparse-dense elementwise ops behind `sp * dense` / `sp / dense`, and their gradients.

Op types, outputs and gradients are TF1's (SparseAdd + SparseAddGrad, SparseConcat,
SparseReshape, SparseSlice + SparseSliceGrad, SparseSplit, SparseSoftmax, SparseReduceMax,
SparseReduceMaxSparse, SparseReduceSumSparse, SparseFillEmptyRows +
SparseFillEmptyRowsGrad, SparseSparseMaximum/Minimum, SparseTensorDenseAdd,
SparseDenseCwiseAdd/Mul/Div). As in TF1, whose kernels for these ops exist for the CPU only,
the index-manipulating ops are `host_only` (NumPy kernels on the host); the value-only ops
(SparseTensorDenseAdd, SparseDenseCwise*) run on the op's device through `be.xp`.
Entries are merged and grouped with `np.lexsort` over the index columns, so each kernel is
O(N log N) in the number of stored values and never builds the dense tensor.
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np

from ..framework import dtypes
from ..framework.constant import name_scope
from ..framework.indexed_slices import IndexedSlices
from ..framework.ops import convert_to_tensor
from ..framework.ops import gen_op as _gen_op
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_util import constant_value
from ._helpers import host_array as _host
from .array_ops import (concat, expand_dims, fill, gather, gather_nd, identity, ones, ones_like,
                        range as _range,
                        reshape, shape as _shape, slice as _slice, stack, transpose, where,
                        zeros_like)
from .gen_math_ops import cast
from .manip_ops import setdiff1d
from .math_ops import (add, equal, floordiv, minimum, multiply, negative, not_equal,
                       reduce_max, square, truediv)
from .sparse_ops import _sp, sparse_reduce_sum, sparse_reorder, sparse_tensor_to_dense

_I64 = (dtypes.int64,)
_IDX = (dtypes.int32, dtypes.int64)


# --------------------------------------------------------------------------- host helpers

def _ind(be, x) -> np.ndarray:
    """An index matrix input as int64 NumPy [N, rank]."""
    a = np.asarray(_host(be, x), dtype=np.int64)
    return a if a.ndim == 2 else a.reshape(-1, 1)


def _shp(be, x) -> np.ndarray:
    return np.asarray(_host(be, x), dtype=np.int64).reshape(-1)


def _order(idx: np.ndarray, *minor: np.ndarray) -> np.ndarray:
    """Row-major order of index rows; ties broken by `minor` keys (last one least)."""
    if idx.shape[0] == 0:
        return np.zeros(0, np.int64)
    keys = tuple(minor[::-1]) + tuple(idx.T[::-1])
    return np.lexsort(keys) if keys else np.arange(idx.shape[0])


def _group_starts(sorted_idx: np.ndarray) -> np.ndarray:
    """Boolean [N]: True where a sorted row differs from the previous one."""
    n = sorted_idx.shape[0]
    new = np.ones(n, bool)
    if n > 1:
        new[1:] = np.any(sorted_idx[1:] != sorted_idx[:-1], axis=1)
    return new


def _check_bounds(what: str, idx: np.ndarray, shape: np.ndarray) -> None:
    if idx.shape[0] and (np.any(idx < 0) or np.any(idx >= shape)):
        bad = idx[np.any((idx < 0) | (idx >= shape), axis=1)][0]
        raise ValueError(f"{what}: index {bad.tolist()} is out of bounds of dense shape "
                         f"{shape.tolist()}")


def _rank_of(indices, dense_shape) -> Optional[int]:
    """The static rank of a sparse tensor's components, if known."""
    if indices.shape.ndims == 2 and indices.shape.as_list()[1] is not None:
        return indices.shape.as_list()[1]
    if dense_shape.shape.ndims == 1:
        return dense_shape.shape.as_list()[0]
    return None


def _sparse_specs(rank, vdtype):
    """Specs of a sparse result: indices [N, rank], values [N], dense shape [rank]."""
    return [spec(dtypes.int64, [None, rank]), spec(vdtype, [None]), spec(dtypes.int64, [rank])]


# --------------------------------------------------------------------------- SparseAdd

def _merge_two(ai: np.ndarray, bi: np.ndarray):
    """Sorted union of two index sets: (order into concat(a, b), group start flags)."""
    allidx = np.concatenate([ai, bi]) if bi.shape[0] else ai
    src = np.concatenate([np.zeros(ai.shape[0], np.int64), np.ones(bi.shape[0], np.int64)])
    order = _order(allidx, src)
    return allidx, order, _group_starts(allidx[order])


@register_op("SparseAdd")
class SparseAdd(OpDef):
    """A + B for two SparseTensors of one shape; summed entries with |sum| < thresh dropped."""

    host_only = True

    def infer(self, a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
        if a_values.dtype != b_values.dtype:
            raise TypeError(f"SparseAdd: a ({a_values.dtype.name}) and b "
                            f"({b_values.dtype.name}) must have one dtype")
        return _sparse_specs(_rank_of(a_indices, a_shape), a_values.dtype)[:2] + \
            [spec(dtypes.int64, a_shape.shape)]

    def compute(self, be, a_indices, a_values, a_shape, b_indices, b_values, b_shape,
                thresh):
        ai, bi = _ind(be, a_indices), _ind(be, b_indices)
        sa, sb = _shp(be, a_shape), _shp(be, b_shape)
        if sa.shape != sb.shape or np.any(sa != sb):
            raise ValueError(f"SparseAdd: operands' shapes do not match: {sa.tolist()} vs "
                             f"{sb.tolist()}")
        av, bv = np.asarray(_host(be, a_values)), np.asarray(_host(be, b_values))
        allidx, order, new = _merge_two(ai, bi)
        vals = np.concatenate([av, bv])[order]
        gid = np.cumsum(new) - 1
        sums = np.zeros(int(new.sum()), dtype=av.dtype)
        np.add.at(sums, gid, vals)
        counts = np.bincount(gid, minlength=sums.shape[0])
        t = np.abs(np.asarray(_host(be, thresh)))
        keep = (counts < 2) | (np.abs(sums) >= t)
        return (allidx[order][new][keep], sums[keep].astype(av.dtype), sa)

    def gradient(self, op, *grads):
        a_g, b_g = _gen_op("SparseAddGrad", None, [
            ("backprop_val_grad", grads[1], None, None), ("a_indices", op.inputs[0], _I64, None),
            ("b_indices", op.inputs[3], _I64, None),
            ("sum_indices", op.outputs[0], _I64, None)]).outputs
        return [None, a_g, None, None, b_g, None, None]


@register_op("SparseAddGrad")
class SparseAddGrad(OpDef):
    """The gradients of SparseAdd's a_values and b_values from the sum's value gradient."""

    host_only = True

    def infer(self, backprop_val_grad, a_indices, b_indices, sum_indices):
        return [spec(backprop_val_grad.dtype, [a_indices.shape.as_list()[0]
                                               if a_indices.shape.ndims == 2 else None]),
                spec(backprop_val_grad.dtype, [b_indices.shape.as_list()[0]
                                               if b_indices.shape.ndims == 2 else None])]

    def compute(self, be, backprop_val_grad, a_indices, b_indices, sum_indices):
        g = np.asarray(_host(be, backprop_val_grad))
        ai, bi, si = _ind(be, a_indices), _ind(be, b_indices), _ind(be, sum_indices)
        ga, gb = np.zeros(ai.shape[0], g.dtype), np.zeros(bi.shape[0], g.dtype)
        for idx, out in ((ai, ga), (bi, gb)):
            pos = _lookup(si, idx)
            hit = pos >= 0
            out[hit] = g[pos[hit]]
        return ga, gb


def _lookup(table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each row of `rows`, its position in the index rows `table`, or -1."""
    if rows.shape[0] == 0:
        return np.zeros(0, np.int64)
    if table.shape[0] == 0:
        return np.full(rows.shape[0], -1, np.int64)
    allidx = np.concatenate([table, rows])
    src = np.concatenate([np.zeros(table.shape[0], np.int64), np.ones(rows.shape[0], np.int64)])
    order = _order(allidx, src)
    srt = allidx[order]
    new = _group_starts(srt)
    gid = np.cumsum(new) - 1
    first_table = np.full(int(new.sum()), -1, np.int64)
    is_t = order < table.shape[0]
    first_table[gid[is_t]] = order[is_t]
    out = np.empty(rows.shape[0], np.int64)
    out[order[~is_t] - table.shape[0]] = first_table[gid[~is_t]]
    return out


NotDifferentiable("SparseAddGrad")


@register_op("SparseTensorDenseAdd")
class SparseTensorDenseAdd(OpDef):
    """dense + SparseTensor of the same shape: a dense tensor."""

    host_inputs = (2,)

    def infer(self, a_indices, a_values, a_shape, b):
        if a_values.dtype != b.dtype:
            raise TypeError(f"SparseTensorDenseAdd: a ({a_values.dtype.name}) and b "
                            f"({b.dtype.name}) must have one dtype")
        return spec(b.dtype, b.shape)

    def compute(self, be, a_indices, a_values, a_shape, b):
        xp = be.xp
        sa = _shp(be, a_shape)
        if tuple(int(d) for d in sa) != tuple(b.shape):
            raise ValueError(f"SparseTensorDenseAdd: a's shape {sa.tolist()} and b's shape "
                             f"{list(b.shape)} differ")
        if not len(sa):   # a scalar: every entry lands on it
            return (b + xp.sum(a_values)).astype(b.dtype)
        out = b.copy()
        if a_indices.shape[0]:
            xp.add.at(out, tuple(a_indices[:, j] for j in range(len(sa))), a_values)
        return out

    def gradient(self, op, grad):
        return [None, gather_nd(grad, op.inputs[0]), None, grad]


# --------------------------------------------------------------------------- sparse-dense cwise

class _SparseDenseCwise(OpDef):
    """values[i] (op) dense[broadcast(indices[i])]: the dense operand broadcasts to sp's shape."""

    host_inputs = (2,)
    fn = "add"

    def infer(self, sp_indices, sp_values, sp_shape, dense):
        if sp_values.dtype != dense.dtype:
            raise TypeError(f"{self.type_name}: sp ({sp_values.dtype.name}) and dense "
                            f"({dense.dtype.name}) must have one dtype")
        return spec(sp_values.dtype, sp_values.shape)

    def compute(self, be, sp_indices, sp_values, sp_shape, dense):
        xp = be.xp
        sa = _shp(be, sp_shape)
        ds = tuple(dense.shape)
        if len(ds) > len(sa) or any(d not in (1, s) for d, s in zip(ds[::-1], sa[::-1])):
            raise ValueError(f"{self.type_name}: dense shape {list(ds)} does not broadcast to "
                             f"the sparse shape {sa.tolist()}")
        off = len(sa) - len(ds)
        cols = tuple(sp_indices[:, off + j] if ds[j] != 1 else
                     xp.zeros(sp_indices.shape[0], dtype=sp_indices.dtype)
                     for j in range(len(ds)))
        d = dense[cols] if ds else xp.broadcast_to(dense, (sp_indices.shape[0],))
        return getattr(xp, self.fn)(sp_values, d).astype(sp_values.dtype)


def _cwise_mul_or_div_grad(op, grad, is_mul):
    x_indices, x_values, x_shape, y = op.inputs
    y_shape = cast(_shape(y), dtypes.int64)
    rank_y = y.shape.ndims
    x_rank = _rank_of(x_indices, x_shape)
    if rank_y is None or x_rank is None:
        raise NotImplementedError(f"{op.type} gradient needs static ranks (op '{op.name}')")
    aug = concat([np.ones(x_rank - rank_y, np.int64), y_shape], 0) if x_rank > rank_y \
        else y_shape
    scaled = floordiv(x_indices, floordiv(x_shape, aug))
    if x_rank > rank_y:
        scaled = _slice(scaled, [0, x_rank - rank_y], [-1, -1])
    dense_vals = gather_nd(y, scaled)
    if is_mul:
        dx, dy_val = multiply(grad, dense_vals), multiply(grad, x_values)
    else:
        dx = truediv(grad, dense_vals)
        dy_val = multiply(grad, truediv(negative(x_values), square(dense_vals)))
    dy = _dense_add(SparseTensor(scaled, dy_val, y_shape), zeros_like(y))
    return [None, dx, None, dy]


@register_op("SparseDenseCwiseAdd")
class SparseDenseCwiseAdd(_SparseDenseCwise):
    fn = "add"


@register_op("SparseDenseCwiseMul")
class SparseDenseCwiseMul(_SparseDenseCwise):
    fn = "multiply"

    def gradient(self, op, grad):
        return _cwise_mul_or_div_grad(op, grad, True)


@register_op("SparseDenseCwiseDiv")
class SparseDenseCwiseDiv(_SparseDenseCwise):
    fn = "divide"

    def gradient(self, op, grad):
        return _cwise_mul_or_div_grad(op, grad, False)


# TF1 registers a gradient for SparseDenseCwiseAdd that raises "not implemented": here the
# op is simply not differentiable (its inputs get None).
NotDifferentiable("SparseDenseCwiseAdd")


def _cwise(op_type: str, sp: SparseTensor, dense: Any, name: Optional[str]) -> SparseTensor:
    dense = convert_to_tensor(dense, dtype=sp.dtype, name="dense")
    out = _gen_op(op_type, name, [("sp_indices", sp.indices, _I64, None),
                                  ("sp_values", sp.values, None, None),
                                  ("sp_shape", sp.dense_shape, _I64, None),
                                  ("dense", dense, None, None)])._outputs[0]
    return SparseTensor(sp.indices, out, sp.dense_shape)


def _sparse_dense_cwise_add(sp: SparseTensor, dense: Any, name=None) -> SparseTensor:
    return _cwise("SparseDenseCwiseAdd", sp, dense, name)


def _install_operators() -> None:
    """`sp * dense`, `sp / dense` (TF1's SparseTensor operators: SparseDenseCwiseMul/Div)."""
    def mul(self, other):
        return _cwise("SparseDenseCwiseMul", self, other, "mul")

    def div(self, other):
        return _cwise("SparseDenseCwiseDiv", self, other, "truediv")

    SparseTensor.__mul__ = mul
    SparseTensor.__truediv__ = div
    SparseTensor.__div__ = div


_install_operators()


# --------------------------------------------------------------------------- concat / reshape

@register_op("SparseConcat")
class SparseConcat(OpDef):
    """Concatenates N SparseTensors along `concat_dim` (inputs: N indices, N values, N shapes)."""

    host_only = True

    def infer(self, *args, concat_dim=0, N=1):
        inds, vals, shapes = args[:N], args[N:2 * N], args[2 * N:]
        for v in vals[1:]:
            if v.dtype != vals[0].dtype:
                raise TypeError(f"SparseConcat: the inputs' values have different dtypes "
                                f"({vals[0].dtype.name} vs {v.dtype.name})")
        return _sparse_specs(_rank_of(inds[0], shapes[0]), vals[0].dtype)

    def compute(self, be, *args, concat_dim=0, N=1):
        inds = [_ind(be, x) for x in args[:N]]
        vals = [np.asarray(_host(be, x)) for x in args[N:2 * N]]
        shapes = [_shp(be, x) for x in args[2 * N:]]
        rank = shapes[0].size
        if not -rank <= concat_dim < rank:
            raise ValueError(f"SparseConcat: concat_dim {concat_dim} is out of range for "
                             f"rank {rank}")
        ax = concat_dim % rank
        for i, s in enumerate(shapes):
            if s.size != rank or np.any(np.delete(s, ax) != np.delete(shapes[0], ax)):
                raise ValueError(f"SparseConcat: input {i} has shape {s.tolist()}, which does "
                                 f"not match {shapes[0].tolist()} outside dimension {ax}")
        offs = np.cumsum([0] + [int(s[ax]) for s in shapes[:-1]])
        parts = []
        for i, off in zip(inds, offs):
            i = i.copy()
            i[:, ax] += off
            parts.append(i)
        idx = np.concatenate(parts) if parts else np.zeros((0, rank), np.int64)
        v = np.concatenate(vals)
        out_shape = shapes[0].copy()
        out_shape[ax] = sum(int(s[ax]) for s in shapes)
        order = _order(idx)
        return idx[order], v[order], out_shape


NotDifferentiable("SparseConcat")


@register_op("SparseReshape")
class SparseReshape(OpDef):
    """New indices for the same values under a new dense shape (one dimension may be -1)."""

    host_only = True

    def infer(self, input_indices, input_shape, new_shape):
        n = new_shape.shape.as_list()[0] if new_shape.shape.ndims == 1 else None
        return [spec(dtypes.int64, [input_indices.shape.as_list()[0]
                                    if input_indices.shape.ndims == 2 else None, n]),
                spec(dtypes.int64, [n])]

    def compute(self, be, input_indices, input_shape, new_shape):
        idx, old = _ind(be, input_indices), _shp(be, input_shape)
        new = _shp(be, new_shape).copy()
        total = int(np.prod(old)) if old.size else 1
        unknown = np.flatnonzero(new == -1)
        if unknown.size > 1:
            raise ValueError(f"SparseReshape: at most one dimension can be -1, got "
                             f"{new.tolist()}")
        if unknown.size:
            known = int(np.prod(np.delete(new, unknown[0])))
            if known == 0 or total % known:
                raise ValueError(f"SparseReshape: cannot reshape a tensor of {total} elements "
                                 f"(shape {old.tolist()}) to {new.tolist()}")
            new[unknown[0]] = total // known
        if int(np.prod(new)) != total:
            raise ValueError(f"SparseReshape: cannot reshape a tensor of {total} elements "
                             f"(shape {old.tolist()}) to {new.tolist()}")
        if idx.shape[0] == 0:
            return np.zeros((0, new.size), np.int64), new
        lin = np.ravel_multi_index(tuple(idx.T), tuple(old)) if old.size else \
            np.zeros(idx.shape[0], np.int64)
        out = np.stack(np.unravel_index(lin, tuple(new)), axis=1) if new.size else \
            np.zeros((idx.shape[0], 0), np.int64)
        return out.astype(np.int64), new


NotDifferentiable("SparseReshape")


# --------------------------------------------------------------------------- slice / split

def _slice_rows(idx, start, size):
    """Which index rows lie inside the box [start, start + size)."""
    keep = np.all((idx >= start) & (idx < start + size), axis=1) if idx.shape[0] else \
        np.zeros(0, bool)
    return keep


@register_op("SparseSlice")
class SparseSlice(OpDef):
    """The entries inside [start, start + size), re-based at `start`."""

    host_only = True

    def infer(self, indices, values, shape, start, size):
        return _sparse_specs(_rank_of(indices, shape), values.dtype)

    def compute(self, be, indices, values, shape, start, size):
        idx, s = _ind(be, indices), _shp(be, shape)
        st, sz = _shp(be, start), _shp(be, size)
        if st.size != s.size or sz.size != s.size:
            raise ValueError(f"SparseSlice: start {st.tolist()} and size {sz.tolist()} must "
                             f"have one entry per dimension of shape {s.tolist()}")
        out_shape = np.maximum(np.minimum(st + sz, s) - st, 0)
        keep = _slice_rows(idx, st, np.minimum(sz, np.maximum(s - st, 0)))
        v = np.asarray(_host(be, values))
        return (idx[keep] - st).astype(np.int64), v[keep], out_shape.astype(np.int64)

    def gradient(self, op, *grads):
        g = _gen_op("SparseSliceGrad", None, [
            ("backprop_val_grad", grads[1], None, None), ("input_indices", op.inputs[0], _I64,
                                                         None),
            ("input_start", op.inputs[3], _I64, None),
            ("output_indices", op.outputs[0], _I64, None)])._outputs[0]
        return [None, g, None, None, None]


@register_op("SparseSliceGrad")
class SparseSliceGrad(OpDef):
    """Scatters the sliced values' gradient back onto the input's entries (0 elsewhere)."""

    host_only = True

    def infer(self, backprop_val_grad, input_indices, input_start, output_indices):
        n = input_indices.shape.as_list()[0] if input_indices.shape.ndims == 2 else None
        return spec(backprop_val_grad.dtype, [n])

    def compute(self, be, backprop_val_grad, input_indices, input_start, output_indices):
        g = np.asarray(_host(be, backprop_val_grad))
        idx, st = _ind(be, input_indices), _shp(be, input_start)
        out_idx = _ind(be, output_indices) + st
        pos = _lookup(out_idx, idx)
        out = np.zeros(idx.shape[0], g.dtype)
        out[pos >= 0] = g[pos[pos >= 0]]
        return out


NotDifferentiable("SparseSliceGrad")


@register_op("SparseSplit")
class SparseSplit(OpDef):
    """Splits a SparseTensor into `num_split` along `split_dim` (the first `dim % num_split`
    pieces one longer): num_split indices, then num_split values, then num_split shapes."""

    host_only = True

    def infer(self, split_dim, indices, values, shape, *, num_split=1):
        rank = _rank_of(indices, shape)
        return ([spec(dtypes.int64, [None, rank])] * num_split +
                [spec(values.dtype, [None])] * num_split +
                [spec(dtypes.int64, [rank])] * num_split)

    def compute(self, be, split_dim, indices, values, shape, *, num_split=1):
        idx, s = _ind(be, indices), _shp(be, shape)
        v = np.asarray(_host(be, values))
        d = int(np.asarray(_host(be, split_dim)).reshape(-1)[0])
        if not -s.size <= d < s.size:
            raise ValueError(f"SparseSplit: split_dim {d} is out of range for rank {s.size}")
        d %= s.size
        if num_split > s[d] and s[d] > 0 or num_split < 1:
            raise ValueError(f"SparseSplit: num_split {num_split} must be in [1, {s[d]}] "
                             f"(dimension {d} of shape {s.tolist()})")
        base, extra = divmod(int(s[d]), num_split)
        sizes = [base + (1 if i < extra else 0) for i in range(num_split)]
        starts = np.cumsum([0] + sizes[:-1])
        oi, ov, os_ = [], [], []
        for st, sz in zip(starts, sizes):
            keep = (idx[:, d] >= st) & (idx[:, d] < st + sz)
            i = idx[keep].copy()
            i[:, d] -= st
            shp = s.copy()
            shp[d] = sz
            oi.append(i)
            ov.append(v[keep])
            os_.append(shp)
        return tuple(oi + ov + os_)


NotDifferentiable("SparseSplit")


# --------------------------------------------------------------------------- softmax / reduce

def _groups(idx: np.ndarray, keep_cols: Sequence[int]):
    """Groups of entries sharing the columns `keep_cols`: (order, group id in that order,
    number of groups, first row of each group in sorted order)."""
    key = idx[:, list(keep_cols)] if keep_cols else np.zeros((idx.shape[0], 0), np.int64)
    order = _order(key, np.arange(idx.shape[0]))
    new = _group_starts(key[order]) if key.shape[1] else \
        np.arange(idx.shape[0]) == 0
    gid = np.cumsum(new) - 1
    return order, gid, int(new.sum()), key[order][new]


@register_op("SparseSoftmax")
class SparseSoftmax(OpDef):
    """Softmax over the last dimension, among the stored entries of each row."""

    host_only = True

    def infer(self, sp_indices, sp_values, sp_shape):
        if sp_values.dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
            raise TypeError(f"SparseSoftmax: values must be float, got {sp_values.dtype.name}")
        return spec(sp_values.dtype, sp_values.shape)

    def compute(self, be, sp_indices, sp_values, sp_shape):
        idx, s = _ind(be, sp_indices), _shp(be, sp_shape)
        v = np.asarray(_host(be, sp_values))
        if s.size < 2:
            raise ValueError(f"SparseSoftmax: input must be at least a matrix, got shape "
                             f"{s.tolist()}")
        if idx.shape[0] == 0:
            return v.copy()
        order, gid, ng, _ = _groups(idx, range(s.size - 1))
        x = v[order]
        m = np.full(ng, -np.inf, v.dtype)
        np.maximum.at(m, gid, x)
        e = np.exp(x - m[gid])
        tot = np.zeros(ng, v.dtype)
        np.add.at(tot, gid, e)
        out = np.empty_like(v)
        out[order] = (e / tot[gid]).astype(v.dtype)
        return out

    def gradient(self, op, grad):
        indices, shape = op.inputs[0], op.inputs[2]
        out_vals = op.outputs[0]
        prod = SparseTensor(indices, multiply(out_vals, grad), shape)
        sum_reduced = negative(sparse_reduce_sum(prod, [-1], keepdims=True))
        sp_sum = _sparse_dense_cwise_add(SparseTensor(indices, grad, shape), sum_reduced)
        return [None, multiply(sp_sum.values, out_vals), None]


def _reduce_groups(be, idx, s, axes_in, keep_dims):
    axes = [int(a) for a in np.reshape(np.asarray(_host(be, axes_in)), [-1])]
    for a in axes:
        if not -s.size <= a < s.size:
            raise ValueError(f"axis {a} is out of range for rank {s.size}")
    axes = sorted({a % s.size for a in axes}) if axes else list(range(s.size))
    kept = [d for d in range(s.size) if d not in axes]
    out_shape = np.array([1 if d in axes else s[d] for d in range(s.size)] if keep_dims
                         else [s[d] for d in kept], np.int64)
    return kept, axes, out_shape


class _SparseReduce(OpDef):
    """Reduces the stored values of each group of entries sharing the kept coordinates."""

    host_only = True
    ufunc = "maximum"
    sparse_out = False

    def infer(self, input_indices, input_values, input_shape, reduction_axes, *,
              keep_dims=False):
        c, ax = constant_value(input_shape), constant_value(reduction_axes)
        shape = None
        if c is not None and ax is not None:
            sh = [int(d) for d in np.reshape(c, [-1])]
            axes = [int(a) for a in np.reshape(ax, [-1])] or list(range(len(sh)))
            for a in axes:
                if not -len(sh) <= a < len(sh):
                    raise ValueError(f"{self.type_name}: axis {a} is out of range for rank "
                                     f"{len(sh)}")
            axes = {a % len(sh) for a in axes}
            shape = [1 if i in axes else d for i, d in enumerate(sh)] if keep_dims else \
                [d for i, d in enumerate(sh) if i not in axes]
        if self.sparse_out:
            r = len(shape) if shape is not None else None
            return _sparse_specs(r, input_values.dtype)
        return spec(input_values.dtype, shape)

    def compute(self, be, input_indices, input_values, input_shape, reduction_axes, *,
                keep_dims=False):
        idx, s = _ind(be, input_indices), _shp(be, input_shape)
        v = np.asarray(_host(be, input_values))
        try:
            kept, axes, out_shape = _reduce_groups(be, idx, s, reduction_axes, keep_dims)
        except ValueError as e:
            raise ValueError(f"{self.type_name}: {e}") from None
        order, gid, ng, keys = _groups(idx, kept)
        uf = getattr(np, self.ufunc)
        red = np.full(ng, uf.identity if uf.identity is not None else 0, v.dtype) \
            if self.ufunc == "add" else None
        if red is None:
            red = np.empty(ng, v.dtype)
            if ng:
                starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
                red = uf.reduceat(v[order], starts).astype(v.dtype)
        else:
            np.add.at(red, gid, v[order])
        if keep_dims:
            full = np.zeros((ng, s.size), np.int64)
            full[:, kept] = keys
            keys = full
        if self.sparse_out:
            return keys.astype(np.int64), red, out_shape
        dense = np.zeros(tuple(int(d) for d in out_shape), v.dtype)
        if ng:
            dense[tuple(keys.T)] = red if keys.shape[1] else red[0]
        return dense


@register_op("SparseReduceMax")
class SparseReduceMax(_SparseReduce):
    ufunc = "maximum"


@register_op("SparseReduceMaxSparse")
class SparseReduceMaxSparse(_SparseReduce):
    ufunc = "maximum"
    sparse_out = True


@register_op("SparseReduceSumSparse")
class SparseReduceSumSparse(_SparseReduce):
    ufunc = "add"
    sparse_out = True


for _t in ("SparseReduceMax", "SparseReduceMaxSparse", "SparseReduceSumSparse"):
    NotDifferentiable(_t)  # TF1 registers no gradient for these


# --------------------------------------------------------------------------- fill / max / min

@register_op("SparseFillEmptyRows")
class SparseFillEmptyRows(OpDef):
    """Adds `[row, 0, ..., 0] = default_value` for every row (dim 0) with no entry."""

    host_only = True

    def infer(self, indices, values, dense_shape, default_value):
        if default_value.dtype != values.dtype:
            raise TypeError(f"SparseFillEmptyRows: default_value ({default_value.dtype.name}) "
                            f"must have the values' dtype ({values.dtype.name})")
        if default_value.shape.ndims not in (None, 0):
            raise ValueError(f"SparseFillEmptyRows: default_value must be a scalar, got "
                             f"shape {default_value.shape}")
        rank = _rank_of(indices, dense_shape)
        n = indices.shape.as_list()[0] if indices.shape.ndims == 2 else None
        return [spec(dtypes.int64, [None, rank]), spec(values.dtype, [None]),
                spec(dtypes.bool, [None]), spec(dtypes.int64, [n])]

    def compute(self, be, indices, values, dense_shape, default_value):
        idx, s = _ind(be, indices), _shp(be, dense_shape)
        v = np.asarray(_host(be, values))
        dv = np.asarray(_host(be, default_value))
        if s.size == 0:
            raise ValueError("SparseFillEmptyRows: dense_shape must not be empty")
        _check_bounds("SparseFillEmptyRows", idx, s)
        nrows = int(s[0])
        empty = np.ones(nrows, bool)
        empty[idx[:, 0]] = False
        rows = np.flatnonzero(empty)
        add = np.zeros((rows.size, s.size), np.int64)
        add[:, 0] = rows
        allidx = np.concatenate([idx, add])
        src = np.arange(allidx.shape[0])
        order = _order(allidx[:, :1], src)   # stable by row: original order kept within a row
        allv = np.concatenate([v, np.full(rows.size, dv, v.dtype)])
        rev = np.empty(idx.shape[0], np.int64)
        pos = np.empty(allidx.shape[0], np.int64)
        pos[order] = np.arange(allidx.shape[0])
        rev[:] = pos[:idx.shape[0]]
        return allidx[order], allv[order], empty, rev

    def gradient(self, op, *grads):
        d_values, d_default = _gen_op("SparseFillEmptyRowsGrad", None, [
            ("reverse_index_map", op.outputs[3], _I64, None),
            ("grad_values", grads[1], None, None)]).outputs
        return [None, d_values, None, d_default]


@register_op("SparseFillEmptyRowsGrad")
class SparseFillEmptyRowsGrad(OpDef):
    """d_values = grad_values[reverse_index_map]; d_default_value = the rest summed."""

    host_only = True

    def infer(self, reverse_index_map, grad_values):
        return [spec(grad_values.dtype, reverse_index_map.shape), spec(grad_values.dtype, [])]

    def compute(self, be, reverse_index_map, grad_values):
        rev = np.asarray(_host(be, reverse_index_map), np.int64)
        g = np.asarray(_host(be, grad_values))
        d = g[rev]
        return d, np.asarray(g.sum() - d.sum(), dtype=g.dtype)


NotDifferentiable("SparseFillEmptyRowsGrad")


class _SparseSparseMinOrMax(OpDef):
    """Elementwise max/min of two SparseTensors; a missing entry counts as 0."""

    host_only = True
    ufunc = "maximum"

    def infer(self, a_indices, a_values, a_shape, b_indices, b_values, b_shape):
        if a_values.dtype != b_values.dtype:
            raise TypeError(f"{self.type_name}: a ({a_values.dtype.name}) and b "
                            f"({b_values.dtype.name}) must have one dtype")
        return _sparse_specs(_rank_of(a_indices, a_shape), a_values.dtype)[:2]

    def compute(self, be, a_indices, a_values, a_shape, b_indices, b_values, b_shape):
        ai, bi = _ind(be, a_indices), _ind(be, b_indices)
        sa, sb = _shp(be, a_shape), _shp(be, b_shape)
        if sa.shape != sb.shape or np.any(sa != sb):
            raise ValueError(f"{self.type_name}: operands' shapes do not match: "
                             f"{sa.tolist()} vs {sb.tolist()}")
        av, bv = np.asarray(_host(be, a_values)), np.asarray(_host(be, b_values))
        allidx, order, new = _merge_two(ai, bi)
        gid = np.cumsum(new) - 1
        ng = int(new.sum())
        va, vb = np.zeros(ng, av.dtype), np.zeros(ng, av.dtype)
        src_a = order < ai.shape[0]
        va[gid[src_a]] = av[order[src_a]]
        vb[gid[~src_a]] = bv[order[~src_a] - ai.shape[0]]
        return allidx[order][new], getattr(np, self.ufunc)(va, vb).astype(av.dtype)


@register_op("SparseSparseMaximum")
class SparseSparseMaximum(_SparseSparseMinOrMax):
    ufunc = "maximum"


@register_op("SparseSparseMinimum")
class SparseSparseMinimum(_SparseSparseMinOrMax):
    ufunc = "minimum"


# TF1's gradients for these two raise "not implemented"; here they are not differentiable.
NotDifferentiable("SparseSparseMaximum")
NotDifferentiable("SparseSparseMinimum")


# --------------------------------------------------------------------------- builders

_st = _sp   # a SparseTensor or SparseTensorValue argument, else TypeError naming the builder


def _dense_add(sp: SparseTensor, dense: Any, name: Optional[str] = None):
    dense = convert_to_tensor(dense, dtype=sp.dtype, name="b")
    return _gen_op("SparseTensorDenseAdd", name,
                   [("a_indices", sp.indices, _IDX, None), ("a_values", sp.values, None, None),
                    ("a_shape", sp.dense_shape, _IDX, None), ("b", dense, None, None)]
                   )._outputs[0]


def sparse_add(a: Any, b: Any, threshold: Any = None, thresh: Any = None,
               name: Optional[str] = None):
    """Adds two tensors, at least one of them a SparseTensor (`tf.sparse.add`).

    Sparse + sparse gives a SparseTensor (op SparseAdd: indices must have one dense shape;
    summed entries whose magnitude is below `threshold` are dropped); sparse + dense gives a
    dense tensor (op SparseTensorDenseAdd).

    Args:
      a: A SparseTensor or a dense tensor.
      b: A SparseTensor or a dense tensor (at least one operand is sparse).
      threshold: Magnitude below which summed values are dropped (default 0).
      thresh: The deprecated spelling of `threshold`.
      name: Op name.

    Returns:
      A SparseTensor (both sparse) or a dense Tensor.

    Raises:
      TypeError: If neither operand is a SparseTensor.
    """
    if threshold is None:
        threshold = 0 if thresh is None else thresh
    a_sp, b_sp = _is_sparse(a), _is_sparse(b)
    if not a_sp and not b_sp:
        raise TypeError("sparse_add: at least one of a and b must be a SparseTensor")
    if a_sp and b_sp:
        a, b = _st(a, "sparse_add"), _st(b, "sparse_add")
        thr = convert_to_tensor(threshold, dtype=a.values.dtype, name="threshold")
        op = _gen_op("SparseAdd", name, [
            ("a_indices", a.indices, _I64, None), ("a_values", a.values, None, None),
            ("a_shape", a.dense_shape, _I64, None), ("b_indices", b.indices, _I64, None),
            ("b_values", b.values, None, None), ("b_shape", b.dense_shape, _I64, None),
            ("thresh", thr, None, None)])
        return SparseTensor(op.outputs[0], op.outputs[1], a.dense_shape)
    if b_sp:
        a, b = b, a
    return _dense_add(_st(a, "sparse_add"), b, name)


def _is_sparse(x) -> bool:
    return isinstance(x, SparseTensor) or all(hasattr(x, a) for a in
                                              ("indices", "values", "dense_shape"))


def sparse_concat(axis: Any, sp_inputs: Sequence[Any], name: Optional[str] = None,
                  expand_nonconcat_dim: bool = False, concat_dim: Any = None,
                  expand_nonconcat_dims: Any = None) -> SparseTensor:
    """Concatenates SparseTensors along `axis` (`tf.sparse.concat`, op SparseConcat).

    Args:
      axis: The dimension to concatenate along (a Python int). `concat_dim` is the deprecated
        spelling.
      sp_inputs: A list of SparseTensors of one rank.
      name: Op name.
      expand_nonconcat_dim: Grow the other dimensions to the largest input's size instead of
        requiring them equal. `expand_nonconcat_dims` is a spelling TF1 also accepts.
      concat_dim: Deprecated alias of `axis`.

    Returns:
      A SparseTensor with its entries in row-major order.
    """
    if concat_dim is not None:
        axis = concat_dim
    if expand_nonconcat_dims is not None:
        expand_nonconcat_dim = expand_nonconcat_dims
    if not isinstance(sp_inputs, (list, tuple)) or not sp_inputs:
        raise TypeError("sparse_concat: sp_inputs must be a non-empty list of SparseTensors")
    sps = [_st(s, "sparse_concat") for s in sp_inputs]
    axis = int(axis)
    if expand_nonconcat_dim:
        with name_scope(name, "SparseConcat", [s.values for s in sps]):
            rank = _rank_of(sps[0].indices, sps[0].dense_shape)
            if rank is None:
                raise ValueError("sparse_concat: expand_nonconcat_dim needs inputs of known rank")
            ax = axis % rank
            shapes = stack([s.dense_shape for s in sps])
            mx = reduce_max(shapes, axis=0)
            sps = [SparseTensor(s.indices, s.values,
                                where(equal(_range(rank), ax), s.dense_shape, mx))
                   for s in sps]
    n = len(sps)
    ins = ([(f"indices_{i}", s.indices, _I64, None) for i, s in enumerate(sps)] +
           [(f"values_{i}", s.values, None, None) for i, s in enumerate(sps)] +
           [(f"shapes_{i}", s.dense_shape, _I64, None) for i, s in enumerate(sps)])
    op = _gen_op("SparseConcat", name, ins, {"concat_dim": axis, "N": n})
    shp = op.outputs[2]
    consts = [constant_value(s.dense_shape) for s in sps]
    if all(c is not None for c in consts):
        # A static dense shape (as TF1's wrapper computes it), so `.shape` is known.
        cs = [np.reshape(c, [-1]).astype(np.int64) for c in consts]
        dims = cs[0].copy()
        dims[axis % dims.size] = sum(int(c[axis % dims.size]) for c in cs)
        with op.graph.as_default():
            shp = convert_to_tensor(dims, name="Const")
    return SparseTensor(op.outputs[0], op.outputs[1], shp)


def sparse_reshape(sp_input: Any, shape: Any, name: Optional[str] = None) -> SparseTensor:
    """Reshapes a SparseTensor (`tf.sparse.reshape`, op SparseReshape); one dimension of
    `shape` may be -1. The values are unchanged (and stay differentiable)."""
    sp = _st(sp_input, "sparse_reshape")
    with name_scope(name, "SparseReshape", [sp.values]) as scope:
        op = _gen_op("SparseReshape", scope.rstrip("/") if scope else None, [
            ("input_indices", sp.indices, _I64, None),
            ("input_shape", sp.dense_shape, _I64, None),
            ("new_shape", shape, _I64, dtypes.int64)])
        out_shape = op.outputs[1]
        c, old = constant_value(op.inputs[2]), constant_value(sp.dense_shape)
        if c is not None and old is not None:
            c = np.reshape(c, [-1]).astype(np.int64)
            total = int(np.prod(old))
            if np.sum(c == -1) == 1 and np.prod(c[c != -1]) > 0:
                c = c.copy()
                c[c == -1] = total // int(np.prod(c[c != -1]))
            if np.all(c >= 0):
                if int(np.prod(c)) != total:
                    raise ValueError(f"sparse_reshape: cannot reshape a tensor of {total} "
                                     f"elements (shape {np.reshape(old, [-1]).tolist()}) to "
                                     f"{c.tolist()}")
                out_shape = convert_to_tensor(c, name="Const")
    return SparseTensor(op.outputs[0], sp.values, out_shape)


def sparse_slice(sp_input: Any, start: Any, size: Any,
                 name: Optional[str] = None) -> SparseTensor:
    """The entries of a SparseTensor inside the box [start, start + size)
    (`tf.sparse.slice`, op SparseSlice), re-based at `start`; the output shape is clipped to
    the input's bounds."""
    sp = _st(sp_input, "sparse_slice")
    op = _gen_op("SparseSlice", name, [
        ("indices", sp.indices, _I64, None), ("values", sp.values, None, None),
        ("shape", sp.dense_shape, _I64, None), ("start", start, _I64, dtypes.int64),
        ("size", size, _I64, dtypes.int64)])
    return SparseTensor(*op.outputs)


def sparse_split(keyword_required: Any = None, sp_input: Any = None, num_split: Any = None,
                 axis: Any = None, name: Optional[str] = None,
                 split_dim: Any = None) -> List[SparseTensor]:
    """Splits a SparseTensor into `num_split` pieces along `axis` (`tf.sparse.split`, op
    SparseSplit); when the dimension does not divide evenly the first pieces are one longer.

    Args:
      keyword_required: Unused; TF1 requires the other arguments by keyword.
      sp_input: The SparseTensor.
      num_split: The number of pieces (a Python int).
      axis: The dimension to split (`split_dim` is the deprecated spelling).
      name: Op name.

    Returns:
      A list of `num_split` SparseTensors.
    """
    if keyword_required is not None:
        raise ValueError("sparse_split: keyword arguments are required "
                         "(sp_input=, num_split=, axis=)")
    if sp_input is None:
        raise ValueError("sparse_split: sp_input is required")
    if num_split is None:
        raise ValueError("sparse_split: num_split is required")
    if axis is None:
        axis = split_dim
    if axis is None:
        raise ValueError("sparse_split: axis is required")
    sp = _st(sp_input, "sparse_split")
    k = int(num_split)
    op = _gen_op("SparseSplit", name, [
        ("split_dim", axis, _I64, dtypes.int64), ("indices", sp.indices, _I64, None),
        ("values", sp.values, None, None), ("shape", sp.dense_shape, _I64, None)],
        {"num_split": k})
    o = op.outputs
    return [SparseTensor(o[i], o[k + i], o[2 * k + i]) for i in range(k)]


def sparse_softmax(sp_input: Any, name: Optional[str] = None) -> SparseTensor:
    """Softmax over the last dimension among each row's stored entries (`tf.sparse.softmax`,
    op SparseSoftmax); missing entries count as -inf. Indices must be row-major ordered."""
    sp = _st(sp_input, "sparse_softmax")
    with name_scope(name, "SparseSoftmax", [sp.indices, sp.values]) as scope:
        out = _gen_op("SparseSoftmax", scope.rstrip("/"), [
            ("sp_indices", sp.indices, _I64, None), ("sp_values", sp.values, None, None),
            ("sp_shape", sp.dense_shape, _I64, None)])._outputs[0]
    return SparseTensor(sp.indices, out, sp.dense_shape)


def _reduce(op_type, sp_input, axis, keepdims, reduction_axes, keep_dims, name):
    sp = _st(sp_input, op_type)
    if axis is None:
        axis = reduction_axes
    keep = bool(keepdims if keepdims is not None else keep_dims)
    return _gen_op(op_type, name, [
        ("input_indices", sp.indices, _I64, None), ("input_values", sp.values, None, None),
        ("input_shape", sp.dense_shape, _I64, None),
        ("reduction_axes", [] if axis is None else axis, (dtypes.int32,), None)],
        {"keep_dims": keep})


def sparse_reduce_max(sp_input: Any, axis: Any = None, keepdims: Optional[bool] = None,
                      reduction_axes: Any = None, keep_dims: Optional[bool] = None,
                      name: Optional[str] = None):
    """The max of a SparseTensor's stored values over `axis`, as a dense tensor
    (`tf.sparse.reduce_max`, op SparseReduceMax); a position with no stored value gives 0.

    Args:
      sp_input: A SparseTensor.
      axis: Axes to reduce (None: all). `reduction_axes` is the deprecated spelling.
      keepdims: Keep reduced axes with length 1. `keep_dims` is the deprecated spelling.
      name: Op name.
    """
    return _reduce("SparseReduceMax", sp_input, axis, keepdims, reduction_axes, keep_dims,
                   name)._outputs[0]


def sparse_reduce_max_sparse(sp_input: Any, axis: Any = None, keepdims: Optional[bool] = None,
                             reduction_axes: Any = None, keep_dims: Optional[bool] = None,
                             name: Optional[str] = None) -> SparseTensor:
    """`sparse_reduce_max` as a SparseTensor holding only the reduced groups
    (`tf.sparse.reduce_max_sparse`, op SparseReduceMaxSparse)."""
    op = _reduce("SparseReduceMaxSparse", sp_input, axis, keepdims, reduction_axes,
                 keep_dims, name)
    return SparseTensor(*op.outputs)


def sparse_reduce_sum_sparse(sp_input: Any, axis: Any = None, keepdims: Optional[bool] = None,
                             reduction_axes: Any = None, keep_dims: Optional[bool] = None,
                             name: Optional[str] = None) -> SparseTensor:
    """The sum of a SparseTensor over `axis` as a SparseTensor of the non-empty groups
    (`tf.sparse.reduce_sum_sparse`, op SparseReduceSumSparse)."""
    op = _reduce("SparseReduceSumSparse", sp_input, axis, keepdims, reduction_axes,
                 keep_dims, name)
    return SparseTensor(*op.outputs)


def sparse_fill_empty_rows(sp_input: Any, default_value: Any, name: Optional[str] = None):
    """Fills the empty rows (dimension 0) of a SparseTensor with `default_value` at column 0
    (`tf.sparse.fill_empty_rows`, op SparseFillEmptyRows).

    Args:
      sp_input: A SparseTensor (rows in order; within a row the order is kept).
      default_value: The value put in the empty rows (the values' dtype).
      name: Op name prefix.

    Returns:
      (SparseTensor, empty_row_indicator): the filled tensor and a bool [rows] vector.
    """
    sp = _st(sp_input, "sparse_fill_empty_rows")
    with name_scope(name, "SparseFillEmptyRows", [sp]) as scope:
        dv = convert_to_tensor(default_value, dtype=sp.dtype, name="default_value")
        op = _gen_op("SparseFillEmptyRows", scope.rstrip("/"), [
            ("indices", sp.indices, _I64, None), ("values", sp.values, None, None),
            ("dense_shape", sp.dense_shape, _I64, None), ("default_value", dv, None, None)])
    return SparseTensor(op.outputs[0], op.outputs[1], sp.dense_shape), op.outputs[2]


def _min_max(op_type, sp_a, sp_b, name):
    a, b = _st(sp_a, op_type), _st(sp_b, op_type)
    op = _gen_op(op_type, name, [
        ("a_indices", a.indices, _I64, None), ("a_values", a.values, None, None),
        ("a_shape", a.dense_shape, _I64, None), ("b_indices", b.indices, _I64, None),
        ("b_values", b.values, None, None), ("b_shape", b.dense_shape, _I64, None)])
    return SparseTensor(op.outputs[0], op.outputs[1], a.dense_shape)


def sparse_maximum(sp_a: Any, sp_b: Any, name: Optional[str] = None) -> SparseTensor:
    """Elementwise max of two SparseTensors of one shape, missing entries counting as 0
    (`tf.sparse.maximum`, op SparseSparseMaximum). Not differentiable (TF1 neither)."""
    return _min_max("SparseSparseMaximum", sp_a, sp_b, name)


def sparse_minimum(sp_a: Any, sp_b: Any, name: Optional[str] = None) -> SparseTensor:
    """Elementwise min of two SparseTensors of one shape, missing entries counting as 0
    (`tf.sparse.minimum`, op SparseSparseMinimum). Not differentiable (TF1 neither)."""
    return _min_max("SparseSparseMinimum", sp_a, sp_b, name)


# --------------------------------------------------------------------------- compositions

def sparse_retain(sp_input: Any, to_retain: Any) -> SparseTensor:
    """Keeps the entries where the bool vector `to_retain` [N] is True (`tf.sparse.retain`).

    Raises:
      ValueError: If `to_retain` is not a vector of the values' length (when known).
    """
    sp = _st(sp_input, "sparse_retain")
    to_retain = convert_to_tensor(to_retain, dtype=dtypes.bool, name="to_retain")
    if to_retain.shape.ndims not in (None, 1):
        raise ValueError(f"sparse_retain: to_retain must be a vector, got shape "
                         f"{to_retain.shape}")
    n, m = sp.values.shape.as_list()[0] if sp.values.shape.ndims == 1 else None, \
        to_retain.shape.as_list()[0] if to_retain.shape.ndims == 1 else None
    if n is not None and m is not None and n != m:
        raise ValueError(f"sparse_retain: to_retain has {m} entries but sp_input has {n} "
                         "values")
    keep = reshape(where(to_retain), [-1])
    return SparseTensor(gather(sp.indices, keep), gather(sp.values, keep),
                        identity(sp.dense_shape))


def sparse_reset_shape(sp_input: Any, new_shape: Any = None) -> SparseTensor:
    """The same entries under a new dense shape (`tf.sparse.reset_shape`): `new_shape` (same
    rank, each dimension at least the old one when checkable) or, when None, the tightest
    shape holding the indices (max index + 1 per dimension)."""
    sp = _st(sp_input, "sparse_reset_shape")
    # TF1's form: identities of the entries, the shape computed outside any name scope.
    indices, values = identity(sp.indices), identity(sp.values)
    if new_shape is None:
        # max index + 1, and 0 for an empty tensor: a row of -1 joins the reduction (TF1 takes
        # the max with 0 after reduce_max's lowest-int result for no rows)
        minus_one = fill(stack([np.int64(1), _shape(indices, out_type=dtypes.int64)[1]]),
                         np.int64(-1))
        low = reduce_max(concat([indices, minus_one], 0), axis=0)
        return SparseTensor(indices, values, add(low, ones_like(low)))
    ns = convert_to_tensor(new_shape, dtype=dtypes.int64)
    c, old = constant_value(ns), constant_value(sp.dense_shape)
    if c is not None and old is not None:
        c, old = np.reshape(c, [-1]), np.reshape(old, [-1])
        if c.size != old.size:
            raise ValueError(f"sparse_reset_shape: new_shape has rank {c.size}, sp_input "
                             f"has rank {old.size}")
        if np.any(c < old):
            raise ValueError(f"sparse_reset_shape: new_shape {c.tolist()} is smaller than "
                             f"the current shape {old.tolist()}")
    return SparseTensor(indices, values, ns)


def sparse_transpose(sp_input: Any, perm: Any = None,
                     name: Optional[str] = None) -> SparseTensor:
    """Transposes a SparseTensor (`tf.sparse.transpose`): permutes the index columns and the
    dense shape by `perm` (default: reversed), then reorders (SparseReorder)."""
    sp = _st(sp_input, "sparse_transpose")
    with name_scope(name, "SparseTranspose", [sp.values]):
        rank = _rank_of(sp.indices, sp.dense_shape)
        if perm is None:
            if rank is None:
                raise ValueError("sparse_transpose: perm is required when the rank is unknown")
            perm = list(range(rank - 1, -1, -1))
        perm_t = convert_to_tensor(perm, dtype=dtypes.int32, name="perm")
        indices = transpose(gather(transpose(sp.indices), perm_t))
        c = constant_value(sp.dense_shape)
        if c is not None and constant_value(perm_t) is not None:
            dense_shape = convert_to_tensor(np.reshape(c, [-1])[constant_value(perm_t)]
                                            .astype(np.int64), name="dense_shape")
        else:
            dense_shape = gather(sp.dense_shape, perm_t)
        return sparse_reorder(SparseTensor(indices, sp.values, dense_shape))


def sparse_expand_dims(sp_input: Any, axis: Any = None, name: Optional[str] = None) -> SparseTensor:
    """Inserts a length-1 dimension at `axis` (`tf.sparse.expand_dims`; -1: at the end)."""
    sp = _st(sp_input, "sparse_expand_dims")
    with name_scope(name, "expand_dims", [sp.values]):
        rank = _rank_of(sp.indices, sp.dense_shape)
        if axis is None:
            axis = 0
        a = int(axis)
        if rank is None:
            raise ValueError("sparse_expand_dims: the input's rank must be known")
        if not -rank - 1 <= a <= rank:
            raise ValueError(f"sparse_expand_dims: axis {a} is out of range for rank {rank}")
        a = a % (rank + 1)
        n = _shape(sp.indices, out_type=dtypes.int64)[0]
        zeros = fill(stack([n, 1]), np.int64(0))
        idx = concat([sp.indices[:, :a], zeros, sp.indices[:, a:]], axis=1)
        shp = concat([sp.dense_shape[:a], np.array([1], np.int64), sp.dense_shape[a:]], 0)
        return SparseTensor(idx, sp.values, shp)


def sparse_eye(num_rows: Any, num_columns: Any = None, dtype: Any = dtypes.float32,
               name: Optional[str] = None) -> SparseTensor:
    """A sparse identity matrix [num_rows, num_columns] (`tf.sparse.eye`)."""
    with name_scope(name, "eye", []):
        rows = convert_to_tensor(num_rows, dtype=dtypes.int64, name="num_rows")
        cols = rows if num_columns is None else \
            convert_to_tensor(num_columns, dtype=dtypes.int64, name="num_columns")
        diag = _range(minimum(rows, cols))
        diag = cast(diag, dtypes.int64)
        indices = stack([diag, diag], axis=1)
        values = ones(_shape(diag), dtype=dtype)
        return SparseTensor(indices, values, stack([rows, cols]))


def from_dense(tensor: Any, name: Optional[str] = None) -> SparseTensor:
    """The non-zero (non-empty for strings) entries of a dense tensor as a SparseTensor
    (`tf.sparse.from_dense`), in row-major order."""
    with name_scope(name, "dense_to_sparse", [tensor]):
        t = convert_to_tensor(tensor, name="tensor")
        zero = np.array(b"", object) if t.dtype == dtypes.string else \
            np.zeros((), t.dtype.as_numpy_dtype)
        indices = where(not_equal(t, zero))
        return SparseTensor(indices, gather_nd(t, indices), _shape(t, out_type=dtypes.int64))


def sparse_merge(sp_ids: Any, sp_values: Any, vocab_size: Any, name: Optional[str] = None,
                 already_sorted: bool = False) -> SparseTensor:
    """Combines a SparseTensor of ids and one of values into a SparseTensor whose last
    dimension is `vocab_size` (`tf.sparse_merge`): entry `[..., ids[k]] = values[k]`.

    Args:
      sp_ids: A SparseTensor of int32/int64 ids (or a list of them: one new dimension each,
        with `vocab_size` a list of the same length).
      sp_values: A SparseTensor of the values (same indices as sp_ids).
      vocab_size: The size of the new last dimension (an int, 0-D tensor or list).
      name: Op name prefix.
      already_sorted: Skip the final reorder.
    """
    ids_list = sp_ids if isinstance(sp_ids, (list, tuple)) else [sp_ids]
    vocab_list = vocab_size if isinstance(vocab_size, (list, tuple)) else [vocab_size]
    if len(ids_list) != len(vocab_list):
        raise ValueError(f"sparse_merge: sp_ids has {len(ids_list)} entries but vocab_size "
                         f"has {len(vocab_list)}")
    ids_list = [_st(s, "sparse_merge") for s in ids_list]
    vals = _st(sp_values, "sparse_merge")
    with name_scope(name, "SparseMerge", [vals.values] + [s.values for s in ids_list]):
        for s in ids_list:
            if s.dtype not in (dtypes.int32, dtypes.int64):
                raise TypeError(f"sparse_merge: sp_ids must be int32 or int64, got "
                                f"{s.dtype.name}")
        ids = [cast(s.values, dtypes.int64) for s in ids_list]
        vsz = [cast(convert_to_tensor(v, name="vocab_size"), dtypes.int64) for v in vocab_list]
        rank = _rank_of(vals.indices, vals.dense_shape)
        lead = vals.indices[:, :-1] if rank else vals.indices
        new_indices = concat([lead] + [expand_dims(i, 1) for i in ids], 1)
        new_shape = concat([vals.dense_shape[:-1]] + [reshape(v, [1]) for v in vsz], 0)
        out = SparseTensor(new_indices, vals.values, new_shape)
        return out if already_sorted else sparse_reorder(out)


def sparse_to_indicator(sp_input: Any, vocab_size: Any, name: Optional[str] = None):
    """A dense bool tensor `[..., vocab_size]`: True at `[..., id]` for every id stored in
    `sp_input`'s last dimension (`tf.sparse.to_indicator`).

    Args:
      sp_input: A SparseTensor of int32/int64 ids.
      vocab_size: The size of the new last dimension.
      name: Op name prefix.
    """
    sp = _st(sp_input, "sparse_to_indicator")
    if sp.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"sparse_to_indicator: sp_input must hold int32 or int64 ids, got "
                        f"{sp.dtype.name}")
    with name_scope(name, "SparseToIndicator", [sp.values]) as scope:
        n = _shape(sp.values, out_type=dtypes.int64)
        vals = SparseTensor(sp.indices, ones(n, dtype=dtypes.bool), sp.dense_shape)
        merged = sparse_merge(sp, vals, vocab_size)
        return sparse_tensor_to_dense(merged, default_value=False, validate_indices=False,
                                      name=scope)


def sparse_mask(a: Any, mask_indices: Any, name: Optional[str] = None) -> IndexedSlices:
    """The slices of an `IndexedSlices` whose indices are not in `mask_indices`
    (`tf.sparse.mask` / `tf.sparse_mask`; TF1's ListDiff + gather).

    Args:
      a: An `IndexedSlices`.
      mask_indices: A 1-D tensor of the indices to drop.
      name: Name scope (default "sparse_mask").

    Returns:
      An `IndexedSlices` with the remaining slices, in `a`'s order.

    Raises:
      TypeError: If `a` is not an IndexedSlices.
    """
    if not isinstance(a, IndexedSlices):
        raise TypeError(f"sparse_mask: a must be a tf.IndexedSlices, got {type(a).__name__}")
    with name_scope(name, "sparse_mask", [a.values, a.indices, mask_indices]) as scope:
        out_indices, to_gather = setdiff1d(a.indices, mask_indices)
        out_values = gather(a.values, to_gather, name=scope)
    return IndexedSlices(out_values, out_indices, a.dense_shape)


__all__ = ["sparse_add", "sparse_concat", "sparse_reshape", "sparse_slice", "sparse_split",
           "sparse_softmax", "sparse_reduce_max", "sparse_reduce_max_sparse",
           "sparse_reduce_sum_sparse", "sparse_fill_empty_rows", "sparse_maximum",
           "sparse_minimum", "sparse_retain", "sparse_reset_shape", "sparse_transpose",
           "sparse_merge", "sparse_to_indicator", "sparse_mask"]
