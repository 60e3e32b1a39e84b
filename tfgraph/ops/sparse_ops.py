"""`tf.sparse` basics on `tf.SparseTensor`: to_dense, reorder, reduce_sum,
sparse_dense_matmul (with TF1's gradient w.r.t. the values and the dense operand), and
`tf.sparse_placeholder`.

Op types are TF1's (SparseToDense, SparseReorder, SparseReduceSum, SparseTensorDenseMatMul).
Kernels scatter the N values (`add.at`), so matmul costs O(N * cols), not a dense product.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.ops import convert_to_tensor
from ..framework.ops import gen_op as _gen_op
from ..framework.registry import OpDef, register_op, spec
from ..framework.sparse_tensor import SparseTensor
from ._helpers import host_array as _to_numpy
from .array_ops import (_INDEX_TYPES, gather, gather_nd, invert_permutation, placeholder,
                        range as range_, reshape, shape, transpose)
from .gen_math_ops import cast
from .math_ops import floordiv, multiply, reduce_sum, reduced_shape, subtract

_I64 = (dtypes.int64,)


def _const(t):
    """A Const tensor's value, else None."""
    return t.op.attrs.get("value") if t.op.type == "Const" else None


def _scatter_dense(xp, idx, values, shape, default):
    """A dense array of `shape` holding `default`, with `values` assigned at rows of `idx`."""
    out = xp.full(tuple(int(d) for d in shape), default, dtype=values.dtype)
    if idx.shape[0]:
        out[tuple(idx[:, j] for j in range(idx.shape[1]))] = values
    return out


@register_op("SparseToDense")
class SparseToDense(OpDef):
    """`dense[indices[i]] = values[i]` (or a scalar value), `default_value` elsewhere."""

    host_inputs = (0, 1)

    def infer(self, sparse_indices, output_shape, sparse_values, default_value, *,
              validate_indices=True):
        if sparse_values.dtype != default_value.dtype:
            raise TypeError(f"SparseToDense: sparse_values ({sparse_values.dtype.name}) and "
                            f"default_value ({default_value.dtype.name}) must have one dtype")
        if default_value.shape.ndims not in (None, 0):
            raise ValueError("SparseToDense: default_value should be a scalar, got shape "
                             f"{default_value.shape}")
        c = _const(output_shape)
        if c is not None:
            return spec(sparse_values.dtype, [int(d) for d in np.reshape(c, [-1])])
        n = output_shape.shape[0] if output_shape.shape.ndims == 1 else None
        n = getattr(n, "value", n)
        return spec(sparse_values.dtype, [None] * n if n is not None else None)

    def compute(self, be, sparse_indices, output_shape, sparse_values, default_value, *,
                validate_indices=True):
        xp = be.xp
        idx = np.asarray(_to_numpy(be, sparse_indices), dtype=np.int64)
        shape = np.reshape(_to_numpy(be, output_shape), [-1]).astype(np.int64)
        if idx.ndim < 2:
            idx = idx.reshape(-1, 1) if shape.size == 1 or idx.ndim == 0 else idx.reshape(1, -1)
        if idx.shape[1] != shape.size:
            raise ValueError(f"sparse_indices has rank {idx.shape[1]} but output_shape has "
                             f"{shape.size} dimensions")
        if idx.size and (np.any(idx < 0) or np.any(idx >= shape)):
            bad = idx[np.any((idx < 0) | (idx >= shape), axis=1)][0]
            raise ValueError(f"sparse_indices index {bad.tolist()} is out of bounds of "
                             f"output_shape {shape.tolist()}")
        if validate_indices and idx.shape[0] > 1:
            lin = np.ravel_multi_index(idx.T, shape) if shape.size else np.zeros(0)
            if np.any(np.diff(lin) <= 0):
                raise ValueError("sparse_indices is out of order or has a repeated index "
                                 "(validate_indices=True; use tf.sparse.reorder)")
        vals = sparse_values
        if vals.ndim == 0:
            vals = xp.full((idx.shape[0],), vals, dtype=vals.dtype)
        if vals.shape[0] != idx.shape[0]:
            raise ValueError(f"sparse_values has {vals.shape[0]} entries but sparse_indices "
                             f"has {idx.shape[0]}")
        return _scatter_dense(xp, xp.asarray(idx), vals, shape, default_value)

    def gradient(self, op, grad):
        # TF1's: the values get grad at their positions, the default the rest of the sum.
        sparse_indices, output_shape, values, _ = op.inputs
        idx = sparse_indices
        if idx.shape.ndims is not None and idx.shape.ndims < 2:
            idx = reshape(idx, [-1, 1]) if output_shape.shape.as_list() in ([1], [None]) \
                and idx.shape.ndims == 1 else reshape(idx, [1, -1])
        values_grad = gather_nd(grad, idx)
        if values.shape.ndims == 0:
            values_grad = reduce_sum(values_grad)
        default_grad = subtract(reduce_sum(grad), reduce_sum(values_grad))
        return [None, None, values_grad, default_grad]


