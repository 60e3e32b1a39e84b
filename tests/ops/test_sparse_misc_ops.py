"""edit_distance, string_split, serialize/deserialize_many_sparse, tf.sparse.bincount,
tf.sparse.cross/cross_hashed, sparse_matmul and convert_to_tensor_or_sparse_tensor against
NumPy/Python references and values written by TensorFlow itself."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf


def _run(x, feed=None):
    with tf.Session() as s:
        return s.run(x, feed)


def _lev(a, b):
    d = np.arange(len(b) + 1)
    for i, x in enumerate(a, 1):
        prev, d[0] = d.copy(), i
        for j, y in enumerate(b, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (x != y))
    return int(d[-1])


def _sparse_of_rows(rows, dtype=None):
    ind = [[i, j] for i, r in enumerate(rows) for j in range(len(r))]
    vals = [v for r in rows for v in r]
    width = max((len(r) for r in rows), default=0)
    return tf.SparseTensor(np.array(ind, np.int64).reshape(-1, 2),
                           np.array(vals, dtype) if dtype else vals, [len(rows), width])


@pytest.mark.parametrize("normalize", [True, False])
def test_edit_distance_matches_levenshtein(normalize):
    hyp = [["a", "b", "c"], ["x"], [], ["k", "i", "t", "t", "e", "n"]]
    tru = [["a", "c"], [], [], ["s", "i", "t", "t", "i", "n", "g"]]
    d = tf.edit_distance(_sparse_of_rows(hyp), _sparse_of_rows(tru), normalize=normalize)
    assert d.op.type == "EditDistance" and d.name == "edit_distance:0" and d.dtype == tf.float32
    r = _run(d)
    want = []
    for h, t in zip(hyp, tru):
        e = _lev(h, t)
        want.append(e / len(t) if normalize and t else (np.inf if normalize and h else
                                                          (0.0 if normalize else e)))
    np.testing.assert_allclose(r, want)
    with pytest.raises(TypeError, match="Hypothesis must be a SparseTensor"):
        tf.edit_distance(tf.constant([1]), _sparse_of_rows(tru))


def test_edit_distance_output_shape_is_larger_leading_shape():
    h = tf.SparseTensor([[0, 0, 0], [1, 1, 0], [1, 1, 1]], [1, 2, 3], [2, 2, 2])
    t = tf.SparseTensor([[0, 1, 0], [1, 1, 0]], [1, 2], [2, 2, 1])
    np.testing.assert_allclose(_run(tf.edit_distance(h, t)), [[np.inf, 1.0], [0.0, 1.0]])


def test_string_split_tf1_semantics():
    src = ["a b  c", "", "d", "e,f g"]
    sp = tf.string_split(src)
    assert sp.indices.op.type == "StringSplit"
    assert sp.indices.name == "StringSplit/StringSplit:0"
    r = _run(sp)
    toks = [[t for t in s.split(" ") if t] for s in src]
    np.testing.assert_array_equal(r.dense_shape, [4, max(len(t) for t in toks)])
    assert list(r.values) == [t.encode() for row in toks for t in row]
    np.testing.assert_array_equal(r.indices, [[i, j] for i, row in enumerate(toks)
                                              for j in range(len(row))])
    keep = _run(tf.string_split(src, skip_empty=False))
    assert list(keep.values) == [b"a", b"b", b"", b"c", b"d", b"e,f", b"g"]   # "" gives none
    multi = _run(tf.string_split(src, delimiter=" ,"))
    assert list(multi.values[-3:]) == [b"e", b"f", b"g"]
    chars = _run(tf.string_split(["ab", "c"], sep=""))
    assert list(chars.values) == [b"a", b"b", b"c"]
    with pytest.raises(ValueError, match="StringSplit: input must be a vector"):
        tf.string_split([["a"]])
    with pytest.raises(NotImplementedError, match="RaggedTensor"):
        tf.string_split(src, result_type="RaggedTensor")


# Serialized by TensorFlow 2.21 (tf.compat.v1.serialize_sparse of the tensor below).
TF_SERIALIZED = [
    b'\x08\t\x12\x08\x12\x02\x08\x03\x12\x02\x08\x02"0' + np.array(
        [[0, 1], [2, 0], [2, 2]], "<i8").tobytes(),
    b'\x08\x01\x12\x04\x12\x02\x08\x03"\x0c' + np.array([3, -1, 5], "<f4").tobytes(),
    b'\x08\t\x12\x04\x12\x02\x08\x02"\x10' + np.array([3, 4], "<i8").tobytes()]


def test_serialize_sparse_is_tf1s_format():
    sp = tf.SparseTensor([[0, 1], [2, 0], [2, 2]], [3., -1., 5.], [3, 4])
    s = tf.serialize_sparse(sp)
    assert s.op.type == "SerializeSparse" and s.shape.as_list() == [3]
    assert list(_run(s)) == TF_SERIALIZED
    assert tf.io.serialize_sparse is tf.serialize_sparse


@pytest.mark.parametrize("values,dtype", [([3., -1., 5., 7.], tf.float32),
                                          (["ab", "", "c", "dé"], tf.string),
                                          (np.array([1, 2, 3, 4], np.int64), tf.int64)])
def test_serialize_many_round_trip(values, dtype):
    ind = np.array([[0, 1], [2, 0], [2, 2], [3, 0]], np.int64)
    sp = tf.SparseTensor(ind, values, [5, 4])
    ser = tf.serialize_many_sparse(sp)
    assert ser.op.type == "SerializeManySparse"
    back = tf.deserialize_many_sparse(ser, dtype, rank=2)
    assert back.indices.op.type == "DeserializeManySparse"
    assert back.indices.shape.as_list() == [None, 2]
    s, r = _run([ser, back])
    assert s.shape == (5, 3)
    np.testing.assert_array_equal(r.indices, ind)
    want = [v.encode() if isinstance(v, str) else v for v in values]
    assert list(r.values) == list(want)
    # The dense shape's other dimensions are the largest per-row extents (all rows share [4]).
    np.testing.assert_array_equal(r.dense_shape, [5, 4])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="DeserializeManySparse: requested SparseTensor of type int32"):
        _run(tf.deserialize_many_sparse(ser, tf.int32))


def test_bincount_dense_sparse_and_options():
    v = np.array([[1, 2, 2, 5], [3, 3, 0, 0]], np.int64)
    def dense(x):
        x = _run(x)
        d = np.zeros(x.dense_shape, x.values.dtype)
        d[tuple(x.indices.T)] = x.values
        return d
    out = tf.sparse.bincount(v)
    assert out.indices.op.type == "DenseCountSparseOutput"
    assert out.indices.name == "count/DenseCountSparseOutput:0"
    np.testing.assert_array_equal(dense(out), np.bincount(v.ravel()))
    rows = dense(tf.sparse.bincount(v, axis=-1))
    np.testing.assert_array_equal(rows, [np.bincount(r, minlength=6) for r in v])
    np.testing.assert_array_equal(dense(tf.sparse.bincount(v, axis=-1, binary_output=True)),
                                  rows > 0)
    w = np.arange(8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_allclose(dense(tf.sparse.bincount(v, weights=w, axis=-1)),
                               [np.bincount(r, wr, minlength=6) for r, wr in zip(v, w)])
    np.testing.assert_array_equal(dense(tf.sparse.bincount(np.array([1, 1, 4], np.int32),
                                                           maxlength=3)), [0, 2, 0])
    sp = tf.SparseTensor([[0, 0], [1, 1]], np.array([3, 1], np.int64), [2, 2])
    sd = tf.sparse.bincount(sp, axis=-1, minlength=5)
    assert sd.indices.op.type == "SparseCountSparseOutput"
    np.testing.assert_array_equal(dense(sd), [[0, 0, 0, 1, 0], [0, 1, 0, 0, 0]])
    with pytest.raises(ValueError, match="sparse.bincount: unsupported axis value 1"):
        tf.sparse.bincount(v, axis=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        _run(tf.sparse.bincount(np.array([-1, 2], np.int64)))


def test_cross_strings_and_ints():
    a = tf.SparseTensor([[0, 0], [1, 0], [1, 1]], ["a", "b", "c"], [2, 2])
    c = tf.sparse.cross([a, tf.constant([["x"], ["y"]])])
    assert c.indices.op.type == "SparseCrossV2"
    r = _run(c)
    assert list(r.values) == [b"a_X_x", b"b_X_y", b"c_X_y"]
    np.testing.assert_array_equal(r.indices, [[0, 0], [1, 0], [1, 1]])
    ints = tf.SparseTensor([[0, 0], [1, 0], [1, 1]], np.array([1, 2, 3], np.int64), [2, 2])
    r2 = _run(tf.sparse.cross([ints, tf.constant([["x", "z"], ["y", "w"]])], separator="+"))
    assert list(r2.values) == [b"1+x", b"1+z", b"2+y", b"2+w", b"3+y", b"3+w"]
    with pytest.raises(TypeError, match="sparse.cross: inputs must hold int64 or string"):
        tf.sparse.cross([tf.constant([[1.0]])])


def test_cross_hashed_matches_tensorflow():
    pytest.importorskip("farmhash")
    ints = tf.SparseTensor([[0, 0], [1, 0], [1, 1]], np.array([1, 2, 3], np.int64), [2, 2])
    h = tf.sparse.cross_hashed([ints, tf.constant([["x"], ["y"]])])
    h2 = tf.sparse.cross_hashed([tf.constant([["x"], ["y"]]), tf.constant([["a"], ["b"]])],
                                num_buckets=10)
    h3 = tf.sparse.cross_hashed([tf.constant([[5], [6]], tf.int64), tf.constant([["x"], ["y"]])],
                                num_buckets=1000, hash_key=7)
    assert h.indices.op.type == "SparseCross"
    r, r2, r3 = _run([h, h2, h3])
    # Values computed by TensorFlow 2.21 (tf.compat.v1.sparse.cross_hashed) on these inputs.
    assert r.values.tolist() == [854275097015501859, 3006502044339696797, 7264420386008829588]
    assert r2.values.tolist() == [7, 0] and r3.values.tolist() == [974, 940]


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_sparse_matmul(ta, tb):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 4) if not ta else (4, 3)).astype(np.float32)
    b = rng.normal(size=(4, 2) if not tb else (2, 4)).astype(np.float32)
    m = tf.sparse_matmul(a, b, transpose_a=ta, transpose_b=tb, a_is_sparse=True)
    assert m.op.type == "SparseMatMul" and m.shape.as_list() == [3, 2]
    want = (a.T if ta else a) @ (b.T if tb else b)
    np.testing.assert_allclose(_run(m), want, rtol=1e-5)
    with pytest.raises(TypeError, match="Input 'a' of 'SparseMatMul' Op has type float64"):
        tf.sparse_matmul(tf.constant(np.ones([2, 2])), np.ones([2, 2], np.float32))


def test_convert_to_tensor_or_sparse_tensor():
    v = tf.SparseTensorValue(np.array([[0]], np.int64), np.array([1.0], np.float32),
                             np.array([2], np.int64))
    sp = tf.convert_to_tensor_or_sparse_tensor(v)
    assert isinstance(sp, tf.SparseTensor)
    assert tf.convert_to_tensor_or_sparse_tensor(sp) is sp
    with pytest.raises(ValueError, match="Sparse dtype: requested = int32, actual = float32"):
        tf.convert_to_tensor_or_sparse_tensor(sp, dtype=tf.int32)
    t = tf.convert_to_tensor_or_sparse_tensor([1, 2])
    assert t.dtype == tf.int32 and t.op.type == "Const"
