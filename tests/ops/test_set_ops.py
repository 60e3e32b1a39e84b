"""`tf.sets` (ops/set_ops.py) against Python set references, dense and sparse operands,
TF1's op types, argument flipping and errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf


def _rows(v, lead):
    """A result SparseTensorValue as {row: sorted list} with no gaps inside a row."""
    out = {}
    for ind, val in zip(v.indices, v.values):
        row = tuple(int(i) for i in ind[:-1])
        out.setdefault(row, []).append(val)
        assert ind[-1] == len(out[row]) - 1
    for row, vals in out.items():
        assert vals == sorted(vals)
    assert tuple(v.dense_shape[:-1]) == lead
    width = max((len(x) for x in out.values()), default=0)
    assert v.dense_shape[-1] == width
    return {r: list(x) for r, x in out.items()}


def _ref(a_sets, b_sets, fn):
    return {r: sorted(fn(a_sets[r], b_sets[r])) for r in a_sets if fn(a_sets[r], b_sets[r])}


A = np.array([[[1, 2, 2, 5], [3, 3, 3, 3]], [[0, 9, 8, 7], [4, 5, 6, 4]]], np.int64)
B = np.array([[[2, 7], [1, 3]], [[9, 9], [6, 4]]], np.int64)
SETS_A = {(i, j): set(A[i, j].tolist()) for i in range(2) for j in range(2)}
SETS_B = {(i, j): set(B[i, j].tolist()) for i in range(2) for j in range(2)}
FNS = {"intersection": lambda x, y: x & y, "union": lambda x, y: x | y,
       "difference": lambda x, y: x - y}


@pytest.mark.parametrize("kind", ["intersection", "union", "difference"])
@pytest.mark.parametrize("layout", ["dd", "ds", "ss"])
def test_set_operations_match_python_sets(kind, layout):
    def as_sparse(x):
        ind = np.argwhere(np.ones_like(x, bool)).astype(np.int64)
        return tf.SparseTensor(ind, x.reshape(-1), list(x.shape))
    a = A if layout[0] == "d" else as_sparse(A)
    b = B if layout[1] == "d" else as_sparse(B)
    out = getattr(tf.sets, f"set_{kind}")(a, b)
    assert getattr(tf.sets, kind) is getattr(tf.sets, f"set_{kind}")
    want_type = {"dd": "DenseToDenseSetOperation", "ds": "DenseToSparseSetOperation",
                 "ss": "SparseToSparseSetOperation"}[layout]
    assert out.indices.op.type == want_type
    with tf.Session() as s:
        r = s.run(out)
    assert r.values.dtype == np.int64
    assert _rows(r, (2, 2)) == _ref(SETS_A, SETS_B, FNS[kind])


def test_sparse_dense_order_is_flipped_for_difference():
    sb = tf.SparseTensor([[0, 0], [1, 0], [1, 2]], np.array([2, 9, 1], np.int64), [2, 4])
    a = np.array([[1, 2, 5], [3, 3, 3]], np.int64)
    out = tf.sets.set_difference(sb, a)   # sparse - dense: computed as b - a on (a, sb)
    assert out.indices.op.type == "DenseToSparseSetOperation"
    assert out.indices.op.attrs["set_operation"] == "b-a"
    with tf.Session() as s:
        assert _rows(s.run(out), (2,)) == {(1,): [1, 9]}
        inv = s.run(tf.sets.set_difference(a, sb, aminusb=False))
    assert _rows(inv, (2,)) == {(1,): [1, 9]}


def test_strings_and_sizes():
    out = tf.sets.intersection(tf.constant([["a", "b", "b"]]), tf.constant([["b", "c"]]))
    with tf.Session() as s:
        r = s.run(out)
        assert list(r.values) == [b"b"]
        sp = tf.SparseTensor([[0, 0], [0, 1], [0, 2], [2, 1]],
                             np.array([4, 4, 1, 7], np.int32), [3, 3])
        size = tf.sets.size(sp)
        assert size.op.type == "SetSize" and size.dtype == tf.int32
        np.testing.assert_array_equal(s.run(size), [2, 0, 1])


def test_errors():
    with pytest.raises(TypeError, match="Expected `SparseTensor`"):
        tf.sets.set_size(np.ones([2, 2], np.int32))
    with pytest.raises(TypeError, match="'a' has invalid dtype float32"):
        tf.sets.union([[1.0]], [[2.0]])
    with pytest.raises(TypeError, match="Types don't match, int64 vs int32"):
        tf.sets.union(A, np.ones([2, 2, 1], np.int32))
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="DenseToDenseSetOperation.*leading dimensions differ"):
            s.run(tf.sets.union(A, np.ones([3, 1], np.int64)))
        bad = tf.SparseTensor([[1, 0], [0, 0]], np.array([1, 2], np.int64), [2, 2])
        with pytest.raises(tf.errors.InvalidArgumentError, match="SetSize.*out of order"):
            s.run(tf.sets.size(bad))
        s.run(tf.sets.size(bad, validate_indices=False))