@register_op("SparseReorder")
class SparseReorder(OpDef):
    """Sorts the entries into row-major (canonical) order: (output_indices, output_values)."""

    def infer(self, input_indices, input_values, input_shape):
        return [spec(dtypes.int64, input_indices.shape), spec(input_values.dtype,
                                                              input_values.shape)]

    def compute(self, be, input_indices, input_values, input_shape):
        xp = be.xp
        if input_indices.shape[0] == 0:
            return input_indices, input_values
        order = xp.lexsort(input_indices.T[::-1])
        return input_indices[order], input_values[order]

    def gradient(self, op, _indices_grad, values_grad):
        # TF1's: reorder the entry numbers the same way, then invert that permutation.
        input_indices, _, input_shape = op.inputs
        entries = range_(shape(input_indices)[0])
        ordered = sparse_reorder(SparseTensor(input_indices, entries, input_shape))
        return [None, gather(values_grad, invert_permutation(ordered.values)), None]


@register_op("SparseReduceSum")
class SparseReduceSum(OpDef):
    """The dense sum of a SparseTensor over `reduction_axes` (all axes when empty)."""

    host_inputs = (2, 3)

    def infer(self, input_indices, input_values, input_shape, reduction_axes, *,
              keep_dims=False):
        c, ax = _const(input_shape), _const(reduction_axes)
        if c is None or ax is None:
            return spec(input_values.dtype, None)
        shape = [int(d) for d in np.reshape(c, [-1])]
        axes = _norm_axes(ax, len(shape))
        out = [1 if i in axes else d for i, d in enumerate(shape)] if keep_dims else \
            [d for i, d in enumerate(shape) if i not in axes]
        return spec(input_values.dtype, out)

    def compute(self, be, input_indices, input_values, input_shape, reduction_axes, *,
                keep_dims=False):
        xp = be.xp
        shape = np.reshape(_to_numpy(be, input_shape), [-1]).astype(np.int64)
        axes = _norm_axes(_to_numpy(be, reduction_axes), shape.size)
        dense = xp.zeros(tuple(int(d) for d in shape), dtype=input_values.dtype)
        if input_indices.shape[0]:
            xp.add.at(dense, tuple(input_indices[:, j] for j in range(shape.size)), input_values)
        return xp.sum(dense, axis=tuple(sorted(axes)), keepdims=bool(keep_dims)).astype(
            input_values.dtype)

    def gradient(self, op, grad):
        # TF1's: broadcast the reduced gradient back, read at the entries' (scaled) indices.
        sp_indices, _, sp_shape, axes = op.inputs
        ax = _const(axes)
        if ax is not None and np.size(ax) == 0:   # no axes: all of them
            kept = floordiv(sp_shape, sp_shape)
        else:
            kept = reduced_shape(sp_shape, axes)
        scale = floordiv(sp_shape, cast(kept, dtypes.int64))
        return [None, gather_nd(reshape(grad, kept), floordiv(sp_indices, scale)), None, None]


def _norm_axes(ax, rank: int) -> set:
    axes = [int(a) for a in np.reshape(ax, [-1])]
    if not axes:
        return set(range(rank))
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"SparseReduceSum: axis {a} is out of range for rank {rank}")
    return {a % rank for a in axes}


