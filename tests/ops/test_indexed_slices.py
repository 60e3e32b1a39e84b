"""`tf.IndexedSlices`: the gradient of gather / embedding_lookup, its aggregation, densifying
conversion, fetching and feeding, and the clip ops on it (NumPy references)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.framework.indexed_slices import IndexedSlicesValue

P0 = np.arange(15, dtype=np.float32).reshape(5, 3)
IDS = np.array([[0, 2], [2, 4]], dtype=np.int32)
W = np.random.default_rng(3).uniform(-1, 1, (2, 2, 3)).astype(np.float32)


def _dense_reference(ids, rows, n=5):
    out = np.zeros((n,) + rows.shape[ids.ndim:], np.float32)
    np.add.at(out, ids, rows)
    return out


def test_gather_gradient_is_indexed_slices_with_tf1_shapes(run):
    p = tf.Variable(P0, name="emb")
    y = tf.reduce_sum(tf.nn.embedding_lookup(p, IDS) * W)
    g = tf.gradients(y, p)[0]
    assert isinstance(g, tf.IndexedSlices)
    assert g.dtype == tf.float32 and g.graph is tf.get_default_graph()
    assert g.values.shape.as_list() == [4, 3] and g.indices.shape.as_list() == [4]
    assert g.op is g.values.op and g.name == g.values.name and g.device == g.values.device
    assert g.values.op.name == "gradients/embedding_lookup_grad/Reshape"
    assert g.indices.op.name == "gradients/embedding_lookup_grad/Reshape_1"
    assert "IndexedSlices(indices=" in str(g)
    assert g.shape.as_list() == [5, 3] and g.get_shape().as_list() == [5, 3]
    ph = tf.placeholder(tf.float32, [None, 4])
    g2 = tf.gradients(tf.reduce_sum(tf.gather(ph, [0])), ph)[0]
    assert g2.shape.as_list() == [None, 4]
    assert tf.IndexedSlices(g.values, g.indices).shape.ndims is None
    with tf.Session() as sess:
        sess.run(p.initializer)
        v = sess.run(g)
        assert isinstance(v, IndexedSlicesValue)
        np.testing.assert_array_equal(v.indices, IDS.reshape(-1))
        np.testing.assert_allclose(v.values, W.reshape(4, 3))
        np.testing.assert_array_equal(v.dense_shape, [5, 3])
        dense = sess.run(tf.convert_to_tensor(g))
    np.testing.assert_allclose(dense, _dense_reference(IDS.reshape(-1), W.reshape(4, 3)))


def test_gather_axis1_gradient_stays_dense(run):
    p = tf.constant(P0)
    g = tf.gradients(tf.reduce_sum(tf.gather(p, [0, 0, 2], axis=1)), p)[0]
    assert isinstance(g, tf.Tensor)
    np.testing.assert_array_equal(run(g), np.tile([2, 0, 1], (5, 1)))


def test_aggregation_concatenates_slices_and_dense(run):
    p = tf.Variable(P0)
    y = (tf.reduce_sum(tf.gather(p, IDS) * W) + tf.reduce_sum(tf.gather(p, [1, 1]))
         + tf.reduce_sum(p * p))
    g = tf.gradients(y, p)[0]
    assert isinstance(g, tf.IndexedSlices)
    with tf.Session() as sess:
        sess.run(p.initializer)
        dense = sess.run(tf.convert_to_tensor(g))
    want = _dense_reference(IDS.reshape(-1), W.reshape(4, 3)) + 2 * P0
    want[1] += 2
    np.testing.assert_allclose(dense, want, rtol=1e-6)


def test_aggregation_of_two_dense_gradients_is_dense():
    p = tf.Variable(P0)
    g = tf.gradients(tf.reduce_sum(p * p) + tf.reduce_sum(p), p)[0]
    assert isinstance(g, tf.Tensor) and g.op.type == "AddN"


def test_aggregation_mixed_index_dtypes_cast_to_int64(run):
    p = tf.Variable(P0)
    y = tf.reduce_sum(tf.gather(p, tf.constant([0, 1], tf.int64))) + \
        tf.reduce_sum(tf.gather(p, tf.constant([1], tf.int32)))
    g = tf.gradients(y, p)[0]
    assert g.indices.dtype == tf.int64
    with tf.Session() as sess:
        sess.run(p.initializer)
        np.testing.assert_array_equal(sess.run(tf.convert_to_tensor(g)),
                                      [[1] * 3, [2] * 3, [0] * 3, [0] * 3, [0] * 3])


def test_sparse_gradient_densified_through_other_ops(run):
    """An IndexedSlices reaching an op whose gradient needs it dense (here a MatMul) works."""
    x = tf.constant(np.ones((5, 2), np.float32))
    a = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    p = tf.matmul(x, a)
    g = tf.gradients(tf.reduce_sum(tf.gather(p, [0, 3, 3])), x)[0]
    want = np.zeros((5, 3), np.float32)
    want[[0, 3]] = [[1, 1, 1], [2, 2, 2]]
    np.testing.assert_allclose(run(g), want @ np.arange(6).reshape(2, 3).T)


def test_gradient_through_cast_stays_sparse(run):
    p = tf.Variable(P0.astype(np.float64))
    y = tf.reduce_sum(tf.gather(tf.cast(p, tf.float32), [4, 4]))
    g = tf.gradients(y, p)[0]
    assert isinstance(g, tf.IndexedSlices) and g.dtype == tf.float64
    with tf.Session() as sess:
        sess.run(p.initializer)
        dense = sess.run(tf.convert_to_tensor(g))
    assert dense.dtype == np.float64
    np.testing.assert_array_equal(dense[4], [2, 2, 2])
    np.testing.assert_array_equal(dense[:4], 0)


def test_gather_in_while_loop_gradient(run):
    p = tf.constant(P0)

    def body(i, acc):
        return i + 1, acc + tf.reduce_sum(tf.gather(p, [i, i]))
    _, total = tf.while_loop(lambda i, acc: i < 3, body, [tf.constant(0), tf.constant(0.0)])
    g = tf.gradients(total, p)[0]
    want = np.zeros_like(P0)
    want[:3] = 2
    np.testing.assert_array_equal(run(tf.convert_to_tensor(g)), want)


def test_conversion_errors_and_warnings():
    v = tf.constant(np.ones((2, 3), np.float32))
    i = tf.constant([0, 1])
    with pytest.raises(ValueError, match="without dense_shape"):
        tf.convert_to_tensor(tf.IndexedSlices(v, i))
    with pytest.raises(ValueError, match="requested dtype float64 for IndexedSlices"):
        tf.convert_to_tensor(tf.IndexedSlices(v, i, tf.constant([4, 3])), dtype=tf.float64)
    shape = tf.placeholder(tf.int32, [2])
    with pytest.warns(UserWarning, match="unknown shape"):
        tf.convert_to_tensor(tf.IndexedSlices(v, i, shape))
    with pytest.warns(UserWarning, match="200000000 elements"):
        tf.convert_to_tensor(tf.IndexedSlices(v, i, tf.constant([200000000, 1])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tf.convert_to_tensor(tf.IndexedSlices(v, i, tf.constant([4, 3])))


def test_convert_to_tensor_or_indexed_slices(run):
    s = tf.IndexedSlices(tf.constant([[1.0, 2.0]]), tf.constant([1]), tf.constant([3, 2]))
    assert tf.convert_to_tensor_or_indexed_slices(s) is s
    with pytest.raises(ValueError, match="requested dtype int32"):
        tf.convert_to_tensor_or_indexed_slices(s, dtype=tf.int32)
    t = tf.convert_to_tensor_or_indexed_slices([1.0, 2.0], name="c")
    assert isinstance(t, tf.Tensor) and t.op.name == "c"
    np.testing.assert_array_equal(run(tf.convert_to_tensor(s)), [[0, 0], [1, 2], [0, 0]])
    np.testing.assert_array_equal(run(-s).values, [[-1, -2]])


def test_fetch_without_dense_shape_and_feed(run):
    vals = tf.placeholder(tf.float32, [None, 2])
    idx = tf.placeholder(tf.int64, [None])
    s = tf.IndexedSlices(vals, idx)
    out = run(s, {vals: [[1, 2]], idx: [3]})
    assert out.dense_shape is None
    np.testing.assert_array_equal(out.indices, [3])
    shape = tf.placeholder(tf.int64, [2])
    s2 = tf.IndexedSlices(vals, idx, shape)
    with pytest.warns(UserWarning):
        dense = tf.convert_to_tensor(s2)
    fed = run(dense, {s2: IndexedSlicesValue(np.ones((2, 2), np.float32), np.array([0, 0]),
                                             np.array([2, 2]))})
    np.testing.assert_array_equal(fed, [[2, 2], [0, 0]])


def test_clip_by_global_norm_and_global_norm_take_indexed_slices(run):
    p = tf.Variable(P0)
    q = tf.Variable(np.ones((2, 2), np.float32))
    y = tf.reduce_sum(tf.gather(p, IDS) * W) + tf.reduce_sum(q * 3.0)
    gp, gq = tf.gradients(y, [p, q])
    norm = tf.global_norm([gp, gq])
    clipped, n2 = tf.clip_by_global_norm([gp, gq], 1.0)
    assert isinstance(clipped[0], tf.IndexedSlices) and isinstance(clipped[1], tf.Tensor)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        nv, n2v, c0, c1 = sess.run([norm, n2, clipped[0], clipped[1]])
    # TF1 takes the norm of the slices' values (repeated rows count once each).
    want = np.sqrt(np.sum(W ** 2) + 4 * 9.0)
    np.testing.assert_allclose([nv, n2v], [want, want], rtol=1e-6)
    np.testing.assert_allclose(c0.values, W.reshape(4, 3) / want, rtol=1e-6)
    np.testing.assert_array_equal(c0.indices, IDS.reshape(-1))
    np.testing.assert_allclose(c1, np.full((2, 2), 3 / want), rtol=1e-6)


def test_variable_scatter_methods_take_indexed_slices():
    v = tf.Variable(P0, name="table")
    delta = tf.IndexedSlices(tf.constant(np.ones((3, 3), np.float32) * 2), tf.constant([0, 4, 0]))
    ops = {"add": v.scatter_add(delta), "sub": v.scatter_sub(delta),
           "update": v.scatter_update(tf.IndexedSlices(tf.constant([[7.0, 7, 7]]),
                                                       tf.constant([2]))),
           "mul": v.scatter_mul(delta), "div": v.scatter_div(delta),
           "max": v.scatter_max(delta), "min": v.scatter_min(delta)}
    assert ops["sub"].op.type == "ScatterSub" and ops["min"].op.type == "ScatterMin"
    add_want = P0.copy()
    add_want[[0, 4]] += [[4] * 3, [2] * 3]
    mul_want = P0.copy()
    mul_want[[0, 4]] *= [[4] * 3, [2] * 3]
    with tf.Session() as sess:
        for kind, want in (("add", add_want), ("sub", 2 * P0 - add_want),
                           ("mul", mul_want), ("max", np.where(
                               np.isin(np.arange(5), [0, 4])[:, None], np.maximum(P0, 2), P0))):
            sess.run(v.initializer)
            np.testing.assert_allclose(sess.run(ops[kind]), want, err_msg=kind)
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(ops["update"])[2], [7, 7, 7])
    with pytest.raises(TypeError, match="sparse_delta is not IndexedSlices.*table"):
        v.scatter_add(tf.constant(P0))
