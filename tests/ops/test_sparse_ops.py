"""`tf.sparse` basics against NumPy references: to_dense, reorder, reduce_sum,
sparse_dense_matmul, sparse_placeholder feeds."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

IND = np.array([[2, 0], [0, 1], [1, 2], [0, 2]], dtype=np.int64)   # unsorted
VAL = np.array([1.5, -2.0, 3.0, 4.0], dtype=np.float32)
SHAPE = [3, 4]


def _dense(ind=IND, val=VAL, shape=SHAPE, default=0):
    d = np.full(shape, default, dtype=val.dtype)
    d[tuple(ind.T)] = val
    return d


def _run(x, feed=None):
    with tf.Session() as s:
        return s.run(x, feed)


def test_reorder_sorts_row_major_and_keeps_dense_value():
    r = _run(tf.sparse.reorder(tf.SparseTensor(IND, VAL, SHAPE)))
    order = np.lexsort(IND.T[::-1])
    np.testing.assert_array_equal(r.indices, IND[order])
    np.testing.assert_array_equal(r.values, VAL[order])
    np.testing.assert_array_equal(r.dense_shape, SHAPE)


def test_to_dense_default_value_and_op_type():
    sp = tf.sparse.reorder(tf.SparseTensor(IND, VAL, SHAPE))
    d = tf.sparse.to_dense(sp, default_value=-1.0)
    assert d.op.type == "SparseToDense" and d.dtype == tf.float32
    assert d.shape.as_list() == [3, 4]
    np.testing.assert_array_equal(_run(d), _dense(default=-1))
    np.testing.assert_array_equal(_run(tf.sparse_tensor_to_dense(sp)), _dense())


def test_to_dense_validate_indices():
    sp = tf.SparseTensor(IND, VAL, SHAPE)
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of order"):
        _run(tf.sparse.to_dense(sp))
    np.testing.assert_array_equal(_run(tf.sparse.to_dense(sp, validate_indices=False)),
                                  _dense())


def test_to_dense_out_of_bounds_index_names_op():
    sp = tf.SparseTensor([[0, 5]], [1.0], [2, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="SparseToDense.*out of bounds"):
        _run(tf.sparse.to_dense(sp))


def test_sparse_to_dense_scalar_value():
    d = tf.sparse_to_dense([[0, 0], [1, 1]], [2, 3], 7, default_value=1)
    np.testing.assert_array_equal(_run(d), [[7, 1, 1], [1, 7, 1]])


@pytest.mark.parametrize("axis,keep", [(None, False), (0, False), (1, True), ([0, 1], True),
                                       (-1, False)])
def test_reduce_sum(axis, keep):
    sp = tf.SparseTensor(IND, VAL, SHAPE)
    r = tf.sparse.reduce_sum(sp, axis=axis, keepdims=keep)
    want = np.sum(_dense(), axis=None if axis is None else tuple(np.atleast_1d(axis)),
                  keepdims=keep)
    assert r.op.type == "SparseReduceSum" and r.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(_run(r), want, rtol=1e-6)


def test_reduce_sum_deprecated_names_and_bad_axis():
    sp = tf.SparseTensor(IND, VAL, SHAPE)
    np.testing.assert_allclose(_run(tf.sparse_reduce_sum(sp, reduction_axes=1, keep_dims=True)),
                               _dense().sum(1, keepdims=True))
    with pytest.raises(ValueError, match="SparseReduceSum: axis 2"):
        tf.sparse.reduce_sum(sp, axis=2)


@pytest.mark.parametrize("adj_a,adj_b", [(False, False), (True, False), (False, True),
                                         (True, True)])
def test_sparse_dense_matmul(adj_a, adj_b):
    rng = np.random.default_rng(0)
    shape = [4, 3] if adj_a else [3, 4]
    ind = IND[:, ::-1] if adj_a else IND
    a = _dense(ind, VAL, shape)
    b = rng.standard_normal((2, 4) if adj_b else (4, 2)).astype(np.float32)
    m = tf.sparse_tensor_dense_matmul(tf.SparseTensor(ind, VAL, shape), b, adjoint_a=adj_a,
                                      adjoint_b=adj_b)
    assert m.op.type == "SparseTensorDenseMatMul" and m.shape.as_list() == [3, 2]
    want = (a.T if adj_a else a) @ (b.T if adj_b else b)
    got = _run(m)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_matmul_gradients_match_dense_reference():
    b = tf.constant(np.arange(8, dtype=np.float32).reshape(4, 2))
    v = tf.constant(VAL)
    m = tf.sparse.sparse_dense_matmul(tf.SparseTensor(IND, v, SHAPE), b)
    gv, gb = tf.gradients(tf.reduce_sum(m * m), [v, b])
    a = _dense()
    bn = np.arange(8, dtype=np.float32).reshape(4, 2)
    g = 2 * a @ bn
    got_v, got_b = _run([gv, gb])
    np.testing.assert_allclose(got_b, a.T @ g, rtol=1e-5)
    np.testing.assert_allclose(got_v, (g @ bn.T)[tuple(IND.T)], rtol=1e-5)


def test_matmul_shape_mismatch_names_op():
    with pytest.raises(ValueError, match="SparseTensorDenseMatMul: inner dimensions"):
        tf.sparse.sparse_dense_matmul(tf.SparseTensor(IND, VAL, SHAPE), np.ones((3, 2), np.float32))


def test_sparse_placeholder_feeds():
    p = tf.sparse_placeholder(tf.float32, name="sp")
    assert p.indices.name == "sp/indices:0" and p.values.name == "sp/values:0"
    d = tf.sparse.to_dense(p)
    ind, val = [[0, 0], [1, 2]], [5.0, 6.0]
    np.testing.assert_array_equal(_run(d, {p: (ind, val, [2, 3])}),
                                  _dense(np.array(ind), np.float32(val), [2, 3]))
    np.testing.assert_array_equal(_run(d, {p: tf.SparseTensorValue(ind, val, [3, 3])}),
                                  _dense(np.array(ind), np.float32(val), [3, 3]))
    with pytest.raises(TypeError, match="sp/values"):
        _run(d, {p: np.zeros(3)})


def test_sparse_placeholder_static_shape():
    p = tf.sparse_placeholder(tf.float32, shape=[2, 5])
    assert p.shape.as_list() == [2, 5]
    s = tf.sparse.reduce_sum(p, axis=1)
    np.testing.assert_allclose(_run(s, {p: ([[1, 4]], [2.0], [2, 5])}), [0.0, 2.0])