@register_op("SparseTensorDenseMatMul")
class SparseTensorDenseMatMul(OpDef):
    """`op(A) @ op(B)` with A sparse (rank 2) and B dense; op = transpose when adjoint."""

    host_inputs = (2,)

    def infer(self, a_indices, a_values, a_shape, b, *, adjoint_a=False, adjoint_b=False):
        if a_values.dtype != b.dtype:
            raise TypeError(f"SparseTensorDenseMatMul: a ({a_values.dtype.name}) and b "
                            f"({b.dtype.name}) must have one dtype")
        if b.shape.ndims not in (None, 2):
            raise ValueError(f"SparseTensorDenseMatMul: b must be a matrix, got shape {b.shape}")
        c = _const(a_shape)
        rows = None
        if c is not None:
            sa = [int(d) for d in np.reshape(c, [-1])]
            if len(sa) != 2:
                raise ValueError(f"SparseTensorDenseMatMul: a must be a matrix, got shape {sa}")
            rows = sa[1] if adjoint_a else sa[0]
            inner = sa[0] if adjoint_a else sa[1]
            if b.shape.ndims == 2:
                bi = b.shape.as_list()[1 if adjoint_b else 0]
                if bi is not None and bi != inner:
                    raise ValueError(f"SparseTensorDenseMatMul: inner dimensions differ: "
                                     f"{inner} vs {bi}")
        cols = b.shape.as_list()[0 if adjoint_b else 1] if b.shape.ndims == 2 else None
        return spec(b.dtype, [rows, cols])

    def compute(self, be, a_indices, a_values, a_shape, b, *, adjoint_a=False,
                adjoint_b=False):
        xp = be.xp
        sa = [int(d) for d in np.reshape(_to_numpy(be, a_shape), [-1])]
        bm = b.T if adjoint_b else b
        rows_i, cols_i = (1, 0) if adjoint_a else (0, 1)
        m, k = (sa[1], sa[0]) if adjoint_a else (sa[0], sa[1])
        if bm.shape[0] != k:
            raise ValueError(f"cannot multiply A of shape {sa} (adjoint_a={adjoint_a}) by B "
                             f"of shape {list(b.shape)} (adjoint_b={adjoint_b})")
        out = xp.zeros((m, bm.shape[1]), dtype=b.dtype)
        if a_indices.shape[0]:
            r, c = a_indices[:, rows_i], a_indices[:, cols_i]
            if bool(xp.any(r >= m)) or bool(xp.any(c >= k)) or bool(xp.any(a_indices < 0)):
                raise ValueError(f"sparse indices are out of bounds of a_shape {sa}")
            xp.add.at(out, r, a_values[:, None] * bm[c])
        return out

    def gradient(self, op, grad):
        a_indices, a_values, a_shape, b = op.inputs
        adj_a, adj_b = op.attrs.get("adjoint_a", False), op.attrs.get("adjoint_b", False)
        b_grad = _matmul_op(a_indices, a_values, a_shape, grad, not adj_a, False, None)
        if adj_b:
            b_grad = transpose(b_grad)
        rows, cols = a_indices[:, 0], a_indices[:, 1]
        parts_a = gather(grad, cols if adj_a else rows)
        parts_b = gather(transpose(b) if adj_b else b, rows if adj_a else cols)
        a_values_grad = reduce_sum(multiply(parts_a, parts_b), axis=1)
        return [None, a_values_grad, None, b_grad]


