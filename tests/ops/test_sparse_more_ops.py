"""The rest of `tf.sparse` (ops/sparse_more_ops.py) against dense NumPy references: add,
concat, reshape, slice, split, softmax, reductions, fill_empty_rows, maximum/minimum,
retain, reset_shape, transpose, expand_dims, eye, from_dense, merge, to_indicator and the
sparse * dense operators; TF1's op types, names, static shapes and errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf


def _rand_sparse(shape, density=0.4, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    dense = rng.uniform(-2, 2, size=shape).astype(dtype)
    dense[rng.uniform(size=shape) > density] = 0
    ind = np.argwhere(dense != 0).astype(np.int64)
    return dense, ind, dense[tuple(ind.T)]


def _sp(dense_ind_val, shape):
    _, ind, val = dense_ind_val
    return tf.SparseTensor(ind, val, list(shape))


def _run(x, feed=None):
    with tf.Session() as s:
        return s.run(x, feed)


def _to_dense(v):
    d = np.zeros(tuple(v.dense_shape), v.values.dtype)
    if np.size(v.dense_shape) == 0:   # a scalar: at most one entry
        return np.asarray(v.values.sum(), v.values.dtype)
    d[tuple(np.asarray(v.indices).T)] = v.values
    return d


def _is_row_major(ind):
    if len(ind) < 2:
        return True
    lin = np.ravel_multi_index(ind.T, ind.max(axis=0) + 1)
    return bool(np.all(np.diff(lin) > 0))


def test_add_sparse_sparse_matches_dense_sum_and_drops_small_sums():
    a, b = _rand_sparse([4, 5], seed=1), _rand_sparse([4, 5], seed=2)
    s = tf.sparse.add(_sp(a, [4, 5]), _sp(b, [4, 5]))
    assert s.indices.op.type == "SparseAdd" and s.indices.op.name == "SparseAdd"
    assert s.shape.as_list() == [4, 5]
    r = _run(s)
    np.testing.assert_allclose(_to_dense(r), a[0] + b[0], rtol=1e-6)
    assert _is_row_major(r.indices) and r.values.dtype == np.float32
    # A summed entry below the threshold is dropped; single entries are kept.
    x = tf.SparseTensor([[0, 0], [1, 1]], [1.0, 0.1], [2, 2])
    y = tf.SparseTensor([[0, 0], [1, 0]], [-0.9, 0.05], [2, 2])
    r = _run(tf.sparse_add(x, y, thresh=0.5))
    np.testing.assert_array_equal(r.indices, [[1, 0], [1, 1]])
    np.testing.assert_allclose(r.values, [0.05, 0.1])


def test_add_sparse_dense_gives_dense():
    a = _rand_sparse([3, 4], seed=3)
    d = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = tf.sparse.add(d, _sp(a, [3, 4]))
    assert out.op.type == "SparseTensorDenseAdd" and out.shape.as_list() == [3, 4]
    np.testing.assert_allclose(_run(out), a[0] + d)


def test_add_errors():
    a = tf.SparseTensor([[0, 0]], [1.0], [2, 2])
    b = tf.SparseTensor([[0, 0]], [1.0], [2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="SparseAdd.*shapes do not match"):
        _run(tf.sparse.add(a, b))
    with pytest.raises(TypeError, match="sparse_add: at least one"):
        tf.sparse.add(tf.constant(1.0), tf.constant(2.0))
    with pytest.raises(TypeError, match="SparseAdd"):
        tf.sparse.add(a, tf.SparseTensor([[0, 0]], [1], [2, 2]))


def test_concat_along_each_axis_and_expand_nonconcat_dim():
    a, b = _rand_sparse([2, 3], seed=4), _rand_sparse([2, 2], seed=5)
    c = tf.sparse.concat(1, [_sp(a, [2, 3]), _sp(b, [2, 2])])
    assert c.indices.op.type == "SparseConcat" and c.shape.as_list() == [2, 5]
    r = _run(c)
    np.testing.assert_array_equal(_to_dense(r), np.concatenate([a[0], b[0]], 1))
    assert _is_row_major(r.indices)
    c0 = tf.sparse_concat(0, [_sp(a, [2, 3]), _sp(b, [2, 2])], expand_nonconcat_dim=True)
    r0 = _run(c0)
    want = np.zeros([4, 3], np.float32)
    want[:2, :3], want[2:, :2] = a[0], b[0]
    np.testing.assert_array_equal(_to_dense(r0), want)
    with pytest.raises(tf.errors.InvalidArgumentError, match="SparseConcat.*does not match"):
        _run(tf.sparse.concat(0, [_sp(a, [2, 3]), _sp(b, [2, 2])]))


def test_reshape_matches_numpy_and_infers_minus_one():
    a = _rand_sparse([2, 3, 4], seed=6)
    r = tf.sparse.reshape(_sp(a, [2, 3, 4]), [-1, 6])
    assert r.indices.op.type == "SparseReshape" and r.shape.as_list() == [4, 6]
    np.testing.assert_array_equal(_to_dense(_run(r)), a[0].reshape(4, 6))
    with pytest.raises(ValueError, match="sparse_reshape: cannot reshape"):
        tf.sparse.reshape(_sp(a, [2, 3, 4]), [5, 5])
    shape = tf.placeholder(tf.int64, [2])
    dyn = tf.sparse_reshape(_sp(a, [2, 3, 4]), shape)
    with pytest.raises(tf.errors.InvalidArgumentError, match="SparseReshape.*cannot reshape"):
        _run(dyn, {shape: [5, 5]})
    np.testing.assert_array_equal(_to_dense(_run(dyn, {shape: [3, 8]})), a[0].reshape(3, 8))


def test_slice_clips_to_the_bounds():
    a = _rand_sparse([4, 5], seed=7, density=0.7)
    r = _run(tf.sparse.slice(_sp(a, [4, 5]), [1, 2], [10, 2]))
    np.testing.assert_array_equal(r.dense_shape, [3, 2])
    np.testing.assert_array_equal(_to_dense(r), a[0][1:, 2:4])


def test_split_uneven_pieces_first_longer():
    a = _rand_sparse([3, 7], seed=8, density=0.6)
    parts = tf.sparse.split(sp_input=_sp(a, [3, 7]), num_split=3, axis=1)
    assert [p.indices.op.type for p in parts] == ["SparseSplit"] * 3
    rs = _run(parts)
    for r, want in zip(rs, np.array_split(a[0], 3, axis=1)):
        np.testing.assert_array_equal(_to_dense(r), want)
    with pytest.raises(ValueError, match="sparse_split: keyword arguments"):
        tf.sparse.split(_sp(a, [3, 7]), 3, 1)


def test_softmax_over_present_entries_of_each_row():
    a = _rand_sparse([2, 3, 4], seed=9, density=0.6)
    out = tf.sparse.softmax(_sp(a, [2, 3, 4]))
    assert out.values.op.type == "SparseSoftmax"
    assert out.values.op.name == "SparseSoftmax/SparseSoftmax"
    r = _run(out)
    dense, ind, _ = a
    want = np.zeros_like(dense)
    for i in range(2):
        for j in range(3):
            m = dense[i, j] != 0
            if m.any():
                e = np.exp(dense[i, j][m] - dense[i, j][m].max())
                want[i, j][m] = e / e.sum()
    np.testing.assert_allclose(_to_dense(r), want, rtol=1e-5)
    assert r.values.dtype == np.float32


@pytest.mark.parametrize("axis,keep", [(None, False), (0, False), (1, True), ([0, 2], False),
                                       (-1, True)])
def test_reduce_max_and_sparse_variants(axis, keep):
    a = _rand_sparse([3, 2, 4], seed=10, density=0.5)
    dense, ind, val = a
    present = np.where(dense != 0, dense, -np.inf)
    want = np.max(present, axis=tuple(np.atleast_1d(axis)) if axis is not None else None,
                  keepdims=keep)
    want = np.where(np.isinf(want), 0, want).astype(np.float32)
    sp = _sp(a, [3, 2, 4])
    out = tf.sparse.reduce_max(sp, axis=axis, keepdims=keep)
    assert out.op.type == "SparseReduceMax" and out.shape.as_list() == list(np.shape(want))
    np.testing.assert_allclose(_run(out), want)
    r = _run(tf.sparse.reduce_max_sparse(sp, axis=axis, keepdims=keep))
    np.testing.assert_allclose(_to_dense(r), want)
    rs = _run(tf.sparse.reduce_sum_sparse(sp, axis=axis, keepdims=keep))
    want_sum = np.sum(dense, axis=tuple(np.atleast_1d(axis)) if axis is not None else None,
                      keepdims=keep)
    np.testing.assert_allclose(_to_dense(rs), want_sum, rtol=1e-5)


def test_reduce_axis_error_names_op():
    sp = tf.SparseTensor([[0, 0]], [1.0], [2, 2])
    with pytest.raises(ValueError, match="SparseReduceMax: axis 3"):
        tf.sparse.reduce_max(sp, 3)


def test_fill_empty_rows_and_indicator():
    sp = tf.SparseTensor([[0, 1], [3, 0], [3, 2]], [3.0, -1.0, 5.0], [5, 3])
    out, empty = tf.sparse.fill_empty_rows(sp, -7.0)
    assert out.indices.op.name == "SparseFillEmptyRows/SparseFillEmptyRows"
    r, e = _run([out, empty])
    np.testing.assert_array_equal(r.indices, [[0, 1], [1, 0], [2, 0], [3, 0], [3, 2], [4, 0]])
    np.testing.assert_array_equal(r.values, [3, -7, -7, -1, 5, -7])
    np.testing.assert_array_equal(e, [False, True, True, False, True])
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype int32"):
        tf.sparse_fill_empty_rows(sp, tf.constant(1, tf.int32))


@pytest.mark.parametrize("fn,np_fn", [(tf.sparse.maximum, np.maximum),
                                      (tf.sparse.minimum, np.minimum)])
def test_maximum_minimum_count_missing_as_zero(fn, np_fn):
    a, b = _rand_sparse([3, 4], seed=11), _rand_sparse([3, 4], seed=12)
    out = fn(_sp(a, [3, 4]), _sp(b, [3, 4]))
    r = _run(out)
    np.testing.assert_array_equal(_to_dense(r), np_fn(a[0], b[0]))
    assert _is_row_major(r.indices)


def test_retain_reset_shape_transpose_expand_dims():
    a = _rand_sparse([3, 4], seed=13, density=0.6)
    sp = _sp(a, [3, 4])
    keep = np.arange(len(a[2])) % 2 == 0
    r = _run(tf.sparse.retain(sp, keep))
    np.testing.assert_array_equal(r.indices, a[1][keep])
    np.testing.assert_array_equal(r.values, a[2][keep])
    with pytest.raises(ValueError, match="sparse_retain: to_retain has 2"):
        tf.sparse_retain(sp, [True, False])
    np.testing.assert_array_equal(_run(tf.sparse.reset_shape(sp, [5, 6])).dense_shape, [5, 6])
    np.testing.assert_array_equal(_run(tf.sparse.reset_shape(sp)).dense_shape,
                                  a[1].max(axis=0) + 1)
    empty = tf.SparseTensor(np.zeros([0, 2], np.int64), np.zeros([0], np.float32), [3, 4])
    np.testing.assert_array_equal(_run(tf.sparse.reset_shape(empty)).dense_shape, [0, 0])
    with pytest.raises(ValueError, match="sparse_reset_shape: new_shape"):
        tf.sparse.reset_shape(sp, [2, 4])
    t = tf.sparse.transpose(sp)
    assert t.shape.as_list() == [4, 3] and t.indices.op.type == "SparseReorder"
    rt = _run(t)
    np.testing.assert_array_equal(_to_dense(rt), a[0].T)
    assert _is_row_major(rt.indices)
    e = _run(tf.sparse.expand_dims(sp, -1))
    np.testing.assert_array_equal(_to_dense(e), a[0][..., None])
    e0 = _run(tf.sparse.expand_dims(sp, 0))
    np.testing.assert_array_equal(_to_dense(e0), a[0][None])


def test_eye_from_dense_merge_to_indicator():
    np.testing.assert_array_equal(_to_dense(_run(tf.sparse.eye(3, 4, dtype=tf.float64))),
                                  np.eye(3, 4))
    d = np.array([[0, 2, 0], [1, 0, 3]], np.int32)
    s = tf.sparse.from_dense(d)
    r = _run(s)
    assert r.values.dtype == np.int32
    np.testing.assert_array_equal(_to_dense(r), d)
    strings = _run(tf.sparse.from_dense(np.array([b"a", b"", b"c"], object)))
    np.testing.assert_array_equal(strings.indices, [[0], [2]])
    assert list(strings.values) == [b"a", b"c"]
    ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], np.array([4, 1, 2], np.int64), [2, 2])
    vals = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [0.5, 1.5, 2.5], [2, 2])
    m = _run(tf.sparse.merge(ids, vals, 5))
    want = np.zeros([2, 5], np.float32)
    want[0, 4], want[0, 1], want[1, 2] = 0.5, 1.5, 2.5
    np.testing.assert_array_equal(_to_dense(m), want)
    ind = _run(tf.sparse.to_indicator(ids, 5))
    np.testing.assert_array_equal(ind, want != 0)
    with pytest.raises(TypeError, match="sparse_to_indicator"):
        tf.sparse.to_indicator(vals, 5)


def test_sparse_dense_operators_broadcast():
    a = _rand_sparse([2, 3], seed=14, density=0.8)
    sp = _sp(a, [2, 3])
    d = np.array([1.0, 2.0, 4.0], np.float32)
    m, q = sp * d, sp / d
    assert m.values.op.type == "SparseDenseCwiseMul" and q.values.op.type == "SparseDenseCwiseDiv"
    rm, rq = _run([m, q])
    np.testing.assert_allclose(_to_dense(rm), a[0] * d)
    np.testing.assert_allclose(_to_dense(rq), a[0] / d)
    with pytest.raises(tf.errors.InvalidArgumentError, match="SparseDenseCwiseMul.*broadcast"):
        _run(sp * np.ones([4], np.float32))


def test_gradients_reach_the_values():
    v = tf.constant([1.0, 2.0, 3.0])
    sp = tf.SparseTensor([[0, 0], [1, 1], [2, 0]], v, [3, 2])
    total = tf.reduce_sum(tf.sparse.to_dense(tf.sparse.add(sp, sp)))
    g, = tf.gradients(total, [v])
    np.testing.assert_allclose(_run(g), [2.0, 2.0, 2.0])
    mx = tf.sparse.maximum(sp, sp)
    assert tf.gradients(tf.reduce_sum(mx.values), [v]) == [None]


def test_mask_drops_the_masked_slices_of_indexed_slices():
    vals = np.arange(8, dtype=np.float32).reshape(4, 2)
    a = tf.IndexedSlices(tf.constant(vals), tf.constant([12, 26, 37, 45]), tf.constant([50, 2]))
    m = tf.sparse.mask(a, [12, 45])
    assert tf.sparse_mask is tf.sparse.mask
    assert isinstance(m, tf.IndexedSlices) and m.values.name == "sparse_mask:0"
    assert m.indices.op.type == "ListDiff"
    v, i, s = _run([m.values, m.indices, m.dense_shape])
    keep = ~np.isin([12, 26, 37, 45], [12, 45])
    np.testing.assert_array_equal(v, vals[keep])
    np.testing.assert_array_equal(i, np.array([12, 26, 37, 45])[keep])
    np.testing.assert_array_equal(s, [50, 2])
    with pytest.raises(TypeError, match="sparse_mask: a must be a tf.IndexedSlices"):
        tf.sparse.mask(tf.constant(vals), [1])


def test_fed_sparse_placeholder_runs_through_the_ops():
    p = tf.sparse_placeholder(tf.float32)
    a, r = tf.sparse.add(p, p), tf.sparse.reshape(p, [-1])
    sm, mx = tf.sparse.softmax(p), tf.sparse.reduce_max(p, 1)
    dense = np.array([[0, 1.0, 0], [2.0, 0, -3.0]], np.float32)
    ind = np.argwhere(dense != 0)
    feed = {p: tf.SparseTensorValue(ind, dense[tuple(ind.T)], np.array(dense.shape))}
    ra, rr, rs, rm = _run([a, r, sm, mx], feed)
    np.testing.assert_array_equal(_to_dense(ra), 2 * dense)
    np.testing.assert_array_equal(_to_dense(rr), dense.reshape(-1))
    np.testing.assert_allclose(rs.values, [1.0, 1 / (1 + np.exp(-5.0)), 1 / (1 + np.exp(5.0))],
                               rtol=1e-6)
    np.testing.assert_array_equal(rm, [1.0, 2.0])