def _matmul_op(ind, vals, shape, b, adjoint_a, adjoint_b, name):
    return _gen_op("SparseTensorDenseMatMul", name,
                   [("a_indices", ind, _INDEX_TYPES, dtypes.int64), ("a_values", vals, None, None),
                    ("a_shape", shape, _I64, None), ("b", b, None, None)],
                   {"adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)})._outputs[0]


def _sp(sp_input, what: str) -> SparseTensor:
    if isinstance(sp_input, SparseTensor):
        return sp_input
    if all(hasattr(sp_input, a) for a in ("indices", "values", "dense_shape")):
        return SparseTensor.from_value(sp_input)
    raise TypeError(f"{what}: expected a SparseTensor or SparseTensorValue, got "
                    f"{type(sp_input).__name__}")


def sparse_to_dense(sparse_indices: Any, output_shape: Any, sparse_values: Any,
                    default_value: Any = 0, validate_indices: bool = True,
                    name: Optional[str] = None):
    """Builds a dense tensor from indices and values (`tf.sparse_to_dense`).

    Args:
      sparse_indices: int32/int64 [N, rank], [N] or scalar.
      output_shape: 1-D shape of the output.
      sparse_values: [N] values or a scalar for all of them.
      default_value: The value where no index is given (scalar, dtype of the values).
      validate_indices: Check the indices are sorted row-major and unique.
      name: Op name (default "SparseToDense").

    Returns:
      A dense tensor of shape `output_shape`.
    """
    if not hasattr(sparse_values, "dtype"):
        sparse_values = np.asarray(sparse_values)
        if sparse_values.dtype == np.float64:
            sparse_values = sparse_values.astype(np.float32)
    vdt = (dtypes.as_dtype(sparse_values.dtype),)
    return _gen_op("SparseToDense", name,
                   [("sparse_indices", sparse_indices, _INDEX_TYPES, dtypes.int64),
                    ("output_shape", output_shape, _INDEX_TYPES, dtypes.int64),
                    ("sparse_values", sparse_values, vdt, None),
                    ("default_value", default_value, vdt, None)],
                   {"validate_indices": bool(validate_indices)})._outputs[0]


def sparse_tensor_to_dense(sp_input: Any, default_value: Any = 0, validate_indices: bool = True,
                           name: Optional[str] = None):
    """Converts a SparseTensor to a dense tensor (`tf.sparse.to_dense`).

    Args:
      sp_input: A SparseTensor (indices in row-major order when `validate_indices`).
      default_value: The value of the unset entries.
      validate_indices: Check the indices are sorted and unique.
      name: Op name prefix.

    Returns:
      A dense tensor of shape `sp_input.dense_shape`.
    """
    sp = _sp(sp_input, "sparse_tensor_to_dense")
    return sparse_to_dense(sp.indices, sp.dense_shape, sp.values, default_value,
                           validate_indices, name)


def sparse_reorder(sp_input: Any, name: Optional[str] = None) -> SparseTensor:
    """Reorders a SparseTensor's entries into row-major order (`tf.sparse.reorder`)."""
    sp = _sp(sp_input, "sparse_reorder")
    op = _gen_op("SparseReorder", name, [("input_indices", sp.indices, _I64, None),
                                         ("input_values", sp.values, None, None),
                                         ("input_shape", sp.dense_shape, _I64, None)])
    return SparseTensor(op.outputs[0], op.outputs[1], sp.dense_shape)


def sparse_reduce_sum(sp_input: Any, axis: Any = None, keepdims: Optional[bool] = None,
                      reduction_axes: Any = None, keep_dims: Optional[bool] = None,
                      name: Optional[str] = None):
    """Sums a SparseTensor over `axis` into a dense tensor (`tf.sparse.reduce_sum`).

    Args:
      sp_input: A SparseTensor.
      axis: Axes to reduce (None: all). `reduction_axes` is the deprecated spelling.
      keepdims: Keep reduced axes with length 1. `keep_dims` is the deprecated spelling.
      name: Op name (default "SparseReduceSum").

    Returns:
      A dense tensor.
    """
    sp = _sp(sp_input, "sparse_reduce_sum")
    if axis is None:
        axis = reduction_axes
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axes = [] if axis is None else axis
    return _gen_op("SparseReduceSum", name,
                   [("input_indices", sp.indices, _I64, None),
                    ("input_values", sp.values, None, None),
                    ("input_shape", sp.dense_shape, _I64, None),
                    ("reduction_axes", axes, (dtypes.int32,), None)],
                   {"keep_dims": keep})._outputs[0]


def sparse_tensor_dense_matmul(sp_a: Any, b: Any, adjoint_a: bool = False,
                               adjoint_b: bool = False, name: Optional[str] = None):
    """`op(sp_a) @ op(b)` for a rank-2 SparseTensor `sp_a` and dense `b`
    (`tf.sparse.sparse_dense_matmul`); differentiable w.r.t. `sp_a.values` and `b`."""
    sp = _sp(sp_a, "sparse_tensor_dense_matmul")
    b = convert_to_tensor(b, dtype=sp.values.dtype, name="b")
    return _matmul_op(sp.indices, sp.values, sp.dense_shape, b, adjoint_a, adjoint_b, name)


def sparse_placeholder(dtype: Any, shape: Any = None, name: Optional[str] = None) -> SparseTensor:
    """A SparseTensor fed as a whole (`tf.sparse_placeholder`): feed it a SparseTensorValue
    or an `(indices, values, dense_shape)` tuple.

    Args:
      dtype: The values' dtype.
      shape: The dense shape (a constant then) or None (fed).
      name: Prefix of the three placeholders' names.
    """
    rank = None if shape is None else len(shape)
    pre = (name + "/") if name else ""
    if shape is None:
        dense_shape = placeholder(dtypes.int64, [rank], name=pre + "shape" if name else None)
    else:
        dense_shape = convert_to_tensor(
            [-1 if d is None else int(d) for d in shape], dtype=dtypes.int64,
            name=pre + "shape" if name else None)
    values = placeholder(dtype, [None], name=pre + "values" if name else None)
    indices = placeholder(dtypes.int64, [None, rank], name=pre + "indices" if name else None)
    return SparseTensor(indices, values, dense_shape)


__all__ = ["sparse_to_dense", "sparse_tensor_to_dense", "sparse_reorder", "sparse_reduce_sum",
           "sparse_tensor_dense_matmul", "sparse_placeholder"]
